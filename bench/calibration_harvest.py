"""Every finding the gate reports on the calibration corpus' human translations, every check at once.

The calibration corpus: the documentation sites of ``bench/docs_corpus.py`` (Astro, React pt-br,
OpenTelemetry, GTFS.org, Mongoz) and the NLP Newsletter's human translations (``../shared``).
Each finding is written with its page, language, check, evidence and the aligned source and
target texts, so that a reader can judge it without opening the page; ``--sample`` picks, per
project, language and check, a few findings not judged yet, for reading.

    python -m bench.calibration_harvest                     # writes bench/calibration/harvest.jsonl (not committed)
    python -m bench.calibration_harvest --sample pt,es > bench/calibration/judged/pt-es.tsv
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections import Counter
from pathlib import Path

from pipeline.config import CI_CONFIG, OmissionRule, load_config
from pipeline.errors import UserError
from pipeline.quality.gate import check_text
from pipeline.run import with_dialect
from pipeline.translation.route import Engines

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO.parent / "docs-corpus"
NEWSLETTER = REPO.parent / "shared" / "corpus" / "nlp-newsletter"
HERE = Path(__file__).with_name("calibration")
HARVEST = HERE / "harvest.jsonl"
DIALECT_OF = {"astro": "starlight", "react": "mdx", "opentelemetry": "hugo", "gtfs": "mkdocs", "mongoz": "mkdocs"}
SYNTAX_OMISSIONS = {"astro": [{"pattern": "DontEditWarning", "reason": "Astro's generated error pages ask translators to remove this component and its import"}]}
NEWSLETTER_DEV = {"issue-01", "issue-02", "issue-03"}


def all_checks_reported(config):
    """``config`` with every check an error: each check's findings are all seen, whatever its severity today."""
    from pipeline.quality.checks import CHECKS

    severities = {name: "error" for name in CHECKS}
    return config.model_copy(update={
        "backcheck": config.backcheck.model_copy(update={"severities": severities}),
        "gate": config.gate.model_copy(update={"missing": "error", "extra": "warning"}),
    })


def pairs():
    """(project, language, page, split, source text, translation text, dialect) of the whole corpus."""
    for name, dialect in DIALECT_OF.items():
        project = DOCS / name
        if not project.is_dir():
            continue
        manifest = json.loads((project / "manifest.json").read_text(encoding="utf-8"))
        for page in manifest["pages"]:
            split = page["split"] if page["core"] else "extra"
            for lang in page["languages"]:
                yield name, lang, page["path"], split, (project / "en" / page["path"]).read_text(encoding="utf-8"), (project / lang / page["path"]).read_text(encoding="utf-8"), dialect
    for translation in sorted(NEWSLETTER.glob("issue-*.md")):
        issue, lang = translation.name.split(".")[:2]
        if lang != "en":
            split = "tune" if issue in NEWSLETTER_DEV else "extra"  # issues 4-6: held out, as the corpus' extra pages
            yield "newsletter", lang, translation.name, split, (NEWSLETTER / f"{issue}.en.md").read_text(encoding="utf-8"), translation.read_text(encoding="utf-8"), "markdown"


def harvest(out: Path) -> int:
    ci = all_checks_reported(load_config(CI_CONFIG))
    engines = Engines(ci)
    count = 0
    with out.open("w", encoding="utf-8") as file:
        for project, lang, page, split, source, translation, dialect in pairs():
            rules = [OmissionRule(**rule) for rule in SYNTAX_OMISSIONS.get(project, [])]
            config = with_dialect(ci.model_copy(update={"gate": ci.gate.model_copy(update={"syntax_omissions": rules})}), dialect)
            tgt = lang.split("-")[0]
            try:
                result = check_text(source, translation, config, engines if tgt == "pt" else None, "en", tgt)
            except UserError as error:
                print(f"{project} {lang} {page}: refused: {error}", file=sys.stderr)
                continue
            for f in result.findings:
                if f.check == "syntax":
                    continue  # judged on its own (bench/docs/gate_syntax_judgements*.tsv)
                record = {"project": project, "language": lang, "page": page, "split": split, "check": f.check, "severity today": f.severity,
                          "line": f.line, "message": f.message, "evidence": f.evidence, "source": f.source, "target": f.target}
                file.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    return count


SHAPE = {"length", "sentences", "truncated", "backtranslation", "extra", "addition", "extra-markup", "meaning"}  # fewer of these read
WANTED = {True: 16, False: 6}  # judged findings wanted per language and check: on the pages that set the severities, held out
WANTED_SHAPE = {True: 4, False: 2}


def sample(judged: dict, newsletter: dict) -> list[dict]:
    """Per language, check and part of the corpus (pages that set the severities, pages held out), findings nobody
    judged yet, as many as the cell lacks of ``WANTED`` judged ones (fewer for the checks of a segment's shape)."""
    rows = [json.loads(line) for line in HARVEST.read_text(encoding="utf-8").splitlines()]
    cells: dict[tuple, list[dict]] = {}
    done: Counter = Counter()
    for row in rows:
        cell = (row["language"].split("-")[0], row["check"], row["split"] in ("tune", "heldout"))
        if key(row) in judged or (row["page"], row["line"], row["check"]) in newsletter:
            done[cell] += 1
        else:
            cells.setdefault(cell, []).append(row)
    chosen = []
    for cell in sorted(cells):
        found = sorted(cells[cell], key=lambda r: (r["project"], r["page"], r["line"]))
        random.Random(repr(cell)).shuffle(found)
        wanted = (WANTED_SHAPE if cell[1] in SHAPE else WANTED)[cell[2]]
        chosen += found[: max(0, wanted - done[cell])]
    return chosen


def key(row: dict) -> tuple:
    """What identifies a judged finding across code changes: its page, check, evidence and texts (not its line)."""
    return (row["project"], row["language"], row["page"], row["check"], *(" ".join(row[c].split()) for c in ("evidence", "source", "target")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", metavar="LANG,LANG", help="print a sample of the unjudged findings in these languages, as TSV, for reading")
    args = parser.parse_args()
    HERE.mkdir(exist_ok=True)
    if args.sample:
        from bench.gate_calibration import judged_keys, newsletter_verdicts

        writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
        columns = ["project", "language", "page", "split", "check", "severity today", "message", "evidence", "source", "target"]
        writer.writerow(columns + ["verdict", "why"])
        languages = set(args.sample.split(","))
        for row in sample(judged_keys(), newsletter_verdicts()):
            if row["language"].split("-")[0] not in languages:
                continue
            writer.writerow([" ".join(str(row[c]).split()) for c in columns] + ["", ""])
        return 0
    print(f"{harvest(HARVEST)} findings in {HARVEST}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
