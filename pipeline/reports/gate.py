"""The gate's reports on the checked pairs: its JSON report and the summary printed in the terminal."""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict

from rich.console import Console
from rich.markup import escape

from pipeline.quality.checks import likelihood
from pipeline.quality.findings import FAILING, PairResult
from pipeline.reports.json_report import build_report


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
                "counts": {"error": r.count("error"), "warning": r.count("warning"), "suppressed": len(r.suppressed)},
                "by_check": dict(sorted(Counter(f.check for f in r.findings).items())),
                "findings": [asdict(f) for f in r.findings],
                "suppressed": [asdict(s.finding) | {"reason": s.reason, "by": s.by} for s in r.suppressed],
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
        f"{verdict} {escape(result.translation)} ({result.src}->{result.tgt}): {result.count('error')} error(s), {result.count('warning')} warning(s),"
        f" {len(result.suppressed)} suppressed;"
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
            counts = ", ".join(f"{check} {n}" for check, n in sorted(hidden.items(), key=lambda item: likelihood(item[0])))  # likeliest to need action first
            console.print(f"{escape(r.translation)}: {sum(hidden.values())} warning(s) that do not fail the gate: {counts} (--verbose lists them)", highlight=False, soft_wrap=True)
        if r.suppressed and verbose:
            for s in r.suppressed:
                console.print(f"{escape(s.finding.file)}:{s.finding.line}: suppressed {s.finding.check}: {escape(s.finding.message)} [{escape(s.reason)}]", highlight=False, soft_wrap=True)
        elif r.suppressed:
            by = ", ".join(f"{name} {n}" for name, n in sorted(Counter(s.by for s in r.suppressed).items()))
            console.print(f"{escape(r.translation)}: {len(r.suppressed)} finding(s) suppressed as declared: {escape(by)} (--verbose and the JSON report list them with their reasons)", highlight=False, soft_wrap=True)
    skipped = Counter(r.summary.back_skipped for r in results if r.summary.back_skipped)
    for reason, files in sorted(skipped.items()):
        console.print(f"no back-translation for {files} file(s): {escape(reason)}", highlight=False, soft_wrap=True)
    for r in results:
        console.print(summary_line(r, fail_on), highlight=False, soft_wrap=True)
