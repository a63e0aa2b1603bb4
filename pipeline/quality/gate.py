"""CI quality gate: back-check existing translations (human or machine) and decide pass or fail.

``check_pair`` segments a source and its translation, marks the source's glossary terms, aligns
the translation to it (``align.py``), runs the back-check (back-translation only when an engine
for the reverse pair is available) and turns every flag, missing block and extra block into a
``Finding`` with the file and line it concerns. ``find_pairs`` pairs files by the naming
convention ``NAME.SRC.md`` <-> ``NAME.TGT.md``. `pipeline check` (``run.check_command``) finds the
pairs, checks them here and writes the reports (``reports/``). Nothing depends on time or on the
order of the file system, so the same inputs give the same bytes.
"""
from __future__ import annotations

import glob
import re
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

from pipeline.config import Config
from pipeline.document.dialects import Dialect, page_dialect
from pipeline.document.dialects.base import prose_values_hidden
from pipeline.document.record import Document, Segment, line_of
from pipeline.document.segment import segment
from pipeline.errors import UserError
from pipeline.files import read_source
from pipeline.lang.detect import TAGGED_NAME, tagged_language
from pipeline.quality.align import REFERENCE_ENTRY, align, without_comments
from pipeline.quality.backcheck import backcheck
from pipeline.quality.checks import CHECKS, Context, likelihood, measured_severities
from pipeline.quality.checks.form import _URL, inline_markup, localized
from pipeline.quality.checks.meaning import _folded, number_values
from pipeline.quality.findings import Finding, PairResult, Suppressed
from pipeline.terms.glossary import glossary_for
from pipeline.terms.protect import protect
from pipeline.translation.route import Engines

_TITLE_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?:#{1,6}\s.*|(\*{1,3}|_{1,3})\S.*\S\1)\s*$")
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.、)]?|[一二三四五六七八九十]+、)\s*")  # "1.6 ", "2、": a section number the translation added
_URLISH = re.compile(r"(?:https?://|mailto:|www\.)")
_IGNORE = re.compile(r"<!--\s*pipeline-check:\s*ignore\b(?P<rest>.*?)-->", re.S)
_MARKER = re.compile(r"\[(\d{1,3})\](?!\()")
_DOMAIN = re.compile(r"(?<![\w@/.-])[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/[^\s<>()\[\]\"'`]*)?(?<![.,;:!?])", re.I)


def shown(path: Path) -> str:
    """``path`` as reports and annotations show it: relative to the working directory when under it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def language_of(path: Path) -> str | None:
    """The language tag of ``NAME.LANG.md`` (``pt`` for ``NAME.pt-BR.md``), None without one."""
    return tagged_language(path.name)


def find_pairs(directory: Path, src: str, targets: set[str] | None = None) -> list[tuple[Path, Path]]:
    """Every (``NAME.SRC.EXT``, ``NAME.TGT.EXT``) pair under ``directory``, sorted."""
    if not directory.is_dir():
        raise UserError(f"{directory}: not a directory (--all takes one directory)")
    return _pairs(sorted(p for p in directory.rglob("*") if p.is_file()), src, targets, changed=False)


def changed_pairs(files: list[Path], src: str, targets: set[str] | None = None) -> list[tuple[Path, Path]]:
    """Pairs concerned by changed files: a changed translation with its source, a changed source with all its translations."""
    return _pairs(sorted({f for f in files if f.is_file()}), src, targets, changed=True)


def _pairs(files: list[Path], src: str, targets: set[str] | None, changed: bool) -> list[tuple[Path, Path]]:
    pairs: set[tuple[Path, Path]] = set()
    for path in files:
        match = TAGGED_NAME.match(path.name)
        if not match:
            continue
        name, lang, ext = match["name"], language_of(path), match["ext"]
        source = path.with_name(f"{name}.{src}{ext}")
        if lang != src and source.is_file() and (targets is None or lang in targets):
            pairs.add((source, path))
        elif lang == src and changed:
            siblings = sorted(path.parent.glob(f"{glob.escape(name)}.*{ext}"))
            pairs |= {(path, s) for s in siblings if TAGGED_NAME.match(s.name) and language_of(s) != src and (targets is None or language_of(s) in targets)}
    return sorted(pairs)


def check_pair(source: Path, translation: Path, config: Config, engines: Engines | None, src: str | None = None, tgt: str | None = None) -> PairResult:
    """Align ``translation`` to ``source``, back-check it, and collect the findings."""
    limit = config.segment.max_input_mb
    return _check(
        read_source(source, limit), shown(source), read_source(translation, limit), shown(translation), config, engines,
        src or language_of(source), tgt or language_of(translation), page_dialect(config.segment.dialect, source),
    )


def check_text(source: str | Path, translation: str | Path, config: Config, engines: Engines | None, src: str | None = None, tgt: str | None = None) -> PairResult:
    """``check_pair`` for texts (a ``Path`` is read as a file)."""
    if isinstance(source, Path) and isinstance(translation, Path):
        return check_pair(source, translation, config, engines, src, tgt)
    limit = config.segment.max_input_mb
    texts = [(read_source(x, limit), shown(x), language_of(x)) if isinstance(x, Path) else (x, name, None) for x, name in ((source, "<source>"), (translation, "<translation>"))]
    (source_text, source_name, source_lang), (target_text, target_name, target_lang) = texts
    dialect = page_dialect(config.segment.dialect, source if isinstance(source, Path) else None)
    return _check(source_text, source_name, target_text, target_name, config, engines, src or source_lang, tgt or target_lang, dialect)


def _check(
    source_text: str, source_name: str, target_text: str, target_name: str, config: Config, engines: Engines | None, src: str | None, tgt: str | None, dialect: Dialect
) -> PairResult:
    keys = tuple(config.segment.front_matter_keys)
    source_doc = segment(source_text, name=source_name, src_lang=src, front_matter_keys=keys, dialect=dialect)
    translation_doc = segment(target_text, name=target_name, src_lang=tgt, front_matter_keys=keys, dialect=dialect)
    src, tgt = source_doc.src_lang, translation_doc.src_lang
    if src == tgt:
        raise UserError(f"{target_name} and {source_name} are both in '{src}': pass the source first, or --from/--to")
    config = with_measured_severities(config, tgt)
    page = Path(source_name) if not source_name.startswith("<") else None
    protect(source_doc, glossary_for(config, src, tgt, page=page))  # the glossary's terms, whichever engine back-translates
    alignment = align(source_doc, translation_doc)
    summary = backcheck(alignment.document, tgt, engines, config.backcheck)
    result = PairResult(source_name, target_name, src, tgt, alignment, summary)
    found, suppressed = _findings(result, translation_doc, config)
    syntax_found, syntax_suppressed = _syntax_findings(source_doc, translation_doc, dialect, result, config)
    found, suppressed = found + syntax_found, suppressed + syntax_suppressed
    result.findings, result.suppressed = _ignored_by_comments(found, translation_doc.text, result.translation, suppressed)
    return result


def with_measured_severities(config: Config, tgt: str) -> Config:
    """``config`` with the severities measured for ``tgt`` (``measured_severities``) wherever it sets none:
    each check's, and those of blocks missing from the translation or added to it."""
    measured = measured_severities(tgt)
    severities = {**{check: severity for check, severity in measured.items() if check in CHECKS}, **config.backcheck.severities}
    blocks = {key: getattr(config.gate, key) or measured.get(key, default) for key, default in (("missing", "error"), ("extra", "warning"))}
    return config.model_copy(update={"backcheck": config.backcheck.model_copy(update={"severities": severities}), "gate": config.gate.model_copy(update=blocks)})


_TITLE_AT_END = re.compile(r"(?:[ \t]*\|[ \t]*…|[ \t]*\"…\"|\[…\]|[ \t]+…)[ \t]*$")


# How a piece of syntax may be written otherwise and mean the same, by kind
_SAME_SYNTAX = {
    "import or export line": lambda key: " ".join(key.replace("'", '"').removesuffix(";").split()),  # 'x' or "x", ; or none
    "attribute list": lambda key: "{" + " ".join(key[1:-1].split()) + "}",  # `{ .a .b}` is `{.a .b}`
    "heading anchor": lambda key: "{" + " ".join(key[1:-1].split()) + "}",  # `{ #id }` is `{#id}`
    "component tag": lambda key: re.sub(r"\s*(/?>)$", r" \1", " ".join(key.split())),  # `<Card/>` is `<Card />`
    "shortcode": lambda key: " ".join(key.split()),  # written on one line or over several
}


def skeleton(document: Document, dialect: Dialect) -> list[tuple[str, str, int, str]]:
    """(what, key, line, as written) of every piece of ``dialect``'s syntax in the document's body, in order; the
    key is what a translation must match: prose and labels as "…", a title at the end of a marker left out (a
    translator may add one: `/// tip | Dica`), what ``_SAME_SYNTAX`` says is the same written as one."""
    text = document.text
    body = next((b.end for b in document.blocks if b.kind == "front_matter"), 0)  # front matter is data, not Markdown
    found = []
    for syntax in dialect.scan(text):
        if syntax.what == "expression" and not dialect.expressions:
            continue  # text in braces ("the {verb} {object} format"): a translator may translate it
        if syntax.start >= body:
            written = _TITLE_AT_END.sub("", prose_values_hidden(syntax.skeleton(text))).strip()
            key = _SAME_SYNTAX.get(syntax.what, str)(written)
            found.append((syntax.what, key, line_of(text, syntax.start), written))
    return found


def _localized(pieces: list[tuple[str, str, int, str]], *langs: str) -> list[tuple[str, str, int, str]]:
    """The pieces with a path's language segment ("/en/", "ja/recipes") as {lang}: a site's pages link to their own language."""
    segment = re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, langs))})(?:-[a-z]{{2,4}})?(?=/)", re.I)
    return [(what, segment.sub("{lang}", key), line, written) for what, key, line, written in pieces]


def _syntax_findings(source: Document, translation: Document, dialect: Dialect, result: PairResult, config: Config) -> tuple[list[Finding], list[Suppressed]]:
    """The toolchain syntax of the source that the translation lacks (an error: an anchor renamed, an include
    cut, unless ``gate.syntax_omissions`` allows it) and syntax the translation adds (a warning); titles and
    props inside syntax are prose and may differ; so does indentation."""
    wanted = _localized(skeleton(source, dialect), result.src, result.tgt)
    have = _localized(skeleton(translation, dialect), result.src, result.tgt)
    # imports may come in any order (the same module); the rest of the syntax in the order of the page
    imports = Counter(key for what, key, _, _ in wanted if what == "import or export line") - Counter(key for what, key, _, _ in have if what == "import or export line")
    unmatched = Counter(key for what, key, _, _ in have if what == "import or export line") - Counter(key for what, key, _, _ in wanted if what == "import or export line")
    missing, added = [], []
    for piece in wanted:
        if piece[0] == "import or export line" and imports[piece[1]] > 0:
            imports[piece[1]] -= 1
            missing.append(piece)
    for piece in have:
        if piece[0] == "import or export line" and unmatched[piece[1]] > 0:
            unmatched[piece[1]] -= 1
            added.append(piece)
    wanted = [piece for piece in wanted if piece[0] != "import or export line"]
    have = [piece for piece in have if piece[0] != "import or export line"]
    matcher = SequenceMatcher(None, [(what, key) for what, key, _, _ in wanted], [(what, key) for what, key, _, _ in have], autojunk=False)
    for operation, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if operation in ("delete", "replace"):
            missing += wanted[a_start:a_end]
        if operation in ("insert", "replace"):
            added += have[b_start:b_end]
    found, suppressed = [], []
    moved = {}  # a piece "missing" where the sequences differ but found elsewhere in the translation: moved
    for piece in list(missing):
        partner = next((other for other in added if other[:2] == piece[:2]), None)
        if partner is not None:
            missing.remove(piece)
            added.remove(partner)
            moved[piece] = partner
    for (what, _, line, written), (_, _, at, _) in sorted(moved.items(), key=lambda pair: pair[0][2]):
        found.append(Finding("syntax", "warning", f"the {what} `{written}` of source line {line} is at line {at} of the translation, in another order: check the page follows the source", result.translation, at, source=written))
    rules = config.gate.syntax_omissions
    for what, _, line, written in sorted(missing, key=lambda piece: piece[2]):
        finding = Finding("syntax", "error", f"the {what} `{written}` of source line {line} is missing from the translation: keep it as it is", result.source, line, source=written)
        rule = next((n for n, r in enumerate(rules, 1) if r.allows(written, result.tgt)), None)
        if rule is None:
            found.append(finding)
        else:
            suppressed.append(Suppressed(finding, f"{rules[rule - 1].reason} (gate.syntax_omissions[{rule}])", f"gate.syntax_omissions[{rule}]"))
    for what, _, line, written in sorted(added, key=lambda piece: piece[2]):
        found.append(Finding("syntax", "warning", f"the {what} `{written}` is not in the source: check it belongs here", result.translation, line, target=written))
    return found, suppressed


def _findings(result: PairResult, translation: Document, config: Config) -> tuple[list[Finding], list[Suppressed]]:
    alignment, document = result.alignment, result.alignment.document
    severities = config.backcheck.severities
    plain = without_comments(translation.text)  # what a reader sees: the bilingual comments are not the translation
    references = _references(plain)
    found: list[Finding] = []
    suppressed: list[Suppressed] = []
    for unit in document.segments:
        line = alignment.target_lines.get(unit.index)
        if line is None:
            continue
        kept_title = _kept_title(unit, document.text)
        contexts = alignment.contexts.get(unit.index, (unit.source, unit.target or ""))
        for flag in unit.flags:
            severity, message = flag.severity, flag.message
            finding = Finding(flag.check, severity, message, result.translation, line, unit.id, unit.source, unit.target or "", flag.evidence)
            if flag.check in _SEEN_IN_BLOCK and _in_paired_block(flag, contexts, result.tgt):
                continue  # the sentences were paired differently (a wrapped line, a merged sentence): the block has it
            if kept_title and flag.check in ("untranslated", "language"):
                severity, message = config.gate.kept_titles, f"{message} (a title kept as in the source)"
            elif flag.check in ("urls", "markup") and _URLISH.match(flag.evidence):
                verdict = _url_verdict(flag, unit, contexts, references, config, (result.src, result.tgt), plain, line)
                if verdict is None:
                    continue  # the link is in the paragraph after all (the sentences were paired differently)
                if verdict[0] == "suppressed":
                    suppressed.append(Suppressed(finding, verdict[1], verdict[2]))
                    continue
                severity, message = verdict
            found.append(Finding(flag.check, severity, message, result.translation, line, unit.id, unit.source, unit.target or "", flag.evidence))
    lost = {(f.segment, f.evidence, f.severity) for f in found if f.check == "urls"}
    found = [f for f in found if not (f.check == "markup" and (f.segment, f.evidence, f.severity) in lost)]  # a lost URL is a lost link: said once
    for unit in alignment.missing:
        line = line_of(document.text, unit.start)
        excerpt = " ".join(unit.source.split())
        excerpt = excerpt if len(excerpt) <= 60 else excerpt[:59] + "…"
        if unit.block.startswith("front_matter/"):
            key = unit.block.split("/")[1]
            message = f"the front-matter {key} “{excerpt}” (source line {line}) is empty or absent in {result.translation}"
        else:
            message = f"“{excerpt}” (source line {line}) has no counterpart in {result.translation}: dropped, or moved out of order"
        severity = config.gate.missing
        if severity == "off":
            continue
        if (moved := _moved_to(unit, document.text, plain, result.src)) is not None:
            at, shared = moved
            severity = "warning"
            message = f"“{excerpt}” (source line {line}) was not paired with a block of {result.translation}, but line {at} has its names ({', '.join(shared)}): moved or merged there?"
        finding = Finding("missing", severity, message, result.source, line, unit.id, unit.source)
        if rule := _omission_rule(config, unit.source, result.tgt):
            suppressed.append(Suppressed(finding, f"{config.gate.omissions[rule - 1].reason} (gate.omissions[{rule}])", f"gate.omissions[{rule}]"))
            continue
        found.append(finding)
    context = Context(result.src, result.tgt, config.backcheck.thresholds(result.src, result.tgt))
    language = severities.get("language", CHECKS["language"].severity)
    source_blocks = _source_blocks(document)

    def judge(text: str, line: int, what: str, severity: str = language) -> None:  # the language check on a whole block
        if "off" in (language, severity):
            return
        for wrong, evidence in CHECKS["language"].run(Segment(0, "block", 0, 0, "", target=text), context):
            found.append(Finding("language", severity, f"{wrong} ({what})", result.translation, line, target=text, evidence=evidence))

    lines = plain.split("\n")
    for line, text in alignment.extra:
        message = f"this block has no counterpart in {result.source} (a translator's note, or added text)"
        if REFERENCE_ENTRY.match(lines[line - 1]):
            message = f"this entry of a list of references has no counterpart in {result.source}"
        if config.gate.extra != "off":
            found.append(Finding("extra", config.gate.extra, message, result.translation, line, target=text))
        if REFERENCE_ENTRY.match(lines[line - 1]):
            continue  # a reference's title is the cited work's, in its own language
        if copied := _copy_of(text, source_blocks):
            title = _TITLE_LINE.match(document.text.split("\n")[copied - 1]) is not None
            if title:
                judge(text, line, f"the title at source line {copied}, kept as in the source", config.gate.kept_titles)
            else:
                judge(text, line, f"the source's paragraph at line {copied} left in the translation untranslated")
        else:  # a note in another language than the translation's is worth a look, not a failure
            judge(text, line, "a block with no counterpart in the source", config.gate.extra)
    by_line: dict[int, list[Segment]] = {}
    for unit in document.segments:  # sentences too short to judge one by one may be judged together
        if unit.index in alignment.target_lines:
            by_line.setdefault(alignment.target_lines[unit.index], []).append(unit)
    judged = {f.line for f in found if f.check == "language"}
    for line, units in by_line.items():
        if len(units) > 1 and line not in judged:
            judge(" ".join(u.target or "" for u in units), line, "the paragraph as a whole")
    for flag in result.summary.flags:
        found.append(Finding(flag.check, flag.severity, flag.message, result.translation, 1, evidence=flag.evidence))
    order = lambda f: (f.file != result.translation, f.line, f.severity != "error", likelihood(f.check), f.check, f.message)  # noqa: E731
    return sorted(found, key=order), sorted(suppressed, key=lambda s: order(s.finding))


_SEEN_IN_BLOCK = {"markup", "names", "numbers"}


def _in_paired_block(flag, contexts: tuple[str, str], tgt: str) -> bool:
    """Whether what ``flag`` says one sentence lacks is in the translation's block paired with the source's: the
    same code span or inline HTML, as often and of the same kind as the source block has it (links are the URL
    verdict's), the name, the numbers."""
    source, target = contexts
    if flag.check == "markup":
        want = {kind: n for (kind, value), n in inline_markup(source).items() if value == flag.evidence}
        have = inline_markup(target)
        return bool(want) and not _URLISH.match(flag.evidence) and all(have[(kind, flag.evidence)] >= n for kind, n in want.items())
    if flag.check == "names":  # a name missing (not one swapped for the translation's own: that is the evidence then)
        return bool(flag.evidence) and _folded(flag.evidence) in _folded(source) and _folded(flag.evidence) in _folded(target)
    wanted, have = number_values(source, "en"), number_values(target, tgt)
    return bool(wanted) and all(have[n] >= c for n, c in wanted.items())


def _source_blocks(document: Document) -> dict[str, int]:
    """The source's paragraphs, normalized, with their lines: to tell an untranslated copy from a note."""
    blocks: dict[str, list[Segment]] = {}
    for unit in document.segments:
        blocks.setdefault(unit.block, []).append(unit)
    return {_normal_text(" ".join(u.source for u in units)): line_of(document.text, units[0].start) for units in blocks.values()}


def _normal_text(text: str) -> str:
    return " ".join(re.sub(r"[*_`>\[\]]|\]\([^)]*\)", " ", text).casefold().split())


def _copy_of(text: str, blocks: dict[str, int]) -> int | None:
    """The source line of the block ``text`` copies (nearly verbatim), or None."""
    from rapidfuzz import fuzz, process

    key = _normal_text(text)
    if len(key) < 20:
        return None
    best = process.extractOne(key, list(blocks), scorer=fuzz.ratio, score_cutoff=90)
    return blocks[best[0]] if best else None


# -- links: is a URL the checks missed really lost? ---------------------------------------------


def _references(text: str) -> dict[str, list[tuple[str, int]]]:
    """The translation's list of numbered references: marker number -> [(URL, line)]."""
    found: dict[str, list[tuple[str, int]]] = {}
    for match in REFERENCE_ENTRY.finditer(text):
        line = line_of(text, match.start())
        for url in _URL.findall(text[match.start() : text.find("\n", match.start()) % (len(text) + 1)]):
            found.setdefault(match[1], []).append((url, line))
    return found


def _moved_to(unit: Segment, source: str, translation: str, src: str) -> tuple[int, list[str]] | None:
    """The translation line holding two or more capitalised words (names) that the source has in this block only (a
    block the aligner could not pair because the translator moved or merged it), with them; None when there is none."""
    from pipeline.lang.lexicon import common_words
    from pipeline.quality.checks.meaning import names

    elsewhere = source[: unit.start] + source[unit.end :]
    capitalised = re.findall(r"(?<![\w/.-])[A-Z][\w-]+", re.sub(r"\(https?://[^)]*\)|https?://\S+", " ", unit.source))
    common = common_words(src)
    candidates = dict.fromkeys(capitalised + names(unit.source, src))
    own = [n for n in candidates if len(n) > 2 and n.casefold() not in common and not re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", elsewhere)]
    for number, text in enumerate(translation.splitlines(), 1):
        shared = [n for n in own if re.search(rf"(?<![A-Za-z0-9-]){re.escape(n)}(?![A-Za-z0-9-])", text)]
        if len(shared) >= 2:
            return number, shared
    return None


def _same_url(a: str, b: str) -> bool:
    """Two URLs that lead to the same page: scheme, www. and a trailing slash aside."""
    def normal(url: str) -> str:
        url = re.sub(r"^(?:https?://)?(?:www\.)?", "", url)
        host, _, path = url.partition("/")
        path = re.sub(r"%[0-9a-fA-F]{2}", lambda m: m[0].upper(), path)  # %e7 = %E7
        return f"{host.lower()}/{path}".rstrip("/")
    return normal(a) == normal(b)


def _links(text: str) -> list[str]:
    """Every link destination and URL written in ``text`` (Markdown links, bare URLs, autolinks)."""
    found = [value for (kind, value), n in inline_markup(text).items() if kind in ("link to", "bare URL", "image") for _ in range(n)]
    return found


def _present(check: str, url: str, source: str, target: str, merged: bool = True) -> bool:
    """Whether ``target`` (a translated sentence or paragraph) has ``url`` where ``source`` has it, working.

    A link must stay a link (a URL left bare beside its text is a broken link); a bare URL may
    become a link, and a bare domain ("dair.ai") only needs to be written. With ``merged``, two
    links of the source to one URL may be one in the translation, as long as no occurrence of
    the URL is left broken.
    """
    if check == "urls":
        return any(_same_url(u, url) for u in _URL.findall(target))  # once is enough: merged links lose nothing
    markup = inline_markup(source)
    bare = not (markup[("link to", url)] or markup[("image", url)])
    kinds = {"bare URL", "link to"} if bare else {"link to"}
    want = sum(n for (kind, value), n in markup.items() if value == url and kind != "image")
    working = [v for (kind, v), n in inline_markup(target).items() if kind in kinds and re.match(r"(?:https?://|mailto:)", v) and _same_url(v, url) for _ in range(n)]
    written = len(re.findall(re.escape(re.sub(r"^(?:https?://|mailto:)", "", url).rstrip("/")), target))
    if bare and not re.search(re.escape(url), source):  # a domain written as a name: linkify may read "dair.ai发布" as one
        domain = re.sub(r"^(?:https?://|mailto:)", "", url)
        if any(kind == "link to" and _same_url("http://" + v, url) and not re.match(r"[a-z][a-z0-9+.-]*:", v, re.I) for kind, v in inline_markup(target)):
            return False  # linked as a relative path: broken
        return len(re.findall(rf"(?<![\w.@/-]){re.escape(domain)}(?![A-Za-z0-9_-]|\.[A-Za-z0-9])", target)) >= (1 if merged else want)
    return len(working) >= want or (merged and len(working) >= 1 and written <= len(working))


def _url_verdict(flag, unit: Segment, contexts: tuple[str, str], references: dict, config: Config, langs: tuple[str, str], text: str, line: int):
    """None: not lost after all; ("suppressed", reason, by): a declared localization; else (severity, message): the
    check's own severity, or a warning where the link may have moved or the source's own link is broken."""
    check, url = flag.check, flag.evidence
    source_lines, target_lines = contexts
    target, tgt = unit.target or "", langs[1]
    if _present(check, url, unit.source, target) or _present(check, url, source_lines, target_lines, merged=False):
        return None
    written = [u for u in dict.fromkeys(_links(target_lines) + _URL.findall(target_lines))]
    if any(not _same_url(u, url) and localized(u, *langs) == localized(url, *langs) for u in written):
        return None  # the same page in the translation's language, or a translated heading's anchor
    for number, rule in enumerate(config.gate.url_rules, 1):
        if any(rule.allows(url, candidate, tgt) for candidate in written):
            return ("suppressed", f"{rule.reason} (gate.url_rules[{number}])", f"gate.url_rules[{number}]")
    if tgt in config.gate.numbered_references or "*" in config.gate.numbered_references:
        for marker in _MARKER.findall(without_comments(target_lines)):
            for listed, at in references.get(marker, []):
                if _same_url(listed, url):
                    return ("suppressed", f"the link is kept as the numbered reference [{marker}], listed at line {at}", f"gate.numbered_references ({tgt})")
    severity, message = flag.severity, _plain_message(check, url, source_lines)
    if (near := _linked_nearby(url, text, line)) is not None:
        return "warning", f"{message}: it is linked at line {near}, next to this one (moved there?)"
    if broken := _broken_source_url(url):
        others = [u for u in written if not _in(u, source_lines)]
        instead = f"; the translation links to {others[0]} instead" if others else ""
        return "warning", f"the source's own link {url} is broken ({broken}){instead}: check the link the translation gives"
    relative = [u for u in _links(target_lines) if not re.match(r"[a-z][a-z0-9+.-]*:", u, re.I) and not u.startswith(("#", "/")) and _same_url("http://" + u, url)]
    if relative:
        return severity, f"{message}: it is linked as “{relative[0]}”, without http://, which a browser opens as a page of this site"
    bare = re.sub(r"^(?:https?://|mailto:)", "", url)
    written_as = re.compile(re.escape(bare) if re.search(re.escape(url), source_lines) else rf"(?<![\w.@/-]){re.escape(bare)}(?![\w/-])")
    if written_as.search(target) or written_as.search(target_lines):
        return severity, message + _where_url_is(url, target, text, line)
    cited = " ".join(u for n in _MARKER.findall(target_lines) for u, _ in references.get(n, []))  # "[3]": its listed URL
    if misspelt := _misspelt(url, target) or _misspelt(url, target_lines + " " + cited):
        return severity, f"{message}: {misspelt}"
    where = _where_url_is(url, target, text, line)
    if not where:
        others = [v for (kind, v) in inline_markup(target_lines) if kind == "link to" and _URLISH.match(v) and not _in(v, source_lines)]
        where = f"; the translation links to {others[0]} instead" if len(others) == 1 else ""
    return severity, message + where


def _linked_nearby(url: str, text: str, line: int, reach: int = 2) -> int | None:
    """The line, within ``reach`` lines of ``line``, where ``url`` is a working link (a caption's link moved into the
    paragraph above it); None if there is none."""
    lines = text.splitlines()
    for number in sorted(range(max(1, line - reach), min(len(lines), line + reach) + 1), key=lambda n: abs(n - line)):
        if number != line and any(_same_url(url, u) for u in _links(lines[number - 1])):
            return number
    return None


def _in(url: str, text: str) -> bool:
    return any(_same_url(url, u) for u in _links(text) + _URL.findall(text))


def _plain_message(check: str, url: str, source: str) -> str:
    shown_url = url.removeprefix("mailto:")
    if url.startswith("mailto:"):
        return f"the e-mail address {shown_url} of the source is missing or broken in the translation"
    written = re.sub(r"^https?://", "", url)
    if check == "markup" and not re.search(re.escape(url), source) and written in source:
        return f"the web address “{written}” of the source is missing or misspelt in the translation"
    if check == "urls":
        return f"the URL {shown_url} of the source is not in the translation"
    return f"the link to {shown_url} of the source is missing or broken in the translation"


def _broken_source_url(url: str) -> str:
    """Why the source's own URL cannot work ("" when it can): a host with spaces or without a dot."""
    if url.startswith("mailto:"):
        return ""
    host = re.sub(r"^(?:https?://)?", "", url).split("/")[0].split(":")[0]
    if "%20" in host or " " in host:
        return f"its host name “{host}” has spaces"
    if "." not in host and host.lower() != "localhost":
        return f"its host name “{host}” has no dot"
    return ""


def _misspelt(url: str, text: str) -> str:
    """“'a' is written 'b'” when ``text`` has a URL or domain a letter or a few away from ``url``, else ""."""
    from difflib import SequenceMatcher

    from rapidfuzz import fuzz

    bare = re.sub(r"^(?:https?://|mailto:)", "", url)
    candidates = dict.fromkeys(_links(text) + _URL.findall(text) + _DOMAIN.findall(text) + re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*", text))
    best, score = "", 0.0
    for candidate in candidates:
        written = re.sub(r"^(?:https?://|mailto:)", "", candidate).rstrip(".,;:!?)")
        if not written or written == bare or _same_url(written, bare):
            continue
        ratio = fuzz.ratio(written, bare)
        if ratio > score:
            best, score = written, ratio
    if not _near(bare, best, score):
        return ""
    if best and bare.startswith(best) and len(best) < len(bare):
        return f"“{bare}” is cut short to “{best}”"
    pieces = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, bare, best, autojunk=False).get_opcodes():
        if op != "equal":
            pieces.append((a1, a2, b1, b2))
    if not pieces or len(bare) <= 30:
        return f"“{bare}” is written “{best}”"
    a1, a2, b1, b2 = pieces[0][0], pieces[-1][1], pieces[0][2], pieces[-1][3]
    grow = lambda s, lo, hi: (max(0, lo - 8), min(len(s), hi + 8))  # noqa: E731
    (x1, x2), (y1, y2) = grow(bare, a1, a2), grow(best, b1, b2)
    return f"“…{bare[x1:x2]}…” is written “…{best[y1:y2]}…” in the translation"


def _near(a: str, b: str, score: float) -> bool:
    """A misspelling, not another address: a letter or two apart, or a long URL mostly intact."""
    from rapidfuzz.distance import Indel, Levenshtein

    if not b or score < 75:
        return False
    if Levenshtein.distance(a, b) <= (1 if len(a) < 8 else 2 if len(a) <= 20 else max(2, len(a) // 10)):
        return True
    from difflib import SequenceMatcher

    longest = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size
    return len(a) > 20 and longest >= 0.7 * len(a) and Indel.normalized_similarity(a, b) >= 0.8


def _where_url_is(url: str, target: str, text: str, line: int) -> str:
    """Where a URL said to be missing is after all: in this text (its link is broken) or elsewhere."""
    written = re.sub(r"^mailto:", "", url)
    if written in target:
        return " (the URL is there: the link markup around it is broken)"
    if (found := text.find(written)) < 0:
        return ""
    if (at := line_of(text, found)) == line:
        return " (the URL is there, in another sentence of this paragraph, but not as a working link)"
    return f" (the URL is at line {at}: moved, e.g. into a list of references)"


def _ignored_by_comments(found: list[Finding], text: str, name: str, suppressed: list[Suppressed]) -> tuple[list[Finding], list[Suppressed]]:
    """Apply the translation's ``<!-- pipeline-check: ignore [CHECK ...] [: reason] -->`` comments.

    Like markdownlint's inline comments, one applies to the block that starts on the next
    non-blank line: the findings of the named checks (no name: every check) in that block are
    suppressed, and listed with the comment's reason.
    """
    lines = text.split("\n")
    scopes = []
    for match in _IGNORE.finditer(text):
        rest = " ".join(match["rest"].split())
        names_part, _, reason = rest.partition(":")
        names = set(re.split(r"[\s,]+", names_part.strip())) - {""}
        at = line_of(text, match.end())
        start = next((n for n in range(at + 1, len(lines) + 1) if lines[n - 1].strip()), None)
        if start is None:
            continue
        end = next((n - 1 for n in range(start, len(lines) + 1) if not lines[n - 1].strip()), len(lines))
        why = reason.strip() or "no reason given"
        scopes.append((start, end, names, f"inline comment at line {line_of(text, match.start())}: {why}"))
    if not scopes:
        return found, suppressed
    kept = []
    for finding in found:
        scope = next((s for s in scopes if finding.file == name and s[0] <= finding.line <= s[1] and (not s[2] or finding.check in s[2])), None)
        if scope is None:
            kept.append(finding)
        else:
            suppressed.append(Suppressed(finding, scope[3], "pipeline-check: ignore"))
    return kept, suppressed


def _omission_rule(config: Config, source: str, tgt: str) -> int | None:
    """The number (from 1) of the [gate] omissions rule that lets a ``tgt`` translation leave ``source`` out, if any."""
    return next((n for n, r in enumerate(config.gate.omissions, 1) if r.allows(source, tgt)), None)


def _line_around(text: str, start: int, end: int) -> str:
    return text[text.rfind("\n", 0, start) + 1 : text.find("\n", end) % (len(text) + 1)]


def _kept_title(unit: Segment, text: str) -> bool:
    """A heading, a bold/italic title line, a front matter value or prose inside syntax (an admonition's title, an
    image's alt text) that the translation copies verbatim (paper titles often stay in English, so do alt texts)."""
    source = " ".join(unit.source.split()).casefold()
    if unit.target is None or source not in {" ".join(t.split()).casefold() for t in (unit.target, _NUMBERING.sub("", unit.target))}:
        return False  # (a section number the translation put before the title does not count)
    if unit.block.startswith(("front_matter/", "syntax[")):  # a page's title or description; a component's title, alt text or label
        return True
    return bool(_TITLE_LINE.match(_line_around(text, unit.start, unit.end)))
