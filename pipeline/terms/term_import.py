"""Importing a documentation project's own term list into one of our glossary files.

``read_terms`` reads, by extension (content decides for other names):

* TBX 2 / TBX-Basic (``.tbx``, ``<martif>``), through translate-toolkit: one term per source
  ``<term>`` of each entry, its target the entry's first non-deprecated ``<term>`` in the target
  language; languages are matched by ``xml:lang``, ``pt`` finding ``pt-BR`` (primary subtag);
* CSV and TSV (``.csv``, ``.tsv``, ``.txt``): ``source,target[,note]`` rows, an optional header row;
* Markdown (``.md``): the first pipe table with two columns or more (and later tables with the
  same header), ``| term | tradução |`` rows, definition-style list items (``- term: tradução``,
  ``* **term** — tradução``), and bare items listed under a "do not translate" heading (kept as is).

``write_glossary`` merges terms into a ``SRC-TGT.tsv`` glossary (see ``pipeline.terms.glossary``).
The merge guarantees that nothing already in the glossary is lost or silently replaced: existing
lines stay byte for byte, a term already there is skipped, a term whose source is there with a
different target is reported as a conflict and not written, and the result is loaded with
``Glossary.load`` before it replaces the file (atomically). New entries go in a section headed
``# Imported from ORIGIN``, their notes starting ``from ORIGIN``.

Every malformed input is a ``UserError`` naming the file (and line where there is one).
"""
from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import UserError
from pipeline.files import write_atomic
from pipeline.terms.glossary import FLAGS, Glossary, GlossaryError

_TBX_EXTENSIONS = {".tbx"}
_DELIMITED_EXTENSIONS = {".csv", ".tsv", ".txt"}
_MARKDOWN_EXTENSIONS = {".md", ".markdown"}
_PAIR_NAME = re.compile(r"^[a-z]{2,3}-[a-z]{2,3}\.tsv$")
_LANG_CODE = re.compile(r"^[a-z]{2,3}$")

# Words that make the first row of a CSV/TSV a header (besides the src and tgt codes themselves).
_HEADER_WORDS = frozenset({
    "source", "target", "term", "terms", "word", "original", "translation", "translations", "translated",
    "note", "notes", "en", "pt", "english", "portuguese", "tradução", "termo", "palavra", "traducción",
    "término", "traduction", "terme",
})
# Reserved keys of the glossary's notes column: an imported note starting so is prefixed ``note:``.
_RESERVED_NOTE_KEYS = ("also", "gender", "number")


@dataclass(frozen=True)
class Term:
    """One imported entry; ``source == target`` pins a name as untranslated."""

    source: str
    target: str
    note: str = ""


@dataclass(frozen=True)
class Conflict:
    """An imported term whose source the glossary already translates otherwise (not written)."""

    term: Term
    existing_target: str
    existing_at: str  # "path:line", or "ORIGIN (earlier in this import)"


@dataclass(frozen=True)
class WriteResult:
    """What ``write_glossary`` did to ``path``."""

    path: Path
    added: tuple[Term, ...]
    skipped: tuple[Term, ...]  # already in the glossary (or earlier in the import) with that target
    conflicts: tuple[Conflict, ...]

    @property
    def summary(self) -> str:
        counts = len(self.added), len(self.skipped), len(self.conflicts)
        return "{}: {} added, {} already there, {} conflicts".format(self.path, *counts)


# ------------------------------------------------------------------ reading --


def read_terms(path: Path, src: str | None = None, tgt: str | None = None) -> list[Term]:
    """The terms of a TBX, CSV/TSV or Markdown term list, in file order.

    ``src``/``tgt`` pick the TBX languages (``tgt`` is required where the file has several
    target languages); the other formats have the source in the first column.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, not a term list") from None
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror}") from None
    suffix = path.suffix.lower()
    known = suffix in _TBX_EXTENSIONS | _DELIMITED_EXTENSIONS | _MARKDOWN_EXTENSIONS
    if suffix in _TBX_EXTENSIONS or (not known and _looks_like_xml(data)):
        terms = _read_tbx(path, data, src, tgt)
    else:
        text = _decode(path, data)
        if suffix in _MARKDOWN_EXTENSIONS or (not known and _looks_like_markdown(text)):
            terms = _read_markdown(text)
        else:
            delimiter = "\t" if suffix == ".tsv" else _guess_delimiter(text)
            terms = _read_delimited(path, text, delimiter, src, tgt)
    if not terms:
        raise UserError(f"{path}: no terms found")
    return terms


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError(f"{path}: the file is UTF-16: convert it to UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        raise UserError(f"{path}:{line}: not valid UTF-8 (byte 0x{byte:02x}): convert it to UTF-8") from None


def _looks_like_xml(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _looks_like_markdown(text: str) -> bool:
    return any(re.match(r"\s*(?:\||[-*+]\s|#{1,6}\s)", line) for line in text.splitlines())


def _clean(text: str) -> str:
    """Whitespace runs (line breaks included) as one space, none around."""
    return " ".join(text.split())


# ---- TBX


def _norm_lang(code: str) -> str:
    return code.strip().replace("_", "-").lower()


def _primary(code: str) -> str:
    return _norm_lang(code).split("-")[0]


def _pick_language(path: Path, wanted: str, available: list[str], role: str) -> set[str]:
    """The file's spellings of ``wanted``: exact (ignoring case) if any, else by primary subtag."""
    exact = {code for code in available if _norm_lang(code) == _norm_lang(wanted)}
    if exact:
        return exact
    close = {code for code in available if _primary(code) == _primary(wanted)}
    if len({_norm_lang(code) for code in close}) > 1:
        names = ", ".join(sorted(close))
        raise UserError(f"{path}: several languages match {role} {wanted!r} ({names}): name one exactly")
    if not close:
        names = ", ".join(available)
        raise UserError(f"{path}: no {role} language {wanted!r} (languages in the file: {names})")
    return close


def _read_tbx(path: Path, data: bytes, src: str | None, tgt: str | None) -> list[Term]:
    from lxml import etree
    from translate.misc.xml_helpers import getXMLlang
    from translate.storage import tbx

    try:
        store = tbx.tbxfile.parsestring(data)
    except etree.XMLSyntaxError as error:
        line = error.lineno or (error.position[0] if error.position else 0)
        raise UserError(f"{path}:{line}: not valid XML: {error.msg}") from None
    except (AssertionError, ValueError, etree.LxmlError):
        raise UserError(f"{path}: not a TBX 2 / TBX-Basic file (the root element is not <martif>)") from None
    root = store.document.getroot()
    if etree.QName(root).localname != "martif":
        raise UserError(f"{path}: not a TBX 2 / TBX-Basic file (the root element is not <martif>)")
    units = list(store.units)
    codes = (getXMLlang(node) for unit in units for node in unit.getlanguageNodes())
    available = list(dict.fromkeys(code for code in codes if code))
    if not available:
        raise UserError(f"{path}: no terms found (no <langSet xml:lang=...>)")
    src = src or getXMLlang(root) or ("en" if any(_primary(c) == "en" for c in available) else None)
    if not src:
        raise UserError(f"{path}: which language is the source? pass src (languages: {', '.join(available)})")
    sources = _pick_language(path, src, available, "source")
    if tgt is None:
        others = [code for code in available if code not in sources and _primary(code) != _primary(src)]
        distinct = list(dict.fromkeys(_norm_lang(code) for code in others))
        if len(distinct) > 1:
            raise UserError(f"{path}: several target languages ({', '.join(others)}): pass tgt to pick one")
        if not distinct:
            raise UserError(f"{path}: no target language besides the source {src!r}")
        targets = set(others)
    else:
        targets = _pick_language(path, tgt, available, "target")
    terms = []
    for unit in units:
        languages = unit.getlanguageNodes()
        source_sets = [node for node in languages if getXMLlang(node) in sources]
        target_sets = [node for node in languages if getXMLlang(node) in targets]
        target_texts = [text for node in target_sets for text in _tbx_terms(unit, node)]
        if not source_sets or not target_texts:
            continue  # an entry without this pair: nothing to import
        note = " / ".join(dict.fromkeys(_tbx_notes(unit, [*source_sets, *target_sets])))
        for node in source_sets:
            terms += [Term(text, target_texts[0], note) for text in _tbx_terms(unit, node)]
    return terms


def _tbx_terms(unit, langset) -> list[str]:
    """The non-empty, non-deprecated ``<term>`` texts of a ``<langSet>`` (``tig`` and ``ntig``)."""
    found = []
    for term in langset.iter(unit.namespaced("term")):
        holder = term.getparent()
        status = " ".join(
            _clean("".join(node.itertext())).lower()
            for node in holder.iter(unit.namespaced("termNote"))
            if node.get("type") == "administrativeStatus"
        )
        if "deprecated" not in status and (text := _clean("".join(term.itertext()))):
            found.append(text)
    return found


def _tbx_notes(unit, langsets: list) -> Iterator[str]:
    """Definitions and notes of the entry and of the chosen language sets (not those of one term)."""
    kinds = {unit.namespaced("descrip"), unit.namespaced("note")}
    language, term_groups = unit.namespaced("langSet"), {unit.namespaced("tig"), unit.namespaced("ntig")}
    entry_level = [n for n in unit.xmlelement.iter(*kinds) if not any(a.tag == language for a in n.iterancestors())]
    language_level = [
        n for langset in langsets for n in langset.iter(*kinds)
        if not any(a.tag in term_groups for a in n.iterancestors())
    ]
    for node in [*entry_level, *language_level]:
        if node.get("type") != "Translation needed" and (text := _clean("".join(node.itertext()))):
            yield text


# ---- CSV / TSV


_DELIMITER_NAMES = {",": ",", ";": ";", "\t": "<TAB>"}


def _guess_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return "\t" if "\t" in first else "," if "," in first or ";" not in first else ";"


def _is_header(cells: list[str], src: str | None, tgt: str | None) -> bool:
    codes = [code for code in (src, tgt) if code]
    vocabulary = _HEADER_WORDS | {_primary(code) for code in codes} | {_norm_lang(code) for code in codes}
    return len(cells) >= 2 and all(
        any(word in vocabulary for word in re.findall(r"[\w-]+", cell.lower())) for cell in cells[:2]
    )


def _read_delimited(path: Path, text: str, delimiter: str, src: str | None, tgt: str | None) -> list[Term]:
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    layout = f"source{_DELIMITER_NAMES[delimiter]}target[{_DELIMITER_NAMES[delimiter]}note]"
    terms: list[Term] = []
    first = True
    while True:
        start = rows.line_num + 1  # where the row begins (a quoted cell may span lines)
        try:
            row = next(rows)
        except StopIteration:
            return terms
        except csv.Error as error:
            raise UserError(f"{path}:{start}: not a readable CSV/TSV row: {error}") from None
        cells = [cell.strip() for cell in row]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if first and _is_header(cells, src, tgt):
            first = False
            continue
        first = False
        where = f"{path}:{start}"
        if len(cells) < 2:
            raise UserError(f"{where}: one cell ({cells[0][:40]!r}); expected {layout}")
        if len(cells) > 3:
            raise UserError(f"{where}: {len(cells)} cells; expected {layout}")
        source, target, note = (*cells, "")[:3]
        for name, value in (("source", source), ("target", target)):
            if not value:
                raise UserError(f"{where}: empty {name}")
            if "\n" in value or "\r" in value:
                raise UserError(f"{where}: the {name} spans several lines (an unclosed quote?)")
        terms.append(Term(source, target, _clean(note)))


# ---- Markdown

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_PIPE = re.compile(r"(?<!\\)\|")
_BULLET = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+(.+?)\s*$")
_WRAPPED = re.compile(r"^(\*\*|__|\*|_|`+)(.+?)\1(.*)$")
_SEPARATOR = re.compile(r"\s*(?::\s|\s[—–=→-]\s|\s->\s|\s=>\s)\s*")
_KEEP_HEADING = re.compile(
    r"n[aã]o\s+(?:deve[m]?\s+ser\s+|se\s+)?traduz|sem\s+tradu|not?\s+(?:be\s+)?translat|don'?t\s+translat"
    r"|untranslat|keep\s+(?:in\s+)?english|no\s+(?:se\s+)?(?:debe[n]?\s+)?traduc|ne\s+pas\s+tradui"
    r"|nicht\s+übersetz|не\s+перевод|不翻译|不要翻译|翻訳しない",
    re.IGNORECASE,
)
_MAX_TERM_WORDS, _MAX_TARGET_WORDS = 6, 12


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body.removeprefix("|")
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [cell.strip().replace("\\|", "|") for cell in _PIPE.split(body)]


def _unwrap(text: str) -> str:
    """``text`` without emphasis or backticks wrapped around all of it."""
    while (m := _WRAPPED.match(text)) and not m.group(3).strip():
        text = m.group(2).strip()
    return text


def _is_termlike(text: str, max_words: int) -> bool:
    prose = re.search(r"[.!?:]\s|[.!?:]$|https?://", text)
    return bool(text) and len(text.split()) <= max_words and not prose


def _definition(item: str) -> tuple[str, str] | None:
    """``(term, translation)`` of a list item such as ``term: tradução`` or ``**term** — tradução``."""
    m = _WRAPPED.match(item)
    if m and m.group(3).strip():  # **term** — tradução, **term:** tradução, `term` = tradução
        term, rest = m.group(2).strip().rstrip(":").strip(), m.group(3)
        rest = re.sub(r"^\s*(?::|[—–=→-]|->|=>)?\s*", "", rest)
    else:
        parts = _SEPARATOR.split(item, maxsplit=1)
        if len(parts) != 2:
            return None
        term, rest = parts
    term, rest = _unwrap(term.strip()), _unwrap(rest.strip())
    if _is_termlike(term, _MAX_TERM_WORDS) and _is_termlike(rest, _MAX_TARGET_WORDS):
        return term, rest
    return None


def _markdown_lines(text: str) -> Iterator[tuple[str, str]]:
    """``(line, heading above it)`` for each line outside code fences and HTML comments."""
    fence, in_comment, heading = "", False, ""
    for line in text.splitlines():
        if fence:
            if line.strip().startswith(fence):
                fence = ""
            continue
        if in_comment:
            in_comment = "-->" not in line
            continue
        if m := _FENCE.match(line):
            fence = m.group(1)[0] * 3
            continue
        if line.lstrip().startswith("<!--"):
            in_comment = "-->" not in line
            continue
        if m := _HEADING.match(line):
            heading = m.group(1)
        yield line, heading


_TERM_HEADER = re.compile(r"\b(?:english|original|source|term|termo|inglês|ingles|en)\b.*\|.*\b(?:translation|tradução|traducao|target|portuguese|português|pt(?:-br)?)\b", re.I)


def _read_markdown(text: str) -> list[Term]:
    lines = list(_markdown_lines(text))
    term_tables = any(_TERM_HEADER.search(line) for line, _ in lines if _PIPE.search(line))
    terms: list[Term] = []
    table_header: list[str] | None = None
    i = 0
    while i < len(lines):
        line, heading = lines[i]
        below = lines[i + 1][0] if i + 1 < len(lines) else ""
        headed = _PIPE.search(line) and _DELIMITER_ROW.match(below)
        headed = headed and len(_cells(below)) == len(_cells(line))
        if headed:
            header = [cell.lower() for cell in _cells(line)]
            block_end = i + 2
            while block_end < len(lines) and _PIPE.search(lines[block_end][0]):
                block_end += 1
            wanted = len(header) >= 2 and (table_header is None or header == table_header)
            if term_tables and not _TERM_HEADER.search(" | ".join(header)):
                wanted = False  # the file has a table of terms: other tables (a style guide's) are not read
            if wanted:
                table_header = header
                terms += _table_terms(lines[j][0] for j in range(i + 2, block_end))
            i = block_end
            continue
        if line.strip().startswith("|"):  # a row without a header: | term | tradução |
            terms += _table_terms([line])
        elif term_tables:
            pass  # a table of terms: the lists around it are the guide's prose
        elif m := _BULLET.match(line):
            item = m.group(1)
            pair = _definition(item)
            if pair:
                terms.append(Term(*pair))
            elif _KEEP_HEADING.search(heading) and _is_termlike(name := _unwrap(item), _MAX_TERM_WORDS):
                terms.append(Term(name, name))
        i += 1
    return terms


def _table_terms(rows: Iterable[str]) -> list[Term]:
    found = []
    for row in rows:
        cells = _cells(row)
        if len(cells) >= 2 and cells[0] and cells[1] and not _DELIMITER_ROW.match(row):
            if "e.g." in cells[1] or "i.e." in cells[1]:
                continue  # a guide's advice with an example, not a translation
            term = _as_written(Term(cells[0], cells[1], cells[2] if len(cells) > 2 else ""))
            if _is_termlike(term.source, _MAX_TERM_WORDS) and _is_termlike(term.target, _MAX_TARGET_WORDS):
                found.append(term)
    return found


_KEPT_MARKS = {"-", "\\-", "—", "–", "=", "idem", "same", "(same)"}
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")


def _first_alternative(text: str) -> tuple[str, str]:
    """``build/processo de build`` -> (``build``, the rest); a slash inside a short word (``I/O``) is no alternative."""
    parts = [part.strip() for part in re.split(r"\s*/\s*|,\s+", text) if part.strip()]
    if len(parts) > 1 and all(len(part) > 1 for part in parts):
        return parts[0], ", ".join(parts[1:])
    return text, ""


def _as_written(term: Term) -> Term:
    """A term of a translators' guide table as a glossary entry: ``\\-`` (no translation) keeps the term,
    parentheses (``(verb)``, ``(SSR)``) go, and of alternatives (``executar/executando``) the first is
    pinned, the others noted."""
    if term.target.strip() in _KEPT_MARKS:
        source = _first_alternative(_PARENTHESIS.sub("", term.source).strip() or term.source)[0]
        return Term(source, source, term.note)
    source = _PARENTHESIS.sub("", term.source).strip() or term.source
    target = _PARENTHESIS.sub("", term.target).strip() or term.target
    source, _ = _first_alternative(source)
    target, others = _first_alternative(target)
    note = "; ".join(part for part in (term.note, f"also: {others}" if others else "") if part)
    return Term(source, target, note)


# ------------------------------------------------------------------ writing --


def _note_field(term: Term, origin: str) -> str:
    """``from ORIGIN[; note]``: the note made one free-text item (no ``;``, flag or reserved key)."""
    note = _clean(term.note.replace(";", ","))
    key = note.partition(":")[0].strip().lower()
    if note.lower() in FLAGS or (":" in note and key in _RESERVED_NOTE_KEYS):
        note = f"note: {note}"
    return f"from {origin}; {note}" if note else f"from {origin}"


def _check_term(term: Term) -> Term:
    """The term with its columns stripped; a UserError where the glossary format cannot hold it."""
    source, target = term.source.strip(), term.target.strip()
    for name, value in (("source", source), ("target", target)):
        if not value:
            raise UserError(f"cannot import {term.source!r} -> {term.target!r}: empty {name}")
        if re.search(r"[\t\n\r]", value):
            raise UserError(f"cannot import {value!r}: the {name} contains a tab or line break")
    if source.startswith("#"):
        raise UserError(f"cannot import {source!r}: a glossary line starting with '#' is a comment")
    return Term(source, target, term.note)


def _load_text(text: str, src: str, tgt: str, path: Path) -> Glossary:
    """``text`` loaded as ``path`` would be by ``Glossary.load``; errors name ``path``."""
    with tempfile.TemporaryDirectory(prefix="term-import-") as directory:
        copy = Path(directory) / f"{src}-{tgt}.tsv"
        copy.write_text(text, encoding="utf-8")
        try:
            return Glossary.load(Path(directory), src, tgt)
        except GlossaryError as error:
            message = str(error).replace(str(copy.resolve()), str(path)).replace(str(copy), str(path))
            raise GlossaryError(message) from None


def _line_of(origin: str) -> int:
    return int(origin.rpartition(":")[2])


def write_glossary(terms: Iterable[Term], path: Path, *, src: str, tgt: str, origin: str) -> WriteResult:
    """Merge ``terms`` into the ``src``-``tgt`` glossary file ``path`` (created if missing).

    Existing lines are kept byte for byte. A term whose source the glossary (or an earlier
    imported term) already gives the same target is skipped; one it gives another target is a
    conflict, reported and not written. New entries are appended under ``# Imported from
    ORIGIN``. The file is replaced atomically, and only by text that ``Glossary.load`` accepts.
    """
    path = Path(path)
    for name, code in (("src", src), ("tgt", tgt)):
        if not _LANG_CODE.match(code):
            raise UserError(f"{name} {code!r}: a glossary file needs a 2-3 letter lower-case code (e.g. pt)")
    if _PAIR_NAME.match(path.name) and path.name != f"{src}-{tgt}.tsv":
        right = path.with_name(f"{src}-{tgt}.tsv")
        raise UserError(f"{path}: is not the {src}-{tgt} glossary; write to {right}")
    origin = _clean(re.sub(r"[;\t]", ",", origin))
    if not origin:
        raise UserError("the origin of the imported terms (for the notes and the section comment) is empty")
    checked = [_check_term(term) for term in terms]

    existing = ""
    if path.exists():
        try:
            existing = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            raise UserError(f"{path}: not valid UTF-8 (byte {error.start}): fix the glossary first") from None
        except OSError as error:
            raise UserError(f"{path}: cannot read: {error.strerror}") from None
    try:
        present = _load_text(existing, src, tgt, path).terms
    except GlossaryError as error:
        raise UserError(f"{error} (the glossary must load before terms are merged into it)") from None
    # casefolded source -> [(source, target, case-sensitive, where)]: the entries a new term must agree with
    earlier: dict[str, list[tuple[str, str, bool, str]]] = {}
    for t in sorted(present, key=lambda t: _line_of(t.origin)):
        where = f"{path}:{_line_of(t.origin)}"
        earlier.setdefault(t.source.casefold(), []).append((t.source, t.target, t.case_sensitive, where))

    added: list[Term] = []
    skipped: list[Term] = []
    conflicts: list[Conflict] = []
    for term in checked:
        case_sensitive = term.source != term.source.lower()  # the loader's default: no flags are written
        same = earlier.get(term.source.casefold(), [])
        if any(s == term.source and t == term.target for s, t, _, _ in same):
            skipped.append(term)
            continue
        clash = next(  # the loader's rule: same source ignoring case unless both are case-sensitive
            (
                (t, where) for s, t, cs, where in same
                if t != term.target and (s == term.source or not (cs and case_sensitive))
            ),
            None,
        )
        if clash:
            conflicts.append(Conflict(term, *clash))
        elif any(t == term.target and not cs for _, t, cs, _ in same):
            skipped.append(term)  # an existing case-insensitive entry already covers this spelling
        else:
            added.append(term)
            earlier.setdefault(term.source.casefold(), []).append(
                (term.source, term.target, case_sensitive, f"{origin} (earlier in this import)")
            )
    result = WriteResult(path, tuple(added), tuple(skipped), tuple(conflicts))
    if not added:
        return result

    first_break = existing.find("\n")
    newline = "\r\n" if first_break > 0 and existing[first_break - 1] == "\r" else "\n"  # the file's own
    text = existing
    if text and not text.endswith("\n"):
        text += newline
    if text.strip() and not text.endswith(newline * 2):
        text += newline
    lines = [f"# Imported from {origin}", *(f"{t.source}\t{t.target}\t{_note_field(t, origin)}" for t in added)]
    text += newline.join(lines) + newline
    try:
        _load_text(text, src, tgt, path)
    except GlossaryError as error:  # a case the checks above do not foresee: never write a broken glossary
        raise UserError(f"{error} (in the merged glossary; nothing was written)") from None
    write_atomic(path, text, keep_previous=False)
    return result
