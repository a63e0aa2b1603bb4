"""Shared pytest fixtures."""
from __future__ import annotations

import os

import pytest
from hypothesis import settings

# Deterministic property tests: the same examples on every run (CI must not flake).
settings.register_profile("deterministic", derandomize=True)
# `make fuzz`: many more random examples; failures are saved in .hypothesis and replayed first.
settings.register_profile("fuzz", max_examples=3000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


@pytest.fixture(autouse=True, scope="session")
def cache_dir(tmp_path_factory):
    """The pipeline's own cache (langdetect's profiles, compacted) in a directory of the test session, not the user's."""
    path = tmp_path_factory.mktemp("cache")
    previous = os.environ.get("PIPELINE_CACHE_DIR")
    os.environ["PIPELINE_CACHE_DIR"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("PIPELINE_CACHE_DIR")
    else:
        os.environ["PIPELINE_CACHE_DIR"] = previous


@pytest.fixture(autouse=True)
def memory_path(tmp_path_factory, monkeypatch):
    """Every test gets its own translation memory file (outside its tmp_path), never the repository's."""
    path = tmp_path_factory.mktemp("memory") / "memory.sqlite"
    monkeypatch.setenv("PIPELINE_MEMORY", str(path))
    return path


@pytest.fixture(scope="session")
def tiny_marian_dir(tmp_path_factory):
    """A tiny random-weight MarianMT model + tokenizer saved to a local directory, built offline.

    Vocab ids follow Marian's convention: ``</s>`` = 0, ``<unk>`` = 1, ``<pad>`` = last
    (pad is also the decoder start token). ``>>por<<`` is in the vocab as a target token.
    Outputs are gibberish, but deterministic and input-dependent.
    """
    from marian_builder import TINY, TINY_CORPUS, build_marian

    return build_marian(tmp_path_factory.mktemp("tiny_marian"), TINY_CORPUS, pieces=150, **TINY)


@pytest.fixture
def hf_cache(tmp_path, monkeypatch):
    """Offline hub with an empty cache (env for the engine, constants for huggingface_hub read at import)."""
    import huggingface_hub.constants as hf_constants

    cache = tmp_path / "hf" / "hub"
    cache.mkdir(parents=True)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(hf_constants, "HF_HUB_CACHE", str(cache))
    return cache
