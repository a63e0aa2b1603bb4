"""The marian and ctranslate2 engines against a tiny random-weight MarianMT model built offline.

Every test runs on both engines (see conftest.tiny_marian_dir; ctranslate2 converts it on first use).
"""
from __future__ import annotations

import json
import shutil

import ctranslate2
import pytest
from huggingface_hub import constants as hf_constants
from transformers import MarianMTModel, MarianTokenizer

from pipeline.errors import UserError
from pipeline.translation import hub
from pipeline.translation.engines.base import Engine
from pipeline.translation.engines.ctranslate2 import CTranslate2Engine
from pipeline.translation.engines.marian import MarianEngine

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
def hub_offline(hf_cache):
    """Every test here offline, with an empty Hugging Face cache."""
    return hf_cache


@pytest.fixture(scope="session")
def tiny_converted(tiny_marian_dir):
    """The tiny model converted for ctranslate2 (int8, the CPU default) once, so tests count only loads."""
    CTranslate2Engine(models={"en-pt": str(tiny_marian_dir)}, beam_size=1, num_threads=1).translate(["Subscribe"], "en", "pt")


@pytest.fixture(params=[MarianEngine, CTranslate2Engine], ids=["marian", "ctranslate2"])
def cls(request):
    """The engine class under test."""
    if request.param is CTranslate2Engine:
        request.getfixturevalue("tiny_converted")
    return request.param


@pytest.fixture
def generate_calls(cls, tiny_marian_dir, monkeypatch):
    """The token-id rows of every batch the engine hands its model (padded to one width for marian)."""
    calls = []
    if cls is MarianEngine:
        original = MarianMTModel.generate

        def spy(self, *args, **kwargs):
            calls.append(kwargs["input_ids"].tolist())
            return original(self, *args, **kwargs)

        monkeypatch.setattr(MarianMTModel, "generate", spy)
    else:
        vocab = json.loads((tiny_marian_dir / "vocab.json").read_text(encoding="utf-8"))
        original = ctranslate2.Translator.translate_batch

        def spy(self, source, *args, **kwargs):
            calls.append([[vocab[token] for token in row] for row in source])
            return original(self, source, *args, **kwargs)

        monkeypatch.setattr(ctranslate2.Translator, "translate_batch", spy)
    return calls


def width(rows: list[list[int]]) -> int:
    return max(map(len, rows))


@pytest.fixture
def load_calls(cls, monkeypatch):
    """Records each load of a tokenizer and a model (transformers from_pretrained, ctranslate2 Translator)."""
    calls = []
    for loader in (MarianTokenizer, MarianMTModel):
        original = loader.from_pretrained

        def counting(spec, *args, _original=original, _name=loader.__name__, **kwargs):
            calls.append((_name, str(spec)))
            return _original(spec, *args, **kwargs)

        monkeypatch.setattr(loader, "from_pretrained", counting)
    translator = ctranslate2.Translator

    def counting_translator(path, *args, **kwargs):
        calls.append(("Translator", str(path)))
        return translator(path, *args, **kwargs)

    monkeypatch.setattr(ctranslate2, "Translator", counting_translator)
    return calls


def engine(cls, model_dir, **kwargs) -> MarianEngine:
    kwargs.setdefault("beam_size", 1)
    kwargs.setdefault("num_threads", 1)  # a tiny model on a shared CI box: more threads only contend
    return cls(models={"en-pt": str(model_dir)}, **kwargs)


def test_is_an_engine(cls, tiny_marian_dir):
    assert isinstance(engine(cls, tiny_marian_dir), Engine)
    assert cls.name in ("marian", "ctranslate2")


def test_loads_local_dir_and_generates(cls, tiny_marian_dir, load_calls):
    out = engine(cls, tiny_marian_dir).translate(["The newsletter is published every week."], "en", "pt")
    assert len(out) == 1 and isinstance(out[0], str) and out[0].strip()
    model = "MarianMTModel" if cls is MarianEngine else "Translator"
    assert sorted(name for name, _ in load_calls) == sorted([model, "MarianTokenizer"])
    assert all(spec.startswith(str(tiny_marian_dir)) for _, spec in load_calls)


def test_one_output_per_input_in_order(cls, tiny_marian_dir):
    eng = engine(cls, tiny_marian_dir)
    out = eng.translate(TEXTS, "en", "pt")
    assert len(out) == len(TEXTS)
    assert out[2] == "" and out[5] == ""
    assert out[0] == out[4]
    assert len({out[0], out[1], out[3], out[6]}) > 1  # the random model does depend on its input
    assert out == [eng.translate([t], "en", "pt")[0] for t in TEXTS]  # batched == one at a time


def test_deterministic_and_independent_of_batching(cls, tiny_marian_dir, generate_calls):
    one_batch = engine(cls, tiny_marian_dir, batch_tokens=100_000)
    first = one_batch.translate(TEXTS, "en", "pt")
    assert one_batch.translate(TEXTS, "en", "pt") == first
    assert len(generate_calls) == 2
    generate_calls.clear()
    many = engine(cls, tiny_marian_dir, batch_tokens=1).translate(TEXTS, "en", "pt")
    assert many == first
    assert len(generate_calls) == 5  # non-empty inputs, one per batch
    for beams in (2, 4):  # 4: ctranslate2 has to decode some rows again to stay independent of the batch
        assert engine(cls, tiny_marian_dir, beam_size=beams).translate(TEXTS, "en", "pt") == engine(
            cls, tiny_marian_dir, beam_size=beams, batch_tokens=1
        ).translate(TEXTS, "en", "pt")


def test_batches_respect_token_budget_and_size(cls, tiny_marian_dir, generate_calls):
    texts = [f"{t} {i}" for i, t in enumerate(TEXTS * 3) if t.strip()]
    out = engine(cls, tiny_marian_dir, batch_tokens=40, max_batch_size=3).translate(texts, "en", "pt")
    assert len(out) == len(texts)
    assert sum(len(rows) for rows in generate_calls) == len(texts)
    for rows in generate_calls:
        assert len(rows) <= 3 and len(rows) * width(rows) <= 40
    widths = [width(rows) for rows in generate_calls]
    assert widths == sorted(widths, reverse=True)  # sorted by length, longest first


def test_empty_inputs_need_no_model(cls, tiny_marian_dir, load_calls):
    eng = engine(cls, tiny_marian_dir)
    assert eng.translate([], "en", "pt") == []
    assert eng.translate(["", "  \n"], "en", "pt") == ["", ""]
    assert load_calls == []


def test_long_input_is_split_at_sentences_and_joined(cls, tiny_marian_dir, generate_calls):
    tok = MarianTokenizer.from_pretrained(str(tiny_marian_dir))
    limit = 64
    assert len(tok.tokenize(S1)) < limit and len(tok.tokenize(S2)) < limit
    assert len(tok(f"{S1} {S2}").input_ids) > limit
    eng = engine(cls, tiny_marian_dir)
    out = eng.translate([f"{S1} {S2}"], "en", "pt")
    assert out == [f"{eng.translate([S1], 'en', 'pt')[0]} {eng.translate([S2], 'en', 'pt')[0]}"]
    assert all(width(rows) <= limit for rows in generate_calls)


@pytest.mark.parametrize(
    "text",
    [" ".join(["newsletter"] * 150), "x" * 400, (S1 + " ") * 6 + "x" * 300],
    ids=["words", "characters", "mixed"],
)
def test_any_long_input_is_split_to_fit(cls, tiny_marian_dir, generate_calls, text):
    out = engine(cls, tiny_marian_dir).translate([text, "Subscribe"], "en", "pt")
    assert len(out) == 2 and out[0]
    assert sum(len(rows) for rows in generate_calls) > 2
    assert all(width(rows) <= 64 for rows in generate_calls)


def test_target_token_is_prepended(cls, tiny_marian_dir, generate_calls):
    por = MarianTokenizer.from_pretrained(str(tiny_marian_dir)).convert_tokens_to_ids(">>por<<")
    engine(cls, tiny_marian_dir).translate(["Thank you for reading."], "en", "pt")
    assert generate_calls[-1][0][0] != por
    engine(cls, tiny_marian_dir, target_tokens={"en-pt": ">>por<<"}).translate(TEXTS, "en", "pt")
    rows = generate_calls[-1]
    assert len(rows) == 5 and all(row[0] == por for row in rows)


def test_model_loaded_once_per_pair_and_reused(cls, tiny_marian_dir, load_calls):
    eng = cls(
        models={"en-pt": str(tiny_marian_dir), "pt-en": str(tiny_marian_dir)}, beam_size=1, num_threads=1
    )
    for _ in range(3):
        eng.translate(["Thank you for reading."], "en", "pt")
    assert len(load_calls) == 2
    eng.translate(["Obrigado por ler."], "pt", "en")
    assert len(load_calls) == 4


def test_missing_local_dir_is_a_user_error(cls, tmp_path):
    missing = str(tmp_path / "no-such-model")
    eng = cls(models={"en-pt": missing})
    assert not eng.supports("en", "pt")
    with pytest.raises(UserError) as err:
        eng.translate(["hello"], "en", "pt")
    message = str(err.value)
    assert "\n" not in message and missing in message and "en->pt" in message


def test_corrupt_local_dir_is_a_user_error(cls, tmp_path, tiny_marian_dir):
    broken = tmp_path / "broken"
    shutil.copytree(tiny_marian_dir, broken)
    (broken / "config.json").write_text("{not json", encoding="utf-8")
    eng = cls(models={"en-pt": str(broken)}, num_threads=1)
    assert eng.supports("en", "pt")
    with pytest.raises(UserError) as err:
        eng.translate(["hello"], "en", "pt")
    assert "\n" not in str(err.value) and "could not be loaded" in str(err.value)


def test_offline_missing_hub_model_is_a_user_error(cls):
    eng = cls()
    assert not eng.supports("en", "xx")
    with pytest.raises(UserError) as err:
        eng.translate(["hello"], "en", "xx")
    message = str(err.value)
    assert "\n" not in message
    assert "'Helsinki-NLP/opus-mt-en-xx'" in message and "is not here and HF_HUB_OFFLINE is set" in message
    assert "pipeline models pull en-xx" in message
    eng = cls(models={"en-de": "nobody/fake-marian-en-de"})
    with pytest.raises(UserError, match="is not here"):
        eng.translate(["hello"], "en", "de")


def test_offline_hub_model_in_cache_is_used(cls, hub_offline, tiny_marian_dir, load_calls):
    snapshot = hub_offline / "models--tiny--opus-mt-en-pt" / "snapshots" / ("0" * 40)
    shutil.copytree(tiny_marian_dir, snapshot)
    (hub_offline / "models--tiny--opus-mt-en-pt" / "refs").mkdir()
    (hub_offline / "models--tiny--opus-mt-en-pt" / "refs" / "main").write_text("0" * 40)
    eng = cls(model_template="tiny/opus-mt-{src}-{tgt}", beam_size=1, num_threads=1)
    assert eng.supports("en", "pt") and not eng.supports("en", "xx")
    assert eng.translate(["Thank you for reading."], "en", "pt") == engine(cls, tiny_marian_dir).translate(
        ["Thank you for reading."], "en", "pt"
    )
    assert ("MarianMTModel", "tiny/opus-mt-en-pt") in load_calls


def test_supports(cls, tiny_marian_dir, monkeypatch):
    assert engine(cls, tiny_marian_dir).supports("en", "pt")
    assert cls(model_template=str(tiny_marian_dir.parent / "{src}{tgt}")).supports("en", "pt") is False
    assert cls(model_template=str(tiny_marian_dir)).supports("fr", "es")
    assert not cls(model_template=None).supports("en", "pt")
    assert not cls().supports("en", "xx")  # offline, not cached
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(hub, "on_hub", lambda repo: repo == "Helsinki-NLP/opus-mt-en-xx")  # what the hub says it has
    assert cls().supports("en", "xx") and not cls().supports("en", "yy")


def test_model_id_is_stable(cls, tiny_marian_dir, load_calls):
    eng = engine(cls, tiny_marian_dir)
    assert eng.model_id("en", "pt") == f"{cls.name}:{tiny_marian_dir}" == engine(cls, tiny_marian_dir).model_id("en", "pt")
    assert cls().model_id("en", "de") == f"{cls.name}:Helsinki-NLP/opus-mt-en-de"
    assert load_calls == []
    with pytest.raises(UserError):
        cls(model_template=None).model_id("en", "de")


# ctranslate2 only: agreement with marian, the conversion cache, devices and compute types.


def fresh_copy(tiny_marian_dir, tmp_path):
    """The tiny model without the conversions other tests cached in it."""
    return shutil.copytree(tiny_marian_dir, tmp_path / "model", ignore=shutil.ignore_patterns("ctranslate2-*"))


@pytest.fixture
def conversions(monkeypatch):
    """The output directory of every TransformersConverter.convert call."""
    from ctranslate2.converters import TransformersConverter

    calls = []
    original = TransformersConverter.convert

    def spy(self, output_dir, *args, **kwargs):
        calls.append((output_dir, kwargs.get("quantization")))
        return original(self, output_dir, *args, **kwargs)

    monkeypatch.setattr(TransformersConverter, "convert", spy)
    return calls


def test_ctranslate2_greedy_output_agrees_with_marian(tiny_marian_dir):
    from marian_builder import TINY_CORPUS

    lines = [line for line in TINY_CORPUS.splitlines() if line]
    texts = lines + [f"{a} {b.lower()}" for a, b in zip(lines, lines[1:])] + [S1, S2, f"{S1} {S2}"]
    marian = engine(MarianEngine, tiny_marian_dir).translate(texts, "en", "pt")
    ct2 = engine(CTranslate2Engine, tiny_marian_dir, compute_type="float32").translate(texts, "en", "pt")
    same = sum(a == b for a, b in zip(marian, ct2)) / len(texts)
    assert same >= 0.95, f"only {same:.0%} of {len(texts)} greedy outputs are identical"


def test_conversion_is_cached_next_to_a_local_model(tiny_marian_dir, tmp_path, conversions):
    model = fresh_copy(tiny_marian_dir, tmp_path)
    first = engine(CTranslate2Engine, model).translate(TEXTS, "en", "pt")
    [(output, quantization)] = conversions
    [converted] = model.glob(f"ctranslate2-{ctranslate2.__version__}-int8-*")
    assert quantization == "int8" and (converted / "model.bin").is_file()
    assert not [p for p in model.iterdir() if p.name.startswith(".")]  # the work directory was renamed into place
    assert engine(CTranslate2Engine, model).translate(TEXTS, "en", "pt") == first
    assert len(conversions) == 1  # a new engine (process) reuses the conversion
    engine(CTranslate2Engine, model, compute_type="float32").translate(TEXTS, "en", "pt")
    assert conversions[-1][1] == "float32" and len(list(model.glob("ctranslate2-*"))) == 2
    (model / "generation_config.json").write_text((model / "generation_config.json").read_text() + "\n")
    engine(CTranslate2Engine, model).translate(TEXTS, "en", "pt")  # the model changed: converted again
    assert len(conversions) == 3 and len(list(model.glob("ctranslate2-*-int8-*"))) == 2


def test_conversion_goes_to_cache_dir_when_set(tiny_marian_dir, tmp_path, conversions):
    model = fresh_copy(tiny_marian_dir, tmp_path)
    engine(CTranslate2Engine, model, cache_dir=str(tmp_path / "cache")).translate(["Subscribe"], "en", "pt")
    assert list((tmp_path / "cache").glob("model-*/ctranslate2-*/model.bin"))
    assert not list(model.glob("ctranslate2-*"))
    (tmp_path / "file").write_text("x")
    with pytest.raises(UserError, match="cache_dir") as err:
        engine(CTranslate2Engine, model, cache_dir=str(tmp_path / "file")).translate(["Subscribe"], "en", "pt")
    assert "\n" not in str(err.value)


def test_hub_model_conversion_goes_beside_the_hf_cache(hub_offline, tiny_marian_dir):
    snapshot = hub_offline / "models--tiny--opus-mt-en-pt" / "snapshots" / ("0" * 40)
    shutil.copytree(tiny_marian_dir, snapshot, ignore=shutil.ignore_patterns("ctranslate2-*"))
    (hub_offline / "models--tiny--opus-mt-en-pt" / "refs").mkdir()
    (hub_offline / "models--tiny--opus-mt-en-pt" / "refs" / "main").write_text("0" * 40)
    CTranslate2Engine(models={"en-pt": "tiny/opus-mt-en-pt"}, beam_size=1, num_threads=1).translate(["Subscribe"], "en", "pt")
    converted = hub_offline.parent / "ctranslate2" / "models--tiny--opus-mt-en-pt" / ("0" * 40)
    assert [p.name for p in converted.iterdir()] == [f"ctranslate2-{ctranslate2.__version__}-int8"]
    assert not list(snapshot.glob("ctranslate2-*"))


def test_corrupt_conversion_is_a_user_error(tiny_marian_dir, tmp_path):
    model = fresh_copy(tiny_marian_dir, tmp_path)
    engine(CTranslate2Engine, model).translate(["Subscribe"], "en", "pt")
    [converted] = model.glob("ctranslate2-*")
    (converted / "model.bin").write_bytes(b"not a model")
    with pytest.raises(UserError, match="delete that directory") as err:
        engine(CTranslate2Engine, model).translate(["Subscribe"], "en", "pt")
    assert "\n" not in str(err.value) and str(converted) in str(err.value)


def test_cuda_is_float16_and_missing_devices_or_types_are_user_errors(tiny_marian_dir, tmp_path, monkeypatch, conversions):
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)
    with pytest.raises(UserError, match="device 'cuda' is not available"):
        engine(CTranslate2Engine, tiny_marian_dir, device="cuda").translate(["Subscribe"], "en", "pt")
    with pytest.raises(UserError, match="compute_type 'bfloat16' is not supported on cpu"):
        engine(CTranslate2Engine, tiny_marian_dir, compute_type="bfloat16").translate(["Subscribe"], "en", "pt")
    opened = []
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 1)
    monkeypatch.setattr(ctranslate2, "get_supported_compute_types", lambda device: {"float16", "int8_float16", "float32"})
    monkeypatch.setattr(ctranslate2, "Translator", lambda path, **kwargs: opened.append((path, kwargs)))
    engine(CTranslate2Engine, fresh_copy(tiny_marian_dir, tmp_path))._load("en", "pt")  # no GPU here: the model is not run
    assert conversions[-1][1] == "float16" and "-float16-" in opened[0][0]
    assert opened[0][1]["device"] == "cuda" and opened[0][1]["compute_type"] == "float16"


def test_missing_ctranslate2_package_is_a_user_error(tiny_marian_dir, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "ctranslate2", None)
    with pytest.raises(UserError, match=r"pip install 'newsletter-pipeline\[ctranslate2\]'"):
        engine(CTranslate2Engine, tiny_marian_dir).translate(["Subscribe"], "en", "pt")


def test_engines_use_the_cores_this_process_may_run_on():
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert MarianEngine().num_threads == CTranslate2Engine().num_threads == cores
    assert CTranslate2Engine(num_threads=1).num_threads == 1


def test_config_selects_ctranslate2_with_the_marian_models(tmp_path):
    from pipeline.config import load_config
    from pipeline.translation.engines import create_engine

    path = tmp_path / "configs" / "ct2.toml"
    path.parent.mkdir()
    path.write_text(
        '[marian]\nmodels = { "en-pt" = "models/en-pt" }\ntarget_tokens = { "en-pt" = ">>por<<" }\n'
        '[ctranslate2]\ncompute_type = "float32"\nbeam_size = 2\nthreads = 1\ncache_dir = "ct2"\n',
        encoding="utf-8",
    )
    eng = create_engine("ctranslate2", load_config(path))
    assert isinstance(eng, CTranslate2Engine)
    assert eng.models == {"en-pt": "models/en-pt"} and eng.target_tokens == {"en-pt": ">>por<<"}
    assert (eng.compute_type, eng.beam_size, eng.num_threads, eng.cache_dir) == ("float32", 2, 1, str(tmp_path / "ct2"))
    path.write_text('[ctranslate2]\ncompute_type = "int4"\n', encoding="utf-8")
    with pytest.raises(UserError, match="ctranslate2.compute_type"):
        load_config(path)


def test_a_multi_file_run_loads_each_model_once(cls, tiny_marian_dir, tmp_path, load_calls):
    from pipeline.cli import app

    (tmp_path / "configs").mkdir()
    config = tmp_path / "configs" / "tiny.toml"
    config.write_text(
        f'[translate]\nglossary_dir = ""\n[marian]\nmodels = {{ "en-pt" = "{tiny_marian_dir}" }}\nbeam_size = 1\n'
        "[ctranslate2]\nbeam_size = 1\nthreads = 1\n",
        encoding="utf-8",
    )
    issues = tmp_path / "issues"
    issues.mkdir()
    for name in ("one", "two", "three"):
        (issues / f"{name}.en.md").write_text(f"# Issue {name}\n\nThe newsletter is published every week.\n", encoding="utf-8")
    app(["translate", str(issues), "--to", "pt", "--from", "en", "--engine", cls.name, "--config", str(config),
         "--out", str(tmp_path / "out"), "--no-backcheck"], standalone_mode=False)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["one.pt.md", "three.pt.md", "two.pt.md"]
    assert len(load_calls) == 2  # one tokenizer and one model for the three files
