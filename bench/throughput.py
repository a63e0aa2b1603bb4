"""Engine throughput on the real opus-mt-en-de architecture with random weights, side by side.

transformers fp32 (greedy and beam 4, batch sizes 1, 8 and 16) against CTranslate2 int8 running the
same model converted by the ctranslate2 engine, and the bergamot engine (its own smaller en->pt
model) for orientation. Each engine runs in its own process (``python -m bench.throughput ENGINE``)
so that its peak RSS is its own; models are loaded through the engines' own loading code.

Equal work: every row of a batch decodes exactly N target tokens, N = the longest source of the
batch (min = max new tokens), so neither engine can stop early. Inputs: masked segments of the
corpus issues (what the engines really receive), 16 spread over the length range; batch size 1
runs every fourth of them. The transformers and ctranslate2 processes stay up and take turns, pass
by pass, so both see the same moments of a shared machine; each time is the fastest of 3 passes.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE_SIZE = 16
PASSES = 3
RUNS = (("greedy", 1, 1), ("greedy", 1, 8), ("greedy", 1, 16), ("beam 4", 4, 8))  # mode, beams, batch size


def build_model(workdir: Path, text: str) -> Path:
    """The opus-mt-en-de shape with random weights; SentencePiece trained on ``text``, vocab padded to 58101."""
    sys.path.insert(0, str(REPO / "tests"))
    from marian_builder import OPUS_MT_EN_DE, build_marian

    return build_marian(workdir / "opus-mt-en-de-random", text, pieces=8000, **OPUS_MT_EN_DE)


def pick_sample(texts: list[str], tokenizer) -> list[str]:
    """``SAMPLE_SIZE`` distinct texts spread evenly over the range of token lengths."""
    unique = sorted(dict.fromkeys(t for t in texts if t.strip()), key=lambda t: (len(tokenizer(t).input_ids), t))
    step = len(unique) / SAMPLE_SIZE
    return [unique[int((i + 0.5) * step)] for i in range(min(SAMPLE_SIZE, len(unique)))]


def batches(texts: list[str], lengths: list[int], size: int) -> list[tuple[list[str], int]]:
    """Longest first, ``size`` texts a batch, each with its decode length (its longest source)."""
    order = sorted(range(len(texts)), key=lambda k: -lengths[k])
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    return [([texts[k] for k in chunk], max(lengths[k] for k in chunk)) for chunk in chunks]


def peak_rss_mb() -> int:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent at exec)."""
    status = Path("/proc/self/status").read_text()
    return round(int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024)


def _marian_runner(model_dir: str):
    import torch

    from pipeline.translation.engines.marian import MarianEngine

    tok, model, _ = MarianEngine(models={"en-de": model_dir})._load("en", "de")

    def run(texts: list[str], length: int, beams: int) -> None:
        enc = tok(texts, return_tensors="pt", padding=True)
        with torch.inference_mode():  # decoder start token + exactly ``length`` new tokens
            out = model.generate(**enc, num_beams=beams, do_sample=False, min_length=length + 1, max_length=length + 1)
        assert out.shape[1] == length + 1

    return tok, run


def _ctranslate2_runner(model_dir: str):
    from pipeline.translation.engines.ctranslate2 import CTranslate2Engine, split

    tok, translator, _ = CTranslate2Engine(models={"en-de": model_dir})._load("en", "de")

    def run(texts: list[str], length: int, beams: int) -> None:  # batch split over the workers, as the engine does
        source = [tok.convert_ids_to_tokens(ids) for ids in tok(texts).input_ids]
        out = translator.translate_batch(source, beam_size=beams, min_decoding_length=length, max_decoding_length=length, **split(translator, len(source)))
        assert all(len(r.hypotheses[0]) == length for r in out)

    return tok, run


def _bergamot(model_dir: str, texts: list[str]) -> list[dict]:
    from transformers import MarianTokenizer

    from pipeline.translation.engines.bergamot import BergamotEngine

    engine = BergamotEngine()
    engine.translate(texts[:2], "en", "pt")  # warm-up (loads the model)
    best = float("inf")
    for _ in range(PASSES):
        started = time.perf_counter()
        outputs = engine.translate(texts, "en", "pt")
        best = min(best, time.perf_counter() - started)
    tok = MarianTokenizer.from_pretrained(model_dir)
    tokens = sum(len(tok.tokenize(out)) + 1 for out in outputs)  # its own lengths, counted with the bench vocabulary
    return [{"mode": "greedy", "batch": "per sentence", "sentences": len(texts), "tokens": tokens, "seconds": best}]


def worker(engine: str, model_dir: str, sample_path: str) -> None:
    """Serve one engine on stdin/stdout: one JSON line per request (a run's index, or "done")."""
    texts = json.loads(Path(sample_path).read_text(encoding="utf-8"))

    def reply(message: dict) -> None:
        print(json.dumps(message), flush=True)

    if engine == "bergamot":
        reply({"rows": _bergamot(model_dir, texts), "peak_rss_mb": peak_rss_mb(), "torch_loaded": "torch" in sys.modules})
        return
    tok, run = (_marian_runner if engine == "transformers" else _ctranslate2_runner)(model_dir)
    lengths = [len(ids) for ids in tok(texts).input_ids]
    work, rows = [], []
    for mode, beams, size in RUNS:
        chosen = range(0, len(texts), 4) if size == 1 else range(len(texts))
        work.append((batches([texts[k] for k in chosen], [lengths[k] for k in chosen], size), beams))
        rows.append({"mode": mode, "batch": size, "sentences": len(chosen), "tokens": sum(len(g) * n for g, n in work[-1][0])})
        run(texts[:2], 8, beams)  # warm-up
    reply({"ready": True})
    for line in sys.stdin:
        request = json.loads(line)
        if request == "done":
            break
        batches_, beams = work[request]
        started = time.perf_counter()
        for group, length in batches_:
            run(group, length, beams)
        reply({"seconds": time.perf_counter() - started})
    reply({"rows": rows, "peak_rss_mb": peak_rss_mb(), "torch_loaded": "torch" in sys.modules})


class EngineProcess:
    """A ``worker`` process for one engine, asked one JSON line at a time."""

    def __init__(self, engine: str, model_dir: Path, sample_path: Path) -> None:
        self.engine = engine
        self.errors = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: a chatty stderr cannot block it
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.throughput", engine, str(model_dir), str(sample_path)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            text=True,
        )

    def ask(self, request=None) -> dict:
        if request is not None:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            self.errors.seek(0)
            raise RuntimeError(f"{self.engine} worker failed:\n{self.errors.read()[-3000:]}")
        return json.loads(line)

    def close(self, request=None) -> dict:
        result = self.ask(request)
        self.process.stdin.close()
        self.process.wait()
        self.errors.close()
        return {"engine": self.engine, **result}


def measure(model_dir: Path, sample_path: Path) -> list[dict]:
    """transformers and ctranslate2 taking turns run by run and pass by pass, then bergamot."""
    processes = [EngineProcess(engine, model_dir, sample_path) for engine in ("transformers", "ctranslate2")]
    for process in processes:
        process.ask()  # loaded and warmed up
    best = {(p.engine, k): float("inf") for p in processes for k in range(len(RUNS))}
    for _ in range(PASSES):
        for k in range(len(RUNS)):
            for process in processes:
                best[process.engine, k] = min(best[process.engine, k], process.ask(k)["seconds"])
    results = [p.close("done") for p in processes]
    for result in results:
        for k, row in enumerate(result["rows"]):
            row["seconds"] = best[result["engine"], k]
    return [*results, EngineProcess("bergamot", model_dir, sample_path).close()]


def agreement(workdir: Path, texts: list[str]) -> dict:
    """Share of identical greedy outputs, marian vs ctranslate2 (float32 and int8), on the tiny test model."""
    sys.path.insert(0, str(REPO / "tests"))
    from marian_builder import TINY, TINY_CORPUS, build_marian

    from pipeline.translation.engines.ctranslate2 import CTranslate2Engine
    from pipeline.translation.engines.marian import MarianEngine

    model = str(build_marian(workdir / "tiny", TINY_CORPUS, pieces=150, **TINY))
    lines = [line for line in TINY_CORPUS.splitlines() if line]
    inputs = lines + [f"{a} {b.lower()}" for a, b in zip(lines, lines[1:])] + texts
    options = {"models": {"en-pt": model}, "beam_size": 1}
    reference = MarianEngine(**options).translate(inputs, "en", "pt")
    result = {"sentences": len(inputs)}
    for compute in ("float32", "int8"):
        outputs = CTranslate2Engine(compute_type=compute, **options).translate(inputs, "en", "pt")
        result[compute] = sum(a == b for a, b in zip(reference, outputs)) / len(inputs)
    return result


if __name__ == "__main__":
    worker(*sys.argv[1:4])
