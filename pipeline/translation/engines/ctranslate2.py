"""CTranslate2 engine: the marian engine's MarianMT models, converted once to CTranslate2 and run there.

Int8 on CPU, float16 on CUDA (``compute_type = "auto"``). The conversion is cached next to the
model: inside a local model directory (keyed by ct2 version, compute type and the model files'
size and mtime), or for a hub id under ``<HF cache>/../ctranslate2`` (keyed by the snapshot), or
under ``cache_dir`` when set. Which model, splitting, batching and target tokens are the marian
engine's (this class only replaces loading and decoding), so both engines give one output per
input, independent of batching.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

from pipeline.errors import UserError
from pipeline.translation.engines.marian import MarianEngine, _reason

_PREFERRED = {"cpu": ("int8", "float32"), "cuda": ("float16", "int8_float16", "float32")}


def _runtime():
    try:
        import ctranslate2
    except ImportError:
        raise UserError("the ctranslate2 engine needs the 'ctranslate2' package: pip install 'newsletter-pipeline[ctranslate2]'") from None
    return ctranslate2


def _fingerprint(directory: Path) -> str:
    """Short hash of the names, sizes and mtimes of a model directory's files: changes when the model does."""
    stats = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in directory.iterdir() if p.is_file())
    return hashlib.sha256(repr(stats).encode()).hexdigest()[:12]


def _threads(device: str, cores: int) -> dict:
    """On CPU one single-threaded worker per core, each decoding a slice of the batch (see ``split``).

    Measured on 2 cores (opus-mt-en-de shape, int8, bench/throughput.py): ct2 gains nothing from a second
    intra-op thread at these matrix sizes (batch 1: the same speed with 1 or 2), while two workers on
    halves of a batch decode it 1.3x-1.65x faster. CUDA keeps one worker (one GPU stream).
    """
    return {"intra_threads": 1, "inter_threads": cores} if device == "cpu" else {"intra_threads": cores}


def split(translator, rows: int) -> dict:
    """``translate_batch`` options that spread ``rows`` over the translator's workers; outputs are unchanged."""
    return {"max_batch_size": -(-rows // translator.num_translators)}


class CTranslate2Engine(MarianEngine):
    """A MarianEngine whose models run on ``ctranslate2.Translator``; see the module docstring."""

    name = "ctranslate2"

    def __init__(self, *, compute_type: str = "auto", cache_dir: str | None = None, **marian) -> None:
        super().__init__(**marian)
        self.compute_type = compute_type
        self.cache_dir = cache_dir
        self._compute: str | None = None

    def _resolve_device(self, ct2) -> None:
        cuda = ct2.get_cuda_device_count() > 0
        device = ("cuda" if cuda else "cpu") if self.device == "auto" else self.device
        if device not in _PREFERRED or (device == "cuda" and not cuda):
            raise UserError(f"ctranslate2 device {self.device!r} is not available: set the ctranslate2 device to auto or cpu")
        supported = ct2.get_supported_compute_types(device)
        compute = next(c for c in _PREFERRED[device] if c in supported) if self.compute_type == "auto" else self.compute_type
        if compute not in supported:
            raise UserError(
                f"ctranslate2 compute_type {compute!r} is not supported on {device} "
                f"(supported: {', '.join(sorted(supported))}): set the ctranslate2 compute_type"
            )
        self._device, self._compute = device, compute

    def _converted_dir(self, ct2, spec: str, local: str | None, snapshot: Path) -> Path:
        name = f"ctranslate2-{ct2.__version__}-{self._compute}"
        if local:
            source = Path(local).resolve()
            name += f"-{_fingerprint(source)}"
            if self.cache_dir is None:
                return source / name
            return Path(self.cache_dir) / f"{source.name}-{hashlib.sha256(str(source).encode()).hexdigest()[:8]}" / name
        from huggingface_hub import constants

        root = Path(self.cache_dir) if self.cache_dir else Path(constants.HF_HUB_CACHE).parent / "ctranslate2"
        return root / ("models--" + spec.replace("/", "--")) / snapshot.name / name

    def _convert(self, source: str, target: Path) -> None:
        """Convert the transformers model in ``source`` into ``target``, atomically (renamed into place)."""
        from ctranslate2.converters import TransformersConverter
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            work = tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent)
        except OSError as exc:
            raise UserError(f"cannot write the ctranslate2 conversion to {target.parent} ({exc.strerror}): set the ctranslate2 cache_dir to a writable directory") from None
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*sacremoses")
                TransformersConverter(source).convert(work, quantization=self._compute, force=True)
            os.rename(work, target)
        except OSError:
            if not (target / "model.bin").is_file():  # not a conversion that finished first in another process
                raise
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _open(self, spec: str, local: str | None, offline: bool) -> tuple:
        from huggingface_hub import hf_hub_download

        ct2 = _runtime()
        if self._compute is None:
            self._resolve_device(ct2)
        tok = self._tokenizer(local or spec, offline)
        # config.json read as JSON: transformers' AutoConfig would import torch, which only a conversion needs.
        config = Path(local, "config.json") if local else Path(hf_hub_download(spec, "config.json", local_files_only=offline))
        positions = json.loads(config.read_text(encoding="utf-8"))["max_position_embeddings"]
        target = self._converted_dir(ct2, spec, local, config.parent)  # a hub model's snapshot: its commit
        if not (target / "model.bin").is_file():
            if local is None:
                self._hf_model(spec, None, offline)  # downloads the weights into the HF cache when online
            self._convert(str(config.parent), target)
        try:
            translator = ct2.Translator(str(target), device=self._device, compute_type=self._compute, **_threads(self._device, self.num_threads))
        except (RuntimeError, ValueError) as exc:
            raise UserError(f"the ctranslate2 conversion {target} could not be loaded ({_reason(exc)}): delete that directory to convert the model again") from None
        return tok, translator, min(tok.model_max_length, positions)

    def _generate(self, tok, translator, ids: list[list[int]], caps: list[int]) -> list[str]:
        source = [tok.convert_ids_to_tokens(row) for row in ids]
        best = self._search(translator, source, [cap - 1 for cap in caps])  # marian forces EOS after cap - 1 tokens
        return [tok.decode(tok.convert_tokens_to_ids(tokens), skip_special_tokens=True) for tokens in best]

    def _search(self, translator, source: list[list[str]], lengths: list[int]) -> list[list[str]]:
        """Best hypothesis per row, at most ``lengths[k]`` tokens, whatever else is in the batch.

        ct2 has one length limit per batch: the batch decodes to its longest limit and each row is
        cut to its own. That is exact for greedy search. A beam search that was still running at a
        row's own last step could have ended differently there, so those rows are decoded again,
        batched only with rows of the same limit.
        """
        longest = max(lengths)
        options = {"beam_size": self.beam_size, "min_decoding_length": 0, "max_input_length": 0}
        results = translator.translate_batch(source, num_hypotheses=self.beam_size, max_decoding_length=longest, **options, **split(translator, len(source)))
        best = [result.hypotheses[0][:n] for result, n in zip(results, lengths)]
        again: dict[int, list[int]] = {}
        for k, (result, n) in enumerate(zip(results, lengths)):
            if self.beam_size > 1 and n < longest and max(map(len, result.hypotheses)) >= n - 1:
                again.setdefault(n, []).append(k)
        for n, rows in again.items():
            redone = translator.translate_batch([source[k] for k in rows], max_decoding_length=n, **options, **split(translator, len(rows)))
            for k, result in zip(rows, redone):
                best[k] = result.hypotheses[0]
        return best
