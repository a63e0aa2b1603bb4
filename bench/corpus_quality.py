"""Translate every English corpus issue with the default config and measure what matters.

For each `issue-NN.en.md` in ../shared/corpus/nlp-newsletter: URL survival, structure equality
(headings, links, images, code, lists, tables...), detected language of the output prose, chrF
and BLEU against the human PT-BR translation (sacrebleu, whole-document prose), and seconds.
Writes bench/corpus_quality.json and prints a table. Usage: python -m bench.corpus_quality [--to pt]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import sacrebleu

from pipeline.config import load_config
from pipeline.document.export import render
from pipeline.document.segment import segment
from pipeline.document.structure import inventory
from pipeline.lang.detect import detect_language
from pipeline.run import segmented
from pipeline.translation.route import Engines, translate

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "nlp-newsletter"


def prose(text: str, lang: str) -> str:
    """The translatable prose of a document (segments only), one segment per line."""
    return "\n".join(s.source for s in segment(text, src_lang=lang).segments)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--to", default="pt")
    args = parser.parse_args()
    sources = sorted(CORPUS.glob("issue-*.en.md"))
    if not sources:
        print(f"no corpus at {CORPUS}: nothing to measure", file=sys.stderr)
        return 1
    config = load_config()
    engines = Engines(config)
    rows = []
    for path in sources:
        text = path.read_text(encoding="utf-8")
        started = time.perf_counter()
        document = segmented(text, path.name, None, args.to, config, engines)
        translate(document, args.to, engines)
        output = render(document)
        seconds = time.perf_counter() - started
        before, after = inventory(text), inventory(output)
        reference = path.with_name(path.name.replace(".en.", f".{args.to}."))
        row = {
            "issue": path.name,
            "segments": len(document.segments),
            "urls": len(before.urls),
            "urls_kept": sum(1 for url in before.urls if url in after.urls) if after.urls != before.urls else len(before.urls),
            "urls_identical_sequence": after.urls == before.urls,
            "structure_equal": after.counts == before.counts and after.lines == before.lines,
            "markup_flagged": sum(1 for s in document.segments if s.flags),
            "translated_in_pieces": sum(1 for s in document.segments if any("in pieces" in f.message for f in s.flags)),
            "output_language": detect_language(prose(output, args.to)),
            "seconds": round(seconds, 2),
        }
        if reference.exists():
            hypothesis, ref = prose(output, args.to), prose(reference.read_text(encoding="utf-8"), args.to)
            row["chrf"] = round(sacrebleu.corpus_chrf([hypothesis], [[ref]]).score, 1)
            row["bleu"] = round(sacrebleu.corpus_bleu([hypothesis], [[ref]]).score, 1)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    out = Path(__file__).with_name("corpus_quality.json")
    out.write_text(json.dumps({"to": args.to, "engine": config.engine_for("en", args.to), "rows": rows}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
