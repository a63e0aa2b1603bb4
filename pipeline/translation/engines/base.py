"""The small interface every translation engine implements."""
from __future__ import annotations

import os
from typing import Protocol, runtime_checkable


def available_cpus() -> int:
    """The CPU cores this process may run on (its affinity mask, which containers and taskset narrow)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1  # macOS, Windows


@runtime_checkable
class Engine(Protocol):
    """A batch of strings in one language in, the same number of strings in another out.

    Engines receive masked text (placeholders already in place) and must return exactly one
    output per input, in order. They never see Markdown, URLs or code. An engine may also offer
    ``prefetch(src, tgt)``: start loading the pair's model in the background, for a later call.
    """

    name: str

    def supports(self, src: str, tgt: str) -> bool:
        """Whether this engine has a model for the direct pair ``src -> tgt``."""
        ...

    def model_id(self, src: str, tgt: str) -> str:
        """A stable id of the model used for the pair, recorded as each segment's origin."""
        ...

    def translate(self, texts: list[str], src: str, tgt: str) -> list[str]:
        """Translate ``texts`` from ``src`` to ``tgt``; one output per input, same order."""
        ...
