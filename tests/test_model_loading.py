"""Model loading safety: safetensors first, pickle weights only with marian.allow_pickle, no remote code."""
from __future__ import annotations

import shutil

import pytest
import torch
from huggingface_hub import constants as hf_constants
from transformers import MarianMTModel, MarianTokenizer

from pipeline.config import Config
from pipeline.errors import UserError
from pipeline.translation.engines import create_engine
from pipeline.translation.engines.ctranslate2 import CTranslate2Engine
from pipeline.translation.engines.marian import MarianEngine

pytestmark = pytest.mark.filterwarnings("ignore:.*sacremoses:UserWarning")
TEXT = ["Thank you for reading."]


@pytest.fixture(autouse=True)
def hub_offline(tmp_path, monkeypatch):
    """Offline hub with an empty cache of this test's own."""
    cache = tmp_path / "hf" / "hub"
    cache.mkdir(parents=True)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(hf_constants, "HF_HUB_CACHE", str(cache))
    return cache


@pytest.fixture(scope="module")
def pickle_only_dir(tiny_marian_dir, tmp_path_factory):
    """The tiny model with its weights as pytorch_model.bin (a pickle) and no safetensors.

    transformers 5 writes safetensors even with ``save_pretrained(safe_serialization=False)``,
    so the pickle is written with torch.save, as older transformers versions did.
    """
    target = tmp_path_factory.mktemp("pickle_only") / "model"
    shutil.copytree(tiny_marian_dir, target, ignore=shutil.ignore_patterns("*.safetensors", "ctranslate2-*"))
    torch.save(MarianMTModel.from_pretrained(str(tiny_marian_dir)).state_dict(), target / "pytorch_model.bin")
    return target


@pytest.fixture
def load_kwargs(monkeypatch):
    """The keyword arguments of every tokenizer and model from_pretrained call, by class name."""
    calls: dict[str, list[dict]] = {"MarianTokenizer": [], "MarianMTModel": []}
    for loader in (MarianTokenizer, MarianMTModel):
        original = loader.from_pretrained

        def spy(spec, *args, _original=original, _name=loader.__name__, **kwargs):
            calls[_name].append(kwargs)
            return _original(spec, *args, **kwargs)

        monkeypatch.setattr(loader, "from_pretrained", spy)
    return calls


def marian(model_dir, **kwargs) -> MarianEngine:
    return MarianEngine(models={"en-pt": str(model_dir)}, beam_size=1, num_threads=1, **kwargs)


def test_safetensors_are_preferred_and_remote_code_is_never_trusted(tiny_marian_dir, tmp_path, load_kwargs):
    both = tmp_path / "both"
    shutil.copytree(tiny_marian_dir, both, ignore=shutil.ignore_patterns("ctranslate2-*"))
    (both / "pytorch_model.bin").write_bytes(b"not a pickle: loading it would fail")
    assert marian(both).translate(TEXT, "en", "pt") == marian(tiny_marian_dir).translate(TEXT, "en", "pt")
    (model_call, *_), (tokenizer_call, *_) = load_kwargs["MarianMTModel"], load_kwargs["MarianTokenizer"]
    assert model_call["use_safetensors"] is True
    assert model_call["trust_remote_code"] is False and tokenizer_call["trust_remote_code"] is False


@pytest.mark.parametrize("cls", [MarianEngine, CTranslate2Engine], ids=["marian", "ctranslate2"])
def test_pickle_only_model_is_refused_without_the_flag(cls, pickle_only_dir, load_kwargs):
    engine = cls(models={"en-pt": str(pickle_only_dir)}, beam_size=1, num_threads=1)
    assert engine.supports("en", "pt")
    with pytest.raises(UserError) as refused:
        engine.translate(TEXT, "en", "pt")
    message = str(refused.value)
    assert "\n" not in message and "pytorch_model.bin" in message and "marian.allow_pickle = true" in message
    assert load_kwargs == {"MarianTokenizer": [], "MarianMTModel": []}  # refused before loading anything


def test_pickle_only_hub_model_in_cache_is_refused_without_the_flag(pickle_only_dir, hub_offline):
    snapshot = hub_offline / "models--tiny--opus-mt-en-pt" / "snapshots" / ("0" * 40)
    shutil.copytree(pickle_only_dir, snapshot)
    (snapshot.parent.parent / "refs").mkdir()
    (snapshot.parent.parent / "refs" / "main").write_text("0" * 40)
    engine = MarianEngine(model_template="tiny/opus-mt-{src}-{tgt}", beam_size=1, num_threads=1)
    with pytest.raises(UserError, match="'tiny/opus-mt-en-pt' has only pickle weights"):
        engine.translate(TEXT, "en", "pt")


def test_pickle_only_model_loads_with_the_flag(pickle_only_dir, tiny_marian_dir, load_kwargs):
    assert marian(pickle_only_dir, allow_pickle=True).translate(TEXT, "en", "pt") == marian(tiny_marian_dir).translate(TEXT, "en", "pt")
    assert load_kwargs["MarianMTModel"][0]["use_safetensors"] is None  # transformers' choice: the pickle here
    assert load_kwargs["MarianMTModel"][0]["trust_remote_code"] is False


def test_allow_pickle_comes_from_the_config():
    assert Config().marian.allow_pickle is False
    trusting = Config(marian={"allow_pickle": True})
    assert create_engine("marian", trusting).allow_pickle is True
    assert create_engine("ctranslate2", trusting).allow_pickle is True
    assert create_engine("marian", Config()).allow_pickle is False
