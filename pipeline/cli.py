"""Command line: `pipeline translate`, `pipeline glossary`. Errors are one line and exit 2."""
from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from .config import Config, load_config
from .document import Document
from .errors import UserError
from .export import output_path, render
from .files import decode_source, read_source, write_atomic
from .protect import protect
from .segment import segment
from .translate import Engines, translate

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Translate newsletter issues with open neural MT.")
err = Console(stderr=True)
SOURCE_SUFFIXES = (".md", ".markdown", ".txt")


@dataclass
class Job:
    """One input file (or stdin) to translate into one target language."""

    source: Path | None  # None = stdin
    tgt: str


def _inputs(paths: list[Path]) -> list[Path | None]:
    if len(paths) == 1 and paths[0].is_dir():
        found = sorted(p for p in paths[0].rglob("*") if p.is_file() and p.suffix in SOURCE_SUFFIXES)
        if not found:
            raise UserError(f"{paths[0]}: no {'/'.join(SOURCE_SUFFIXES)} files in this directory")
        return list(found)
    return [None if str(p) == "-" else p for p in paths]


def _glossary(config: Config, engines: Engines, src: str, tgt: str):
    """The glossary for the pair; none for a copy-only route (identity keeps every byte)."""
    if not config.translate.glossary_dir or all(hop.engine.name == "identity" for hop in engines.route(src, tgt)):
        return None
    from .glossary import Glossary

    return Glossary.load(config.resolve(config.translate.glossary_dir), src, tgt)


def run_job(job: Job, config: Config, engines: Engines, src_lang: str | None, out: str | None, stdin: bytes | None) -> dict:
    """Translate one input into one language and write it; return the summary record."""
    started = time.perf_counter()
    name = str(job.source) if job.source else "<stdin>"
    text = decode_source(stdin, name, config.segment.max_input_mb) if job.source is None else read_source(job.source, config.segment.max_input_mb)
    document: Document = segment(text, name=name, src_lang=src_lang, front_matter_keys=tuple(config.segment.front_matter_keys))
    protect(document, _glossary(config, engines, document.src_lang, job.tgt))
    translate(document, job.tgt, engines)
    result = render(document)
    if out == "-" or (job.source is None and out is None):
        destination = "-"
        sys.stdout.write(result)
        sys.stdout.flush()
    else:
        path = output_path(job.source or Path("stdin.md"), document.src_lang, job.tgt, Path(out) if out else None)
        backup = write_atomic(path, result)
        destination = str(path)
        if backup:
            err.print(f"{path} existed and differed: kept it as {backup}", highlight=False)
    return {
        "input": name,
        "output": destination,
        "from": document.src_lang,
        "to": job.tgt,
        "segments": len(document.segments),
        "recovered": sum(1 for s in document.segments if any(f.check == "placeholders" for f in s.flags)),
        "notes": document.notes,
        "seconds": round(time.perf_counter() - started, 3),
    }


@app.command("translate")
def translate_command(
    paths: Annotated[list[Path], typer.Argument(help="Issue files, one directory, or - for stdin.")],
    to: Annotated[str, typer.Option("--to", help="Target language(s), comma-separated: pt or pt,zh,fr.")],
    src: Annotated[Optional[str], typer.Option("--from", help="Source language; detected when omitted.")] = None,
    out: Annotated[Optional[str], typer.Option("--out", help="Output directory, or - for stdout. Default: next to each input as NAME.LANG.md.")] = None,
    config_path: Annotated[Optional[Path], typer.Option("--config", help="Config file (default configs/default.toml).")] = None,
    engine: Annotated[Optional[str], typer.Option("--engine", help="Use this engine for every pair (marian, bergamot, identity).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout.")] = False,
) -> None:
    """Translate newsletter issues, keeping their exact Markdown structure."""
    config = load_config(config_path)
    targets = [t.strip().lower() for t in to.split(",") if t.strip()]
    if not targets:
        raise UserError("--to needs at least one language code, e.g. --to pt")
    inputs = _inputs(paths)
    if out == "-" and len(inputs) * len(targets) > 1:
        raise UserError("--out - (stdout) takes a single input and a single target language")
    if as_json and (out == "-" or None in inputs and out is None):
        raise UserError("--json prints on stdout: write the translation to a file with --out DIR")
    stdin = sys.stdin.buffer.read() if None in inputs else None
    engines = Engines(config, engine)
    jobs = [Job(source, tgt) for source in inputs for tgt in targets]
    summaries = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err, transient=True, disable=len(jobs) < 2) as progress:
        task = progress.add_task("translating", total=len(jobs))
        for job in jobs:
            progress.update(task, description=f"{job.source.name if job.source else 'stdin'} -> {job.tgt}")
            summary = run_job(job, config, engines, src.lower() if src else None, out, stdin)
            summaries.append(summary)
            if not as_json and summary["output"] != "-":
                err.print(f"{summary['input']} ({summary['from']}) -> {summary['output']}: {summary['segments']} segments, {summary['seconds']:.1f}s")
            progress.advance(task)
    if as_json:
        print(json.dumps(summaries, ensure_ascii=False, indent=2))


glossary_app = typer.Typer(no_args_is_help=True, help="Inspect and lint the glossaries.")
app.add_typer(glossary_app, name="glossary")


def _glossary_dir(directory: Path | None, config_path: Path | None) -> Path:
    if directory is not None:
        return directory
    config = load_config(config_path)
    return config.resolve(config.translate.glossary_dir or "glossaries")


@glossary_app.command("lint")
def glossary_lint(
    directory: Annotated[Optional[Path], typer.Argument(help="Glossary directory (default: the config's).")] = None,
    config_path: Annotated[Optional[Path], typer.Option("--config")] = None,
) -> None:
    """Report malformed lines, duplicates, conflicts, overlaps and encoding problems; exit 1 on errors."""
    from .glossary import lint

    root = _glossary_dir(directory, config_path)
    if not root.is_dir():
        raise UserError(f"{root}: no such glossary directory")
    problems = lint(root)
    for problem in problems:
        print(problem)
    errors = sum(1 for p in problems if p.severity == "error")
    err.print(f"{errors} error(s), {len(problems) - errors} warning(s) in {root}", highlight=False)
    raise typer.Exit(1 if errors else 0)


@glossary_app.command("show")
def glossary_show(
    term: Annotated[str, typer.Argument(help="A source or target term.")],
    directory: Annotated[Optional[Path], typer.Option("--dir", help="Glossary directory.")] = None,
    config_path: Annotated[Optional[Path], typer.Option("--config")] = None,
) -> None:
    """Every glossary entry whose source or target is TERM (case-insensitive)."""
    from .glossary import show

    found = show(_glossary_dir(directory, config_path), term)
    if not found:
        err.print(f"{term!r} is in no glossary", highlight=False)
        raise typer.Exit(1)
    for entry in found:
        kind = "keep" if entry.keep else "translate"
        print(f"{entry.origin}\t{kind}\t{entry.source}\t{entry.target}\t{entry.note}")


def main() -> None:
    """Entry point: every UserError becomes `error: ...` on one line and exit code 2."""
    try:
        exit_code = app(standalone_mode=False)  # click returns an Exit's code in this mode
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
        import click

        if isinstance(error, click.ClickException):
            error.show()
            sys.exit(2)
        err.print(f"internal error: {type(error).__name__}: {error} (set PIPELINE_DEBUG=1 for a traceback)", highlight=False, markup=False, soft_wrap=True)
        sys.exit(70)
