"""MarianMT (Helsinki-NLP opus-mt) engine on Hugging Face transformers.

The model-independent work (which model, where it is, long inputs, batching, target tokens) lives
in ``MarianEngine``; the ctranslate2 engine subclasses it and only replaces loading and decoding.
"""
from __future__ import annotations

import os
import re
import warnings
from contextlib import contextmanager

from pipeline.errors import UserError
from pipeline.translation import hub
from pipeline.translation.engines.base import available_cpus

DEFAULT_TEMPLATE = "Helsinki-NLP/opus-mt-{src}-{tgt}"
# Languages of OPUS-MT's multi-target en-ROMANCE / ROMANCE-en models (target token >>LANG<<)
ROMANCE = frozenset("fr es it pt ro ca gl oc la wa rm lld fur lij lmo an co sc vec pms".split())
_SENTENCE_END = re.compile(r"(?<=[.!?;…])\s+|(?<=[。！？])")
_WHITESPACE = re.compile(r"\s+")
_SAFETENSORS = ("model.safetensors", "model.safetensors.index.json")
_PICKLE = ("pytorch_model.bin", "pytorch_model.bin.index.json")


def _reason(exc: Exception) -> str:
    """An exception's type and the first line of its message, short enough for a one-line error."""
    return f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0][:200]}"


def _local_dir(spec: str) -> str | None:
    path = os.path.expanduser(spec)
    return path if os.path.isdir(path) else None


def _looks_like_path(spec: str) -> bool:
    return spec.startswith((".", "~", "/", "\\")) or spec.count("/") > 1 or "\\" in spec or ":" in spec


def use_safetensors(spec: str, local: str | None, allow_pickle: bool, engine: str = "marian") -> bool | None:
    """The ``use_safetensors`` argument for loading ``spec``'s weights; pickle only when allowed.

    Unpickling a checkpoint (pytorch_model.bin) can run code, so a model that has only pickle
    weights is a UserError naming the flag. A hub model not in the cache yet is fetched as
    safetensors (None with ``allow_pickle``: transformers prefers safetensors, else pickle).
    """

    def has(names: tuple[str, ...]) -> bool:
        return any(os.path.isfile(os.path.join(local, n)) if local else hub.cached(spec, n) for n in names)

    if has(_SAFETENSORS):
        return True
    if allow_pickle:
        return None
    if has(_PICKLE):
        raise UserError(
            f"{engine} model {spec!r} has only pickle weights (pytorch_model.bin), which can run code when loaded: "
            "convert it to safetensors or, if you trust it, set marian.allow_pickle = true in the config"
        )
    return True


def _split(tok, text: str, budget: int) -> list[str]:
    """Pieces of ``text`` of at most ``budget`` tokens: at sentence ends, else whitespace, else characters."""
    text = text.strip()
    if len(text) <= 1 or len(tok.tokenize(text)) <= budget:
        return [text]
    for pattern in (_SENTENCE_END, _WHITESPACE):
        parts = [p.strip() for p in pattern.split(text) if p.strip()]
        if len(parts) > 1:
            break
    else:
        mid = len(text) // 2
        return _split(tok, text[:mid], budget) + _split(tok, text[mid:], budget)
    pieces, current, used = [], [], 0
    for part in parts:
        n = len(tok.tokenize(part))
        if current and used + n > budget:
            pieces.append(" ".join(current))
            current, used = [], 0
        if n > budget:
            pieces += _split(tok, part, budget)
        else:
            current.append(part)
            used += n
    if current:
        pieces.append(" ".join(current))
    return pieces


class _StopAt:
    """Logits processor forcing EOS once a row has its own cap of tokens, so outputs do not depend on the batch."""

    def __init__(self, caps, eos: int) -> None:
        self.caps, self.eos = caps, eos

    def __call__(self, input_ids, scores):
        done = input_ids.shape[1] >= self.caps  # decoder start token + tokens generated so far
        if done.any():
            scores[done] = float("-inf")
            scores[done, self.eos] = 0.0
        return scores


class MarianEngine:
    """MarianMT models loaded with ``from_pretrained`` lazily, once per pair, and kept on the instance."""

    name = "marian"

    def __init__(
        self,
        *,
        models: dict[str, str] | None = None,
        model_template: str | None = DEFAULT_TEMPLATE,
        target_tokens: dict[str, str] | None = None,
        beam_size: int = 4,
        batch_tokens: int = 4096,
        max_batch_size: int = 64,
        device: str = "auto",
        num_threads: int | None = None,
        allow_pickle: bool = False,
    ) -> None:
        if min(beam_size, batch_tokens, max_batch_size) < 1:
            raise UserError(f"{self.name} beam_size, batch_tokens and max_batch_size must be at least 1: fix the engine config")
        self.models = dict(models or {})
        self.model_template = model_template
        self.target_tokens = dict(target_tokens or {})
        self.beam_size = beam_size
        self.batch_tokens = batch_tokens
        self.max_batch_size = max_batch_size
        self.device = device
        self.num_threads = num_threads or available_cpus()
        self.allow_pickle = allow_pickle
        self._loaded: dict[str, tuple] = {}
        self._device: str | None = None

    def supports(self, src: str, tgt: str) -> bool:
        """A configured model, a local directory, a cached hub model, or (hub reachable) one the hub has."""
        pair = f"{src}-{tgt}"
        if pair in self.models:
            spec = self.models[pair]
            return _local_dir(spec) is not None or not _looks_like_path(spec)
        if not self.model_template:
            return False
        spec = self._spec(src, tgt)
        if _local_dir(spec):
            return True
        if _looks_like_path(spec):
            return False
        return hub.cached(spec) is not None or hub.on_hub(spec) is True

    def _spec(self, src: str, tgt: str) -> str:
        """The configured model, else the template's; for a pair OPUS-MT serves only with a multi-target
        model ("en-pt": opus-mt-en-ROMANCE, token >>pt<<) that model, when it is here or on the hub."""
        spec = self.models.get(f"{src}-{tgt}")
        if spec is None and self.model_template:
            spec = self.model_template.format(src=src, tgt=tgt)
            multi = self._multi_target(src, tgt)
            if multi and not (_local_dir(spec) or hub.cached(spec) or hub.on_hub(spec)) and (hub.cached(multi[0]) or hub.on_hub(multi[0])):
                spec = multi[0]
        if spec is None:
            raise UserError(f'{self.name} has no model for {src}->{tgt}: add "{src}-{tgt}" to the marian models config')
        return spec

    def _multi_target(self, src: str, tgt: str) -> tuple[str, str] | None:
        """(model, target token) of the OPUS-MT multi-target model for the pair, if there is one."""
        if self.model_template != DEFAULT_TEMPLATE:
            return None
        if src == "en" and tgt in ROMANCE:
            return "Helsinki-NLP/opus-mt-en-ROMANCE", f">>{tgt}<<"
        if tgt == "en" and src in ROMANCE:
            return "Helsinki-NLP/opus-mt-ROMANCE-en", ""
        return None

    def target_token(self, src: str, tgt: str) -> str:
        """The token a multi-target model needs in front of each input ("" for a single-target model)."""
        if f"{src}-{tgt}" in self.target_tokens:
            return self.target_tokens[f"{src}-{tgt}"]
        multi = self._multi_target(src, tgt)
        return multi[1] if multi and self._spec(src, tgt) == multi[0] else ""

    def model_id(self, src: str, tgt: str) -> str:
        return f"{self.name}:{self._spec(src, tgt)}"

    def _source(self, src: str, tgt: str) -> tuple[str, str | None, bool]:
        """(spec, local directory or None, offline) for the pair; a model that cannot be had is a UserError."""
        spec = self._spec(src, tgt)
        local = _local_dir(spec)
        offline = hub.offline()
        if local is None and _looks_like_path(spec):
            raise UserError(f"{self.name} model directory {spec!r} for {src}->{tgt} does not exist: fix the path or {self._where(src, tgt)}")
        if local is None and offline and not hub.cached(spec):
            why = "HF_HUB_OFFLINE is set" if hub.offline_by_choice() else "the Hugging Face Hub cannot be reached"
            raise UserError(
                f"{self.name} model {spec!r} for {src}->{tgt} is not here and {why}: "
                f"get it once with network (pipeline models pull {src}-{tgt}) or {self._where(src, tgt)}"
            )
        use_safetensors(spec, local, self.allow_pickle, self.name)  # a pickle-only model is refused before any loading
        return spec, local, offline

    @staticmethod
    def _where(src: str, tgt: str) -> str:
        return f'point the marian models entry "{src}-{tgt}" at a local model directory'

    @contextmanager
    def _loading(self, spec: str, src: str, tgt: str, local: str | None):
        """Turns whatever a broken model raises (OSError, ValueError, KeyError, ...) into one UserError line."""
        try:
            yield
        except UserError:
            raise
        except Exception as exc:
            where = self._where(src, tgt)
            fix = where if local else f"check the id and network, download it (hf download {spec}), or {where}"
            raise UserError(f"{self.name} model {spec!r} for {src}->{tgt} could not be loaded ({_reason(exc)}): {fix}") from None

    @staticmethod
    def _tokenizer(spec: str, offline: bool):
        from transformers import MarianTokenizer

        with warnings.catch_warnings():  # sacremoses is optional and unused by MarianTokenizer's encoding
            warnings.filterwarnings("ignore", message=".*sacremoses")
            return MarianTokenizer.from_pretrained(spec, local_files_only=offline, trust_remote_code=False)

    def _hf_model(self, spec: str, local: str | None, offline: bool):
        from transformers import MarianMTModel

        hub.quiet_libraries()  # no "Loading weights" bar, no retry warnings
        return MarianMTModel.from_pretrained(
            spec,
            local_files_only=offline,
            use_safetensors=use_safetensors(spec, local, self.allow_pickle, self.name),
            trust_remote_code=False,  # never run a repository's code (custom generate, modeling files)
        )

    def _load(self, src: str, tgt: str) -> tuple:
        """(tokenizer, model, token limit) for the pair, loaded on first use."""
        pair = f"{src}-{tgt}"
        if pair not in self._loaded:
            spec, local, offline = self._source(src, tgt)
            with self._loading(spec, src, tgt, local):
                self._loaded[pair] = self._open(spec, local, offline)
        return self._loaded[pair]

    def _open(self, spec: str, local: str | None, offline: bool) -> tuple:
        import torch

        if self._device is None:
            torch.set_num_threads(self.num_threads)
            self._device = ("cuda" if torch.cuda.is_available() else "cpu") if self.device == "auto" else self.device
            if self._device.startswith("cuda") and not torch.cuda.is_available():
                raise UserError(f"marian device {self.device!r} is not available: set the marian device to auto or cpu")
        tok = self._tokenizer(local or spec, offline)
        model = self._hf_model(local or spec, local, offline)
        model.eval()
        if self._device.startswith("cuda"):
            model.half()
        model.to(self._device)
        return tok, model, min(tok.model_max_length, model.config.max_position_embeddings)

    def _batches(self, order: list[int], lengths: list[int]):
        batch, width = [], 0
        for k in order:
            grown = max(width, lengths[k])
            if batch and (len(batch) >= self.max_batch_size or grown * (len(batch) + 1) > self.batch_tokens):
                yield batch
                batch, grown = [], lengths[k]
            batch.append(k)
            width = grown
        if batch:
            yield batch

    def translate(self, texts: list[str], src: str, tgt: str) -> list[str]:
        if not any(t.strip() for t in texts):
            return [""] * len(texts)
        tok, model, limit = self._load(src, tgt)
        prefix = self.target_token(src, tgt)
        budget = max(1, limit - 1 - (len(tok.tokenize(prefix)) if prefix else 0))
        units = [(i, piece) for i, t in enumerate(texts) if t.strip() for piece in _split(tok, t, budget)]
        inputs = [f"{prefix} {piece}" if prefix else piece for _, piece in units]
        ids = tok(inputs, truncation=True, max_length=limit)["input_ids"]  # truncation never bites after _split
        lengths = [len(x) for x in ids]
        order = sorted(range(len(units)), key=lambda k: -lengths[k])
        outputs = [""] * len(units)
        for batch in self._batches(order, lengths):
            caps = [min(limit - 1, 2 * lengths[k] + 10) for k in batch]  # new tokens allowed, EOS included
            for k, out in zip(batch, self._generate(tok, model, [ids[k] for k in batch], caps)):
                outputs[k] = out.strip()
        joined: list[list[str]] = [[] for _ in texts]
        for (i, _), out in zip(units, outputs):
            joined[i].append(out)
        return [" ".join(p for p in parts if p) for parts in joined]

    def _generate(self, tok, model, ids: list[list[int]], caps: list[int]) -> list[str]:
        """Decoded outputs of one batch; row ``k`` ends with EOS after at most ``caps[k]`` new tokens."""
        import torch

        enc = tok.pad({"input_ids": ids}, return_tensors="pt").to(self._device)
        stop = _StopAt(torch.tensor(caps, device=self._device).repeat_interleave(self.beam_size), tok.eos_token_id)
        # max_length (decoder start + new tokens), not max_new_tokens: transformers 5 warns on every call
        # when max_new_tokens is passed to a model whose generation config sets max_length (opus-mt does).
        with torch.inference_mode():
            generated = model.generate(
                **enc, num_beams=self.beam_size, do_sample=False, max_length=max(caps) + 1, logits_processor=[stop]
            )
        return tok.batch_decode(generated, skip_special_tokens=True)
