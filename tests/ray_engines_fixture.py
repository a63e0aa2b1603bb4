"""Fake engines that Ray workers can build (tests/test_ray.py registers them with ``register_engine``)."""

from __future__ import annotations

import os
import re
from pathlib import Path

PAIRS = {("en", "pt"), ("en", "es"), ("pt", "en"), ("es", "en")}
CRASH_MARKER = "PIPELINE_TEST_CRASH_MARKER"  # a file: the crashing engine dies once, when it is not there yet
CRASH_AT = 3  # the batch of a worker process on which it dies


class Upper:
    """Upper-cases every word but the placeholders, for the test pairs."""

    name = "upper"

    def __init__(self, config=None):
        self.batches = 0

    def supports(self, src, tgt):
        return (src, tgt) in PAIRS

    def model_id(self, src, tgt):
        return f"upper:{src}-{tgt}"

    def translate(self, texts, src, tgt):
        self.batches += 1
        return [
            " ".join(w if re.fullmatch(r"(Xq|ZZA|ZZB)\d+", w) else w.upper() for w in t.split(" "))
            for t in texts
        ]


class Crashing(Upper):
    """``Upper`` whose process exits on its ``CRASH_AT``th batch, once (the marker file remembers it)."""

    def translate(self, texts, src, tgt):
        marker = Path(os.environ[CRASH_MARKER])
        if self.batches + 1 == CRASH_AT and not marker.exists():
            marker.write_text(str(os.getpid()), encoding="utf-8")
            os._exit(1)
        return super().translate(texts, src, tgt)


def upper(config):
    return Upper(config)


def crashing(config):
    return Crashing(config)
