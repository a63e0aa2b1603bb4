"""MarianEngine against a tiny random-weight MarianMT model built offline (see conftest.tiny_marian_dir)."""
from __future__ import annotations

import shutil

import pytest
from huggingface_hub import constants as hf_constants
from transformers import MarianMTModel, MarianTokenizer

from pipeline.engines.base import Engine
from pipeline.engines.marian import MarianEngine
from pipeline.errors import UserError

S1 = "The newsletter is published every week and this issue covers new releases and community news from every country."
S2 = "Thank you for reading and sharing our work, please send feedback to the editors of the newsletter."
pytestmark = pytest.mark.filterwarnings("ignore:.*sacremoses:UserWarning")

TEXTS = [
    "The newsletter is published every week.",
    "Thank you for reading.",
    "",
    "A reunião começa às nove da manhã.",
    "The newsletter is published every week.",
    "   ",
    "Subscribe",
]


@pytest.fixture(autouse=True)
def hub_offline(tmp_path, monkeypatch):
    """Offline hub with an empty cache (env for the engine, constants for huggingface_hub read at import)."""
    cache = tmp_path / "hf" / "hub"
    cache.mkdir(parents=True)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(hf_constants, "HF_HUB_CACHE", str(cache))
    return cache


@pytest.fixture
def generate_calls(monkeypatch):
    """Records the input_ids of every MarianMTModel.generate call."""
    calls = []
    original = MarianMTModel.generate

    def spy(self, *args, **kwargs):
        calls.append(kwargs["input_ids"].clone())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MarianMTModel, "generate", spy)
    return calls


@pytest.fixture
def load_calls(monkeypatch):
    """Counts from_pretrained calls of the tokenizer and the model."""
    calls = []
    for cls in (MarianTokenizer, MarianMTModel):
        original = cls.from_pretrained

        def counting(spec, *args, _original=original, _name=cls.__name__, **kwargs):
            calls.append((_name, str(spec)))
            return _original(spec, *args, **kwargs)

        monkeypatch.setattr(cls, "from_pretrained", counting)
    return calls


def engine(model_dir, **kwargs) -> MarianEngine:
    kwargs.setdefault("beam_size", 1)
    kwargs.setdefault("num_threads", 1)  # a tiny model on a shared CI box: more threads only contend
    return MarianEngine(models={"en-pt": str(model_dir)}, **kwargs)


def test_is_an_engine(tiny_marian_dir):
    assert isinstance(engine(tiny_marian_dir), Engine)
    assert MarianEngine.name == "marian"


def test_loads_local_dir_through_from_pretrained_and_generates(tiny_marian_dir, load_calls):
    out = engine(tiny_marian_dir).translate(["The newsletter is published every week."], "en", "pt")
    assert len(out) == 1 and isinstance(out[0], str) and out[0].strip()
    assert sorted(name for name, _ in load_calls) == ["MarianMTModel", "MarianTokenizer"]
    assert all(spec == str(tiny_marian_dir) for _, spec in load_calls)


def test_one_output_per_input_in_order(tiny_marian_dir):
    eng = engine(tiny_marian_dir)
    out = eng.translate(TEXTS, "en", "pt")
    assert len(out) == len(TEXTS)
    assert out[2] == "" and out[5] == ""
    assert out[0] == out[4]
    assert len({out[0], out[1], out[3], out[6]}) > 1  # the random model does depend on its input
    assert out == [eng.translate([t], "en", "pt")[0] for t in TEXTS]  # batched == one at a time


def test_deterministic_and_independent_of_batching(tiny_marian_dir, generate_calls):
    one_batch = engine(tiny_marian_dir, batch_tokens=100_000)
    first = one_batch.translate(TEXTS, "en", "pt")
    assert one_batch.translate(TEXTS, "en", "pt") == first
    assert len(generate_calls) == 2
    generate_calls.clear()
    many = engine(tiny_marian_dir, batch_tokens=1).translate(TEXTS, "en", "pt")
    assert many == first
    assert len(generate_calls) == 5  # non-empty inputs, one per batch
    for beams in (1, 2):
        assert engine(tiny_marian_dir, beam_size=beams).translate(TEXTS, "en", "pt") == engine(
            tiny_marian_dir, beam_size=beams
        ).translate(TEXTS, "en", "pt")


def test_batches_respect_token_budget_and_size(tiny_marian_dir, generate_calls):
    texts = [f"{t} {i}" for i, t in enumerate(TEXTS * 3) if t.strip()]
    out = engine(tiny_marian_dir, batch_tokens=40, max_batch_size=3).translate(texts, "en", "pt")
    assert len(out) == len(texts)
    assert sum(ids.shape[0] for ids in generate_calls) == len(texts)
    for ids in generate_calls:
        assert ids.shape[0] <= 3 and ids.shape[0] * ids.shape[1] <= 40
    widths = [ids.shape[1] for ids in generate_calls]
    assert widths == sorted(widths, reverse=True)  # sorted by length, longest first


def test_empty_inputs_need_no_model(tiny_marian_dir, load_calls):
    eng = engine(tiny_marian_dir)
    assert eng.translate([], "en", "pt") == []
    assert eng.translate(["", "  \n"], "en", "pt") == ["", ""]
    assert load_calls == []


def test_long_input_is_split_at_sentences_and_joined(tiny_marian_dir, generate_calls):
    tok = MarianTokenizer.from_pretrained(str(tiny_marian_dir))
    limit = 64
    assert len(tok.tokenize(S1)) < limit and len(tok.tokenize(S2)) < limit
    assert len(tok(f"{S1} {S2}").input_ids) > limit
    eng = engine(tiny_marian_dir)
    out = eng.translate([f"{S1} {S2}"], "en", "pt")
    assert out == [f"{eng.translate([S1], 'en', 'pt')[0]} {eng.translate([S2], 'en', 'pt')[0]}"]
    assert all(ids.shape[1] <= limit for ids in generate_calls)


@pytest.mark.parametrize(
    "text",
    [" ".join(["newsletter"] * 150), "x" * 400, (S1 + " ") * 6 + "x" * 300],
    ids=["words", "characters", "mixed"],
)
def test_any_long_input_is_split_to_fit(tiny_marian_dir, generate_calls, text):
    out = engine(tiny_marian_dir).translate([text, "Subscribe"], "en", "pt")
    assert len(out) == 2 and out[0]
    assert sum(ids.shape[0] for ids in generate_calls) > 2
    assert all(ids.shape[1] <= 64 for ids in generate_calls)


def test_target_token_is_prepended(tiny_marian_dir, generate_calls):
    por = MarianTokenizer.from_pretrained(str(tiny_marian_dir)).convert_tokens_to_ids(">>por<<")
    engine(tiny_marian_dir).translate(["Thank you for reading."], "en", "pt")
    assert generate_calls[-1][0, 0].item() != por
    engine(tiny_marian_dir, target_tokens={"en-pt": ">>por<<"}).translate(TEXTS, "en", "pt")
    ids = generate_calls[-1]
    assert ids.shape[0] == 5 and (ids[:, 0] == por).all()


def test_model_loaded_once_per_pair_and_reused(tiny_marian_dir, load_calls):
    eng = MarianEngine(
        models={"en-pt": str(tiny_marian_dir), "pt-en": str(tiny_marian_dir)}, beam_size=1, num_threads=1
    )
    for _ in range(3):
        eng.translate(["Thank you for reading."], "en", "pt")
    assert len(load_calls) == 2
    eng.translate(["Obrigado por ler."], "pt", "en")
    assert len(load_calls) == 4


def test_missing_local_dir_is_a_user_error(tmp_path):
    missing = str(tmp_path / "no-such-model")
    eng = MarianEngine(models={"en-pt": missing})
    assert not eng.supports("en", "pt")
    with pytest.raises(UserError) as err:
        eng.translate(["hello"], "en", "pt")
    message = str(err.value)
    assert "\n" not in message and missing in message and "en->pt" in message


def test_corrupt_local_dir_is_a_user_error(tmp_path, tiny_marian_dir):
    broken = tmp_path / "broken"
    shutil.copytree(tiny_marian_dir, broken)
    (broken / "config.json").write_text("{not json", encoding="utf-8")
    eng = MarianEngine(models={"en-pt": str(broken)}, num_threads=1)
    assert eng.supports("en", "pt")
    with pytest.raises(UserError) as err:
        eng.translate(["hello"], "en", "pt")
    assert "\n" not in str(err.value) and "could not be loaded" in str(err.value)


def test_offline_missing_hub_model_is_a_user_error():
    eng = MarianEngine()
    assert not eng.supports("en", "xx")
    with pytest.raises(UserError) as err:
        eng.translate(["hello"], "en", "xx")
    message = str(err.value)
    assert "\n" not in message
    assert "'Helsinki-NLP/opus-mt-en-xx'" in message and "not available offline" in message
    assert "hf download Helsinki-NLP/opus-mt-en-xx" in message
    eng = MarianEngine(models={"en-de": "nobody/fake-marian-en-de"})
    with pytest.raises(UserError, match="not available offline"):
        eng.translate(["hello"], "en", "de")


def test_offline_hub_model_in_cache_is_used(hub_offline, tiny_marian_dir, load_calls):
    snapshot = hub_offline / "models--tiny--opus-mt-en-pt" / "snapshots" / ("0" * 40)
    shutil.copytree(tiny_marian_dir, snapshot)
    (hub_offline / "models--tiny--opus-mt-en-pt" / "refs").mkdir()
    (hub_offline / "models--tiny--opus-mt-en-pt" / "refs" / "main").write_text("0" * 40)
    eng = MarianEngine(model_template="tiny/opus-mt-{src}-{tgt}", beam_size=1, num_threads=1)
    assert eng.supports("en", "pt") and not eng.supports("en", "xx")
    assert eng.translate(["Thank you for reading."], "en", "pt") == engine(tiny_marian_dir).translate(
        ["Thank you for reading."], "en", "pt"
    )
    assert ("MarianMTModel", "tiny/opus-mt-en-pt") in load_calls


def test_supports(tiny_marian_dir, monkeypatch):
    assert engine(tiny_marian_dir).supports("en", "pt")
    assert MarianEngine(model_template=str(tiny_marian_dir.parent / "{src}{tgt}")).supports("en", "pt") is False
    assert MarianEngine(model_template=str(tiny_marian_dir)).supports("fr", "es")
    assert not MarianEngine(model_template=None).supports("en", "pt")
    assert not MarianEngine().supports("en", "xx")  # offline, not cached
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", False)
    assert MarianEngine().supports("en", "xx")  # optimistic only when online


def test_model_id_is_stable(tiny_marian_dir, load_calls):
    eng = engine(tiny_marian_dir)
    assert eng.model_id("en", "pt") == f"marian:{tiny_marian_dir}" == engine(tiny_marian_dir).model_id("en", "pt")
    assert MarianEngine().model_id("en", "de") == "marian:Helsinki-NLP/opus-mt-en-de"
    assert load_calls == []
    with pytest.raises(UserError):
        MarianEngine(model_template=None).model_id("en", "de")
