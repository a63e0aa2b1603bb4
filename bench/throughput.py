"""Engine throughput on the real opus-mt-en-de architecture with random weights, side by side.

transformers fp32 (greedy and beam 4, batch sizes 1, 8 and 32) against CTranslate2 int8 running the
same model converted by the ctranslate2 engine, and the bergamot engine (its own smaller en->pt
model) for orientation. Each engine runs in its own process (``python -m bench.throughput WORKER``)
so that its peak RSS is its own; models are loaded through the engines' own loading code.

Equal work: every row of a batch decodes exactly N target tokens, N = the longest source of the
batch (min = max new tokens), so neither engine can stop early. Inputs: masked segments of the
corpus issues (what the engines really receive), 32 spread over the length range; batch size 1
runs every fourth of them to keep the bench short. Times are the faster of two passes, after a
warm-up batch.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE_SIZE = 32
PASSES = 2
RUNS = (("greedy", 1, 1), ("greedy", 1, 8), ("greedy", 1, 32), ("beam 4", 4, 8))  # mode, beams, batch size


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


def _timed(run, work: list[tuple[list[str], int]], beams: int) -> float:
    run(*work[0], beams)  # warm-up
    best = float("inf")
    for _ in range(PASSES):
        started = time.perf_counter()
        for texts, length in work:
            run(texts, length, beams)
        best = min(best, time.perf_counter() - started)
    return best


def _marian_runner(model_dir: str):
    import torch

    from pipeline.engines.marian import MarianEngine

    tok, model, _ = MarianEngine(models={"en-de": model_dir})._load("en", "de")

    def run(texts: list[str], length: int, beams: int) -> None:
        enc = tok(texts, return_tensors="pt", padding=True)
        with torch.inference_mode():  # decoder start token + exactly ``length`` new tokens
            out = model.generate(**enc, num_beams=beams, do_sample=False, min_length=length + 1, max_length=length + 1)
        assert out.shape[1] == length + 1

    return tok, run


def _ctranslate2_runner(model_dir: str):
    from pipeline.engines.ctranslate2 import CTranslate2Engine

    tok, translator, _ = CTranslate2Engine(models={"en-de": model_dir})._load("en", "de")

    def run(texts: list[str], length: int, beams: int) -> None:
        source = [tok.convert_ids_to_tokens(ids) for ids in tok(texts).input_ids]
        out = translator.translate_batch(source, beam_size=beams, min_decoding_length=length, max_decoding_length=length)
        assert all(len(r.hypotheses[0]) == length for r in out)

    return tok, run


def worker(engine: str, model_dir: str, sample_path: str) -> dict:
    """Measure one engine in this process; the result includes this process's peak RSS."""
    texts = json.loads(Path(sample_path).read_text(encoding="utf-8"))
    rows = []
    if engine == "bergamot":
        from transformers import MarianTokenizer

        from pipeline.engines.bergamot import BergamotEngine

        eng = BergamotEngine()
        eng.translate(texts[:2], "en", "pt")  # warm-up (loads the model)
        best, outputs = float("inf"), []
        for _ in range(PASSES):
            started = time.perf_counter()
            outputs = eng.translate(texts, "en", "pt")
            best = min(best, time.perf_counter() - started)
        tok = MarianTokenizer.from_pretrained(model_dir)
        tokens = sum(len(tok.tokenize(out)) + 1 for out in outputs)  # its own lengths, counted with the bench vocabulary
        rows.append({"mode": "greedy", "batch": "per sentence", "sentences": len(texts), "tokens": tokens, "seconds": best})
    else:
        tok, run = (_marian_runner if engine == "transformers" else _ctranslate2_runner)(model_dir)
        lengths = [len(ids) for ids in tok(texts).input_ids]
        for mode, beams, size in RUNS:
            chosen = list(range(0, len(texts), 4)) if size == 1 else list(range(len(texts)))
            work = batches([texts[k] for k in chosen], [lengths[k] for k in chosen], size)
            seconds = _timed(run, work, beams)
            tokens = sum(len(group) * length for group, length in work)
            rows.append({"mode": mode, "batch": size, "sentences": len(chosen), "tokens": tokens, "seconds": seconds})
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"engine": engine, "rows": rows, "peak_rss_mb": round(peak), "torch_loaded": "torch" in sys.modules}


def measure(engine: str, model_dir: Path, sample_path: Path) -> dict:
    """Run ``worker`` for ``engine`` in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.throughput", engine, str(model_dir), str(sample_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"{engine} worker failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def agreement(workdir: Path, texts: list[str]) -> dict:
    """Share of identical greedy outputs, marian vs ctranslate2 (float32 and int8), on the tiny test model."""
    sys.path.insert(0, str(REPO / "tests"))
    from marian_builder import TINY, TINY_CORPUS, build_marian

    from pipeline.engines.ctranslate2 import CTranslate2Engine
    from pipeline.engines.marian import MarianEngine

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
    print(json.dumps(worker(*sys.argv[1:4])))
