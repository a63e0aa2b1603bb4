"""How well does the back-check catch errors? Inject realistic errors into good translations and count.

Good translations: the pipeline's own en->pt output of every corpus issue, and the human PT-BR
translations aligned to their sources where the alignment is sentence to sentence. Into copies
of them we inject one error each (wrong language, dropped sentence, broken link, lost URL,
changed number, glossary violation, untranslated, repetition loop, truncation), run the full
back-check (back-translation with the pt->en engine included), and report per error type the
share caught (a finding the clean segment did not have) and the share of clean segments flagged.

    python -m bench.backcheck_eval            # writes bench/backcheck_eval.json
"""
from __future__ import annotations

import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from copy import deepcopy
from pathlib import Path

from pipeline.config import load_config
from pipeline.document.record import Document, Segment, SpanKind
from pipeline.document.segment import segment
from pipeline.lang.sentences import split_sentences
from pipeline.quality.align import align
from pipeline.quality.backcheck import backcheck
from pipeline.quality.checks import CHECKS
from pipeline.quality.checks.form import _NUMBER, prose
from pipeline.terms.glossary import Glossary
from pipeline.terms.protect import protect
from pipeline.translation.route import Engines, translate

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "nlp-newsletter"
RESULTS = Path(__file__).with_name("backcheck_eval.json")
SRC, TGT = "en", "pt"
PER_TYPE = 60  # injected errors per type and per kind of good translation
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BARE_URL = re.compile(r"https?://[^\s)\]]+")


def _check_flags(segment: Segment) -> Counter[str]:
    return Counter(f.check for f in segment.flags if f.check in CHECKS)


def _new_findings(clean: Segment, damaged: Segment) -> set[str]:
    """Checks that report something about the damaged copy they did not report about the clean one."""
    before = {(f.check, f.message) for f in clean.flags}
    return {f.check for f in damaged.flags if f.check in CHECKS and (f.check, f.message) not in before}


# -- error injections: each returns the damaged target, or None when it does not apply ---------


def wrong_language(seg: Segment, rng: random.Random, foreign: list[str]) -> str | None:
    candidates = [t for t in foreign if 0.5 < len(t) / max(1, len(seg.target)) < 2]
    return rng.choice(candidates) if candidates and len(prose(seg.source, seg).split()) >= 3 else None


def dropped_sentence(seg: Segment, rng: random.Random, foreign: list[str]) -> str | None:
    spans = split_sentences(seg.target, TGT)
    if len(spans) < 2:
        return None
    start, end = spans[rng.randrange(len(spans))]
    return " ".join((seg.target[:start] + seg.target[end:]).split())


def broken_link(seg: Segment, rng: random.Random, foreign: list[str]) -> str | None:
    links = list(_LINK.finditer(seg.target))
    if not links:
        return None
    m = rng.choice(links)
    broken = rng.choice([f"[{m[1]}] ({m[2]})", f"{m[1]}]({m[2]})", f"[{m[1]}]{m[2]})"])
    return seg.target[: m.start()] + broken + seg.target[m.end() :]


def lost_url(seg: Segment, rng: random.Random, foreign: list[str]) -> str | None:
    if links := list(_LINK.finditer(seg.target)):
        m = rng.choice(links)
        return seg.target[: m.start()] + m[1] + seg.target[m.end() :]
    if urls := list(_BARE_URL.finditer(seg.target)):
        m = rng.choice(urls)
        return " ".join((seg.target[: m.start()] + seg.target[m.end() :]).split())
    return None


def changed_number(seg: Segment, rng: random.Random, foreign: list[str]) -> str | None:
    in_source = {m[0] for m in _NUMBER.finditer(prose(seg.source, seg))}
    numbers = [m[0] for m in _NUMBER.finditer(prose(seg.target, seg)) if m[0] in in_source]  # not a translator's own
    if not numbers:
        return None
    number = rng.choice(numbers)
    digit = rng.randrange(len(number))
    while not number[digit].isdigit():
        digit = rng.randrange(len(number))
    changed = number[:digit] + str((int(number[digit]) + rng.randint(1, 8)) % 10) + number[digit + 1 :]
    at = [m.start() for m in re.finditer(rf"(?<![\d/.-]){re.escape(number)}(?![\d/])", seg.target)]
    if not at:
        return None
    where = rng.choice(at)
    return seg.target[:where] + changed + seg.target[where + len(number) :]


def glossary_violation(seg: Segment, rng: random.Random, foreign: list[str], literal: dict[str, str]) -> str | None:
    """The pinned term replaced by what the unprotected engine writes for it (or the untranslated term)."""
    choices = []
    for span in seg.spans:
        if span.kind == SpanKind.TERM and span.target and span.target in seg.target:
            for wrong in (literal.get(span.text.casefold(), span.text), span.text):  # else: left untranslated
                if not re.search(rf"(?<!\w){re.escape(span.target)}(?!\w)", wrong, re.I):
                    choices.append((span.target, wrong))
                    break
    if not choices:
        return None
    pinned, wrong = rng.choice(choices)
    return seg.target.replace(pinned, wrong, 1)


def untranslated(seg: Segment, rng: random.Random, foreign: list[str]) -> str | None:
    return seg.source if len(prose(seg.source, seg).split()) >= 3 else None


def repetition(seg: Segment, rng: random.Random, foreign: list[str]) -> str | None:
    words = prose(seg.target, seg).split()
    if len(words) < 3:
        return None
    n = rng.randint(1, 3)
    loop = " ".join(words[-n - 1 : -1] if len(words) > n else words[-n:])
    return seg.target.rstrip(" .!?") + " " + " ".join([loop] * rng.randint(3, 6))


def truncation(seg: Segment, rng: random.Random, foreign: list[str]) -> str | None:
    words = seg.target.split(" ")
    if len(words) < 6:
        return None
    return " ".join(words[: max(2, int(len(words) * rng.uniform(0.3, 0.7)))])


INJECTIONS = {
    "wrong language": wrong_language,
    "dropped sentence": dropped_sentence,
    "broken link": broken_link,
    "lost URL": lost_url,
    "changed number": changed_number,
    "glossary violation": glossary_violation,
    "untranslated": untranslated,
    "repetition loop": repetition,
    "truncation": truncation,
}


# -- good translations -------------------------------------------------------------------------


def pipeline_output(engines: Engines, config, glossary: Glossary) -> list[Segment]:
    good = []
    for path in sorted(CORPUS.glob("issue-*.en.md")):
        document = segment(path.read_text(encoding="utf-8"), name=path.name, src_lang=SRC, front_matter_keys=("title", "excerpt"))
        protect(document, glossary)
        translate(document, TGT, engines)
        backcheck(document, TGT, engines, config.backcheck)
        good += [s for s in document.segments if s.target and s.target.strip()]
    return good


def human_aligned(engines: Engines, config, glossary: Glossary) -> list[Segment]:
    good = []
    for path in sorted(CORPUS.glob(f"issue-*.{TGT}.md")):
        source_path = path.with_name(path.name.replace(f".{TGT}.md", f".{SRC}.md"))
        source = segment(source_path.read_text(encoding="utf-8"), name=source_path.name, src_lang=SRC, front_matter_keys=("title", "excerpt"))
        protect(source, glossary)
        translation = segment(path.read_text(encoding="utf-8"), name=path.name, src_lang=TGT, front_matter_keys=("title", "excerpt"))
        alignment = align(source, translation)
        document = alignment.document
        # reliable: a matched block (sentence to sentence, or whole block to block), with words
        document.segments = [s for s in document.segments if s.target and s.target.strip() and s.index in alignment.target_lines]
        backcheck(document, TGT, engines, config.backcheck)
        good += document.segments
    return good


def foreign_sentences() -> list[str]:
    """Human French and Chinese sentences: a wrong-language output that reads naturally."""
    texts = []
    for lang in ("fr", "zh"):
        for path in sorted(CORPUS.glob(f"issue-*.{lang}.md")):
            document = segment(path.read_text(encoding="utf-8"), name=path.name, src_lang=lang, front_matter_keys=())
            texts += [s.source for s in document.segments if len(s.source) > 20]
    return texts


def evaluate(good: list[Segment], engines: Engines, config, literal: dict[str, str], seed: int = 7) -> dict:
    rng = random.Random(seed)
    foreign = foreign_sentences()
    clean_flagged = Counter(check for s in good for check in set(_check_flags(s)))
    damaged: dict[str, list[tuple[Segment, Segment]]] = {}
    for name, inject in INJECTIONS.items():
        pool = good[:]
        rng.shuffle(pool)
        for clean in pool:
            if len(damaged.get(name, [])) >= PER_TYPE:
                break
            extra = (literal,) if name == "glossary violation" else ()
            target = inject(clean, rng, foreign, *extra)
            if target is None or target == clean.target:
                continue
            copy = deepcopy(clean)
            copy.target, copy.back, copy.scores, copy.flags, copy.status = target, None, {}, [], "new"
            damaged.setdefault(name, []).append((clean, copy))
    document = Document("", "injected", src_lang=SRC, segments=[copy for pairs in damaged.values() for _, copy in pairs])
    backcheck(document, TGT, engines, config.backcheck)
    table = {}
    for name, pairs in damaged.items():
        caught = [copy for clean, copy in pairs if _new_findings(clean, copy)]
        by = Counter(check for clean, copy in pairs for check in _new_findings(clean, copy))
        table[name] = {"injected": len(pairs), "caught": len(caught), "rate": round(len(caught) / len(pairs), 3), "by_check": dict(by.most_common())}
    flagged = sum(1 for s in good if _check_flags(s))
    with_errors = sum(1 for s in good if any(f.check in CHECKS and f.severity == "error" for f in s.flags))
    return {
        "clean_segments": len(good),
        "clean_flagged": flagged,
        "clean_flagged_rate": round(flagged / max(1, len(good)), 3),
        "clean_with_error_rate": round(with_errors / max(1, len(good)), 3),
        "clean_flagged_by_check": dict(clean_flagged.most_common()),
        "errors": table,
        "caught_rate": round(sum(t["caught"] for t in table.values()) / max(1, sum(t["injected"] for t in table.values())), 3),
    }


def distributions(good: list[Segment]) -> dict:
    """Where clean segments sit on the thresholded measures: the basis of the defaults."""
    chrf = sorted(s.scores["chrf"] for s in good if "chrf" in s.scores)
    ratios = sorted(len(prose(s.target, s)) / max(1, len(prose(s.source, s))) for s in good if len(prose(s.source, s).split()) >= 3)

    def pct(values, q):
        return round(values[min(len(values) - 1, int(q * len(values)))], 2) if values else None

    return {
        "chrf": {f"p{q}": pct(chrf, q / 100) for q in (1, 2, 5, 10, 50)},
        "length_ratio": {f"p{q}": pct(ratios, q / 100) for q in (0.5, 1, 50, 99, 99.5)},
        "chrf_mean": round(statistics.mean(chrf), 1) if chrf else None,
    }


def literal_terms(glossary_dir: Path, engines: Engines) -> dict[str, str]:
    """What the engine writes for each glossary term when it is not protected (the realistic violation)."""
    glossary = Glossary.load(glossary_dir, SRC, TGT)
    sources = sorted({t.source for t in glossary.terms})
    outputs = engines.run(engines.route(SRC, TGT), sources)
    return {source.casefold(): output for source, output in zip(sources, outputs)}


def main() -> int:
    if not CORPUS.is_dir():
        print(f"{CORPUS} not found: the evaluation needs the shared corpus", file=sys.stderr)
        return 1
    started = time.perf_counter()
    config = load_config()
    engines = Engines(config)
    glossary_dir = config.resolve(config.translate.glossary_dir)
    glossary = Glossary.load(glossary_dir, SRC, TGT)
    literal = literal_terms(glossary_dir, engines)
    results = {}
    for kind, build in (("pipeline output", pipeline_output), ("human, aligned", human_aligned)):
        good = build(engines, config, glossary)
        results[kind] = evaluate(good, engines, config, literal) | {"distributions": distributions(good)}
    results["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for kind in ("pipeline output", "human, aligned"):
        r = results[kind]
        print(f"\n{kind}: {r['clean_segments']} clean segments, {r['clean_flagged']} flagged ({r['clean_flagged_rate']:.1%}; with an error flag {r['clean_with_error_rate']:.1%}): {r['clean_flagged_by_check']}")
        print(f"  {'error':20} {'injected':>8} {'caught':>7} {'rate':>6}  caught by")
        for name, t in r["errors"].items():
            print(f"  {name:20} {t['injected']:8} {t['caught']:7} {t['rate']:6.1%}  {t['by_check']}")
        print(f"  all: {r['caught_rate']:.1%} caught; distributions {r['distributions']}")
    print(f"\n{results['seconds']} s; written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
