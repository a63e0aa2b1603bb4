"""Every language a user asks for: it works, pivots, or says why within seconds; the CLI around it."""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import huggingface_hub.constants as hf_constants
import pytest
from corpus import SAMPLE_ISSUE
from corpus import run_cli as run

from pipeline.errors import UserError
from pipeline.lang.detect import language_tag
from pipeline.translation import hub
from pipeline.translation.engines.marian import MarianEngine

pytestmark = pytest.mark.filterwarnings("ignore:.*sacremoses:UserWarning")

ISSUE = "---\ntitle: A small issue\n---\n\n# News of the week\n\nThe first paragraph has a [link](https://example.org/a) and *emphasis*.\n\n- An item in a list.\n"


def cache_model(cache: Path, repo: str, model: Path) -> None:
    """``model`` as the hub model ``repo`` in the cache, as a download leaves it."""
    folder = cache / ("models--" + repo.replace("/", "--"))
    shutil.copytree(model, folder / "snapshots" / ("0" * 40))
    (folder / "refs").mkdir()
    (folder / "refs" / "main").write_text("0" * 40)


def config_file(tmp_path: Path, body: str) -> Path:
    (tmp_path / "configs").mkdir(exist_ok=True)
    path = tmp_path / "configs" / "c.toml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, tag, lang", [("pt-BR", "pt-BR", "pt"), ("pt_br", "pt-BR", "pt"), (" PT ", "pt", "pt"), ("zh-Hant", "zh-Hant", "zh"), ("zh_CN", "zh-CN", "zh"), ("en-US", "en-US", "en")])
def test_language_tags_are_bcp47_in_any_case_or_separator(text, tag, lang):
    assert (language_tag(text).tag, language_tag(text).lang) == (tag, lang)


def test_a_tag_read_before_comes_from_the_cache_without_langcodes(tmp_path):
    import subprocess
    import sys

    read = "import sys; from pipeline.lang.detect import language_tag; print(language_tag('pt_BR'), 'langcodes' in sys.modules)"
    env = {**os.environ, "PIPELINE_CACHE_DIR": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", read], capture_output=True, text=True, check=True, env=env).stdout.strip() for _ in range(2)]
    assert runs == ["LanguageTag(tag='pt-BR', lang='pt') True", "LanguageTag(tag='pt-BR', lang='pt') False"]
    (cached,) = tmp_path.glob("langcodes-*-tags.json")
    cached.write_text('{"pt-BR": ["pt-BR"', encoding="utf-8")  # damaged: read again from langcodes, and rewritten
    assert subprocess.run([sys.executable, "-c", read], capture_output=True, text=True, check=True, env=env).stdout.strip().endswith("True")
    assert json.loads(cached.read_text(encoding="utf-8")) == {"pt-BR": ["pt-BR", "pt"]}
    with pytest.raises(UserError, match="not a language tag"):
        language_tag("xx-Nonsense")


def test_pivot_through_english_with_local_models(tiny_marian_dir, tmp_path, monkeypatch, capsys, hf_cache):
    config = config_file(tmp_path, f'[translate]\nengines = {{ default = "marian" }}\nglossary_dir = ""\n[marian]\nbeam_size = 1\nmodels = {{ "zh-en" = "{tiny_marian_dir}", "en-pt" = "{tiny_marian_dir}" }}\n')
    source = tmp_path / "issue.zh.md"
    source.write_text("# 本周新闻\n\n第一段有一个[链接](https://example.org/a)和一些文字，我们希望读者喜欢这一期的内容。\n", encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "translate", str(source), "--to", "pt-BR", "--from", "zh", "--config", str(config), "--out", str(tmp_path / "out"), "--no-backcheck")
    assert code == 0, err
    out = (tmp_path / "out" / "issue.pt-BR.md").read_text(encoding="utf-8")  # named with the tag the user gave
    assert out.startswith("# ") and "](https://example.org/a)" in out  # structure kept through two models


def test_a_multi_target_model_serves_a_pair_with_its_target_token(tiny_marian_dir, hf_cache):
    cache_model(hf_cache, "Helsinki-NLP/opus-mt-en-ROMANCE", tiny_marian_dir)
    engine = MarianEngine(beam_size=1, num_threads=1)
    assert engine.supports("en", "fr") and engine.model_id("en", "fr") == "marian:Helsinki-NLP/opus-mt-en-ROMANCE"
    assert engine.target_token("en", "fr") == ">>fr<<" and engine.target_token("en", "de") == ""
    assert engine.translate(["Thank you for reading."], "en", "fr")[0]
    assert not engine.supports("en", "de")  # not a Romance language: no model here


def test_an_unreachable_hub_is_one_line_within_seconds(tmp_path, monkeypatch, capsys, hf_cache):
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens there
    source = tmp_path / "issue.en.md"
    source.write_text(ISSUE, encoding="utf-8")
    started = time.perf_counter()
    code, out, err = run(monkeypatch, capsys, "translate", str(source), "--to", "fr", "--out", str(tmp_path / "out"))
    assert time.perf_counter() - started < 10
    assert code == 2 and err.count("\n") == 1 and out == "", err
    assert "Helsinki-NLP/opus-mt-en-fr" in err and "cannot be reached" in err and "pipeline models pull en-fr" in err
    assert not (tmp_path / "out").exists()
    assert not hub.reachable("http://127.0.0.1:9")


def test_models_lists_the_pairs_served_here(tiny_marian_dir, monkeypatch, capsys, hf_cache):
    cache_model(hf_cache, "Helsinki-NLP/opus-mt-zh-en", tiny_marian_dir)
    code, out, err = run(monkeypatch, capsys, "models")
    assert code == 0, err
    rows = {tuple(cell.strip() for cell in line.strip("│ ").split("│")[:3]) for line in out.splitlines() if "│" in line}
    assert {("en", "pt", "embedded"), ("zh", "en", "cached"), ("zh", "pt", "via en")} <= rows
    code, _, err = run(monkeypatch, capsys, "models", "pull", "en-fr")
    assert code == 2 and "HF_HUB_OFFLINE is set" in err


def test_usage_slips_exit_2_with_the_usage_line(monkeypatch, capsys):
    for args in (["translate", "x.md", "--too", "pt"], ["transalte", "x.md", "--to", "pt"], ["translate"]):
        code, _, err = run(monkeypatch, capsys, *args)
        assert code == 2 and "Usage: pipeline" in err and "internal error" not in err, err
    code, out, _ = run(monkeypatch, capsys, "--version")
    assert code == 0 and out.startswith("pipeline (newsletter-pipeline) ")


def test_a_directory_translates_its_sources_only_and_lists_the_rest(tmp_path, monkeypatch, capsys):
    for name, text in (("issue-01.en.md", ISSUE), ("issue-01.fr.md", ISSUE.replace("News", "Nouvelles")), ("issue-02.en.md", ISSUE), ("issue-02.zh.md", "# 新闻\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "translate", str(tmp_path), "--to", "pt", "--engine", "identity", "--no-backcheck")
    assert code == 0, err
    assert "skipped 2 file(s)" in err and "issue-01.fr.md" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["issue-01.en.md", "issue-01.fr.md", "issue-01.pt.md", "issue-02.en.md", "issue-02.pt.md", "issue-02.zh.md"]


def test_an_existing_translation_is_never_replaced_without_overwrite(tmp_path, monkeypatch, capsys):
    (tmp_path / "issue.en.md").write_text(ISSUE, encoding="utf-8")
    human = tmp_path / "issue.pt.md"
    human.write_text("# Notícias da semana\n", encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "translate", str(tmp_path / "issue.en.md"), "--to", "pt", "--engine", "identity", "--no-backcheck")
    assert code == 2 and "already exists" in err and "--overwrite" in err and err.count("\n") == 1
    assert human.read_text(encoding="utf-8") == "# Notícias da semana\n"
    code, _, err = run(monkeypatch, capsys, "translate", str(tmp_path / "issue.en.md"), "--to", "pt", "--engine", "identity", "--no-backcheck", "--overwrite")
    assert code == 0 and "kept it as" in err and list(tmp_path.glob("issue.pt.*.bak"))


def test_every_job_of_a_batch_runs_and_failures_are_tabled(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.en.md").write_text(ISSUE, encoding="utf-8")
    (tmp_path / "b.en.md").write_bytes(b"\xff\xfe\x00bad")
    (tmp_path / "c.en.md").write_text(ISSUE, encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "translate", str(tmp_path / "a.en.md"), str(tmp_path / "b.en.md"), str(tmp_path / "c.en.md"), "--to", "pt", "--engine", "identity", "--no-backcheck", "--out", str(tmp_path / "out"))
    assert code == 2 and "1 of 3 translation(s) failed" in err, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.pt.md", "c.pt.md"]  # nothing for b


def test_the_file_names_language_is_a_hint_for_too_little_text(tmp_path, monkeypatch, capsys):
    source = tmp_path / "front.en.md"
    source.write_text("---\ntitle: Hello\n---\n", encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "translate", str(source), "--to", "pt", "--engine", "identity", "--no-backcheck", "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert (tmp_path / "out" / "front.pt.md").exists()


def test_sentences_written_without_a_space_get_one_in_a_spaced_translation():
    from pipeline.document.export import render
    from pipeline.document.segment import segment

    document = segment("第一句话在这里。第二句话在这里。\n", src_lang="zh")
    assert len(document.segments) == 2
    for seg, target in zip(document.segments, ("The first sentence is here.", "The second is here.")):
        seg.target = target
    assert render(document) == "The first sentence is here. The second is here.\n"
    for seg in document.segments:
        seg.target = seg.source  # untranslated: byte for byte
    assert render(document) == "第一句话在这里。第二句话在这里。\n"


def test_an_explicit_source_language_wins_with_a_warning_when_the_text_reads_otherwise(tmp_path, monkeypatch, capsys):
    source = tmp_path / "issue.md"
    source.write_text("# 本周新闻\n\n第一段有一个链接和一些文字，我们希望读者喜欢这一期的内容，也欢迎大家把它分享给朋友们。\n", encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "translate", str(source), "--from", "en", "--to", "pt", "--engine", "identity", "--out", str(tmp_path / "out"))
    assert code == 0 and "warning: " in err and "reads as zh, not en: translated from en as --from says" in err
    assert (tmp_path / "out" / "issue.pt.md").exists()
    short = tmp_path / "short.md"
    short.write_text("Els tres gats\n", encoding="utf-8")  # three words that read as Catalan
    code, _, err = run(monkeypatch, capsys, "translate", str(short), "--from", "en", "--to", "pt", "--engine", "identity", "--out", str(tmp_path / "out"))
    assert code == 0 and (tmp_path / "out" / "short.pt.md").read_text(encoding="utf-8") == "Els tres gats\n"


def test_cached_language_profiles_detect_exactly_as_langdetect(tmp_path, monkeypatch):
    import json

    import numpy as np
    from langdetect import DetectorFactory, LangDetectException, detect_langs, detector_factory

    from pipeline.lang import detect as language

    DetectorFactory.seed = 0
    detector_factory.init_factory()
    theirs = detector_factory._factory
    (tmp_path / "not-a-directory").write_text("")
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path / "not-a-directory"))  # cannot be written: still works
    language._profiles.cache_clear()
    assert language._profiles().langlist == theirs.langlist
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path / "cache"))
    language._profiles.cache_clear()
    language._profiles()  # read from langdetect's files, then written to the cache
    assert list((tmp_path / "cache").glob("langdetect-*-profiles.npz"))
    [cached_file] = (tmp_path / "cache").glob("langdetect-*-profiles.npz")
    good = cached_file.read_bytes()
    cached_file.write_bytes(good[: len(good) // 2])  # a damaged cache is read from langdetect's files and written again
    language._profiles.cache_clear()
    assert language._profiles().langlist == theirs.langlist
    with np.load(cached_file) as rewritten:
        assert json.loads(str(rewritten["langlist"])) == theirs.langlist
    language._profiles.cache_clear()
    monkeypatch.setattr(language, "_read_profiles", lambda: pytest.fail("the cache was not used"))
    cached = language._profiles()
    assert cached.langlist == theirs.langlist and len(cached.word_lang_prob_map) == sum(1 for g in theirs.word_lang_prob_map if len(g) <= 3)
    for gram in ("a", "th", "ção", "的", "the", "zz"):
        assert (gram in cached.word_lang_prob_map) == (gram in theirs.word_lang_prob_map)
        if gram in theirs.word_lang_prob_map:
            assert cached.word_lang_prob_map[gram] == theirs.word_lang_prob_map[gram]
    texts = [
        "Os autores afirmam que o método funciona bem.", "The authors claim the method works well.", "Les auteurs affirment que la méthode fonctionne.",
        "Los autores afirman que el método funciona bien.", "Авторы утверждают, что метод работает хорошо.", "作者声称该方法效果很好。BERT 模型",
        "O modelo BERT large foi treinado com TPUs no Google Cloud.", "NLP Newsletter #3 [PT-BR]: Flax, Thinc, modelos de linguagem",
        "Việt Nam có nhiều ngôn ngữ.", "ein kurzer deutscher Satz über Sprachmodelle", "Visit https://example.org or mail me@example.org now",
        *[p for p in SAMPLE_ISSUE.read_text(encoding="utf-8").split("\n\n") if language.count_letters(p) >= 3],
    ]

    def guesses(detect, text):
        try:
            return [(g.lang, g.prob) for g in detect(text)]
        except LangDetectException:
            return "no features"

    for text in texts:
        assert guesses(language._detect_langs, text) == guesses(detect_langs, text), text
    language._profiles.cache_clear()
