"""CI quality gate: back-check existing translations (human or machine) and decide pass or fail.

``check_pair`` segments a source and its translation, marks the source's glossary terms, aligns
the translation to it (``align.py``), runs the back-check (back-translation only when an engine
for the reverse pair is available) and turns every flag, missing block and extra block into a
``Finding`` with the file and line it concerns. ``find_pairs`` pairs files by the naming
convention ``NAME.SRC.md`` <-> ``NAME.TGT.md``. ``check_command`` is `pipeline check`: it finds
the pairs and ``run_gate`` checks them, prints a summary and writes the JSON and JUnit reports
and GitHub annotations. Nothing depends on time or on the order of the file system, so the
same inputs give the same bytes.
"""
from __future__ import annotations

import glob
import os
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from rich.console import Console
from rich.markup import escape

from .align import Alignment, align
from .backcheck import Summary, backcheck
from .checks import CHECKS, Context
from .config import DEFAULT_CONFIG, Config, load_config
from .document import Document, Segment, line_of
from .errors import UserError
from .files import read_source, write_atomic
from .formats.json_report import build_report, dumps
from .protect import protect
from .segment import segment
from .translate import Engines

Severity = Literal["error", "warning"]
CI_CONFIG = DEFAULT_CONFIG.with_name("ci.toml")
FAILING = {"error": {"error"}, "warning": {"error", "warning"}, "never": set()}  # fail_on -> severities that fail
_NAMED = re.compile(r"^(?P<name>.+)\.(?P<lang>[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?)(?P<ext>\.(?:md|markdown|txt))$")
_TITLE_LINE = re.compile(r"^\s*(?:#{1,6}\s.*|(\*{1,3}|_{1,3})\S.*\S\1)\s*$")


@dataclass(frozen=True)
class Finding:
    """One thing the gate reports, at the line of the file it concerns."""

    check: str
    severity: Severity
    message: str
    file: str  # the translation; the source for a block missing from the translation
    line: int
    segment: str = ""  # id of the aligned unit, "" for extra blocks and whole-document findings
    source: str = ""
    target: str = ""
    evidence: str = ""


@dataclass
class PairResult:
    """A translation checked against its source."""

    source: str  # paths as shown (relative to the working directory when under it)
    translation: str
    src: str
    tgt: str
    alignment: Alignment
    summary: Summary
    findings: list[Finding] = field(default_factory=list)

    def failed(self, fail_on: str) -> bool:
        return any(f.severity in FAILING[fail_on] for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def shown(path: Path) -> str:
    """``path`` as reports and annotations show it: relative to the working directory when under it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def language_of(path: Path) -> str | None:
    """The language tag of ``NAME.LANG.md`` (``pt`` for ``NAME.pt-BR.md``), None without one."""
    match = _NAMED.match(path.name)
    return re.split(r"[-_]", match["lang"])[0].lower() if match else None


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
        match = _NAMED.match(path.name)
        if not match:
            continue
        name, lang, ext = match["name"], language_of(path), match["ext"]
        source = path.with_name(f"{name}.{src}{ext}")
        if lang != src and source.is_file() and (targets is None or lang in targets):
            pairs.add((source, path))
        elif lang == src and changed:
            siblings = sorted(path.parent.glob(f"{glob.escape(name)}.*{ext}"))
            pairs |= {(path, s) for s in siblings if _NAMED.match(s.name) and language_of(s) != src and (targets is None or language_of(s) in targets)}
    return sorted(pairs)


def check_pair(source: Path, translation: Path, config: Config, engines: Engines | None, src: str | None = None, tgt: str | None = None) -> PairResult:
    """Align ``translation`` to ``source``, back-check it, and collect the findings."""
    limit, keys = config.segment.max_input_mb, tuple(config.segment.front_matter_keys)
    source_doc = segment(read_source(source, limit), name=shown(source), src_lang=src or language_of(source), front_matter_keys=keys)
    translation_doc = segment(read_source(translation, limit), name=shown(translation), src_lang=tgt or language_of(translation), front_matter_keys=keys)
    src, tgt = source_doc.src_lang, translation_doc.src_lang
    if src == tgt:
        raise UserError(f"{shown(translation)} and {shown(source)} are both in '{src}': pass the source first, or --from/--to")
    protect(source_doc, _glossary(config, src, tgt))
    alignment = align(source_doc, translation_doc)
    summary = backcheck(alignment.document, tgt, engines, config.backcheck)
    result = PairResult(shown(source), shown(translation), src, tgt, alignment, summary)
    result.findings = _findings(result, translation_doc, config)
    return result


def _glossary(config: Config, src: str, tgt: str):
    if not config.translate.glossary_dir:
        return None
    from .glossary import Glossary

    return Glossary.load(config.resolve(config.translate.glossary_dir), src, tgt)


def _findings(result: PairResult, translation: Document, config: Config) -> list[Finding]:
    alignment, document = result.alignment, result.alignment.document
    severities = config.backcheck.severities
    found = []
    for unit in document.segments:
        line = alignment.target_lines.get(unit.index)
        if line is None:
            continue
        kept_title = _kept_title(unit, document.text)
        for flag in unit.flags:
            severity, message = flag.severity, flag.message
            if kept_title and flag.check in ("untranslated", "language"):
                severity, message = config.gate.kept_titles, f"{message} (a title kept as in the source)"
            elif flag.check in ("urls", "markup") and re.match(r"(?:https?://|mailto:|www\.)", flag.evidence):
                message += _where_url_is(flag.evidence, unit.target or "", translation.text, line)
            found.append(Finding(flag.check, severity, message, result.translation, line, unit.id, unit.source, unit.target or "", flag.evidence))
    for unit in alignment.missing:
        line = line_of(document.text, unit.start)
        excerpt = " ".join(unit.source.split())
        excerpt = excerpt if len(excerpt) <= 60 else excerpt[:59] + "…"
        message = f"“{excerpt}” (source line {line}) has no counterpart in {result.translation}: dropped, or moved out of order"
        found.append(Finding("missing", config.gate.missing, message, result.source, line, unit.id, unit.source))
    context = Context(result.src, result.tgt, config.backcheck.thresholds(result.src, result.tgt))
    language = severities.get("language", CHECKS["language"].severity)

    def judge(text: str, line: int, what: str) -> None:  # the language check on a whole block
        for wrong, evidence in CHECKS["language"].run(Segment(0, "block", 0, 0, "", target=text), context):
            found.append(Finding("language", language, f"{wrong} ({what})", result.translation, line, target=text, evidence=evidence))

    for line, text in alignment.extra:
        message = f"this block has no counterpart in {result.source} (a translator's note, or added text)"
        found.append(Finding("extra", config.gate.extra, message, result.translation, line, target=text))
        judge(text, line, "a block with no counterpart in the source")
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
    return sorted(found, key=lambda f: (f.file != result.translation, f.line, f.check, f.message))


def _where_url_is(url: str, target: str, text: str, line: int) -> str:
    """Where a URL said to be missing is after all: in this text (its link is broken) or elsewhere."""
    if url in target:
        return " (the URL is there: the link markup around it is broken)"
    if (found := text.find(url)) < 0:
        return ""
    if (at := line_of(text, found)) == line:
        return " (the URL is in another sentence of this paragraph)"
    return f" (the URL is at line {at}: moved, e.g. into a list of references)"


def _kept_title(unit: Segment, text: str) -> bool:
    """A heading or a bold/italic title line that the translation copies verbatim (paper titles often stay in English)."""
    if unit.target is None or " ".join(unit.target.split()).casefold() != " ".join(unit.source.split()).casefold():
        return False
    line = text[text.rfind("\n", 0, unit.start) + 1 : text.find("\n", unit.end) % (len(text) + 1)]
    return unit.block.startswith("front_matter/title") or bool(_TITLE_LINE.match(line))


# -- reports --------------------------------------------------------------------------------


def json_report(results: list[PairResult], fail_on: str) -> dict:
    """The gate's JSON report: the verdict, then per pair its findings and the full back-check report."""
    return {
        "fail_on": fail_on,
        "passed": not any(r.failed(fail_on) for r in results),
        "pairs": [
            {
                "source": r.source,
                "translation": r.translation,
                "from": r.src,
                "to": r.tgt,
                "passed": not r.failed(fail_on),
                "alignment": {
                    "units": len(r.alignment.document.segments),
                    "paired": len(r.alignment.target_lines),
                    "missing": len(r.alignment.missing),
                    "extra": len(r.alignment.extra),
                },
                "counts": {"error": r.count("error"), "warning": r.count("warning")},
                "by_check": dict(sorted(Counter(f.check for f in r.findings).items())),
                "findings": [asdict(f) for f in r.findings],
                "backcheck": build_report(r.alignment.document, r.summary, r.translation, None, r.alignment.target_lines),
            }
            for r in results
        ],
    }


def summary_line(result: PairResult, fail_on: str) -> str:
    """One line per pair: verdict, counts, alignment, corpus chrF of the back-translation."""
    alignment = result.alignment
    chrf = f"{result.summary.scores['chrf']:.1f}" if "chrf" in result.summary.scores else "-"
    verdict = "[red]FAIL[/red]" if result.failed(fail_on) else "[green]pass[/green]"
    return (
        f"{verdict} {escape(result.translation)} ({result.src}->{result.tgt}): {result.count('error')} error(s), {result.count('warning')} warning(s);"
        f" {len(alignment.target_lines)} of {len(alignment.document.segments)} source units aligned, {len(alignment.missing)} missing,"
        f" {len(alignment.extra)} extra block(s); back-translation chrF {chrf}"
    )


def print_summary(console: Console, results: list[PairResult], fail_on: str, verbose: bool) -> None:
    """Every finding that fails the gate (every finding with ``verbose``), then one line per pair."""
    for r in results:
        listed = [f for f in r.findings if verbose or f.severity in FAILING[fail_on]]
        repeats = Counter((f.file, f.line, f.severity, f.check, f.message) for f in listed)
        for (file, line, severity, check, message), times in repeats.items():  # same problem in several sentences: once
            colour = "red" if severity == "error" else "yellow"
            more = f" ({times} sentences)" if times > 1 else ""
            console.print(f"{escape(file)}:{line}: [{colour}]{severity}[/{colour}] {check}: {escape(message)}{more}", highlight=False, soft_wrap=True)
        hidden = Counter(f.check for f in r.findings if f.severity not in FAILING[fail_on] and not verbose)
        if hidden:
            counts = ", ".join(f"{check} {n}" for check, n in sorted(hidden.items()))
            console.print(f"{escape(r.translation)}: {sum(hidden.values())} warning(s) that do not fail the gate: {counts} (--verbose lists them)", highlight=False, soft_wrap=True)
    skipped = Counter(r.summary.back_skipped for r in results if r.summary.back_skipped)
    for reason, files in sorted(skipped.items()):
        console.print(f"no back-translation for {files} file(s): {escape(reason)}", highlight=False, soft_wrap=True)
    for r in results:
        console.print(summary_line(r, fail_on), highlight=False, soft_wrap=True)


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
    from .formats.github import annotation_lines
    from .formats.junit import junit_xml

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
) -> int:
    """`pipeline check`: validate the options, find the pairs, run the gate; returns the exit code."""
    from .engines import ENGINE_NAMES

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
    config = _with_overrides(load_config(config_path or CI_CONFIG), fail_on, min_chrf)
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
