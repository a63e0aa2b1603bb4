"""Protection: markup and glossary terms inside a segment become placeholders the engine copies.

``protect`` fills ``Segment.masked`` and ``Segment.placeholders``; ``unmask`` turns an engine's
output back into text with the original markup (and the pinned form of each term), and reports
every placeholder that did not come back exactly once, in order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.document.record import ATOMIC, ATOMIC_TOKEN, CLOSE, OPEN, PREFIXES, TOKEN, Document, Segment, Span, SpanKind

_ANY_CASE = re.compile(TOKEN.pattern, re.I)
# what engines make of placeholders when they garble them: "Xqq3", "XQQ3", "zza1", "ZB1"
GARBLED = re.compile(r"(?<![^\W\d_])(?:x{1,2}q{1,3}|z{1,3}[ab])\d+(?!\d)", re.I)


def recased(output: str) -> str:
    """An engine output with placeholders it re-cased ("XQ2", "zza1") written as they were sent."""
    shapes = {prefix.casefold(): prefix for prefix in PREFIXES}
    return _ANY_CASE.sub(lambda m: shapes[m[1].casefold()] + m[2], output)


def closing_token(token: str) -> str | None:
    """The CLOSE token of an OPEN token (`ZZA3` -> `ZZB3`); None for any other token."""
    return PREFIXES[2] + token[len(PREFIXES[1]) :] if token.startswith(PREFIXES[1]) else None
_WORD_CHAR = re.compile(r"[\w|]")  # a span glued to a word (or to a table pipe, where a space changes escapes) keeps no space there


@dataclass
class Unmasked:
    """An engine output with its placeholders restored, and what went wrong doing so."""

    text: str
    problems: list[str]


def _placeholder(span: Span, number: int) -> str:
    shape = {SpanKind.OPEN: OPEN, SpanKind.CLOSE: CLOSE}.get(span.kind, ATOMIC)
    return shape.format(n=number)


def mask(segment: Segment, constrain: frozenset[tuple[int, int]] = frozenset(), inline: bool = False) -> None:
    """Replace the segment's spans by placeholders.

    A glossary term to translate (a TERM span whose pinned form is not its own text) is left in the
    text for the engine to translate in context, unless its ``(start, end)`` is in ``constrain``:
    then it is a placeholder for its pinned form, or with ``inline`` that form written in its place.
    Names (TERM spans pinned to themselves) are always placeholders.

    Each placeholder stands apart from its neighbours as a word of its own. Where that needs a
    space the source did not have (a span glued to a word, and always on the inner side of a
    pair), the key records it (``"ZZA1 "``, ``" ZZB1"``) and ``unmask`` strips whitespace there;
    whitespace just inside a pair travels with the markup, so nothing is lost either way.
    """
    source, pieces, cursor = segment.source, [], 0
    segment.placeholders = {}
    numbers: dict[object, int] = {}  # an OPEN and its CLOSE share a number
    spans = sorted((s for s in segment.spans if not (translatable(s) and (s.start, s.end) not in constrain)), key=lambda s: s.start)
    for index, span in enumerate(spans):
        if inline and translatable(span):
            pieces += [source[cursor : span.start], span.target]
            cursor = span.end
            continue
        number = numbers[span.pair] if span.kind is SpanKind.CLOSE else len(numbers) + 1
        numbers[span.pair if span.kind is SpanKind.OPEN else ("span", span.start)] = number
        before = source[cursor : span.start]
        value = span.target if span.kind is SpanKind.TERM and span.target is not None else span.text
        start, end = span.start, span.end
        if span.kind is SpanKind.CLOSE:  # whitespace before a closing mark belongs to it
            start -= len(before) - len(before.rstrip())
            value, before = before[len(before.rstrip()) :] + value, before.rstrip()
        if span.kind is SpanKind.OPEN:  # up to the next span: a line break after `[` is a span of its own
            inner = source[end : spans[index + 1].start if index + 1 < len(spans) else len(source)]
            inner_space = len(inner) - len(inner.lstrip())
            value, end = value + source[end : end + inner_space], end + inner_space
        pieces.append(before)
        glued = not before and pieces[-2:-1] and pieces[-2][-1:].isalnum()  # right after another placeholder ("ZZB2Xq4")
        pad_left = span.kind is SpanKind.CLOSE or (start > 0 and _WORD_CHAR.match(source[start - 1])) or bool(glued)
        pad_right = span.kind is SpanKind.OPEN or (end < len(source) and _WORD_CHAR.match(source[end]))
        key = (" " if pad_left else "") + _placeholder(span, number) + (" " if pad_right else "")
        pieces.append(key)
        segment.placeholders[key] = value
        cursor = end
    pieces.append(source[cursor:])
    segment.masked = "".join(pieces)


def unmask(output: str, placeholders: dict[str, str]) -> Unmasked:
    """Restore placeholders in an engine output; tolerate spaces the engine added around them."""
    keys = {key.strip(): key for key in placeholders}
    found: dict[str, list[re.Match[str]]] = {}
    for match in TOKEN.finditer(output):
        found.setdefault(_core(match), []).append(match)
    problems = [f"the engine invented markup that the source does not have ({len(found[token])} time(s))" for token in found if token not in keys]
    for token, key in keys.items():
        if len(found.get(token, [])) != 1:
            problems.append(f"the markup {placeholders[key].strip()!r} came back {len(found.get(token, []))} times")
        elif close_token := closing_token(token):
            closer = found.get(close_token, [])
            if len(closer) == 1 and closer[0].start() < found[token][0].start():
                problems.append(f"the markup {placeholders[key].strip()!r} and its closing part came back in the wrong order")
            elif len(closer) == 1 and not output[found[token][0].end() : closer[0].start()].strip():
                problems.append(f"the engine moved every word out of the markup {placeholders[key].strip()!r}")
    if problems:
        return Unmasked(output, problems)
    pieces, cursor = [], 0
    for match in sorted((m[0] for m in found.values()), key=lambda m: m.start()):
        key = keys[_core(match)]
        before = output[cursor : match.start()]
        pieces.append(before.rstrip() if key.startswith(" ") else before)
        value = placeholders[key]
        cursor = match.end()
        if not key.endswith(" ") and output[cursor : cursor + 1].isalnum() and value[-1:].isalnum() and ATOMIC_TOKEN.fullmatch(key.strip()):
            value += " "  # the engine glued a word to a span the source kept apart ("www.x.aihoje"): no link there else
        pieces.append(value)
        if key.endswith(" "):
            cursor += len(output[cursor:]) - len(output[cursor:].lstrip())
    pieces.append(output[cursor:])
    return Unmasked("".join(pieces), [])


def _core(match: re.Match[str]) -> str:
    return f"{match[1]}{int(match[2])}"


def protect(document: Document, glossary=None) -> None:
    """Add name and glossary term spans (when a glossary is given) and mask every segment."""
    for segment in document.segments:
        if glossary is not None:
            segment.spans.extend(_name_spans(segment, glossary, document.src_lang or "en"))
            segment.spans.extend(_term_spans(segment, glossary))
        mask(segment)


# Names the glossary does not list, kept as they are: runs of capitalised words ("Machine Learning Tokyo",
# "Mathematics For Machine Learning", "Papers with Code"), CamelCase identifiers ("fastText", "DistilBERT")
# and @handles. Title-case headings ("Tools and Datasets") are not names: a segment mostly capitalised is left alone.
_CAPITALISED = r"[A-Z][A-Za-z0-9'’.&+-]*[A-Za-z0-9+]|[A-Z]"
_NAME_RUN = re.compile(rf"(?<![\w@#/.-])(?:{_CAPITALISED})(?:[ ](?:(?:of|for|with|the|de|in|on|to)[ ])?(?:{_CAPITALISED}))+(?![\w-])")
_CAMEL = re.compile(r"(?<![\w@#/.-])(?=[A-Za-z0-9]*[a-z][A-Z])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*(?![\w-])")
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_]{2,}(?![\w])")
_LETTERS = re.compile(r"[^\W\d_][\w'’-]*")
_SENTENCE_END = re.compile(r"[.!?…:;][\s*_\"'”’)\]]*$")


def names(text: str, glossary=None, skip: list[tuple[int, int]] = (), heading: bool = False, lang: str = "en") -> list[tuple[int, int]]:
    """Spans of ``text`` (in ``lang``) that are names to keep as they are (see above); none overlaps ``skip``."""
    words = _LETTERS.findall(text)
    if (heading or not _SENTENCE_END.search(text)) and len(words) >= 2 and sum(w[:1].isupper() for w in words) >= 0.6 * len(words):
        return []  # a title-case heading or title: translated
    found: list[tuple[int, int]] = []
    for match in [*_HANDLE.finditer(text), *_CAMEL.finditer(text), *_NAME_RUN.finditer(text)]:
        start, end = match.span()
        if match.re is _NAME_RUN:
            first = match[0].split(" ", 1)[0]
            if _opens(text, start) and first.casefold() in _common(lang, 150):
                start += len(first) + 1  # "The Allen Institute": the sentence's first word is no part of it
                if " " not in text[start:end]:
                    continue
            run = text[start:end]
            linked = text[start - 1 : start] == "[" and text[end : end + 1] == "]"
            if not linked and all(w.casefold() in _common(lang, 1500) for w in _LETTERS.findall(run)):
                continue  # "Happy New Year", "Brazilian Portuguese": words, not a name (unless a link's whole text)
            listed = glossary.find(run) if glossary is not None else []
            if any(m.start == 0 and m.end == len(run) for m in listed) or any(m.term.keep for m in listed):
                continue  # the glossary says what it is ("Machine Learning": a term; "Hugging Face" in "Hugging Face Transformer")
        if not any(a < end and start < b for a, b in [*skip, *found]):
            found.append((start, end))
    return sorted(found)


def _opens(text: str, start: int) -> bool:
    before = text[:start].rstrip(" *_\"'“‘([")
    return not before or before[-1] in ".!?:"


@lru_cache(maxsize=8)
def _common(lang: str, count: int) -> frozenset[str]:
    from pipeline.lang.lexicon import common_words

    return common_words(lang, count)


def _name_spans(segment: Segment, glossary, lang: str) -> list[Span]:
    taken = [(span.start, span.end) for span in segment.spans]
    keep = {m.start: m for m in glossary.find(segment.source, exclude=taken) if m.term.keep}
    return [
        Span(start, end, SpanKind.TERM, segment.source[start:end], target=segment.source[start:end])
        for start, end in names(segment.source, glossary, taken, "heading" in segment.block or segment.block.startswith("front_matter"), lang)
        if not (start in keep and keep[start].end == end)  # a keep.txt name: the glossary's own span
    ]


def translatable(span: Span) -> bool:
    """A glossary term the engine translates in context: pinned to another form, or an all-lower-case word
    kept as it is ("notebooks", "embeddings"), which the words around it must agree with; not a name."""
    return span.kind is SpanKind.TERM and span.target is not None and (span.target != span.text or span.text.islower())


def _term_spans(segment: Segment, glossary) -> list[Span]:
    taken = [(span.start, span.end) for span in segment.spans]
    return [
        Span(match.start, match.end, SpanKind.TERM, match.text, target=match.pinned, forms=match.forms, grammar=match.term.grammar)
        for match in glossary.find(segment.source, exclude=taken)
    ]
