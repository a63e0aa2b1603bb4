"""`python -m bench.scale`: segments per second on many files, file by file, batched across files, and on Ray.

The workload: the six English issues of ../shared/corpus/nlp-newsletter (issue-0N.en.md) into pt with
the real engine (bergamot), back-check off, a fresh memory for every run (skipped with a message when
the corpus is missing). Measured, in rounds that alternate the paths so that each sees the same moments
of a shared machine: (a) file by file (``run_jobs(across_files=False)``, the path before batching across
files), (b) batches across files, (c) Ray with 1 and 2 workers on this machine (a local Ray; the first
run, which starts the actors and loads their models, is reported apart). Each beside its engine's replay
limit: every distinct text the workload sends the engine, in one call, timed. The cost model's parts
are measured too: the driver's own time (the same runs with an engine that returns its input), the
model load, the engine's time per text. Prints a table and writes bench/scale.json (docs/scaling.md).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pipeline.translation.engines.identity import IdentityEngine

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "nlp-newsletter"
RESULTS = Path(__file__).with_name("scale.json")
ROUNDS = int(os.environ.get("SCALE_ROUNDS", "3"))
TARGET = 1.3  # batches across files over file by file


class Echo(IdentityEngine):
    """An engine that costs nothing: what is left of a run is the driver's own work. The identity engine under
    another name: a route of "identity" alone skips the glossary, which a run with a real engine does not."""

    name = "echo"

    def model_id(self, src: str, tgt: str) -> str:
        return "echo"


def echo(config) -> Echo:
    return Echo()


def workload(folder: Path) -> list[Path]:
    """Copies of the six English issues in ``folder`` ([] when the corpus is missing)."""
    found = [CORPUS / f"issue-0{n}.en.md" for n in range(1, 7)]
    if not all(path.is_file() for path in found):
        return []
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(path, folder / path.name)) for path in found]


def run_once(files: list[Path], engines, across_files: bool, workdir: Path) -> dict:
    """One run on a fresh memory: seconds, segments, and the texts the engine was sent."""
    from pipeline.memory.store import Memory
    from pipeline.run import Job, run_jobs

    memory, out = Path(tempfile.mkdtemp(dir=workdir)), workdir / "out"
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    with Memory(memory / "memory.sqlite") as store:
        results = list(
            run_jobs(
                [Job(f, "pt") for f in files],
                engines.config,
                engines,
                "en",
                str(out),
                store,
                check=False,
                across_files=across_files,
            )
        )
    seconds = time.perf_counter() - started
    failed = [str(done) for _, done in results if isinstance(done, Exception)]
    if failed:
        raise SystemExit(f"bench.scale: a job failed: {failed[0]}")
    shutil.rmtree(memory)
    outputs = {p.name: p.read_bytes() for p in out.iterdir()}
    return {
        "seconds": seconds,
        "segments": sum(done.summary["segments"] for _, done in results),
        "outputs": outputs,
    }


class Recorder:
    """Wraps an engine's ``translate``: every text sent, and the time spent in it."""

    def __init__(self, engine):
        self.engine, self.texts, self.seconds = engine, [], 0.0
        self.original = engine.translate

    def __enter__(self):
        def translate(texts, src, tgt):
            started = time.perf_counter()
            try:
                return self.original(texts, src, tgt)
            finally:
                self.texts += texts
                self.seconds += time.perf_counter() - started

        self.engine.translate = translate
        return self

    def __exit__(self, *exc):
        del self.engine.translate


def replay(engine, texts: list[str]) -> float:
    """Seconds for ``texts`` (the workload's distinct texts) sent to ``engine`` in one call."""
    started = time.perf_counter()
    engine.translate(texts, "en", "pt")
    return time.perf_counter() - started


def model_load() -> float:
    """Seconds a fresh bergamot engine takes for its first sentence, over a warm one's."""
    from pipeline.translation.engines.bergamot import BergamotEngine

    engine = BergamotEngine()
    started = time.perf_counter()
    engine.translate(["Model load."], "en", "pt")
    first = time.perf_counter() - started
    started = time.perf_counter()
    engine.translate(["Model load."], "en", "pt")
    return first - (time.perf_counter() - started)


def summary(name: str, runs: list[float], segments: int, limit: float | None = None, **extra) -> dict:
    best, median = min(runs), statistics.median(runs)
    return {
        "path": name,
        "runs_s": [round(r, 2) for r in runs],
        "median_s": round(median, 2),
        "segments": segments,
        "segments_per_s": round(segments / median, 1),
        "best_segments_per_s": round(segments / best, 1),
        **(
            {"replay_limit_s": round(limit, 2), "replay_limit_segments_per_s": round(segments / limit, 1)}
            if limit
            else {}
        ),
        **extra,
    }


def main() -> int:
    from pipeline.run import load_checked_config
    from pipeline.translation.engines import register_engine
    from pipeline.translation.engines.base import available_cpus
    from pipeline.translation.route import Engines

    workdir = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        files = workload(workdir / "issues")
        if not files:
            print(
                f"bench.scale: skipped: the six issues issue-0N.en.md are not in {CORPUS} (../shared is optional)"
            )
            return 0
        config = load_checked_config()
        config = config.model_copy(
            update={"backcheck": config.backcheck.model_copy(update={"enabled": False})}
        )
        load_avg = os.getloadavg()
        rows, notes = [], {}
        load = model_load()
        engines = Engines(config)
        bergamot = engines.get("bergamot")
        run_once(files, engines, True, workdir)  # warm: the model, langdetect's profiles, the glossaries
        times: dict[bool, list[float]] = {False: [], True: []}
        with Recorder(bergamot) as recorded:
            reference = run_once(files, engines, False, workdir)
        distinct = list(dict.fromkeys(recorded.texts))
        segments = reference["segments"]
        engine_in_run = recorded.seconds
        limits = []
        for number in range(ROUNDS):  # alternate the order, so that neither path always runs first
            for across in (False, True) if number % 2 == 0 else (True, False):
                done = run_once(files, engines, across, workdir)
                assert done["outputs"] == reference["outputs"], "batches across files changed an output"
                times[across].append(done["seconds"])
            limits.append(replay(bergamot, distinct))
        limit = statistics.median(limits)
        ratios = [a / b for a, b in zip(times[False], times[True])]
        rows.append(
            summary("(a) file by file", times[False], segments, limit, engine_calls_texts=len(recorded.texts))
        )
        rows.append(
            summary(
                "(b) batches across files",
                times[True],
                segments,
                limit,
                speedup_over_a=round(statistics.median(ratios), 2),
            )
        )
        register_engine("echo", "bench.scale:echo")
        echo_config = config.model_copy(
            update={"translate": config.translate.model_copy(update={"engines": {"default": "echo"}})}
        )
        driver = {
            across: min(run_once(files, Engines(echo_config), across, workdir)["seconds"] for _ in range(2))
            for across in (False, True)
        }
        notes.update(
            {
                "segments": segments,
                "distinct_texts_sent": len(distinct),
                "texts_sent": len(recorded.texts),
                "engine_seconds_in_a_file_by_file_run": round(engine_in_run, 2),
                "engine_ms_per_distinct_text_at_the_limit": round(1000 * limit / len(distinct), 2),
                "model_load_s": round(load, 2),
                "driver_s_file_by_file": round(driver[False], 2),
                "driver_s_across_files": round(driver[True], 2),
                "driver_ms_per_segment": round(1000 * driver[True] / segments, 2),
            }
        )
        rows += ray_rows(files, config, segments, distinct, workdir, reference["outputs"])
        speedup = rows[1]["speedup_over_a"]
        result = {
            "machine": {
                "cpus": available_cpus(),
                "load_average_at_start": [round(x, 2) for x in load_avg],
                "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            },
            "rounds": ROUNDS,
            "paths": rows,
            "cost_model": notes,
            "target": TARGET,
            "met": speedup >= TARGET,
            "best_possible_speedup": round(statistics.median(times[False]) / limit, 2),
        }
        RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print_table(result)
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def ray_rows(
    files: list[Path], config, segments: int, distinct: list[str], workdir: Path, outputs: dict
) -> list[dict]:
    """(c): the same runs on a local Ray, with 1 and 2 workers per pair; [] without Ray."""
    try:
        import ray
    except ImportError:
        print('bench.scale: Ray is not installed (pip install ".[ray]"): no Ray rows', file=sys.stderr)
        return []
    from pipeline.translation.engines.base import available_cpus
    from pipeline.translation.ray_engines import RayEngines

    ray.init(num_cpus=available_cpus(), include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    rows = []
    try:
        for workers in (1, 2):
            engines = RayEngines(config, workers=workers)
            try:
                first = run_once(files, engines, True, workdir)
                runs, limits = [], []
                for _ in range(max(1, ROUNDS - 1)):
                    done = run_once(files, engines, True, workdir)
                    assert done["outputs"] == outputs, "Ray changed an output"
                    runs.append(done["seconds"])
                    limits.append(replay(engines.get("bergamot"), distinct))
                rows.append(
                    summary(
                        f"(c) Ray, {workers} worker(s)",
                        runs,
                        segments,
                        statistics.median(limits),
                        first_run_s=round(first["seconds"], 2),
                    )
                )
            finally:
                engines.close()
    finally:
        ray.shutdown()
    return rows


def print_table(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"six issues en->pt, bergamot, back-check off ({result['machine']['cpus']} cores,"
        f" median of {result['rounds']})",
        title_justify="left",
    )
    for column in ("path", "seconds", "segments/s", "replay limit s", "limit segments/s", "note"):
        table.add_column(column)
    for row in result["paths"]:
        note = (
            f"{row['speedup_over_a']}x (a)"
            if "speedup_over_a" in row
            else f"first run {row['first_run_s']} s"
            if "first_run_s" in row
            else ""
        )
        table.add_row(
            row["path"],
            str(row["median_s"]),
            str(row["segments_per_s"]),
            str(row.get("replay_limit_s", "")),
            str(row.get("replay_limit_segments_per_s", "")),
            note,
        )
    Console().print(table)
    print(json.dumps(result["cost_model"], indent=2))
    print(
        f"best possible over (a) with this engine: {result['best_possible_speedup']}x;"
        f" target {result['target']}x: {'met' if result['met'] else 'not met'}"
    )


if __name__ == "__main__":
    sys.exit(main())
