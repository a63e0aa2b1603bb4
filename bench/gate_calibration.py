"""How often each check of the gate is right, per language, on human translations it was not tuned on;
and the severities that follow from it.

The calibration set: findings of every check (``bench.calibration_harvest``: all checks reported,
whatever their severity) on the human translations of five public documentation sites (Astro's
docs in 13 languages, React's in Brazilian Portuguese, OpenTelemetry's in 10, GTFS.org's, Mongoz's;
``bench/docs_corpus.py``) and of the NLP Newsletter (``../shared``), sampled per project, language
and check and judged by reading: ``bench/calibration/judged/*.tsv`` (``true``: a defect a reviewer
must fix; ``false``: a correct translation, a translator's legitimate choice; ``intentional``: an
adaptation on purpose; ``unclear``: not counted), and the newsletter's earlier judgements
(``bench/qe/gate_judgements.tsv``). Frozen: the judgements are text, keyed by page, check, evidence
and the texts, so that they stay valid when the code changes; a finding the code makes that nobody
judged is counted as unjudged. A second reader judged a sample again, blind
(``bench/calibration/second_reader_*.tsv``): their agreement is reported.

Held out: severities are set from the findings on the pages the dialects were built on and the
first three newsletter issues (``tune`` and ``heldout`` pages of the corpus, issues 1-3), and the
precision of the errors that result is reported on pages never used for that (the corpus' ``extra``
pages, issues 4-6).

Severity from measurement, per check and language: ``error`` where at least 95% of at least 8
judged findings were true, ``off`` where under 50% of at least 6 were, ``warning`` elsewhere.
A check whose cell has too few judged findings takes its severity over all languages if it needs
no resources of its own (markup, URLs, numbers, names...), else stays a warning. A language never
measured gets only the checks needing no resources of their own.

    python -m bench.gate_calibration            # re-runs the gate on the corpus (minutes), writes the table
    python -m bench.gate_calibration --reuse    # reads bench/calibration/harvest.jsonl as it is
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from bench.calibration_harvest import HARVEST, NEWSLETTER_DEV, harvest, key

REPO = Path(__file__).resolve().parent.parent
HERE = Path(__file__).with_name("calibration")
JUDGED = HERE / "judged"
NEWSLETTER_JUDGED = Path(__file__).with_name("qe") / "gate_judgements.tsv"
MEASURED = REPO / "pipeline" / "quality" / "checks" / "measured.json"
DOC = REPO / "docs" / "gate-calibration.md"
RESULTS = Path(__file__).with_name("gate_calibration.json")
CALIBRATION_SPLITS = {"tune", "heldout"}
HELD_OUT_SPLITS = {"extra"}  # the corpus' pages beyond the 40 of each project, and newsletter issues 4-6
# Checks that need nothing of the target language beyond its script: run in any language.
LANGUAGE_INDEPENDENT = {
    "empty", "markup", "extra-markup", "urls", "glossary", "untranslated", "length", "truncated", "repetition", "sentences", "language",
    "backtranslation", "wrong-number", "numbers", "names", "misspelt-name", "quotes", "link-text", "missing", "extra", "meaning",
}
ERROR_AT, OFF_BELOW, ERROR_MIN, OFF_MIN = 0.95, 0.5, 8, 6
COUNTED = {"true": True, "false": False, "intentional": False}


def language(tag: str) -> str:
    return tag.split("-")[0]


def judged_keys() -> dict[tuple, str]:
    """Every judged finding's key -> its verdict."""
    verdicts = {}
    for path in sorted(JUDGED.glob("*.tsv")):
        for row in csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"):
            if row.get("verdict", "").strip():
                verdicts[key(row)] = row["verdict"].strip().lower()
    return verdicts


def newsletter_verdicts() -> dict[tuple, str]:
    """The newsletter gate's earlier judgements: (file, line, check) -> verdict."""
    if not NEWSLETTER_JUDGED.exists():
        return {}
    return {(r["file"], int(r["line"]), r["check"]): r["judgement"] for r in csv.DictReader(NEWSLETTER_JUDGED.open(encoding="utf-8"), delimiter="\t")}


def verdict_of(row: dict, verdicts: dict, newsletter: dict) -> str | None:
    found = verdicts.get(key(row))
    if found is None and row["project"] == "newsletter":
        found = newsletter.get((row["page"], row["line"], row["check"]))
    return found


def cells(rows: list[dict], verdicts: dict, newsletter: dict, splits: set[str]) -> dict[tuple[str, str], Counter]:
    """(language, check) -> counts of true, false and unjudged findings on pages of ``splits``."""
    table: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for row in rows:
        if row["split"] not in splits:
            continue
        verdict = verdict_of(row, verdicts, newsletter)
        cell = table[(language(row["language"]), row["check"])]
        cell["found"] += 1
        if verdict in COUNTED:
            cell["true" if COUNTED[verdict] else "false"] += 1
    return table


def severity(true: int, false: int) -> str | None:
    judged = true + false
    if judged >= ERROR_MIN and true / judged >= ERROR_AT:
        return "error"
    if judged >= OFF_MIN and true / judged < OFF_BELOW:
        return "off"
    return "warning" if judged >= OFF_MIN else None


def severities(table: dict[tuple[str, str], Counter]) -> dict:
    """The severity of each check in each measured language, with what it rests on."""
    pooled: dict[str, Counter] = defaultdict(Counter)
    for (_, check), cell in table.items():
        pooled[check].update(cell)
    checks = sorted({check for _, check in table})
    result: dict = {"languages": {}, "other languages": {}}
    for check in checks:
        cell = pooled[check]
        if check in LANGUAGE_INDEPENDENT:
            result["other languages"][check] = _cell(cell, severity(cell["true"], cell["false"]) or "warning", "all languages")
    for lang in sorted({lang for lang, _ in table}):
        row = {}
        for check in checks:
            cell = table.get((lang, check), Counter())
            measured = severity(cell["true"], cell["false"])
            if measured:
                row[check] = _cell(cell, measured, lang)
            elif check in LANGUAGE_INDEPENDENT:
                row[check] = {**result["other languages"][check]}
            else:
                row[check] = _cell(cell, "warning", lang)
        result["languages"][lang] = row
    return result


def _cell(cell: Counter, severity: str, basis: str) -> dict:
    judged = cell["true"] + cell["false"]
    return {"severity": severity, "true": cell["true"], "judged": judged, "basis": basis}


def errors(rows: list[dict], verdicts: dict, newsletter: dict, measured: dict, keep) -> dict:
    """The errors the measured severities give on the rows ``keep`` accepts: per language, how many were judged
    true, false, or not judged, and the precision of the judged ones."""
    report: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        if not keep(row):
            continue
        lang = language(row["language"])
        table = measured["languages"].get(lang) or measured["other languages"]
        if table.get(row["check"], {}).get("severity", "warning") != "error":
            continue
        verdict = verdict_of(row, verdicts, newsletter)
        report[lang]["true" if verdict in COUNTED and COUNTED[verdict] else "false" if verdict in COUNTED else "unjudged"] += 1
    return {lang: {**counts, "precision": round(counts["true"] / (counts["true"] + counts["false"]), 3) if counts["true"] + counts["false"] else None} for lang, counts in sorted(report.items())}


def newsletter_true_ones(rows: list[dict], newsletter: dict, measured: dict) -> dict:
    """Of the newsletter gate's findings judged real defects (bench/qe/gate_judgements.tsv), how many the gate still
    reports (as an error or a warning), how many its measured severities silence, and how many it no longer finds."""
    found = {(r["page"], r["line"], r["check"]): r for r in rows if r["project"] == "newsletter"}
    counts, silenced = Counter(), []
    for (page, line, check), verdict in newsletter.items():
        if verdict != "true" or check == "syntax":
            continue
        if (page, line, check) not in found:
            counts["no longer found"] += 1
            continue
        lang = language(page.split(".")[1])
        severity = (measured["languages"].get(lang) or measured["other languages"]).get(check, {}).get("severity", "warning")
        counts[severity] += 1
        if severity == "off":
            silenced.append(f"{page}:{line} {check}")
    return {**counts, "silenced": sorted(silenced)}


def by_check(table: dict[tuple[str, str], Counter]) -> dict[str, str]:
    """Each check's true/judged findings over all languages."""
    pooled: dict[str, Counter] = defaultdict(Counter)
    for (_, check), cell in table.items():
        pooled[check].update(cell)
    return {check: f"{c['true']}/{c['true'] + c['false']}" for check, c in sorted(pooled.items()) if c["true"] + c["false"]}


def second_reader(verdicts: dict) -> dict | None:
    """How far a second, blind reader agrees with the first on a sample (``second_reader_*.tsv``): raw agreement and
    Cohen's kappa on "a real defect" (true against false or intentional)."""
    pairs = []
    for path in sorted(HERE.glob("second_reader_*.tsv")):
        for row in csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"):
            first, second = verdicts.get(key(row)), row.get("verdict", "").strip().lower()
            if first in COUNTED and second in COUNTED:
                pairs.append((COUNTED[first], COUNTED[second]))
    if not pairs:
        return None
    agree = sum(a == b for a, b in pairs) / len(pairs)
    p1, p2 = sum(a for a, _ in pairs) / len(pairs), sum(b for _, b in pairs) / len(pairs)
    chance = p1 * p2 + (1 - p1) * (1 - p2)
    return {"findings": len(pairs), "agreement": round(agree, 3), "kappa": round((agree - chance) / (1 - chance), 3) if chance < 1 else None,
            "true for the first reader, false for the second": sum(a and not b for a, b in pairs), "false for the first, true for the second": sum(b and not a for a, b in pairs)}


def markdown(measured: dict, calibration: dict, reports: dict, totals: dict) -> str:
    languages = sorted(measured["languages"])
    checks = sorted({check for row in measured["languages"].values() for check in row})
    mark = {"error": "**error**", "warning": "warning", "off": "off"}
    lines = [
        "# The gate's checks, measured per language",
        "",
        "Generated by `python -m bench.gate_calibration` from the judged calibration set (`bench/calibration/`):",
        f"{totals['judged']} judged findings ({totals['true']} true) from {totals['sources']} sources in {totals['languages']} languages.",
        *([f"A second reader, blind, judged {r['findings']} of them again: {r['agreement']:.0%} agreement on \"a real defect\", Cohen's kappa {r['kappa']}."] if (r := totals["second reader"]) else []),
        "Each cell: the severity the gate gives the check in that language, then true/judged findings on the",
        "calibration pages. **error**: at least 95% of at least 8 were real defects; off: under 50% of at least 6;",
        "warning otherwise. A cell marked * had too few judged findings and takes the check's severity over all",
        "languages (checks needing no resources of the language), or stays a warning. –: the check found nothing",
        "there. Reasons and patterns: docs/ci-gate.md, \"Measured on translations it was not tuned on\". A project's",
        "`[backcheck] severities` (and `[gate] missing`/`extra`) override any cell.",
        "",
        "| check | " + " | ".join(languages) + " | other languages |",
        "|---|" + "---|" * (len(languages) + 1),
    ]
    for check in checks:
        cells = []
        for lang in languages:
            cell = measured["languages"][lang].get(check)
            own = calibration.get((lang, check), Counter())
            judged = own["true"] + own["false"]
            star = "" if cell and cell["basis"] == lang else "*"
            cells.append("–" if not own["found"] else f"{mark[cell['severity']]}{star} {own['true']}/{judged}")
        other = measured["other languages"].get(check)
        cells.append(f"{mark[other['severity']]} {other['true']}/{other['judged']}" if other else "off")
        lines.append(f"| {check} | " + " | ".join(cells) + " |")
    lines += ["", "## Each check over all languages: pages that set the severities, and pages held out", "", "| check | calibration pages | held-out pages |", "|---|---|---|"]
    for check, (mine, theirs) in totals["by check"].items():
        lines.append(f"| {check} | {mine} | {theirs} |")
    for title, part in (("on the pages that set the severities", reports["calibration"]), ("on pages held out (never used to set them)", reports["held out"]), ("on the NLP Newsletter's human translations (all issues)", reports["newsletter"])):
        lines += ["", f"## Errors the gate reports {title}", "", "| language | judged true | judged false | not judged | precision |", "|---|---|---|---|---|"]
        for lang, counts in part.items():
            precision = f"{counts['precision']:.0%}" if counts["precision"] is not None else "–"
            lines.append(f"| {lang} | {counts.get('true', 0)} | {counts.get('false', 0)} | {counts.get('unjudged', 0)} | {precision} |")
        if not part:
            lines.append("| (none) | | | | |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="read bench/calibration/harvest.jsonl instead of re-running the gate")
    args = parser.parse_args()
    if not args.reuse or not HARVEST.exists():
        HERE.mkdir(exist_ok=True)
        harvest(HARVEST)
    rows = [json.loads(line) for line in HARVEST.read_text(encoding="utf-8").splitlines()]
    for row in rows:  # newsletter issues 4-6 are held out (a harvest written before they were marked so)
        if row["project"] == "newsletter":
            row["split"] = "tune" if row["page"].split(".")[0] in NEWSLETTER_DEV else "extra"
    verdicts, newsletter = judged_keys(), newsletter_verdicts()
    calibration = cells(rows, verdicts, newsletter, CALIBRATION_SPLITS)
    measured = severities(calibration)
    reports = {
        "calibration": errors(rows, verdicts, newsletter, measured, lambda row: row["split"] in CALIBRATION_SPLITS),
        "held out": errors(rows, verdicts, newsletter, measured, lambda row: row["split"] not in CALIBRATION_SPLITS),
        "newsletter": errors(rows, verdicts, newsletter, measured, lambda row: row["project"] == "newsletter"),
    }
    judged = [verdict_of(r, verdicts, newsletter) for r in rows]
    counted = [v for v in judged if v in COUNTED]
    totals = {
        "judged": len(counted), "true": sum(COUNTED[v] for v in counted),
        "sources": len({r["project"] for r, v in zip(rows, judged) if v in COUNTED}),
        "languages": len({language(r["language"]) for r, v in zip(rows, judged) if v in COUNTED}),
        "findings": len(rows), "unjudged": len(rows) - len(counted),
    }
    calibrated, heldout = by_check(calibration), by_check(cells(rows, verdicts, newsletter, HELD_OUT_SPLITS))
    totals["by check"] = {check: (calibrated.get(check, "0/0"), heldout.get(check, "0/0")) for check in sorted(set(calibrated) | set(heldout))}
    totals["second reader"] = second_reader(verdicts)
    MEASURED.write_text(json.dumps(measured, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    DOC.write_text(markdown(measured, calibration, reports, totals), encoding="utf-8")
    results = {"totals": totals, "errors": reports, "newsletter defects judged true": newsletter_true_ones(rows, newsletter, measured),
               "by language and check (calibration pages)": {f"{lang} {check}": dict(cell) for (lang, check), cell in sorted(calibration.items())}}
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({"totals": totals, "errors": reports, "newsletter defects judged true": results["newsletter defects judged true"]}, indent=1))
    print(f"severities: {MEASURED.relative_to(REPO)}; table: {DOC.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
