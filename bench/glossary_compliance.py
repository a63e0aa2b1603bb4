"""Glossary terms against grammar on the corpus: every way of handling terms, side by side, en->pt and pt->en.

For each direction the corpus issues are translated with the embedded engine in each mode:

- ``unprotected``: no glossary at all (names and terms left to the engine);
- ``imposed``: every term an opaque placeholder from the start (the pipeline before issue 14);
- ``free+...``: terms left in the text, then only the segments whose output lacks a pinned term
  translated again with those terms imposed, inline (written in the source) and/or as placeholders.

and measured: determiner/adjective agreement breaks (the agreement check, Portuguese; "a"/"an" before a
vowel or consonant, English), placeholders leaked into the output, names kept verbatim, pinned terms in
an acceptable form (names: the glossary's and those protect detects), chrF and BLEU of the whole issue's prose against the human translation (or the
English original for pt->en), and how many segments each pass translated. The human translations'
own agreement findings are printed as the detector's baseline. Writes bench/glossary_compliance.json.
Usage: python -m bench.glossary_compliance [--issues 1,2,4,5,6]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import sacrebleu

from pipeline.config import load_config
from pipeline.document.export import render
from pipeline.document.record import Segment, Span, SpanKind
from pipeline.document.segment import segment
from pipeline.quality.checks import CHECKS, Context
from pipeline.terms.glossary import Glossary
from pipeline.terms.impose import disagreements, missing
from pipeline.terms.protect import GARBLED, TOKEN, names, protect
from pipeline.translation.route import Engines, translate

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "nlp-newsletter"
MODES = {
    "unprotected": None,
    "imposed": ("placeholder",),
    "free+placeholder": ("free", "placeholder"),
    "free+inline": ("free", "inline"),
    "free+inline+placeholder": ("free", "inline", "placeholder"),
}
_EN_ARTICLE = re.compile(r"(?<![\w-])(?:(an) (?![aeiouAEIOU]|[hH]our|[hH]onest|[A-Z]{2})([a-z][\w-]*)|(a) (?=[aeiou])(?!u[nk]?[iy]|eu|one|use)([a-z][\w-]*))")


def prose(text: str, lang: str) -> str:
    """The translatable prose of a document (segments only), one segment per line."""
    return "\n".join(s.source for s in segment(text, src_lang=lang).segments)


def agreement_breaks(segments, src: str, tgt: str) -> list[str]:
    """What the agreement detector finds in the targets: the agreement check (pt), "a"/"an" (en)."""
    found = []
    context = Context(src, tgt, load_config().backcheck.thresholds(src, tgt))
    for seg in segments:
        if not seg.target:
            continue
        if tgt == "pt":
            found += [message for message, _ in CHECKS["agreement"].run(seg, context)]
        else:
            found += [m[0] for m in _EN_ARTICLE.finditer(seg.target)]
    return found


def run_mode(sources: list[tuple[str, str, str | None]], src: str, tgt: str, passes, glossary: Glossary, engines: Engines) -> dict:
    totals = Counter()
    passes_used = Counter()
    hypotheses, references, breaks, findings, leaks, lacking, lost = [], [], [], [], [], [], []
    for name, text, reference in sources:
        document = segment(text, name=name, src_lang=src, front_matter_keys=("title", "excerpt"))
        started = time.perf_counter()
        protect(document, glossary if passes else None)
        passes_used += translate(document, tgt, engines, passes or ("free",))
        totals["seconds"] += time.perf_counter() - started
        for seg in document.segments:  # compliance is measured on the glossary's matches whatever the mode
            markup = [(s.start, s.end) for s in seg.spans if s.kind != SpanKind.TERM]
            pinned = []
            detected = names(seg.source, glossary, markup, "heading" in seg.block or seg.block.startswith("front_matter"), src)
            for start, end in detected:  # names the glossary does not list, as protect finds them
                totals["names"] += 1
                totals["names_ok"] += seg.source[start:end] in seg.target
                lost += [] if seg.source[start:end] in seg.target else [f"{name}: {seg.source[start:end]!r}: {seg.target}"]
            for match in glossary.find(seg.source, exclude=markup + detected):
                if match.term.keep and not match.text.islower():  # a name; an all-lower-case kept word ("notebooks") is a term
                    totals["names"] += 1
                    totals["names_ok"] += match.text in seg.target
                    lost += [] if match.text in seg.target else [f"{name}: {match.text!r}: {seg.target}"]
                else:
                    pinned.append(Span(match.start, match.end, SpanKind.TERM, match.text, target=match.pinned, forms=match.forms, grammar=match.term.grammar))
            gone = missing(Segment(0, "", 0, 0, seg.source, pinned, target=seg.target))
            breaks += [f"{name}: {b}" for b in disagreements(seg.target, pinned, tgt)]
            totals["pinned"] += len(pinned)
            totals["pinned_ok"] += len(pinned) - len(gone)
            lacking += [f"{name}: {s.text!r} -> {s.target!r}: {seg.target}" for s in gone]
            leaks += [f"{name}: {m}" for m in TOKEN.findall(seg.target) + GARBLED.findall(seg.target) if m not in seg.source]
        findings += [f"{name}: {b}" for b in agreement_breaks(document.segments, src, tgt)]
        if reference is not None:
            hypotheses.append(prose(render(document), tgt))
            references.append(prose(reference, tgt))
    result = {
        "agreement breaks at terms": len(breaks),
        "agreement findings (whole text)": len(findings),
        "leaked placeholders": len(leaks),
        "names verbatim": f"{totals['names_ok']}/{totals['names']} ({100 * totals['names_ok'] / max(1, totals['names']):.1f}%)",
        "pinned terms": f"{totals['pinned_ok']}/{totals['pinned']} ({100 * totals['pinned_ok'] / max(1, totals['pinned']):.1f}%)",
        "segments by pass kept": dict(passes_used),
        "seconds (protect and translate)": round(totals["seconds"], 1),
    }
    if hypotheses:
        result["chrF"] = round(sacrebleu.corpus_chrf(["\n".join(hypotheses)], [["\n".join(references)]]).score, 2)
        result["BLEU"] = round(sacrebleu.corpus_bleu(["\n".join(hypotheses)], [["\n".join(references)]]).score, 2)
    result["examples"] = {"agreement at terms": breaks[:15], "agreement findings": findings[:15], "leaks": leaks[:5], "terms lacking": lacking[:15], "names not verbatim": lost[:15]}
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", default="1,2,3,4,5,6", help="corpus issue numbers")
    parser.add_argument("--modes", default=",".join(MODES))
    args = parser.parse_args()
    numbers = [f"issue-{int(n):02d}" for n in args.issues.split(",")]
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 1
    config = load_config()
    engines = Engines(config)
    directory = config.resolve(config.translate.glossary_dir)
    results: dict = {"issues": numbers}
    for src, tgt in (("en", "pt"), ("pt", "en")):
        sources = []
        for number in numbers:
            source, other = CORPUS / f"{number}.{src}.md", CORPUS / f"{number}.{tgt}.md"
            if source.exists():
                sources.append((source.name, source.read_text(encoding="utf-8"), other.read_text(encoding="utf-8") if other.exists() else None))
        glossary = Glossary.load(directory, src, tgt)
        direction = results[f"{src}->{tgt}"] = {}
        human = [segment(ref, src_lang=tgt) for _, _, ref in sources if ref is not None]
        for doc in human:
            for seg in doc.segments:
                seg.target = seg.source
        direction["human translation: agreement findings (detector baseline)"] = sum(len(agreement_breaks(d.segments, tgt, tgt)) for d in human)
        for mode in args.modes.split(","):
            direction[mode] = run_mode(sources, src, tgt, MODES[mode], glossary, engines)
            shown = {k: v for k, v in direction[mode].items() if k != "examples"}
            print(f"{src}->{tgt} {mode:24} {json.dumps(shown, ensure_ascii=False)}", flush=True)
    Path(__file__).with_name("glossary_compliance.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
