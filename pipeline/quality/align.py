"""Align an existing translation to its source: blocks first, then sentences.

Both files are segmented. Their blocks (paragraphs, list items, cells, headings, front-matter
values) are aligned as two sequences by dynamic programming, in the spirit of Gale and Church:
a pair costs more the less the two blocks look alike (kind of block, URLs, numbers and names
they carry, relative length), a source block may go unmatched (missing) or a translation block
(extra: a translator's note, a table of contents), and up to three blocks may pair with one, or two with two (paragraphs
merged or split by the translator). Inside a matched pair sentences pair one to one when the
counts agree; otherwise the whole pair is one unit. The result is a Document of source units
whose ``target`` is the human text, ready for the checks.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from pipeline.document.record import Document, Segment, Span, SpanKind, line_of
from pipeline.lang.detect import count_letters
from pipeline.terms.protect import mask

_URL = re.compile(r"(?:https?://|www\.|mailto:)[^\s<>()\[\]\"'`]+[^\s<>()\[\]\"'`.,;:!?]")
_INDEX = re.compile(r"\[\d+\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"(?<![^\W\d_])(?=[A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*[A-Z0-9])[A-Za-z][A-Za-z0-9-]+")  # NLP, BERT, GPT-2, TensorFlow
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_COMMON_WORD = re.compile(r"(?<![^\W\d_])[a-zà-ÿ][^\W\d_]{2,}")
_SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*[.、)]?\s*")  # "1.5 ", "2、": a translation's own numbering of headings
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_MARKER = re.compile(r"\[(\d{1,3})\](?!\()")
# an entry of a list of numbered references ("[3] **Title:** https://..."), the way some adaptations
# (the WeChat ones) turn inline links into "[3]" markers; it has no counterpart block in the source
REFERENCE_ENTRY = re.compile(r"^[ \t>*-]*\[(\d{1,3})\](?!\()[^\n]*?((?:https?://|www\.)[^\s<>()\[\]\"'`]+[^\s<>()\[\]\"'`.,;:!?])", re.M)

SKIP = 3.0  # cost of leaving one block unmatched (missing or extra)
MERGE = 1.0  # extra cost of each block joined to another in a pair
COPY = 2.0  # extra cost of pairing a translation block that is a verbatim copy of a source block
URLS = 3.0  # weight of the URL difference (the strongest anchor there is)
DISJOINT = 2.0  # extra cost when both blocks have URLs and share none
KIND = 1.5  # cost of pairing blocks of different kinds (a heading with a list item)
SENTENCES = 0.5  # cost of pairing blocks whose sentence counts differ
ANCHORS = 1.0  # weight of the difference in numbers, names and code
LENGTH = 1.0  # weight of |log| of the length ratio against the document's ratio
BAND = 100  # blocks beyond the diagonal (plus the count difference) that are considered
TITLE = 80  # characters up to which a block copied verbatim is a kept title, paired with its source
MEASURED = 20  # letters a block needs for its length ratio to count in the language pair's ratio


@dataclass
class Unit:
    """The segments of one innermost block, and what the aligner compares blocks by."""

    path: str
    segments: list[Segment]
    text: str = ""  # the block's text from its first segment to its last
    lines: str = ""  # the whole lines it is on, with the markup around it (a caption's link)
    cited: tuple[str, ...] = ()  # URLs its numbered-reference markers ("[3]") stand for

    @cached_property
    def prose(self) -> str:
        """The block's segments without their markup spans."""
        return " ".join(_without_spans(s) for s in self.segments)

    @cached_property
    def kind(self) -> str:
        return _INDEX.sub("", self.path)

    @cached_property
    def links(self) -> Counter[str]:
        return Counter(_normal_url(url) for url in _URL.findall(self.lines) + list(self.cited))

    @cached_property
    def urls(self) -> frozenset[str]:
        return frozenset(self.links)

    @cached_property
    def anchors(self) -> frozenset[str]:
        """Numbers, acronyms and camel-case names, code spans: what survives translation."""
        code = {span.text for s in self.segments for span in s.spans if span.kind == SpanKind.ATOMIC and span.text.startswith("`")}
        return frozenset(code | set(_NAME.findall(self.prose)) | {re.sub(r"\D", "", n) for n in _NUMBER.findall(self.prose)})

    @cached_property
    def size(self) -> int:
        """Length in letters, CJK characters counting twice (they carry about two letters' worth)."""
        return count_letters(self.prose) + len(_CJK.findall(self.prose))

    @cached_property
    def key(self) -> str:
        """The prose, case-folded, when it has enough words to be called a copy of another block."""
        prose = _SECTION_NUMBER.sub("", self.prose)
        return " ".join(prose.casefold().split()) if len(_COMMON_WORD.findall(prose)) >= 3 else ""


@dataclass
class Group:
    """Up to three consecutive units of one side, as they are compared."""

    units: list[Unit]

    @cached_property
    def kinds(self) -> frozenset[str]:
        return frozenset(u.kind for u in self.units)

    @cached_property
    def links(self) -> Counter[str]:
        return sum((u.links for u in self.units), Counter())

    @cached_property
    def urls(self) -> frozenset[str]:
        return frozenset(self.links)

    @cached_property
    def anchors(self) -> frozenset[str]:
        return frozenset().union(*(u.anchors for u in self.units))

    @cached_property
    def size(self) -> int:
        return sum(u.size for u in self.units)


@dataclass
class Alignment:
    """Source units with the translation's text as target, and where each target sits."""

    document: Document  # the source text with aligned units as segments
    target_lines: dict[int, int] = field(default_factory=dict)  # unit index -> line in the translation
    missing: list[Segment] = field(default_factory=list)  # source units with no counterpart (target None)
    extra: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of translation blocks with no source
    # unit index -> (the whole source lines of its block(s), the whole translation lines paired with
    # them, HTML comments blanked): where a check that missed something in one sentence looks again
    contexts: dict[int, tuple[str, str]] = field(default_factory=dict)


def _normal_url(url: str) -> str:
    """A URL as the aligner compares it: no scheme, no www., no trailing slash, host in lower case."""
    url = re.sub(r"^(?:https?://|mailto:)?(?:www\.)?", "", url)
    host, _, path = url.partition("/")
    return f"{host.lower()}/{path}".rstrip("/")


def _without_spans(segment: Segment) -> str:
    """The segment's text without its markup (glossary terms stay: names anchor the alignment)."""
    pieces, cursor = [], 0
    for span in sorted((s for s in segment.spans if s.kind != SpanKind.TERM), key=lambda s: s.start):
        pieces.append(segment.source[cursor : span.start])
        cursor = max(cursor, span.end)
    pieces.append(segment.source[cursor:])
    return " ".join("".join(pieces).split())


def without_comments(text: str) -> str:
    """``text`` with its HTML comments (the bilingual convention keeps the source in them) blanked, lines kept."""
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), text)


def is_reference_entry(unit: Unit) -> bool:
    """A one-line block of a list of numbered references: "[3] **Title:** https://..."."""
    return "\n" not in unit.lines.strip() and bool(REFERENCE_ENTRY.match(unit.lines))


def _titles_references(units: list[Unit], k: int) -> bool:
    """A short line without links right before the first entry of a reference list: its title ("References")."""
    unit = units[k]
    return k + 1 < len(units) and is_reference_entry(units[k + 1]) and not (k and is_reference_entry(units[k - 1])) and not unit.urls and len(unit.prose) <= 40


def _units(document: Document) -> list[Unit]:
    units: list[Unit] = []
    for segment in document.segments:
        if units and units[-1].path == segment.block:
            units[-1].segments.append(segment)
        else:
            units.append(Unit(segment.block, [segment]))
    text = document.text
    plain = without_comments(text)
    for unit in units:
        start, end = unit.segments[0].start, unit.segments[-1].end
        unit.text = text[start:end]
        unit.lines = plain[plain.rfind("\n", 0, start) + 1 : plain.find("\n", end) % (len(plain) + 1)]
    return units


def _difference(a: frozenset[str], b: frozenset[str]) -> float:
    """1 - Jaccard similarity; 0 when both are empty."""
    union = a | b
    return 1 - len(a & b) / len(union) if union else 0.0


def _skew(s_size: int, t_size: int, ratio: float) -> float:
    """How far the length ratio of a pair is from the document's (0: as expected)."""
    return abs(math.log((t_size + 10) / ((s_size + 10) * ratio)))


def _pair_cost(s: Group, t: Group, ratio: float, copies: frozenset[str]) -> float:
    if any(k.startswith("front_matter") for k in s.kinds ^ t.kinds):
        return math.inf  # a front-matter value is the same key's, or missing
    if len(s.units) == len(t.units) == 1 and s.units[0].key == t.units[0].key and 0 < len(s.units[0].key) <= TITLE:
        return 0.0  # a title kept as in the source (the translation's numbering aside): the surest pair
    cost = URLS * _difference(s.urls, t.urls) + ANCHORS * _difference(s.anchors, t.anchors)
    joined = len(s.units) + len(t.units) - 2
    if s.urls and t.urls and not s.urls & t.urls:
        if joined:
            return math.inf  # blocks are joined on evidence, never against it
        cost += DISJOINT
    if not s.kinds & t.kinds:
        cost += KIND
        if bool(s.urls) != bool(t.urls):  # another kind of block, and the links of one side nowhere: weak evidence
            cost += DISJOINT
    skew = _skew(s.size, t.size, ratio)
    cost += LENGTH * min(3.0, skew)
    if any(u.key in copies for u in t.units if u.key):
        if joined:
            return math.inf  # a copy of the source is never half of a translated pair: it is left extra
        cost += COPY
    uneven = abs(sum(len(u.segments) for u in s.units) - sum(len(u.segments) for u in t.units))
    if uneven:
        cost += SENTENCES
    if joined and uneven and not _joining_believed(s, t, uneven, skew, ratio):
        return math.inf
    return cost + MERGE * joined


def _joining_believed(s: Group, t: Group, uneven: int, skew: float, ratio: float) -> bool:
    """Evidence for joined blocks whose sentences do not pair up. The links must be the same, and
    each block have some, or the sentences be one off (a heading run into its paragraph, an
    abbreviation split) with lengths that agree better joined than apart. Two with two must
    pair sentence for sentence."""
    if len(s.units) == len(t.units) or s.links != t.links:
        return False
    if all(u.links for u in s.units + t.units):
        return True
    alone = [(s.units[min(k, len(s.units) - 1)], t.units[min(k, len(t.units) - 1)]) for k in range(max(len(s.units), len(t.units)))]
    return uneven == 1 and skew < min(_skew(a.size, b.size, ratio) for a, b in alone) + 0.1


def _mergeable(units: list[Unit]) -> bool:
    """Neighbouring blocks a translator may have joined (or split): body blocks of one kind."""
    if any(len(u.prose.split()) < 2 for u in units):
        return False  # a one-word block (a figure credit "source") is never half of a joined pair
    return len({u.kind for u in units}) == 1 and not units[0].kind.startswith("front_matter")


def _path(src: list[Unit], tgt: list[Unit]) -> list[tuple[list[Unit], list[Unit]]]:
    """The cheapest monotone alignment of the two block sequences, as (source, target) groups.

    Two passes: the length ratio of the languages is first taken from the totals, then from the
    median of the blocks the first pass paired one to one, which added or dropped text
    (a table of contents, a translator's note) does not skew.
    """
    first = _best_path(src, tgt, (sum(u.size for u in tgt) + 10) / (sum(u.size for u in src) + 10))
    ratios = sorted(t[0].size / s[0].size for s, t in first if len(s) == len(t) == 1 and min(s[0].size, t[0].size) >= MEASURED)
    return _best_path(src, tgt, ratios[len(ratios) // 2]) if ratios else first


def _best_path(src: list[Unit], tgt: list[Unit], ratio: float) -> list[tuple[list[Unit], list[Unit]]]:
    n, m = len(src), len(tgt)
    copies = frozenset(u.key for u in src if u.key)
    band = BAND + abs(n - m)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    step: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    moves = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3))
    groups_of: dict[tuple[int, int, int], Group | None] = {}  # (side, end, size) -> the group, None if not mergeable

    def group(side: int, end: int, size: int) -> Group | None:
        if (side, end, size) not in groups_of:
            units = (src, tgt)[side][end - size : end]
            groups_of[side, end, size] = Group(units) if size == 1 or _mergeable(units) else None
        return groups_of[side, end, size]

    for i in range(n + 1):
        centre = i * m / n if n else 0
        for j in range(max(0, int(centre) - band), min(m, int(centre) + band) + 1):
            for di, dj in moves:
                if i < di or j < dj or cost[i - di][j - dj] == inf:
                    continue
                if di and dj:
                    s_group, t_group = group(0, i, di), group(1, j, dj)
                    if s_group is None or t_group is None:
                        continue
                    extra = _pair_cost(s_group, t_group, ratio, copies)
                else:
                    extra = SKIP
                total = cost[i - di][j - dj] + extra
                if total < cost[i][j] - 1e-9:
                    cost[i][j], step[i][j] = total, (di, dj)
    pairs = []
    i, j = n, m
    while i or j:
        di, dj = step[i][j]
        pairs.append((src[i - di : i], tgt[j - dj : j]))
        i, j = i - di, j - dj
    return pairs[::-1]


def _moved(path: list[tuple[list[Unit], list[Unit]]]) -> list[tuple[list[Unit], list[Unit]]]:
    """Pair a dropped source block with an added translation block that carries the same links.

    A block the translator moved to another section is left unmatched by the monotone alignment:
    missing at its source place, extra at its new one. When the two share a link (or a numbered
    reference to it) and would pair at a reasonable cost, they are one pair, out of order.
    """
    missing = [(k, s[0]) for k, (s, t) in enumerate(path) if not t and len(s) == 1]
    extra = [(k, t[0]) for k, (s, t) in enumerate(path) if not s and len(t) == 1]
    if not missing or not extra:
        return path
    ratio = 1.0
    sized = [(s[0].size, t[0].size) for s, t in path if len(s) == len(t) == 1 and min(s[0].size, t[0].size) >= MEASURED]
    if sized:
        ratio = sorted(b / a for a, b in sized)[len(sized) // 2]
    joined: dict[int, int] = {}  # path index of the missing block -> path index of the extra one
    used: set[int] = set()
    for k, unit in missing:
        if not unit.urls:
            continue
        best = min(
            ((_pair_cost(Group([unit]), Group([other]), ratio, frozenset()), j) for j, other in extra if j not in used and unit.urls & other.urls),
            default=(math.inf, -1),
        )
        if best[0] < 2 * SKIP:  # cheaper than leaving both unmatched
            joined[k] = best[1]
            used.add(best[1])
    for k, unit in missing:  # side by side in one gap, with the same names: the translator changed its link
        if k in joined:
            continue
        gap = [j for j, other in extra if j not in used and _same_gap(path, k, j) and _named_alike(unit, other)]
        if gap and _skew(unit.size, path[gap[0]][1][0].size, ratio) < 1.0:
            joined[k] = gap[0]
            used.add(gap[0])
    if not joined:
        return path
    result = []
    for k, (s, t) in enumerate(path):
        if k in used:
            continue
        result.append((s, path[joined[k]][1]) if k in joined else (s, t))
    return result


def _same_gap(path: list[tuple[list[Unit], list[Unit]]], a: int, b: int) -> bool:
    """Whether nothing but unmatched blocks lies between path steps ``a`` and ``b``."""
    return all(not (s and t) for s, t in path[min(a, b) + 1 : max(a, b)])


def _named_alike(a: Unit, b: Unit) -> bool:
    """At least two names, numbers or code spans in common, and most of either side's."""
    shared = a.anchors & b.anchors
    return len(shared) >= 2 and _difference(a.anchors, b.anchors) <= 0.5


def _merged(units: list[Unit], index: int) -> Segment:
    """One segment for the whole of ``units`` (blocks whose sentences do not pair one to one).

    Blocks are joined by a blank line: what lies between them (an image, a code block) is no
    part of the unit, so a check never sees it on one side only.
    """
    if len(units) == 1 and len(units[0].segments) == 1:
        first = units[0].segments[0]
        return Segment(index, first.block, first.start, first.end, first.source, list(first.spans), first.yaml_quote)
    spans, cursor = [], 0
    for unit in units:
        for segment in unit.segments:  # pair ids are unique in a document: they stay apart
            offset = cursor + segment.start - unit.segments[0].start
            spans += [Span(sp.start + offset, sp.end + offset, sp.kind, sp.text, sp.pair, sp.target, sp.forms, sp.grammar) for sp in segment.spans]
        cursor += len(unit.text) + 2
    first, last = units[0].segments[0], units[-1].segments[-1]
    return Segment(index, first.block, first.start, last.end, _joined(units), spans)


def _joined(units: list[Unit]) -> str:
    return "\n\n".join(unit.text for unit in units)


def _links_moved(src: list[Segment], tgt: list[Segment]) -> bool:
    """Whether the translator moved a URL to another sentence: the sentences differ, the blocks do not."""
    pairs = [(Counter(_URL.findall(a.source)), Counter(_URL.findall(b.source))) for a, b in zip(src, tgt)]
    return any(a != b for a, b in pairs) and sum((a for a, _ in pairs), Counter()) == sum((b for _, b in pairs), Counter())


def align(source: Document, translation: Document) -> Alignment:
    """Pair every source segment (or block) with the translation's text for it."""
    result = Alignment(Document(source.text, source.name, source.bom, source.src_lang, source.blocks, [], source.notes))

    def add(units: list[Unit], target: str | None, line: int | None) -> None:
        unit = _merged(units, len(result.document.segments))
        unit.target = target
        mask(unit)
        result.document.segments.append(unit)
        if line is None:
            result.missing.append(unit)
        else:
            result.target_lines[unit.index] = line

    src_units, tgt_units = _units(source), _units(translation)
    if not any(is_reference_entry(u) for u in src_units):  # a reference list the source does not have: extra
        references = [u for k, u in enumerate(tgt_units) if is_reference_entry(u) or _titles_references(tgt_units, k)]
        result.extra += [(line_of(translation.text, u.segments[0].start), u.text) for u in references]
        tgt_units = [u for u in tgt_units if all(u is not r for r in references)]
        cited = {m[1]: m[2] for u in references if (m := REFERENCE_ENTRY.match(u.lines))}
        for unit in tgt_units:  # a "[3]" marker anchors the block as well as the link it replaced
            unit.cited = tuple(cited[n] for n in _MARKER.findall(unit.lines) if n in cited)
    for src, tgt in _moved(_path(src_units, tgt_units)):
        src_segments = [s for u in src for s in u.segments]
        tgt_segments = [s for u in tgt for s in u.segments]
        first = len(result.document.segments)
        if not tgt:
            for unit in src:
                add([unit], None, None)
        elif not src:
            for unit in tgt:
                result.extra.append((line_of(translation.text, unit.segments[0].start), unit.text))
        elif len(src_segments) == len(tgt_segments) and (len(src) > 1 or not _links_moved(src_segments, tgt_segments)):
            for a, b in zip(src_segments, tgt_segments):
                add([Unit(a.block, [a], a.source)], b.source, line_of(translation.text, b.start))
        else:
            add(src, _joined(tgt), line_of(translation.text, tgt_segments[0].start))
        if src and tgt:
            context = ("\n".join(u.lines for u in src), "\n".join(u.lines for u in tgt))
            for index in range(first, len(result.document.segments)):
                result.contexts[index] = context
    result.extra.sort()
    return result
