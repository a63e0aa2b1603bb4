"""Interchange with CAT tools: segments out as XLIFF 1.2, PO or TMX 1.4, reviewers' targets back in.

Each exported unit carries the source segment text (the memory key), the text export would
publish, notes with the status, model, flags, scores and back-translation, and the entry's review
revision. Importing stores every changed target as a reviewer's edit; a unit whose entry was
reviewed again after the export is a conflict and is not stored. Files are written and read with
translate-toolkit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from translate.storage import pypo, tmx, xliff

from pipeline.document.record import Document
from pipeline.errors import UserError
from pipeline.memory.store import Entry, Memory, ReviewConflict

FORMATS = {"xliff": ".xlf", "po": ".po", "tmx": ".tmx"}
_XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
_REVISION_NOTE = re.compile(r"^revision: (\d+)$", re.M)
_PLACEHOLDER_TRANSLATOR = "FULL NAME <EMAIL@ADDRESS>"


class _Xliff12Unit(xliff.xliffunit):
    namespace = _XLIFF_NS


class _Xliff12(xliff.xlifffile):
    """translate-toolkit's XLIFF store, writing the 1.2 namespace and version."""

    namespace = _XLIFF_NS
    UnitClass = _Xliff12Unit
    XMLskeleton = f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="{_XLIFF_NS}">
<file original="NoName" source-language="en" datatype="plaintext">
<body>
</body>
</file>
</xliff>"""


@dataclass
class Unit:
    """One source segment text and its translation, as exchanged with a CAT tool."""

    id: str
    source: str
    target: str
    status: str = "new"
    flagged: bool = False  # needs a reviewer's eye (XLIFF needs-review-translation, PO fuzzy)
    revision: int | None = None
    notes: list[str] = field(default_factory=list)
    alternatives: list[tuple[float, str, str]] = field(default_factory=list)  # (match %, similar source, its reviewed text)


@dataclass
class Bundle:
    """The units of one issue for one language pair."""

    src: str
    tgt: str
    original: str
    units: list[Unit]
    reviewer: str | None = None  # named in the file (PO Last-Translator, XLIFF phase contact)


@dataclass
class ImportResult:
    stored: int = 0
    unchanged: int = 0
    empty: int = 0
    unknown: list[str] = field(default_factory=list)  # sources with no translation in the memory
    conflicts: list[ReviewConflict] = field(default_factory=list)


def needs_review(entry: Entry) -> bool:
    """Flagged or rejected, and not approved or edited since."""
    return entry.status in ("flagged", "rejected") or (entry.status == "new" and bool(entry.flags))


def _notes(entry: Entry) -> list[str]:
    notes = [f"status: {entry.status}" + (f" ({entry.reviewer}, {entry.reviewed_at})" if entry.reviewer else ""), f"model: {entry.model}"]
    notes += [f"{flag.severity} {flag.check}: {flag.message}" + (f" [{flag.evidence}]" if flag.evidence else "") for flag in entry.flags]
    if entry.scores:
        notes.append("back-translation scores: " + ", ".join(f"{name} {value:g}" for name, value in sorted(entry.scores.items())))
    if entry.back:
        notes.append(f"back-translation: {entry.back}")
    if entry.status == "edited":
        notes.append(f"machine translation: {entry.target}")
    return notes


def bundle_for(
    document: Document, tgt: str, entries: dict[str, Entry], everything: bool, fuzzy: dict[str, tuple[float, str, str]] | None = None,
    history: dict[str, list[Entry]] | None = None, placed: dict[str, list[str]] | None = None,
) -> Bundle:
    """The units of ``document`` (each distinct source once): those needing review, or all; ``fuzzy``
    gives each source its similar sentence's reviewed translation and ``placed`` the human translations
    it has at other places (XLIFF ``<alt-trans>``), ``history`` every review saved for it (notes: who,
    when, what). A segment the memory filled in context (``recall``) is exported with that text."""
    units, seen = [], set()
    for segment in document.segments:
        entry = entries.get(segment.source)
        if entry is None and (segment.origin or "").startswith("review:") and segment.target:  # a human text kept at its place only
            entry = Entry(document.src_lang, tgt, segment.source, segment.origin, segment.target, status="edited", text=segment.target, reviewer=segment.origin.removeprefix("review:"))
        if entry is None or segment.source in seen or not (everything or needs_review(entry)):
            continue
        seen.add(segment.source)
        target = segment.target if (segment.origin or "").startswith("review:") and segment.target else entry.final
        alternatives = [fuzzy[segment.source]] if fuzzy and segment.source in fuzzy else []
        alternatives += [(100.0, segment.source, text) for text in (placed or {}).get(segment.source, []) if text != target]
        past = [f"history: {e.reviewed_at} {e.reviewer} {e.status}" + (f": {e.text}" if e.text else "") for e in (history or {}).get(segment.source, [])]
        units.append(Unit(segment.id, segment.source, target, entry.status, needs_review(entry), entry.revision, _notes(entry) + past, alternatives))
    return Bundle(document.src_lang, tgt, Path(document.name).name, units)


def dumps(bundle: Bundle, fmt: str) -> str:
    """The bundle as an XLIFF 1.2 or PO file."""
    if fmt == "xliff":
        return _dump_xliff(bundle)
    if fmt == "po":
        return _dump_po(bundle)
    if fmt == "tmx":
        return _dump_tmx(bundle)
    raise UserError(f"unknown format {fmt!r}: choose one of md, {', '.join(FORMATS)}")


def _dump_xliff(bundle: Bundle) -> str:
    store = _Xliff12(sourcelanguage=bundle.src, targetlanguage=bundle.tgt)
    for unit in bundle.units:
        node = store.addsourceunit(unit.source, filename=bundle.original, createifmissing=True)
        node.setid(unit.id)
        node.settarget(unit.target)
        for note in unit.notes:
            node.addnote(note, origin="pipeline")
        node.createcontextgroup("pipeline", [("x-revision", str(unit.revision))], purpose="information")
        for score, similar, text in unit.alternatives:
            node.addalttrans(text, origin="memory", lang=bundle.tgt, sourcetxt=similar, matchquality=f"{score:g}")
        state = node.S_NEEDS_TRANSLATION if unit.status == "rejected" else node.S_NEEDS_REVIEW if unit.flagged else node.S_SIGNED_OFF if unit.status == "approved" else node.S_TRANSLATED
        node.set_state_n(state)
        node.markapproved(unit.status in ("approved", "edited"))
    if bundle.units:
        store.removedefaultfile()
    else:
        store.setfilename(store.getfilenode("NoName"), bundle.original)
    return bytes(store).decode("utf-8")


def _dump_po(bundle: Bundle) -> str:
    store = pypo.pofile()
    store.updateheader(add=True, Project_Id_Version=bundle.original, Language=bundle.tgt, X_Source_Language=bundle.src)
    for unit in bundle.units:
        node = store.addsourceunit(unit.source)
        node.target = unit.target
        for note in [*unit.notes, f"revision: {unit.revision}"]:
            node.addnote(note, origin="developer")
        node.addlocation(unit.id)
        node.markfuzzy(unit.flagged)
    return bytes(store).decode("utf-8")


def _dump_tmx(bundle: Bundle) -> str:
    store = tmx.tmxfile(sourcelanguage=bundle.src, targetlanguage=bundle.tgt)
    for unit in bundle.units:
        store.addtranslation(unit.source, bundle.src, unit.target, bundle.tgt, comment="\n".join(unit.notes) or None)
    return bytes(store).decode("utf-8")


def _load_tmx(data: bytes) -> Bundle:
    store = tmx.tmxfile.parsestring(data)
    langs = [str(lang) for lang in store.document.getroot().xpath("//*[local-name()='tu'][1]/*[local-name()='tuv']/@*[local-name()='lang']")]
    if len(langs) != 2:
        raise UserError("a translation unit needs two <tuv> with xml:lang: the source's and the translation's")
    units = [Unit("", str(node.source), str(node.target or "")) for node in store.unit_iter() if str(node.source).strip()]
    return Bundle(langs[0].split("-")[0].lower(), langs[1].split("-")[0].lower(), "", units)


def load(path: Path) -> Bundle:
    """Read an XLIFF (.xlf, .xliff) or PO (.po) file exported by ``dumps`` and edited by a reviewer."""
    suffix = path.suffix.lower()
    if suffix not in (".xlf", ".xliff", ".po", ".tmx"):
        raise UserError(f"{path}: unknown file type {suffix or '(none)'}: import an .xlf/.xliff, .po or .tmx file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror}") from None
    try:
        return _load_po(data) if suffix == ".po" else _load_tmx(data) if suffix == ".tmx" else _load_xliff(data)
    except UserError as error:
        raise UserError(f"{path}: {error}") from None
    except Exception as error:  # lxml and the PO parser raise their own types for malformed files
        kind = {".po": "PO", ".tmx": "TMX"}.get(suffix, "XLIFF")
        raise UserError(f"{path}: not a readable {kind} file ({type(error).__name__}: {str(error)[:120]})") from None


def _load_xliff(data: bytes) -> Bundle:
    store = xliff.xlifffile.parsestring(data)
    src, tgt = store.getsourcelanguage(), store.gettargetlanguage()
    if not src or not tgt:
        raise UserError("the <file> element needs source-language and target-language")
    units = []
    for node in store.unit_iter():
        revision = next((int(value) for group in node.getcontextgroups("pipeline") for kind, value in group if kind == "x-revision" and value.isdigit()), None)
        units.append(Unit(node.getid().split("\x04")[-1], str(node.source), str(node.target or ""), revision=revision))
    contacts = store.document.getroot().xpath("//*[local-name()='phase']/@contact-name")
    names = store.getfilenames()
    return Bundle(src, tgt, names[0] if names else "", units, reviewer=(str(contacts[-1]).strip() or None) if contacts else None)


def _load_po(data: bytes) -> Bundle:
    store = pypo.pofile.parsestring(data)
    header = store.parseheader()
    src, tgt = header.get("X-Source-Language", ""), header.get("Language", "")
    if not src or not tgt:
        raise UserError("the PO header needs Language and X-Source-Language")
    units = []
    for node in store.unit_iter():
        if node.isheader() or node.isobsolete():
            continue
        revision = _REVISION_NOTE.search(node.getnotes("developer") or "")
        locations = node.getlocations()
        units.append(Unit(locations[0] if locations else "", str(node.source), str(node.target or ""), revision=int(revision[1]) if revision else None))
    translator = header.get("Last-Translator", "").strip()
    name = re.sub(r"\s*<[^>]*>\s*$", "", translator).strip() if translator and translator != _PLACEHOLDER_TRANSLATOR else ""
    return Bundle(src, tgt, header.get("Project-Id-Version", ""), units, reviewer=name or None)


def import_bundle(memory: Memory, bundle: Bundle, reviewer: str) -> ImportResult:
    """Store each changed target as ``reviewer``'s edit; unchanged, empty, unknown and conflicting units are counted."""
    result = ImportResult()
    current = memory.entries(bundle.src, bundle.tgt, [unit.source for unit in bundle.units])
    for unit in bundle.units:
        entry = current.get(unit.source)
        if entry is None:
            result.unknown.append(unit.source)
        elif not unit.target.strip():
            result.empty += 1
        elif unit.target == entry.final:
            result.unchanged += 1
        else:
            try:
                memory.save_review(bundle.src, bundle.tgt, unit.source, status="edited", text=unit.target, reviewer=reviewer, revision=unit.revision)
                result.stored += 1
            except ReviewConflict as conflict:
                result.conflicts.append(conflict)
    return result
