"""Running the pipeline: segment -> protect -> translate -> back-check -> export, in one place.

``Pipeline`` holds the config, the engines (models load once) and the translation memory; the
command line, the benchmarks and Python callers all translate through ``run_job``.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .backcheck import backcheck
from .config import Config, load_config
from .document import Document, Segment
from .errors import UserError
from .export import output_path, render
from .files import decode_source, read_source, write_atomic
from .fingerprint import fingerprint
from .formats.json_report import build_report, counts, dumps, report_path
from .language import detect_language, language_tag
from .lexicon import load_dictionary
from .memory import Memory
from .protect import protect
from .segment import segment
from .translation import Engines, model_id, translate_in_chunks


@dataclass
class Job:
    """One input file (or stdin, or a text) to translate into one target language."""

    source: Path | None  # None = stdin or a text
    tgt: str  # the language the engines and checks know ("pt")
    tag: str = ""  # as the user wrote it, for output names ("pt-BR"); tgt when empty

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


def glossary_for(config: Config, engines: Engines | None, src: str, tgt: str):
    """The config's glossary for the pair; none for a copy-only route of ``engines`` (identity keeps every byte)."""
    if not config.translate.glossary_dir or (engines is not None and all(hop.engine.name == "identity" for hop in engines.route(src, tgt))):
        return None
    from .glossary import Glossary

    return Glossary.load(config.resolve(config.translate.glossary_dir), src, tgt)


def _glossary_contents(config: Config) -> list[tuple[str, str]]:
    """Name and digest of every file in the glossary directory: what protect may have read."""
    directory = config.resolve(config.translate.glossary_dir) if config.translate.glossary_dir else None
    if directory is None or not directory.is_dir():
        return []
    return [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in sorted(directory.iterdir()) if p.is_file()]


def prepare(text: str, name: str, tgt: str, src_lang: str | None, config: Config, engines: Engines, memory: Memory) -> Document:
    """``text`` segmented and protected for ``tgt``; from the memory when it was prepared from the same inputs before."""
    key = fingerprint(text, src_lang, tgt, engines.override, config.model_dump(mode="json"), _glossary_contents(config))
    document = memory.prepared(name, tgt, key)
    if document is None:
        document = segmented(text, name, src_lang, tgt, config, engines)
        memory.store_prepared(document, tgt, key)
    return document


def segmented(text: str, name: str, src_lang: str | None, tgt: str, config: Config, engines: Engines | None = None) -> Document:
    """The first two stages, where translating, reviewing and checking all start: ``text`` segmented (its language
    detected unless ``src_lang``), then its markup and the glossary's terms for ``tgt`` protected."""
    document = segment(text, name=name, src_lang=src_lang, front_matter_keys=tuple(config.segment.front_matter_keys))
    protect(document, glossary_for(config, engines, document.src_lang, tgt))
    return document


def run_jobs(jobs: list[Job], config: Config, engines: Engines, src_lang: str | None, out: str | None, memory: Memory, **options) -> Iterator[tuple[Job, Translation | UserError]]:
    """``run_job`` on each job in turn, with its translation or the error that stopped it: one job's bad input or
    missing model does not stop the others."""
    for job in jobs:
        try:
            yield job, run_job(job, config, engines, src_lang, out, memory, **options)
        except UserError as error:
            yield job, error


def never_replace(path: Path, out: str | None, overwrite: bool) -> None:
    """The default destination next to the source may be a translator's own file: it is replaced only on request."""
    if out is None and not overwrite and path.exists():
        raise UserError(f"{path} already exists (perhaps a human translation): write elsewhere with --out DIR, or replace it with --overwrite (the old file is kept as a .bak)")


def run_job(
    job: Job, config: Config, engines: Engines, src_lang: str | None, out: str | None, memory: Memory, *,
    text: str | None = None, stdin: bytes | None = None, bilingual: bool = False, check: bool = True, overwrite: bool = True,
) -> Translation:
    """Translate one input into one language and, unless ``out`` is "-" (or the input a text without
    ``out``), write it next to the source or into ``out``, with its report.

    Segments already in the memory are recalled, not translated; new translations are committed
    to it chunk by chunk, so a killed run resumes where it stopped.
    """
    started = time.perf_counter()
    name = str(job.source) if job.source else "<stdin>" if text is None else "<text>"
    if text is None:
        text = decode_source(stdin, name, config.segment.max_input_mb) if job.source is None else read_source(job.source, config.segment.max_input_mb)
    if check:
        load_dictionary(job.tgt)  # the spelling check's, loaded beside segmentation
    document = prepare(text, name, job.tgt, src_lang, config, engines, memory)
    if src_lang and (seen := detect_language(" ".join(s.source for s in document.segments))) not in (None, src_lang):
        raise UserError(f"{name} reads as {seen}, not {src_lang} (--from {src_lang}): check the file, or pass --from {seen}")
    path = None
    if not (out == "-" or (job.source is None and out is None)):
        path = output_path(job.source or Path("stdin.md"), document.src_lang, job.named, Path(out) if out else None)
        never_replace(path, out, overwrite)
    model = model_id(engines.route(document.src_lang, job.tgt))
    recalled = memory.recall(document, job.tgt, model)
    if check:
        engines.prefetch(job.tgt, document.src_lang)  # the back-check's model loads while the issue is translated
    translate_in_chunks(document, job.tgt, engines, config.memory.commit_every, lambda done: memory.remember(document, job.tgt, done))
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
        "from_memory": recalled,
        "fuzzy": fuzzy,
        "recovered": sum(1 for s in document.segments if any(f.check == "placeholders" for f in s.flags)),
        "notes": document.notes,
        "seconds": round(time.perf_counter() - started, 3),
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
    """

    def __init__(self, config: Config | str | Path | None = None, memory: str | Path | None = None, engine: str | None = None):
        self.config = config if isinstance(config, Config) else load_config(Path(config) if config else None)
        self.engines = Engines(self.config, engine)
        self.memory_path = self.config.memory_path(memory)

    def translate(self, text: str, to: str, src: str | None = None, *, backcheck: bool = True) -> Translation:
        """Translate a Markdown (or plain) ``text`` into ``to`` (a language tag: "pt", "pt-BR");
        ``src`` is detected when not given. Nothing is written but the memory."""
        target = language_tag(to)
        with Memory(self.memory_path) as memory:
            return run_job(Job(None, target.lang, target.tag), self.config, self.engines, language_tag(src).lang if src else None, None, memory, text=text, check=backcheck and self.config.backcheck.enabled)

    def translate_file(self, path: str | Path, to: str, src: str | None = None, *, out: str | Path | None = None, overwrite: bool = False, bilingual: bool = False, backcheck: bool = True) -> Translation:
        """Translate the issue at ``path`` and write it as the command line does: ``NAME.TO.md`` next to it
        (never over an existing file unless ``overwrite``) or in the directory ``out``, with its report."""
        target = language_tag(to)
        with Memory(self.memory_path) as memory:
            return run_job(
                Job(Path(path), target.lang, target.tag), self.config, self.engines, language_tag(src).lang if src else None,
                str(out) if out is not None else None, memory, bilingual=bilingual, check=backcheck and self.config.backcheck.enabled, overwrite=overwrite,
            )

    def check(self, source: str | Path, translation: str | Path, src: str | None = None, to: str | None = None):
        """The quality gate on a translation of ``source`` (texts, or files given as ``Path``): a result with
        ``.passed`` (no error) and ``.findings``. Languages come from the file names or the texts when not given."""
        from .gate import check_text

        return check_text(source, translation, self.config, self.engines, language_tag(src).lang if src else None, language_tag(to).lang if to else None)
