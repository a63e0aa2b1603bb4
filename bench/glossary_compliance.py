"""Glossary compliance on the corpus, with and without term protection (en -> pt by default).

For every English corpus issue: find glossary terms in each segment, translate the issue twice
(raw: no term placeholders; protected: the pipeline's default), and count how many keep-terms
appear verbatim and how many translated terms appear in their pinned form in the segment's
translation. Writes bench/glossary_compliance.json. Usage: python -m bench.glossary_compliance
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.config import load_config
from pipeline.glossary import Glossary, check_compliance
from pipeline.protect import protect
from pipeline.segment import segment
from pipeline.translate import Engines, translate

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "nlp-newsletter"


def score(texts: list[str], glossary: Glossary, tgt_lang: str, protected: bool, engines: Engines) -> dict:
    totals = {"keep": 0, "keep_ok": 0, "pinned": 0, "pinned_ok": 0}
    for text in texts:
        document = segment(text, src_lang="en")
        protect(document, glossary if protected else None)
        translate(document, tgt_lang, engines)
        for seg in document.segments:
            spans = [(s.start, s.end) for s in seg.spans if s.kind.value != "term"]
            for match in glossary.find(seg.source, exclude=spans):
                kind = "keep" if match.term.keep else "pinned"
                totals[kind] += 1
                totals[f"{kind}_ok"] += not check_compliance([match], seg.target)
    return totals | {f"{k}_rate": round(100 * totals[f"{k}_ok"] / max(totals[k], 1), 1) for k in ("keep", "pinned")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--to", default="pt")
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("issue-*.en.md"))]
    if not texts:
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 1
    config = load_config()
    engines = Engines(config)
    glossary = Glossary.load(config.resolve(config.translate.glossary_dir), "en", args.to)
    result = {"to": args.to, "issues": len(texts)}
    for label, protected in (("raw", False), ("protected", True)):
        result[label] = score(texts, glossary, args.to, protected, engines)
        print(label, json.dumps(result[label]), flush=True)
    Path(__file__).with_name("glossary_compliance.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
