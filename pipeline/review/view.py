"""What a reviewer sees of an issue: its segments beside their memory entries, flagged first.

Flagged segments are listed most urgent first: errors before warnings, then by how likely a
finding of their check needs action (``likelihood``), then in document order.

The issue file is re-segmented and protected (no model is loaded); translations, back-check
results and review state come from the translation memory. Shared by the review app and the
static report.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from pipeline.config import Config
from pipeline.document.export import output_path
from pipeline.document.record import Document, Flag, Segment
from pipeline.errors import UserError
from pipeline.files import read_source
from pipeline.memory.store import REVIEWED, Entry, Memory
from pipeline.quality.backcheck import has_placeholders, in_source_language, without_placeholders
from pipeline.quality.checks import LIKELIHOOD, Context, flag_rank, run_checks
from pipeline.run import segmented

_LANG = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$")
ORDERS = ("severity", "document")  # flagged segments most urgent first, or in document order


def urgency(flags: list[Flag]) -> tuple[int, int]:
    """Sort key of flags: the most severe one's severity (errors first), then its check's likelihood."""
    return min(map(flag_rank, flags), default=(3, len(LIKELIHOOD)))


class NotFound(LookupError):
    """No issue or segment by that number or id in this review."""


@dataclass
class Row:
    """One segment of the issue with its memory entry (None: never translated)."""

    segment: Segment
    entry: Entry | None
    flags: list[Flag]  # the checks of what export writes: the machine output, or the reviewer's text
    flagged: bool  # the machine output was flagged: listed first and counted in the progress
    history: list[Entry] = field(default_factory=list)  # every review saved for it, oldest first (who, when, what)
    urgency: tuple[int, int] = (3, len(LIKELIHOOD))  # of the machine output's flags (a review does not move it)
    position: int = 0  # place in document order (flagged first)
    rank: int = 0  # place in severity order

    @property
    def id(self) -> str:
        return self.segment.id

    @property
    def status(self) -> str:
        return self.entry.status if self.entry else "untranslated"

    @property
    def reviewed(self) -> bool:
        return self.entry is not None and self.entry.reviewed

    @property
    def reasons(self) -> list[str]:
        return sorted({flag.check for flag in self.flags})

    @property
    def evidence(self) -> list[str]:
        return [flag.evidence for flag in self.flags if flag.evidence]

    @property
    def back(self) -> str | None:
        """The stored back-translation; placeholders an older run left in it mapped to the source's text."""
        back = self.entry.back if self.entry else None
        if back and has_placeholders(back):
            return without_placeholders(back, in_source_language(self.segment))
        return back


@dataclass
class Progress:
    translated: int
    reviewed: int
    flagged: int
    flagged_reviewed: int
    untranslated: int

    @property
    def summary(self) -> str:
        return f"{self.flagged_reviewed} of {self.flagged} flagged reviewed · {self.reviewed} of {self.translated} in all"

    @property
    def left(self) -> int:
        """Flagged segments not reviewed yet."""
        return self.flagged - self.flagged_reviewed

    def as_dict(self) -> dict:
        return {**self.__dict__, "summary": self.summary}


@dataclass
class Overview:
    """An issue as the index lists it: its language pair, progress and when it last changed."""

    number: int
    name: str
    src: str
    tgt: str
    progress: Progress
    changed: str | None  # ISO 8601 UTC
    changed_by: str  # what changed then: "review by NAME", "translation", "source"


def _mtime(path: Path) -> str | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except OSError:
        return None


def progress(segments: list[Segment], entries: dict[str, Entry], flagged_sources: Collection[str]) -> Progress:
    """How far the review of these segments is (``flagged_sources``: their machine output was flagged)."""
    found = [entries[s.source] for s in segments if s.source in entries]
    flagged = [entry for entry in found if entry.source in flagged_sources]
    return Progress(
        translated=len(found),
        reviewed=sum(entry.reviewed for entry in found),
        flagged=len(flagged),
        flagged_reviewed=sum(entry.reviewed for entry in flagged),
        untranslated=len(segments) - len(found),
    )


def flag_dict(flag: Flag) -> dict:
    return {"check": flag.check, "severity": flag.severity, "message": flag.message, "evidence": flag.evidence}


class Issue:
    """One issue file, re-segmented (and protected) whenever it changes on disk."""

    def __init__(self, path: Path, config: Config, src_lang: str | None, tgt: str):
        self.path = path
        self.config = config
        self.src_lang = src_lang
        self.tgt = tgt
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._document: Document | None = None
        self._by_id: dict[str, Segment] = {}

    @property
    def name(self) -> str:
        try:
            return str(self.path.resolve().relative_to(Path.cwd()))
        except ValueError:
            return str(self.path)

    def document(self) -> Document:
        """The segmented, protected issue; rebuilt when the file's size or mtime changed."""
        try:
            stat = self.path.stat()
        except OSError:
            raise UserError(f"{self.path}: no such file (it was moved or deleted)") from None
        with self._lock:
            if self._stamp != (stat.st_mtime_ns, stat.st_size):
                text = read_source(self.path, self.config.segment.max_input_mb)
                document = segmented(text, str(self.path), self.src_lang, self.tgt, self.config)
                self._document, self._stamp = document, (stat.st_mtime_ns, stat.st_size)
                self._by_id = {s.id: s for s in document.segments}
            return self._document

    def segment(self, segment_id: str) -> Segment:
        self.document()
        found = self._by_id.get(segment_id)
        if found is None:
            raise NotFound(f"no segment {segment_id} in {self.name}")
        return found


class Review:
    """The issues of one review session, their target language and the translation memory."""

    def __init__(self, paths: list[Path], tgt: str, config: Config, memory_path: Path, src_lang: str | None = None):
        if not paths:
            raise UserError("name at least one issue file to review")
        if not _LANG.match(tgt):
            raise UserError(f"--to {tgt!r}: give one target language code, e.g. --to pt")
        if not memory_path.is_file():
            raise UserError(f"no translation memory at {memory_path}: run `pipeline translate` first (or pass --memory)")
        self.tgt = tgt
        self.config = config
        self.memory_path = memory_path
        self._local = threading.local()
        self._connections: list[Memory] = []
        self._connections_lock = threading.Lock()
        self.issues = [Issue(path, config, src_lang, tgt) for path in paths]
        self.memory()  # bad input fails now, as one line, not on the first page load
        for issue in self.issues:
            issue.document()

    def memory(self) -> Memory:
        """The calling thread's own connection (one SQLite connection is never used by two threads at once)."""
        memory = getattr(self._local, "memory", None)
        if memory is None:
            memory = self._local.memory = Memory(self.memory_path)
            with self._connections_lock:
                self._connections.append(memory)
        return memory

    def close(self) -> None:
        """Close every thread's memory connection."""
        with self._connections_lock:
            for memory in self._connections:
                memory.close()
            self._connections.clear()
        self._local = threading.local()

    def __enter__(self) -> "Review":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def issue(self, number: int) -> Issue:
        if not 0 <= number < len(self.issues):
            raise NotFound(f"no issue number {number}: this review has {len(self.issues)}")
        return self.issues[number]

    def recheck(self, segment: Segment, text: str, src: str) -> list[Flag]:
        """The back-check's model-free checks on ``text`` as the translation of ``segment``.

        No model is loaded, so a reviewer's text has no back-translation or scores to check.
        """
        edited = replace(segment, target=text, back=None, scores={}, lang=None, flags=[], status="edited")
        settings = self.config.backcheck
        return run_checks(edited, Context(src, self.tgt, settings.thresholds(src, self.tgt)), settings.severities)

    def row(self, segment: Segment, entry: Entry | None, src: str, flagged: bool) -> Row:
        """A segment's row; an edit not back-checked by a translate run yet is re-checked here."""
        if entry is None:
            return Row(segment, None, [], False)
        if entry.status == "edited" and entry.text is not None and entry.back is None:
            return Row(segment, entry, self.recheck(segment, entry.text, src), flagged)
        return Row(segment, entry, list(entry.flags), flagged)

    def _entries(self, memory: Memory, document: Document) -> tuple[dict[str, Entry], dict[str, list[Flag]]]:
        """The memory entry of each source, and the flags of each source whose machine output was flagged.

        An edited entry carries the checks of the reviewer's text, so the flags of the machine
        output it replaced are read from that output's own row.
        """
        entries = memory.entries(document.src_lang, self.tgt, [s.source for s in document.segments])
        flagged = {}
        for source, entry in entries.items():
            if entry.status == "edited":
                entry = memory.machine(document.src_lang, self.tgt, [source], entry.model).get(source, entry)
            if entry.flags or entry.status == "flagged":
                flagged[source] = list(entry.flags)
        return entries, flagged

    def rows(self, number: int, order: str = "severity") -> tuple[Issue, Document, list[Row], Progress]:
        """The issue's rows, flagged ones first (most urgent first, or with ``order`` "document" in
        document order; the others in document order), and its progress."""
        issue = self.issue(number)
        document = issue.document()
        entries, flagged = self._entries(self.memory(), document)
        rows = [self.row(s, entries.get(s.source), document.src_lang, s.source in flagged) for s in document.segments]
        memory = self.memory()
        for row in rows:
            if row.entry is not None and row.entry.revision:  # reviewed at least once: what was saved, by whom
                row.history = memory.history(document.src_lang, self.tgt, row.segment.source)
            if row.flagged:
                row.urgency = urgency(flagged[row.segment.source])
        rows.sort(key=lambda row: not row.flagged)
        for position, row in enumerate(rows):
            row.position = position
        ranked = sorted(rows, key=lambda row: (not row.flagged, row.urgency))  # stable: then by position
        for rank, row in enumerate(ranked):
            row.rank = rank
        return issue, document, rows if order == "document" else ranked, progress(document.segments, entries, flagged)

    def overview(self, number: int) -> Overview:
        """What the index shows of an issue. It changed last when a review was saved, the translation
        next to it was written, or the issue file itself changed, whichever came last."""
        issue = self.issue(number)
        document = issue.document()
        entries, flagged = self._entries(self.memory(), document)
        changes = [(e.reviewed_at, 2, f"review by {e.reviewer}") for e in entries.values() if e.reviewed_at]
        translation = output_path(issue.path, document.src_lang, self.tgt, None)
        for rank, (path, what) in enumerate([(issue.path, "source"), (translation, "translation")]):
            if at := _mtime(path):
                changes.append((at, rank, what))
        changed, _, by = max(changes, default=(None, 0, ""))  # in the same second: a review, then a file
        counts = progress(document.segments, entries, flagged)
        return Overview(number, issue.name, document.src_lang, self.tgt, counts, changed, by)

    def save(self, number: int, segment_id: str, *, status: str, text: str | None, reviewer: str, revision: int | None) -> tuple[Row, list[str], Progress]:
        """Store a review (ReviewConflict on a stale revision): the new row, the ids sharing its source, the progress."""
        if status not in REVIEWED:
            raise UserError(f"a review saves one of {', '.join(REVIEWED)}, not {status!r}")
        issue = self.issue(number)
        target = issue.segment(segment_id)
        document = issue.document()
        memory = self.memory()
        entry = memory.save_review(document.src_lang, self.tgt, target.source, status=status, text=text, reviewer=reviewer, revision=revision)
        entries, flagged = self._entries(memory, document)
        same = [s.id for s in document.segments if s.source == target.source]
        return self.row(target, entry, document.src_lang, target.source in flagged), same, progress(document.segments, entries, flagged)

    def check(self, number: int, segment_id: str, text: str) -> list[Flag]:
        """Re-check a reviewer's draft of one segment without saving it."""
        issue = self.issue(number)
        return self.recheck(issue.segment(segment_id), text, issue.document().src_lang)
