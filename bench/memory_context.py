"""Human translations in the memory, in context: is each published where its translator put it, and does
nothing elsewhere change unannounced?

    python -m bench.memory_context          # writes bench/memory_context.json

The NLP Newsletter corpus (../shared/corpus/nlp-newsletter): the volunteers' Brazilian Portuguese
translations of issues 1, 2, 4, 5 and 6 are imported into one memory (`pipeline import`), then each
English issue is translated again with the real en->pt engine. Reported per issue:

- stored: source sentences the import paired one to one with the human text, and published: how many
  of them come out exactly as that human text at that place;
- sources the file translates in several ways (kept at each place, never one for all);
- elsewhere (a sentence the import did not store for this place), against a run with an empty
  memory: how many changed, and of them how many with a flag offering the alternatives, how many
  from a human translation the memory agrees on (origin review:human:FILE), and how many otherwise
  (which should be none).
"""
from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from pipeline.config import load_config
from pipeline.memory.human import adopt
from pipeline.memory.store import Memory
from pipeline.run import Pipeline

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "nlp-newsletter"
RESULTS = Path(__file__).with_name("memory_context.json")
ISSUES = ("01", "02", "04", "05", "06")


def main() -> int:
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 2
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        baseline = Pipeline(memory=scratch / "empty.sqlite", engine="bergamot")
        imported = Pipeline(memory=scratch / "imported.sqlite", engine="bergamot")
        adopted = {}
        with Memory(imported.memory_path) as memory:
            for number in ISSUES:
                adopted[number] = adopt(CORPUS / f"issue-{number}.pt.md", CORPUS / f"issue-{number}.en.md", memory, load_config(), f"human:issue-{number}.pt.md")
        for number in ISSUES:
            source = CORPUS / f"issue-{number}.en.md"
            before = {(s.start, s.end): s for s in baseline.translate_file(source, to="pt", out=scratch / "before", backcheck=False).segments}
            after = imported.translate_file(source, to="pt", out=scratch / "after", backcheck=False).segments
            placed = adopted[number].placed
            published = sum(1 for s in after if placed.get((s.start, s.end)) == s.target)
            elsewhere = [s for s in after if (s.start, s.end) not in placed and s.target != before[(s.start, s.end)].target]
            offered = [s for s in elsewhere if any(f.check == "alternatives" for f in s.flags)]
            agreed = [s for s in elsewhere if s not in offered and (s.origin or "").startswith("review:human:")]
            unannounced = [s for s in elsewhere if s not in offered and s not in agreed]
            results[f"issue-{number}"] = {
                "segments": len(after), "stored": len(placed), "published exactly at their place": published,
                "translated in several ways in the file": adopted[number].differing,
                "changed elsewhere": len(elsewhere), "with a flag offering the alternatives": len(offered),
                "from a human translation the memory agrees on": len(agreed), "otherwise": len(unannounced),
                "otherwise (examples)": [(s.source[:60], s.target[:60], s.origin) for s in unannounced[:5]],
            }
            print(f"issue-{number}: {published}/{len(placed)} stored sentences published at their place; elsewhere {len(elsewhere)} changed:"
                  f" {len(offered)} flagged with alternatives, {len(agreed)} from agreed human text, {len(unannounced)} otherwise")
        # issue 3 has no Portuguese translation: its figure captions' "source" come from the others' at their best fit
        unseen = imported.translate_file(CORPUS / "issue-03.en.md", to="pt", out=scratch / "after", backcheck=False).segments
        captions = [s for s in unseen if s.source == "source"]
        texts = dict(Counter(s.target for s in captions))
        offered = sum(any(f.check == "alternatives" for f in s.flags) for s in captions)
        results["issue-03, not imported: its captions' 'source'"] = {"translations": texts, "with the alternatives offered": offered}
        print(f"issue-03 (not imported): 'source' -> {texts}, the alternatives offered on {offered}")
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
