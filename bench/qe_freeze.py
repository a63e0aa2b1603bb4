"""Freeze the candidate pairs of the judged quality-estimation set (run once; the judgements are added by hand).

From the six English corpus issues in ../shared/corpus/nlp-newsletter: the pipeline's en->pt
machine translation of each segment (default config, embedded engine) and the human PT-BR
translation aligned sentence to sentence. A seeded sample of each is written to
``bench/qe/pairs.jsonl`` with the segment as protect left it (spans, masked text,
placeholders), so the evaluation reads frozen text and never re-translates. Each machine pair
carries the aligned human sentence, when there is one, to help the judge.

    python -m bench.qe_freeze     # refuses to overwrite a set that has judgements
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from pipeline.config import load_config
from pipeline.document.record import Segment
from pipeline.document.segment import segment
from pipeline.quality.align import align
from pipeline.quality.checks.form import prose
from pipeline.terms.glossary import glossary_for
from pipeline.terms.protect import protect
from pipeline.translation.route import Engines, translate

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "nlp-newsletter"
PAIRS = Path(__file__).with_name("qe") / "pairs.jsonl"
MACHINE_PER_ISSUE, HUMAN_PER_ISSUE, MIN_WORDS = 40, 24, 3


def frozen(segment: Segment, issue: str, origin: str, reference: str | None = None) -> dict:
    """The segment as the checks read it, with an id that says where it came from."""
    record = {
        "id": f"{issue}-{origin}-{segment.index:03d}",
        "issue": issue,
        "origin": origin,
        "source": segment.source,
        "target": segment.target,
        "masked": segment.masked,
        "placeholders": segment.placeholders,
        "spans": [{**vars(s), "kind": s.kind.value} for s in segment.spans],
    }
    if reference is not None:
        record["reference"] = reference
    return record


def main() -> int:
    if PAIRS.exists() and any("verdict" in json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()):
        print(f"{PAIRS} has judgements: not overwritten", file=sys.stderr)
        return 1
    config = load_config()
    engines = Engines(config)
    rng = random.Random(13)
    records = []
    for path in sorted(CORPUS.glob("issue-0[1-6].en.md")):
        issue = path.name.split(".")[0]
        text = path.read_text(encoding="utf-8")
        document = segment(text, name=path.name, src_lang="en")
        protect(document, glossary_for(config, "en", "pt", copy_only=engines.copies_only("en", "pt")))
        translate(document, "pt", engines)
        human = path.with_name(f"{issue}.pt.md")
        aligned: dict[str, Segment] = {}
        if human.exists():
            translation = segment(human.read_text(encoding="utf-8"), name=human.name, src_lang="pt")
            alignment = align(document, translation)
            aligned = {u.source: u for u in alignment.document.segments if u.target is not None and "\n" not in u.source}
            ok = [u for u in aligned.values() if len(prose(u.source, u).split()) >= MIN_WORDS]
            records += [frozen(u, issue, "human") for u in rng.sample(ok, min(HUMAN_PER_ISSUE, len(ok)))]
        machine = [s for s in document.segments if len(prose(s.source, s).split()) >= MIN_WORDS]
        for s in rng.sample(machine, min(MACHINE_PER_ISSUE, len(machine))):
            records.append(frozen(s, issue, "mt", aligned[s.source].target if s.source in aligned else None))
    PAIRS.parent.mkdir(exist_ok=True)
    PAIRS.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sorted(records, key=lambda r: r["id"])), encoding="utf-8")
    print(f"wrote {len(records)} pairs to {PAIRS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
