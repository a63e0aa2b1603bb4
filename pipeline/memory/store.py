"""Translation memory: machine output and review state in one SQLite file.

Machine output is keyed by (source language, target language, source segment text, engine+model
id); re-running a model replaces only its own row. The back-check of a reviewer's edited text is
kept apart, keyed by that text. Review state is keyed by (source language,
target language, source text) and is never written by machine runs; a reviewed entry (approved,
edited, rejected) wins over every model's output. Every review save is also appended to
``review_log``, so nothing a reviewer wrote is ever lost.

The file is opened in WAL mode with a busy timeout (a CLI run and the review web app can share
it); every write is one ``BEGIN IMMEDIATE`` transaction, so a killed process leaves either the
whole write or none of it. The schema version is ``PRAGMA user_version``; ``MIGRATIONS[n]``
(its statements, run in one transaction) takes a version-n file to version n+1.
"""
from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from pipeline.cache import in_chunks
from pipeline.document.record import Document, Flag, Segment
from pipeline.errors import UserError
from pipeline.memory.context import Context, Stored, choose, contexts, shown

BUSY_TIMEOUT_S = 30  # how long a write waits for another process's transaction

STATUSES = ("new", "flagged", "approved", "edited", "rejected")
REVIEWED = ("approved", "edited", "rejected")  # review states that win over machine output
MACHINE = ("new", "flagged")  # the states a machine run can give a segment

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 0 -> 1
        """CREATE TABLE translations (
            src TEXT NOT NULL, tgt TEXT NOT NULL, source TEXT NOT NULL, model TEXT NOT NULL,
            target TEXT NOT NULL, back TEXT, scores TEXT NOT NULL DEFAULT '{}', lang TEXT,
            flags TEXT NOT NULL DEFAULT '[]', status TEXT NOT NULL DEFAULT 'new',
            seq INTEGER NOT NULL,  -- increases with every store: the most recent output wins export
            PRIMARY KEY (src, tgt, source, model)
        ) WITHOUT ROWID""",
        """CREATE TABLE reviews (
            src TEXT NOT NULL, tgt TEXT NOT NULL, source TEXT NOT NULL,
            status TEXT NOT NULL, text TEXT, reviewer TEXT NOT NULL, reviewed_at TEXT NOT NULL,
            revision INTEGER NOT NULL,
            model TEXT NOT NULL, target TEXT NOT NULL,  -- the machine output the reviewer judged
            PRIMARY KEY (src, tgt, source)
        ) WITHOUT ROWID""",
        """CREATE TABLE review_log (
            id INTEGER PRIMARY KEY, src TEXT NOT NULL, tgt TEXT NOT NULL, source TEXT NOT NULL,
            status TEXT NOT NULL, text TEXT, reviewer TEXT NOT NULL, reviewed_at TEXT NOT NULL,
            revision INTEGER NOT NULL, model TEXT NOT NULL, target TEXT NOT NULL
        )""",
        """CREATE TABLE edit_checks (  -- back-check of a reviewer's text, so re-runs need no model for it
            src TEXT NOT NULL, tgt TEXT NOT NULL, source TEXT NOT NULL, text TEXT NOT NULL,
            back TEXT, scores TEXT NOT NULL DEFAULT '{}', lang TEXT, flags TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (src, tgt, source, text)
        ) WITHOUT ROWID""",
        """CREATE TABLE issue_segments (
            issue TEXT NOT NULL, src TEXT NOT NULL, tgt TEXT NOT NULL, position INTEGER NOT NULL,
            segment_id TEXT NOT NULL, block TEXT NOT NULL, source TEXT NOT NULL,
            PRIMARY KEY (issue, tgt, position)
        ) WITHOUT ROWID""",
    ),
    (  # 1 -> 2: what a re-run of an unchanged issue can reuse instead of recomputing
        "ALTER TABLE translations ADD COLUMN checked TEXT",  # Segment.checked: what its flags judged
        "ALTER TABLE edit_checks ADD COLUMN checked TEXT",
        """CREATE TABLE prepared (  -- the latest segmented and protected source of an issue, and its back-check summary
            issue TEXT NOT NULL, tgt TEXT NOT NULL, key TEXT NOT NULL, document TEXT NOT NULL,
            summary_key TEXT, summary TEXT,
            PRIMARY KEY (issue, tgt)
        ) WITHOUT ROWID""",
    ),
    (  # 2 -> 3: human translations where they stand (memory/context.py), so one "source" is not every "source"
        """CREATE TABLE human_context (
            src TEXT NOT NULL, tgt TEXT NOT NULL, source TEXT NOT NULL,
            document TEXT NOT NULL, kind TEXT NOT NULL, previous TEXT NOT NULL, next TEXT NOT NULL,
            text TEXT NOT NULL, reviewer TEXT NOT NULL, stored_at TEXT NOT NULL,
            PRIMARY KEY (src, tgt, source, document, kind, previous, next)
        ) WITHOUT ROWID""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class ReviewConflict(UserError):
    """A review save based on a stale revision; ``current`` is the entry as it is now."""

    def __init__(self, message: str, current: "Entry"):
        super().__init__(message)
        self.current = current


@dataclass
class Entry:
    """One stored translation of one source segment for one (src, tgt), with its review state."""

    src: str
    tgt: str
    source: str
    model: str  # engine+model id of the machine output (Segment.origin when it was translated)
    target: str  # the machine translation
    back: str | None = None
    scores: dict[str, float] = field(default_factory=dict)
    lang: str | None = None
    flags: list[Flag] = field(default_factory=list)
    status: str = "new"
    text: str | None = None  # the reviewer's text (status "edited"); None otherwise
    reviewer: str | None = None
    reviewed_at: str | None = None  # ISO 8601 UTC
    revision: int = 0  # increases on every review save
    checked: str | None = None  # Segment.checked of the stored back-check

    @property
    def final(self) -> str:
        """What export writes: the reviewer's text if edited, else the machine target."""
        return self.text if self.status == "edited" and self.text is not None else self.target

    @property
    def reviewed(self) -> bool:
        return self.status in REVIEWED


@dataclass(frozen=True)
class Issue:
    """An issue whose segments were stored, per target language."""

    issue: str
    src: str
    tgt: str
    segments: int


def _store_review(db: sqlite3.Connection, row: tuple) -> None:
    """A review's current state, and the same row appended to the log that keeps every review ever saved."""
    db.execute(
        "INSERT INTO reviews (src, tgt, source, status, text, reviewer, reviewed_at, revision, model, target) VALUES (?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT (src, tgt, source) DO UPDATE SET status = excluded.status, text = excluded.text, reviewer = excluded.reviewer,"
        " reviewed_at = excluded.reviewed_at, revision = excluded.revision, model = excluded.model, target = excluded.target",
        row,
    )
    db.execute("INSERT INTO review_log (src, tgt, source, status, text, reviewer, reviewed_at, revision, model, target) VALUES (?,?,?,?,?,?,?,?,?,?)", row)


def _placed(segment: Segment, candidates: list[Stored], here: Context, entry: Entry | None) -> bool:
    """Fill ``segment`` from the human translations stored with their contexts, where they decide: the one
    stored at this very place, else (no reviewed text for the source) the best-fitting one. Where they
    disagree, the others are offered in a warning. False: the reviewed entry (or the machine) decides."""
    best, others, exact = choose(candidates, here)
    reviewed = entry is not None and entry.reviewed
    if not exact and reviewed:
        others = [text for text in dict.fromkeys(c.text for c in candidates) if text != entry.final]
        if others:
            segment.flags.append(Flag("alternatives", "warning", f"the memory has other human translations of this sentence: {shown(others)}; the reviewed one is used"))
        return False
    segment.target, segment.origin, segment.status = best.text, f"review:{best.reviewer}", "edited"
    segment.back, segment.scores, segment.lang, segment.flags, segment.checked = None, {}, None, [], None
    if others:
        where = "the one stored at this place" if exact else f"the one stored where the context fits best ({best.context.kind}, {best.context.document or 'a text'})"
        segment.flags.append(Flag("alternatives", "warning", f"the memory has other human translations of this sentence: {shown(others)}; {where} is used"))
    return True


def issue_key(name: str) -> str:
    """How an issue is named in the memory: its absolute path (``<stdin>`` as is)."""
    return name if name.startswith("<") else str(Path(name).resolve())


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Memory:
    """The translation memory at ``path`` (created with its parent folders when missing)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(f"cannot create the translation memory folder {self.path.parent}: {error.strerror}") from None
        self._db: sqlite3.Connection | None = None
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            self._migrate()
            self._use_wal()
            self._db.execute("PRAGMA synchronous = FULL")
        except UserError:
            self.close()
            raise
        except sqlite3.Error as error:
            self.close()
            raise UserError(f"{self.path}: not a usable translation memory ({error}): move it away or pass another --memory") from None

    def _use_wal(self) -> None:
        """Switch the file to WAL (a property of the file, kept once set).

        SQLite answers "locked" at once, without waiting, when another connection holds the file
        during the switch (two processes opening a new memory together), so wait for it here.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _migrate(self) -> None:
        """Bring the file to SCHEMA_VERSION; the version is read again under the write lock, so
        two processes opening a new file at once migrate it once."""
        if self._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            return
        with self._write() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise UserError(f"{self.path}: translation memory schema {version} is newer than this pipeline's ({SCHEMA_VERSION}): upgrade the pipeline")
            if version == 0 and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise UserError(f"{self.path}: an SQLite file that is not a translation memory: move it away or pass another --memory")
            for number in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[number]:
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> "Memory":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: all of it is stored, or (on any error or kill) none."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as error:
            raise UserError(f"translation memory {self.path}: {error}") from None

    # -- reading ---------------------------------------------------------------------------

    def _machine(self, src: str, tgt: str, sources: list[str], model: str | None) -> dict[str, Entry]:
        """The machine entry per source: of exactly ``model``, or the most recent one."""
        found: dict[str, Entry] = {}
        for chunk in in_chunks(list(dict.fromkeys(sources))):
            marks = ",".join("?" * len(chunk))
            query = f"SELECT source, model, target, back, scores, lang, flags, status, checked FROM translations WHERE src = ? AND tgt = ? AND source IN ({marks})"
            args: list = [src, tgt, *chunk]
            if model is not None:
                query += " AND model = ?"
                args.append(model)
            for source, model_, target, back, scores, lang, flags, status, checked in self._db.execute(query + " ORDER BY seq", args):
                found[source] = Entry(src, tgt, source, model_, target, back, json.loads(scores), lang, [Flag(**f) for f in json.loads(flags)], status, checked=checked)
        return found

    def _reviews(self, src: str, tgt: str, sources: list[str]) -> dict[str, tuple]:
        found = {}
        for chunk in in_chunks(list(dict.fromkeys(sources))):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT source, status, text, reviewer, reviewed_at, revision, model, target FROM reviews WHERE src = ? AND tgt = ? AND source IN ({marks})",
                [src, tgt, *chunk],
            )
            found.update((row[0], row[1:]) for row in rows)
        return found

    def _effective(self, src: str, tgt: str, sources: list[str], model: str | None) -> dict[str, Entry]:
        """Reviewed entries whatever the model; else the machine entry (``model``'s, or the latest)."""
        machine = self._machine(src, tgt, sources, model)
        reviews = self._reviews(src, tgt, sources)
        snapshots = self._snapshots(src, tgt, {s: r[5] for s, r in reviews.items() if r[0] in REVIEWED and (s not in machine or machine[s].model != r[5])})
        result: dict[str, Entry] = {}
        for source in dict.fromkeys(sources):
            review = reviews.get(source)
            if review and review[0] in REVIEWED:
                status, text, reviewer, reviewed_at, revision, reviewed_model, target = review
                base = machine.get(source) if source in machine and machine[source].model == reviewed_model else snapshots.get(source)
                base = base or Entry(src, tgt, source, reviewed_model, target)
                if status == "edited":  # the machine text's back-check says nothing about the reviewer's
                    base = replace(base, **self._edit_check(src, tgt, source, text))
                result[source] = replace(base, target=target, model=reviewed_model, status=status, text=text, reviewer=reviewer, reviewed_at=reviewed_at, revision=revision)
            elif source in machine:
                entry = machine[source]
                if review:  # a review reset to new/flagged: the machine text, the reviewer's state
                    entry = replace(entry, status=review[0], reviewer=review[2], reviewed_at=review[3], revision=review[4])
                result[source] = entry
        return result

    def _edit_check(self, src: str, tgt: str, source: str, text: str) -> dict:
        row = self._db.execute("SELECT back, scores, lang, flags, checked FROM edit_checks WHERE src = ? AND tgt = ? AND source = ? AND text = ?", (src, tgt, source, text)).fetchone()
        if row is None:
            return {"back": None, "scores": {}, "lang": None, "flags": [], "checked": None}
        return {"back": row[0], "scores": json.loads(row[1]), "lang": row[2], "flags": [Flag(**f) for f in json.loads(row[3])], "checked": row[4]}

    def _snapshots(self, src: str, tgt: str, models: dict[str, str]) -> dict[str, Entry]:
        """The machine entries reviewers judged, where they are not the ones already fetched."""
        found = {}
        for source, model in models.items():
            found.update(self._machine(src, tgt, [source], model))
        return found

    def entries(self, src: str, tgt: str, sources: list[str]) -> dict[str, Entry]:
        """The effective entry per source text: reviewed state wins, else the latest machine output."""
        with self._guard():
            return self._effective(src, tgt, sources, None)

    def machine(self, src: str, tgt: str, sources: list[str], model: str | None = None) -> dict[str, Entry]:
        """The machine output per source text, reviews ignored: ``model``'s, or the most recent."""
        with self._guard():
            return self._machine(src, tgt, sources, model)

    def entry(self, src: str, tgt: str, source: str) -> Entry | None:
        return self.entries(src, tgt, [source]).get(source)

    def recall(self, document: Document, tgt: str, model: str | None, only: Collection[int] | None = None) -> int:
        """Fill each segment stored for ``model`` (or reviewed) from the memory; return how many.

        A reviewed entry wins whatever the model (origin ``review:<reviewer>``); else the machine
        entry of exactly ``model`` (origin ``memory``); ``model=None`` takes the most recent one.
        ``only``: the positions of the segments to fill (None: all); each is placed in the whole document.
        """
        wanted = document.segments if only is None else [s for p, s in enumerate(document.segments) if p in only]
        with self._guard():
            found = self._effective(document.src_lang, tgt, [s.source for s in wanted], model)
            placed = self._in_context(document.src_lang, tgt, [s.source for s in wanted])
        filled = 0
        for position, (segment, here) in enumerate(zip(document.segments, contexts(document))):
            if only is not None and position not in only:
                continue
            entry = found.get(segment.source)
            if segment.source in placed and _placed(segment, placed[segment.source], here, entry):
                filled += 1
                continue
            if entry is None:
                continue
            segment.target = entry.final
            segment.origin = f"review:{entry.reviewer}" if entry.reviewed else "memory"
            segment.back, segment.scores, segment.lang = entry.back, dict(entry.scores), entry.lang
            segment.flags = [replace(flag) for flag in entry.flags]
            segment.checked = entry.checked
            segment.status = entry.status
            filled += 1
        return filled

    # -- writing ---------------------------------------------------------------------------

    def remember(self, document: Document, tgt: str, segments: Iterable[Segment] | None = None, model: str | None = None) -> int:
        """Store the machine output and back-check fields of segments with a target, in one transaction.

        ``segments`` defaults to the whole document; the issue's segment list is recorded too.
        Review rows are never written here: for a segment recalled from an edit, only the
        back-check of the reviewer's text is kept (in ``edit_checks``). Segments recalled as
        ``memory`` are stored under ``model`` when given (their back-check may be new).
        Returns the number of machine translations stored.
        """
        return self.remember_many([(document, segments)], tgt, model)

    def remember_many(self, pieces: Iterable[tuple[Document, Iterable[Segment] | None]], tgt: str, model: str | None = None) -> int:
        """``remember`` for the segments of several documents (one source language) in one transaction: a
        source met in several documents is stored from the first, as a run of one file after another
        would have stored it (the later files recall it)."""
        rows, checks, issues, earlier = [], [], [], set()
        for document, segments in pieces:
            mine = set()
            for segment in document.segments if segments is None else segments:
                if segment.target is None or not segment.origin or segment.source in earlier:
                    continue
                mine.add(segment.source)
                flags = json.dumps([flag.__dict__ for flag in segment.flags], ensure_ascii=False)
                if segment.origin.startswith("review:"):
                    if segment.status == "edited":
                        checks.append((document.src_lang, tgt, segment.source, segment.target, segment.back, json.dumps(segment.scores), segment.lang, flags, segment.checked))
                    continue
                stored_model = model if segment.origin == "memory" else segment.origin
                if stored_model is None:
                    continue
                status = segment.status if segment.status in MACHINE else ("flagged" if segment.flags else "new")
                rows.append((document.src_lang, tgt, segment.source, stored_model, segment.target, segment.back, json.dumps(segment.scores), segment.lang, flags, status, segment.checked))
            earlier |= mine
            key = issue_key(document.name)
            issues.append((key, [(key, document.src_lang, tgt, position, s.id, s.block, s.source) for position, s in enumerate(document.segments)]))
        with self._guard(), self._write() as db:
            seq = db.execute("SELECT coalesce(max(seq), 0) FROM translations").fetchone()[0]
            db.executemany(
                "INSERT INTO translations (src, tgt, source, model, target, back, scores, lang, flags, status, checked, seq) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (src, tgt, source, model) DO UPDATE SET target = excluded.target, back = excluded.back, scores = excluded.scores,"
                " lang = excluded.lang, flags = excluded.flags, status = excluded.status, checked = excluded.checked, seq = excluded.seq",
                [(*row, seq + number) for number, row in enumerate(rows, 1)],
            )
            db.executemany("INSERT OR REPLACE INTO edit_checks (src, tgt, source, text, back, scores, lang, flags, checked) VALUES (?,?,?,?,?,?,?,?,?)", checks)
            for key, positions in issues:
                db.execute("DELETE FROM issue_segments WHERE issue = ? AND tgt = ?", (key, tgt))
                db.executemany("INSERT INTO issue_segments (issue, src, tgt, position, segment_id, block, source) VALUES (?,?,?,?,?,?,?)", positions)
        return len(rows)

    def save_review(self, src: str, tgt: str, source: str, *, status: str, text: str | None, reviewer: str, revision: int | None) -> Entry:
        """Store a reviewer's decision atomically and return the new entry.

        ``text`` is the reviewer's translation and goes with status ``edited`` only. ``revision``
        is the entry revision the reviewer saw (None: no check); a stale one raises
        ReviewConflict carrying the current entry, and nothing is stored.
        """
        if status not in STATUSES:
            raise UserError(f"unknown review status {status!r}: choose one of {', '.join(STATUSES)}")
        if status == "edited" and not (text or "").strip():
            raise UserError("an edited segment needs the reviewer's text")
        if status != "edited" and text is not None:
            raise UserError(f"a text goes with status 'edited' only, not {status!r}")
        if not reviewer.strip():
            raise UserError("a review needs the reviewer's name")
        with self._guard(), self._write() as db:
            current = self._effective(src, tgt, [source], None).get(source)
            if current is None:
                raise UserError(f"no translation of {source[:60]!r} ({src}->{tgt}) in the memory: run `pipeline translate` first")
            if revision is not None and revision != current.revision:
                raise ReviewConflict(f"{source[:60]!r} was saved by {current.reviewer} at {current.reviewed_at} (revision {current.revision}, you had {revision}): reload it", current)
            _store_review(db, (src, tgt, source, status, text, reviewer, _now(), current.revision + 1, current.model, current.target))
            return self._effective(src, tgt, [source], None)[source]

    def store_human(
        self, src: str, tgt: str, pairs: list[tuple[str, str]], reviewer: str, origin: str, contexts: list[Context] | None = None
    ) -> tuple[int, int, list[str], dict[str, list[str]]]:
        """Store human translations ``(source, text)`` (``origin``: where they come from, e.g.
        ``human:issue-05.pt.md``), in one transaction, each at its place when ``contexts`` gives it.

        A source translated one way throughout the pairs is stored as reviewed text, used wherever the
        source stands; one translated in several ways is stored at each place only, never one text for all
        (no last one wins). Every pair is also kept at its place, where it is what is published; another
        text already at that very place stays (a conflict, never overwritten). Returns (stored, unchanged,
        conflicts, differing): ``differing`` maps each source translated in several ways (in the pairs, or
        in them and the reviewed text) to those ways; without ``contexts`` (a TMX), a source reviewed with
        another text is a conflict."""
        texts: dict[str, list[str]] = {}
        for source, text in pairs:
            texts.setdefault(source, []).append(text)
        differing = {source: list(dict.fromkeys(found)) for source, found in texts.items() if len(set(found)) > 1}
        stored, unchanged, conflicts = 0, 0, []
        with self._guard(), self._write() as db:
            current = self._effective(src, tgt, list(texts), None)
            for source, found in texts.items():
                if source in differing:
                    continue
                entry, text = current.get(source), found[0]
                if entry is not None and entry.reviewed:
                    if entry.final == text:
                        unchanged += 1
                    elif contexts is None:
                        conflicts.append(source)  # no place to keep it at: the reviewed text stays
                    else:
                        differing[source] = [entry.final, text]  # the reviewed text stays; this one at its place
                    continue
                _store_review(db, (src, tgt, source, "edited", text, reviewer, _now(), (entry.revision if entry else 0) + 1, entry.model if entry else origin, entry.target if entry else text))
                stored += 1
            for (source, text), where in zip(pairs, contexts or ()):
                key = (src, tgt, source, where.document, where.kind, where.previous, where.next)
                row = db.execute(
                    "SELECT text FROM human_context WHERE src = ? AND tgt = ? AND source = ? AND document = ? AND kind = ? AND previous = ? AND next = ?", key
                ).fetchone()
                if row is not None:
                    if row[0] != text and source not in conflicts:
                        conflicts.append(source)  # another text at this very place: kept, never replaced
                    elif source in differing:
                        unchanged += 1
                    continue
                db.execute("INSERT INTO human_context (src, tgt, source, document, kind, previous, next, text, reviewer, stored_at) VALUES (?,?,?,?,?,?,?,?,?,?)", (*key, text, reviewer, _now()))
                stored += source in differing
        return stored, unchanged, list(dict.fromkeys(conflicts)), differing

    def human_alternatives(self, src: str, tgt: str, sources: list[str]) -> dict[str, list[str]]:
        """The human translations each source has at its places, where it has more than one (in the order stored)."""
        with self._guard():
            stored = self._in_context(src, tgt, sources)
        return {source: texts for source, found in stored.items() if len(texts := list(dict.fromkeys(c.text for c in found))) > 1}

    def _in_context(self, src: str, tgt: str, sources: list[str]) -> dict[str, list[Stored]]:
        found: dict[str, list[Stored]] = {}
        for chunk in in_chunks(list(dict.fromkeys(sources))):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT source, document, kind, previous, next, text, reviewer FROM human_context WHERE src = ? AND tgt = ? AND source IN ({marks}) ORDER BY stored_at",
                [src, tgt, *chunk],
            )
            for source, document, kind, previous, next_, text, reviewer in rows:
                found.setdefault(source, []).append(Stored(text, Context(document, kind, previous, next_), reviewer))
        return found

    # -- what a re-run reuses ----------------------------------------------------------------

    def prepared(self, issue: str, tgt: str, key: str) -> Document | None:
        """The issue's segmented and protected Document stored under ``key`` (None: none, or another key)."""
        with self._guard():
            row = self._db.execute("SELECT document FROM prepared WHERE issue = ? AND tgt = ? AND key = ?", (issue_key(issue), tgt, key)).fetchone()
        if row is None:
            return None
        document = Document.from_dict(json.loads(row[0]))
        document.name = issue
        return document

    def store_prepared(self, document: Document, tgt: str, key: str) -> None:
        """Keep ``document`` (segmented and protected, not yet translated) as the issue's latest, under ``key``."""
        with self._guard(), self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO prepared (issue, tgt, key, document) VALUES (?,?,?,?)",
                (issue_key(document.name), tgt, key, json.dumps(document.to_dict(), ensure_ascii=False)),
            )

    def summary(self, issue: str, tgt: str, key: str) -> dict | None:
        """The back-check summary stored for the issue under ``key``."""
        with self._guard():
            row = self._db.execute("SELECT summary FROM prepared WHERE issue = ? AND tgt = ? AND summary_key = ?", (issue_key(issue), tgt, key)).fetchone()
        return json.loads(row[0]) if row else None

    def store_summary(self, issue: str, tgt: str, key: str, summary: dict) -> None:
        with self._guard(), self._write() as db:
            db.execute("UPDATE prepared SET summary_key = ?, summary = ? WHERE issue = ? AND tgt = ?", (key, json.dumps(summary, ensure_ascii=False), issue_key(issue), tgt))

    # -- issues ----------------------------------------------------------------------------

    def issues(self) -> list[Issue]:
        """Every stored issue and target language, by issue name."""
        with self._guard():
            rows = self._db.execute("SELECT issue, src, tgt, count(*) FROM issue_segments GROUP BY issue, src, tgt ORDER BY issue, tgt")
            return [Issue(*row) for row in rows]

    def issue_segments(self, issue: str, tgt: str) -> list[tuple[str, str, str]]:
        """(segment id, block path, source text) of each segment of a stored issue, in order."""
        with self._guard():
            rows = self._db.execute("SELECT segment_id, block, source FROM issue_segments WHERE issue = ? AND tgt = ? ORDER BY position", (issue_key(issue), tgt))
            return [tuple(row) for row in rows]

    def fuzzy(self, src: str, tgt: str, sources: list[str], threshold: float) -> dict[str, tuple[float, str, str]]:
        """For each of ``sources`` without a review of its own, the reviewed sentence most like it at
        ``threshold`` percent or more (rapidfuzz ratio): (score, that sentence, its reviewed text)."""
        from rapidfuzz import fuzz, process

        with self._guard():
            rows = self._db.execute(f"SELECT source, text, target, status FROM reviews WHERE src = ? AND tgt = ? AND status IN ({','.join('?' * len(REVIEWED))})", (src, tgt, *REVIEWED)).fetchall()
        reviewed = {source: (text if status == "edited" else target) for source, text, target, status in rows if status != "rejected"}
        if not reviewed:
            return {}
        candidates = list(reviewed)
        found = {}
        for source in dict.fromkeys(sources):
            if source in reviewed:
                continue
            match = process.extractOne(source, candidates, scorer=fuzz.ratio, score_cutoff=threshold)
            if match:
                found[source] = (round(match[1], 1), match[0], reviewed[match[0]])
        return found

    def history(self, src: str, tgt: str, source: str) -> list[Entry]:
        """Every review ever saved for a source text, oldest first."""
        with self._guard():
            rows = self._db.execute(
                "SELECT status, text, reviewer, reviewed_at, revision, model, target FROM review_log WHERE src = ? AND tgt = ? AND source = ? ORDER BY id",
                (src, tgt, source),
            )
            return [Entry(src, tgt, source, model, target, status=status, text=text, reviewer=who, reviewed_at=at, revision=rev) for status, text, who, at, rev, model, target in rows]
