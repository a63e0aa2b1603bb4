"""Running the pipeline: segment -> protect -> translate -> back-check -> export, in one place.

``Pipeline`` holds the config, the engines (models load once) and the translation memory; the
command line, the benchmarks and Python callers all translate through ``run_job``. `pipeline check`
runs here too (``check_command``): it finds the pairs, checks them (``quality/gate.py``) and writes
the reports (``reports/``).
"""
from __future__ import annotations

import functools
import hashlib
import os
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.cache import fingerprint
from pipeline.config import CI_CONFIG, Config, load_config, prepare_memory_folder
from pipeline.document.dialects import Dialect, dialect_named, page_dialect
from pipeline.document.export import output_path, render
from pipeline.document.layout import translation_path
from pipeline.document.record import Document, Segment
from pipeline.document.segment import segment
from pipeline.errors import InternalError, UserError, api_errors
from pipeline.files import decode_source, read_source, write_atomic
from pipeline.lang.detect import detect_language, language_tag, tagged_language
from pipeline.lang.lexicon import load_dictionary
from pipeline.memory.store import Memory
from pipeline.quality.backcheck import backcheck
from pipeline.quality.checks import severity_overrides
from pipeline.reports.json_report import build_report, counts, dumps, report_path
from pipeline.terms.glossary import glossary_for, project_glossary_dir
from pipeline.terms.protect import protect
from pipeline.translation.route import Engines, model_id, translate_documents, translate_in_chunks

if TYPE_CHECKING:
    from rich.console import Console


@dataclass
class Job:
    """One input file (or stdin, or a text) to translate into one target language."""

    source: Path | None  # None = stdin or a text
    tgt: str  # the language the engines and checks know ("pt")
    tag: str = ""  # as the user wrote it, for output names ("pt-BR"); tgt when empty
    root: Path | None = None  # the directory translated, when the input is one (its tree is mirrored under --out)
    layout: str | None = None  # where translations go (document/layout.py); None: NAME.TGT.md beside the source or in --out

    @property
    def named(self) -> str:
        return self.tag or self.tgt


@dataclass
class Translation:
    """A translated document: its text, its segments (targets, scores, flags) and its report."""

    text: str  # the translated document, the source's structure byte for byte outside the prose
    src: str
    to: str
    segments: list[Segment]
    report: dict | None  # the JSON report (None without the back-check)
    output: Path | None = None  # where it was written, if it was
    backup: Path | None = None  # the file that was at ``output`` before, kept
    summary: dict = field(default_factory=dict)  # the command line's record of the run


def load_checked_config(path: Path | None = None) -> Config:
    """``load_config``, with the names its settings give to the pipeline's parts (checks) checked too."""
    config = load_config(path)
    severity_overrides(config)
    return config


def with_dialect(config: Config, dialect: str | None) -> Config:
    """``config`` with the command line's --dialect (checked: an unknown name is a one-line error)."""
    if dialect is None:
        return config
    if dialect.strip().lower() != "auto":
        dialect_named(dialect)
    return config.model_copy(update={"segment": config.segment.model_copy(update={"dialect": dialect.strip().lower()})})


def _glossary_contents(config: Config) -> list[tuple[str, str]]:
    """Name and digest of every file in the glossary directory: what protect may have read."""
    return _folder_contents(config.resolve(config.translate.glossary_dir) if config.translate.glossary_dir else None)


def _folder_contents(directory: Path | None) -> list[tuple[str, str]]:
    if directory is None or not directory.is_dir():
        return []
    return [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in sorted(directory.iterdir()) if p.is_file()]


def prepare(text: str, name: str, tgt: str, src_lang: str | None, config: Config, engines: Engines, memory: Memory) -> Document:
    """``text`` segmented and protected for ``tgt``; from the memory when it was prepared from the same inputs before."""
    dialect = page_dialect(config.segment.dialect, name)
    own = project_glossary_dir(Path(name), src_lang or "", tgt) if not name.startswith("<") else None
    key = fingerprint(text, src_lang, tgt, engines.override, config.model_dump(mode="json", exclude={"run"}), _glossary_contents(config), dialect.name, _folder_contents(own))
    document = memory.prepared(name, tgt, key)
    if document is None:
        document = segmented(text, name, src_lang, tgt, config, engines, dialect)
        memory.store_prepared(document, tgt, key)
    return document


def segmented(text: str, name: str, src_lang: str | None, tgt: str, config: Config, engines: Engines | None = None, dialect: Dialect | None = None) -> Document:
    """The first two stages, where translating, reviewing and checking all start: ``text`` segmented (its language
    detected unless ``src_lang``; ``dialect``: the page's, found when not given), then its markup and the glossary's
    terms for ``tgt`` protected."""
    document = _segmented_page(text, name, src_lang, config, dialect)
    copy_only = engines is not None and engines.copies_only(document.src_lang, tgt)
    page = Path(name) if not name.startswith("<") else None
    protect(document, glossary_for(config, document.src_lang, tgt, copy_only=copy_only, page=page))
    return document


def run_jobs(
    jobs: list[Job], config: Config, engines: Engines, src_lang: str | None, out: str | None, memory: Memory, *, across_files: bool = True, **options
) -> Iterator[tuple[Job, Translation | UserError]]:
    """Each job's translation, in order, or the error that stopped it: one job's bad input, missing model
    or a bug met on its page does not stop the others (PIPELINE_DEBUG=1 lets a bug through). An output
    folder that cannot be written is an error before any job starts (``check_destinations``).

    ``across_files``: every job is prepared (segmented, protected, recalled from the memory) first, then
    the pending texts of all the jobs of a language pair go through the engine together
    (``translate_documents``), then each job is finished as ``run_job`` finishes it, with the same
    bytes; else ``run_job`` on each job in turn.
    """
    check_destinations(jobs, config, src_lang, out, options.get("overwrite", True))
    if across_files:
        return _batched_jobs(jobs, config, engines, src_lang, out, memory, **options)
    return _each_job(jobs, config, engines, src_lang, out, memory, **options)


def _job_error(error: Exception) -> UserError:
    """What a job's failure is reported as: a UserError as it is, a bug as one line (PIPELINE_DEBUG=1: raised)."""
    if isinstance(error, UserError):
        return error
    if os.environ.get("PIPELINE_DEBUG"):
        raise error
    return InternalError.of(error)


def _each_job(jobs: list[Job], config: Config, engines: Engines, src_lang: str | None, out: str | None, memory: Memory, **options):
    for job in jobs:
        try:
            yield job, _one_job(job, config, engines, src_lang, out, memory, **options)
        except Exception as error:
            yield job, _job_error(error)


def _batched_jobs(
    jobs: list[Job], config: Config, engines: Engines, src_lang: str | None, out: str | None, memory: Memory, *,
    text: str | None = None, stdin: bytes | None = None, bilingual: bool = False, check: bool = True, overwrite: bool = True,
):
    """``run_jobs`` across files: all jobs started, each pair's pending texts translated together, each job finished.

    A segment whose source an earlier job of its pair had is recalled from the memory once that job is
    finished, as a run of one job after another recalls it; a pair whose translation fails is
    translated again job by job, so that the failure is each job's own.
    """
    started: list[Started | UserError] = []
    for job in jobs:
        try:
            started.append(start_job(job, config, engines, src_lang, out, memory, text=text, stdin=stdin, check=check, overwrite=overwrite))
        except Exception as error:
            started.append(_job_error(error))
    pairs: dict[tuple[str, str], list[Started]] = {}
    for item in started:
        if isinstance(item, Started):
            pairs.setdefault(item.pair, []).append(item)
    alone: set[int] = set()  # the jobs translated on their own (their pair's translation failed)
    for pair, error in _translate_pairs(pairs, config, engines, memory).items():
        if len(pairs[pair]) == 1:
            pairs[pair][0].error = _job_error(error)
        alone.update(id(i) for i in pairs[pair])
    earlier: dict[tuple[str, str], set[str]] = {}  # the sources of each pair's jobs finished so far
    for job, item in zip(jobs, started):
        if isinstance(item, UserError):
            yield job, item
            continue
        if item.error is not None:
            yield job, item.error
            continue
        try:
            if id(item) in alone:
                translate_job(item, config, engines, memory)
            seen = earlier.setdefault(item.pair, set())
            again = {p for p, s in enumerate(item.document.segments) if s.source in seen}
            if again:  # recalled as a run of one job after another recalls them: what the earlier job stored
                before = {p for p in item.recalled_at if p in again}
                item.recalled += memory.recall(item.document, item.job.tgt, item.model, only=again) - len(before)
            seen.update(s.source for s in item.document.segments)
            yield job, finish_job(item, config, engines, memory, bilingual=bilingual, check=check)
        except Exception as error:
            yield job, _job_error(error)


def _translate_pairs(pairs: dict[tuple[str, str], list[Started]], config: Config, engines: Engines, memory: Memory) -> dict:
    """Each pair's pending segments translated together (``_translate_pair``): one pair after another, or all
    pairs at once where the engines say so (``concurrent_pairs``: Ray's pools, one per pair), their chunks
    still committed by this thread, one at a time. Returns the error of each pair whose translation failed."""
    failed: dict[tuple[str, str], Exception] = {}

    def one(pair: tuple[str, str], items: list[Started], commit) -> None:
        begun, pending = time.perf_counter(), [i.pending for i in items]
        try:
            _translate_pair(items, pair[1], config, engines, commit)
        except Exception as error:
            failed[pair] = error
        for item, count in zip(items, pending):  # the pair's time, shared by the segments each job sent
            item.seconds += (time.perf_counter() - begun) * count / (sum(pending) or 1)

    if len(pairs) < 2 or not getattr(engines, "concurrent_pairs", False):
        for pair, items in pairs.items():
            one(pair, items, lambda pieces, tgt=pair[1]: memory.remember_many(pieces, tgt))
        return failed
    commits: queue.Queue = queue.Queue()

    def commit(pieces, tgt: str) -> None:  # on a pair's thread: wait until this thread has written them
        written, problem = threading.Event(), []
        commits.put((pieces, tgt, written, problem))
        written.wait()
        if problem:
            raise problem[0]

    threads = [threading.Thread(target=one, args=(pair, items, functools.partial(commit, tgt=pair[1])), daemon=True) for pair, items in pairs.items()]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads) or not commits.empty():
        try:
            pieces, tgt, written, problem = commits.get(timeout=0.05)
        except queue.Empty:
            continue
        try:
            memory.remember_many(pieces, tgt)
        except Exception as error:
            problem.append(error)
        finally:
            written.set()
    return failed


def _translate_pair(items: list[Started], tgt: str, config: Config, engines: Engines, commit) -> None:
    """The pending segments of ``items`` (one pair) translated together, each chunk handed to ``commit``; on an
    error, the segments not committed are as they were before (each job then translates them on its own)."""
    before = {id(s): (s, s.target, s.origin, list(s.flags)) for i in items for s in i.document.segments if s.target is None}
    stored: set[int] = set()

    def committed(pieces) -> None:
        commit(pieces)
        stored.update(id(s) for _, segments in pieces for s in segments)

    try:
        translate_documents([i.document for i in items], tgt, engines, config.memory.commit_every, committed)
    except BaseException:
        for key, (segment, target, origin, flags) in before.items():
            if key not in stored:
                segment.target, segment.origin, segment.flags = target, origin, flags
        raise


def output_for(job: Job, src: str, out: str | None, config: Config) -> Path | None:
    """Where ``run_job`` writes ``job`` translated from ``src``: None for stdout (``out`` "-") or a text without ``out``."""
    if out == "-" or (job.source is None and out is None):
        return None
    if job.layout and job.source is not None:
        dialect = page_dialect(config.segment.dialect, job.source).name
        return translation_path(job.source, job.root or job.source.parent, src, job.named, job.layout, dialect, Path(out) if out else None)
    return output_path(job.source or Path("stdin.md"), src, job.named, Path(out) if out else None)


def check_destinations(jobs: list[Job], config: Config, src_lang: str | None, out: str | None, overwrite: bool = True):
    """Before any work: every folder the jobs write in can be written in (or made, when missing), and no output they
    would replace is read-only; else a one-line error. A source language not given is guessed from the file name
    (else en); a job whose destination cannot be told yet is left to its own run."""
    folders: set[Path] = set()
    for job in jobs:
        guess = src_lang or (tagged_language(job.source.name) if job.source else None) or "en"
        try:
            path = output_for(job, guess, out, config)
        except UserError:
            continue  # run_job says why, with the language it detects
        if path is None:
            continue
        if path.parent not in folders:
            _writable_folder(path)
            folders.add(path.parent)
        if (out is not None or overwrite) and _read_only(path):
            raise UserError(f"cannot write {path}: it is read-only; make it writable (chmod u+w), or write elsewhere with --out DIR")


def _writable_folder(path: Path) -> None:
    """A one-line error unless ``path`` can be written in its folder: a file stands in the folder's way, the folder
    cannot be made, or it cannot be written in. A missing folder is made to be sure, then removed: a run that fails
    leaves nothing behind (writing the translation makes it again)."""
    folder, made = path.parent, []
    try:
        existing, missing = folder, []
        while not existing.exists() and existing != existing.parent:
            existing, missing = existing.parent, [existing, *missing]
        if not existing.is_dir():
            raise UserError(f"cannot write {path}: {existing} is a file, not a folder")
        for step in missing:
            step.mkdir()
            made.append(step)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise UserError(f"cannot write {path}: no permission to write in {folder}")
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        for step in reversed(made):
            try:
                step.rmdir()
            except OSError:
                pass


def _read_only(path: Path) -> bool:
    """Whether ``path`` is an existing file that is not to be written (its mode says so even to root)."""
    try:
        return path.is_file() and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222)
    except OSError:
        return False


def _reads_as(segments: list[Segment], src_lang: str) -> str | None:
    """The language the segments read as, when clearly another than ``src_lang``."""
    seen = detect_language(" ".join(s.source for s in segments))
    return seen if seen not in (None, src_lang) else None


def _segmented_page(text: str, name: str, src_lang: str | None, config: Config, dialect: Dialect | None = None) -> Document:
    """``text`` segmented as the config says (front matter keys, dialect, code comments)."""
    return segment(
        text, name=name, src_lang=src_lang, front_matter_keys=tuple(config.segment.front_matter_keys),
        dialect=dialect or page_dialect(config.segment.dialect, name), code_comments=config.segment.code_comments,
    )


def _no_route(error: UserError, text: str, name: str, src_lang: str, config: Config) -> UserError:
    """``error`` (no engine for ``src_lang`` into the target) naming the language the text reads as, if another."""
    try:
        document = _segmented_page(text, name, src_lang, config)
    except UserError:
        return error
    seen = _reads_as(document.segments, src_lang)
    return UserError(f"{error}; the text reads as {seen}: pass --from {seen}") if seen else error


def never_replace(path: Path, out: str | None, overwrite: bool) -> None:
    """The default destination next to the source may be a translator's own file: it is replaced only on request."""
    if out is None and not overwrite and path.exists():
        raise UserError(f"{path} already exists (perhaps a human translation): write elsewhere with --out DIR, or replace it with --overwrite (the old file is kept as a .bak)")


@dataclass
class Started:
    """A job prepared for translation (``start_job``): its document protected and recalled from the memory."""

    job: Job
    name: str
    document: Document
    path: Path | None
    model: str  # the route's model id, as the memory knows it
    recalled: int  # segments filled from the memory
    recalled_at: set[int]  # their positions
    seconds: float  # the time spent on it so far
    error: UserError | None = None  # its translation failed

    @property
    def pair(self) -> tuple[str, str]:
        return self.document.src_lang, self.job.tgt

    @property
    def pending(self) -> int:
        return sum(1 for s in self.document.segments if s.target is None)


def run_job(
    job: Job, config: Config, engines: Engines, src_lang: str | None, out: str | None, memory: Memory, *,
    text: str | None = None, stdin: bytes | None = None, bilingual: bool = False, check: bool = True, overwrite: bool = True,
) -> Translation:
    """Translate one input into one language and, unless ``out`` is "-" (or the input a text without
    ``out``), write it next to the source or into ``out``, with its report.

    Segments already in the memory are recalled, not translated; new translations are committed
    to it chunk by chunk, so a killed run resumes where it stopped.
    """
    check_destinations([job], config, src_lang, out, overwrite)
    return _one_job(job, config, engines, src_lang, out, memory, text=text, stdin=stdin, bilingual=bilingual, check=check, overwrite=overwrite)


def _one_job(
    job: Job, config: Config, engines: Engines, src_lang: str | None, out: str | None, memory: Memory, *,
    text: str | None = None, stdin: bytes | None = None, bilingual: bool = False, check: bool = True, overwrite: bool = True,
) -> Translation:
    """``run_job`` once its destination is checked (``run_jobs`` checks all of them first)."""
    started = start_job(job, config, engines, src_lang, out, memory, text=text, stdin=stdin, check=check, overwrite=overwrite)
    translate_job(started, config, engines, memory)
    return finish_job(started, config, engines, memory, bilingual=bilingual, check=check)


def start_job(
    job: Job, config: Config, engines: Engines, src_lang: str | None, out: str | None, memory: Memory, *,
    text: str | None = None, stdin: bytes | None = None, check: bool = True, overwrite: bool = True,
) -> Started:
    """The work before translation: read, segment and protect the input, find where it goes, recall from the memory
    (its destination checked before: ``check_destinations``)."""
    started = time.perf_counter()
    name = str(job.source) if job.source else "<stdin>" if text is None else "<text>"
    if text is None:
        text = decode_source(stdin, name, config.segment.max_input_mb) if job.source is None else read_source(job.source, config.segment.max_input_mb)
    if src_lang:  # no engine for --from's pair: say so before any work, with the language the text reads as
        try:
            engines.route(src_lang, job.tgt)
        except UserError as error:
            raise _no_route(error, text, name, src_lang, config) from None
    if check:
        load_dictionary(job.tgt)  # the spelling check's, loaded beside segmentation
    document = prepare(text, name, job.tgt, src_lang, config, engines, memory)
    if src_lang and (seen := _reads_as(document.segments, src_lang)):
        document.notes.append(f"the text reads as {seen}, not {src_lang}: translated from {src_lang} as --from says (check the file, or pass --from {seen})")
    path = output_for(job, document.src_lang, out, config)
    if path is not None:
        never_replace(path, out, overwrite)
    model = model_id(engines.route(document.src_lang, job.tgt))
    recalled = memory.recall(document, job.tgt, model)
    if check:
        engines.prefetch(job.tgt, document.src_lang)  # the back-check's model loads while the issue is translated
    recalled_at = {p for p, s in enumerate(document.segments) if s.target is not None}
    return Started(job, name, document, path, model, recalled, recalled_at, time.perf_counter() - started)


def translate_job(started: Started, config: Config, engines: Engines, memory: Memory) -> None:
    """Translate the job's pending segments on their own, committing them to the memory chunk by chunk."""
    begun = time.perf_counter()
    document, tgt = started.document, started.job.tgt
    translate_in_chunks(document, tgt, engines, config.memory.commit_every, lambda done: memory.remember(document, tgt, done))
    started.seconds += time.perf_counter() - begun


def finish_job(started: Started, config: Config, engines: Engines, memory: Memory, *, bilingual: bool = False, check: bool = True) -> Translation:
    """The work after translation: fuzzy matches, back-check, memory, render, write the output and its report."""
    begun = time.perf_counter()
    job, name, document, path, model = started.job, started.name, started.document, started.path, started.model
    fuzzy = offer_fuzzy(document, job.tgt, memory, config.memory.fuzzy)
    checked = backcheck(document, job.tgt, engines, config.backcheck, lambda key: memory.summary(name, job.tgt, key)) if check else None
    memory.remember(document, job.tgt, model=model)
    if checked:
        memory.store_summary(name, job.tgt, checked.key, checked.results())
    result = render(document, bilingual=bilingual)
    report = build_report(document, checked, str(path) if path else "-", model) if checked else None
    backup = report_file = None
    if path is not None:
        backup = write_atomic(path, result)
        if report is not None:
            report_file = report_path(path)
            write_atomic(report_file, dumps(report), keep_previous=False)
    summary = {
        "input": name,
        "output": str(path) if path else "-",
        "from": document.src_lang,
        "to": job.named,
        "report": str(report_file) if report_file else None,
        "segments": len(document.segments),
        **({"checks": counts(document.segments) | {"language": checked.lang, "scores": checked.scores, "document_flags": [f.message for f in checked.flags]}} if checked else {}),
        "from_memory": started.recalled,
        "fuzzy": fuzzy,
        "recovered": sum(1 for s in document.segments if any(f.check == "placeholders" for f in s.flags)),
        "notes": document.notes,
        "seconds": round(started.seconds + time.perf_counter() - begun, 3),
    }
    return Translation(result, document.src_lang, job.named, document.segments, report, path, backup, summary)


def offer_fuzzy(document: Document, tgt: str, memory: Memory, threshold: float) -> int:
    """Flag each segment with no review of its own that a similar sentence's reviewed translation
    exists for (the machine text stays); return how many were offered one."""
    pending = [s for s in document.segments if not (s.origin or "").startswith("review:")]
    matches = memory.fuzzy(document.src_lang, tgt, [s.source for s in pending], threshold)
    for seg in pending:
        if seg.source in matches and not any(f.check == "fuzzy" for f in seg.flags):
            score, other, text = matches[seg.source]
            seg.flag("fuzzy", "warning", f"a reviewed translation of a similar sentence ({score:g}% alike: “{_marked(other, seg.source)}”) exists: “{text}”", text)
    return sum(1 for s in pending if s.source in matches)


def _marked(old: str, new: str) -> str:
    """``old`` with the words ``new`` changed marked: [-removed-] and [+added+]."""
    from difflib import SequenceMatcher

    a, b = old.split(), new.split()
    pieces = []
    for op, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces += a[i1:i2]
        else:
            pieces += [f"[-{' '.join(a[i1:i2])}-]"] if i2 > i1 else []
            pieces += [f"[+{' '.join(b[j1:j2])}+]"] if j2 > j1 else []
    return " ".join(pieces)


class Pipeline:
    """The pipeline loaded once and called many times: config, engines (each model loads once) and
    the translation memory.

    >>> nlp = Pipeline()                                   # configs/default.toml, the default memory
    >>> result = nlp.translate("Thank you for reading.", to="pt")
    >>> result.text, result.segments[0].flags               # ('Obrigado por ler.', [])

    The memory is ``memory``, else $PIPELINE_MEMORY, else a user config's memory.path, else, for a
    file, its project home's ``.pipeline/memory.sqlite``; else the user data directory's.
    """

    def __init__(self, config: Config | str | Path | None = None, memory: str | Path | None = None, engine: str | None = None):
        with api_errors():
            self.config = config if isinstance(config, Config) else load_checked_config(Path(config) if config else None)
            self.engines = Engines(self.config, engine)
            self.memory_override = memory
            self.memory_path = self.config.memory_path(memory)  # for texts; a file's may be its project's

    def memory_for(self, path: str | Path | None = None) -> Path:
        """The memory file a translation of ``path`` (None: a text) uses, its folder ready."""
        return prepare_memory_folder(self.config.memory_path(self.memory_override, [path]))

    def translate(self, text: str, to: str, src: str | None = None, *, backcheck: bool = True) -> Translation:
        """Translate a Markdown (or plain) ``text`` into ``to`` (a language tag: "pt", "pt-BR");
        ``src`` is detected when not given. Nothing is written but the memory."""
        with api_errors():
            target = language_tag(to)
            with Memory(self.memory_for(None)) as memory:
                return run_job(Job(None, target.lang, target.tag), self.config, self.engines, language_tag(src).lang if src else None, None, memory, text=text, check=backcheck and self.config.backcheck.enabled)

    def translate_file(self, path: str | Path, to: str, src: str | None = None, *, out: str | Path | None = None, overwrite: bool = False, bilingual: bool = False, backcheck: bool = True) -> Translation:
        """Translate the issue at ``path`` and write it as the command line does: ``NAME.TO.md`` next to it
        (never over an existing file unless ``overwrite``) or in the directory ``out``, with its report."""
        with api_errors():
            target = language_tag(to)
            with Memory(self.memory_for(path)) as memory:
                return run_job(
                    Job(Path(path), target.lang, target.tag), self.config, self.engines, language_tag(src).lang if src else None,
                    str(out) if out is not None else None, memory, bilingual=bilingual, check=backcheck and self.config.backcheck.enabled, overwrite=overwrite,
                )

    def check(self, source: str | Path, translation: str | Path, src: str | None = None, to: str | None = None):
        """The quality gate on a translation of ``source`` (texts, or files given as ``Path``): a result with
        ``.passed`` (no error) and ``.findings``. Languages come from the file names or the texts when not given."""
        from pipeline.quality.gate import check_text

        with api_errors():
            return check_text(source, translation, self.config, self.engines, language_tag(src).lang if src else None, language_tag(to).lang if to else None)


# -- `pipeline check` -------------------------------------------------------------------


def run_gate(
    pairs: list[tuple[Path, Path]],
    config: Config,
    engines: Engines | None,
    console: Console,
    *,
    src: str | None = None,
    tgt: str | None = None,
    json_out: str | None = None,
    junit_out: Path | None = None,
    annotations: str = "auto",
    verbose: bool = False,
) -> int:
    """Check every pair, report, and return the exit code: 0 pass, 1 quality failures."""
    from pipeline.quality.gate import check_pair
    from pipeline.reports.gate import json_report, print_summary
    from pipeline.reports.github import annotation_lines
    from pipeline.reports.junit import junit_xml

    fail_on = config.gate.fail_on
    results = [check_pair(source, translation, config, engines, src, tgt) for source, translation in pairs]
    if junit_out is not None:
        write_atomic(junit_out, junit_xml(results, fail_on), keep_previous=False)
    if json_out is not None and json_out != "-":
        write_atomic(Path(json_out), dumps(json_report(results, fail_on)), keep_previous=False)
    github = annotations == "github" or (annotations == "auto" and os.environ.get("GITHUB_ACTIONS") == "true" and json_out != "-")
    if github:
        for line in annotation_lines(results):
            print(line)
    if json_out == "-":
        print(dumps(json_report(results, fail_on)), end="")
    if results:
        print_summary(console, results, fail_on, verbose)
    else:
        console.print("no translation to check (no NAME.LANG file with a NAME.SRC source among the inputs)", highlight=False)
    return 1 if any(r.failed(fail_on) for r in results) else 0


def check_command(
    paths: list[Path],
    console: Console,
    *,
    everything: bool = False,
    changed: bool = False,
    src: str | None = None,
    to: str | None = None,
    config_path: Path | None = None,
    engine: str | None = None,
    backtranslate: bool | None = None,
    fail_on: str | None = None,
    min_chrf: float | None = None,
    json_out: str | None = None,
    junit: Path | None = None,
    annotations: str = "auto",
    verbose: bool = False,
    dialect: str | None = None,
) -> int:
    """`pipeline check`: validate the options, find the pairs, run the gate; returns the exit code."""
    from pipeline.quality.findings import FAILING
    from pipeline.quality.gate import changed_pairs, find_pairs
    from pipeline.translation.engines import ENGINE_NAMES

    if everything and changed:
        raise UserError("--all (one directory) and --changed (changed files) do not go together")
    if annotations not in ("auto", "github", "none"):
        raise UserError(f"--annotations {annotations!r}: choose auto, github or none")
    if fail_on is not None and fail_on not in FAILING:
        raise UserError(f"--fail-on {fail_on!r}: choose one of {', '.join(FAILING)}")
    if min_chrf is not None and not 0 <= min_chrf <= 100:
        raise UserError(f"--min-chrf {min_chrf:g}: chrF is between 0 and 100")
    if json_out == "-" and annotations == "github":
        raise UserError("--json - prints the report on stdout, where the annotations go: write it to a file (--json report.json)")
    if engine is not None and engine not in ENGINE_NAMES:
        raise UserError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINE_NAMES)}")
    config = _with_overrides(load_checked_config(config_path or CI_CONFIG), fail_on, min_chrf)
    config = with_dialect(config, dialect)
    src = src.strip().lower() if src else None
    targets = {t.strip().lower() for t in to.split(",") if t.strip()} if to else None
    if everything or changed:
        if everything and len(paths) != 1:
            raise UserError("--all takes one directory")
        source_lang = src or config.gate.source_lang
        pairs = find_pairs(paths[0], source_lang, targets) if everything else changed_pairs(paths, source_lang, targets)
        if everything and not pairs:
            raise UserError(f"{paths[0]}: no NAME.LANG.md next to a NAME.{source_lang}.md source in this directory")
        tgt = None
    else:
        if len(paths) != 2:
            raise UserError("pass SOURCE TRANSLATION (or --all DIR, or --changed FILE...)")
        if targets is not None and len(targets) != 1:
            raise UserError("--to takes one language when checking one SOURCE TRANSLATION pair")
        pairs, tgt = [(paths[0], paths[1])], next(iter(targets)) if targets else None
    back = config.gate.backtranslate if backtranslate is None else backtranslate
    return run_gate(
        pairs, config, Engines(config, engine) if back else None, console, src=src, tgt=tgt,
        json_out=json_out, junit_out=junit, annotations=annotations, verbose=verbose,
    )


def _with_overrides(config: Config, fail_on: str | None, min_chrf: float | None) -> Config:
    """``config`` with the command line's --fail-on and --min-chrf (which wins over per-pair values too)."""
    backcheck_config = config.backcheck
    if min_chrf is not None:
        pairs = {pair: values.model_copy(update={"min_chrf": None}) for pair, values in backcheck_config.pairs.items()}
        backcheck_config = backcheck_config.model_copy(update={"min_chrf": min_chrf, "pairs": pairs})
    gate = config.gate.model_copy(update={"fail_on": fail_on}) if fail_on else config.gate
    return config.model_copy(update={"backcheck": backcheck_config, "gate": gate})
