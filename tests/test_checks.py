"""Every integrity check with a passing and a failing case, on segments built like the pipeline builds them."""
from __future__ import annotations

import re
import string
from collections import Counter
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import Thresholds
from pipeline.document import verify
from pipeline.document.record import Segment, Span, SpanKind
from pipeline.document.segment import segment
from pipeline.quality.checks import CHECKS, Context, run_checks
from pipeline.quality.checks import form as checks
from pipeline.quality.checks.form import judge_language
from pipeline.terms.protect import mask, protect

CONTEXT = Context("en", "pt", Thresholds(min_chrf=30, length_ratio=(0.5, 2.0), min_words=3))


def translated(source: str, target: str, terms: dict[str, str] | None = None, scores: dict[str, float] | None = None):
    """The one segment of ``source`` (parsed as Markdown, glossary terms pinned), with ``target`` as its translation."""
    document = segment(source + "\n", src_lang="en")
    (seg,) = document.segments
    for term, pinned in (terms or {}).items():
        at = seg.source.index(term)
        seg.spans.append(Span(at, at + len(term), SpanKind.TERM, term, target=pinned))
    protect(document)
    seg.target, seg.scores = target, scores or {}
    return seg


def found(check: str, source: str, target: str, **kwargs) -> list[str]:
    return [f.message for f in run_checks(translated(source, target, **kwargs), CONTEXT) if f.check == check]


GOOD = "Read the [full article](https://example.org/a) on our blog, published in 2019."
GOOD_PT = "Leia o [artigo completo](https://example.org/a) no nosso blogue, publicado em 2019."


def test_a_faithful_translation_passes_every_check():
    assert run_checks(translated(GOOD, GOOD_PT, scores={"chrf": 70.0}), CONTEXT) == []


def test_every_check_is_registered_with_a_severity_and_description():
    assert set(CHECKS) >= {"empty", "markup", "extra-markup", "urls", "numbers", "glossary", "untranslated", "length", "truncated", "repetition", "sentences", "language", "backtranslation"}
    assert all(c.severity in ("error", "warning") and c.description for c in CHECKS.values())


@pytest.mark.parametrize(
    ("check", "source", "good", "bad"),
    [
        ("empty", GOOD, GOOD_PT, "  "),
        ("markup", GOOD, GOOD_PT, "Leia o [artigo completo] (https://example.org/a) no nosso blogue, publicado em 2019."),
        ("markup", GOOD, GOOD_PT, "Leia o [artigo completo]https://example.org/a) no nosso blogue, publicado em 2019."),
        ("markup", "Run `pip install x` to start the tool today.", "Execute `pip install x` para iniciar a ferramenta hoje.", "Execute pip install x para iniciar a ferramenta hoje."),
        ("extra-markup", GOOD, GOOD_PT, "Leia o [artigo completo](https://example.org/a) no nosso [blogue](https://b.org), publicado em 2019."),
        ("extra-markup", "This is **very** important for the whole team.", "Isto é **muito** importante para toda a equipa.", "Isto é muito importante para toda a equipa."),
        ("urls", "See https://example.org/x for all the details today.", "Veja https://example.org/x para todos os detalhes hoje.", "Veja o site para todos os detalhes hoje."),
        ("wrong-number", GOOD, GOOD_PT, GOOD_PT.replace("2019", "2018")),
        ("numbers", GOOD, GOOD_PT, GOOD_PT.replace(", publicado em 2019", "")),
        ("wrong-number", "It has 1,000 users and 3.5 stars on average.", "Tem 1.000 utilizadores e 3,5 estrelas em média.", "Tem 100 utilizadores e 3,5 estrelas em média."),
        ("untranslated", "This is brilliant work by the team.", "Este é um trabalho brilhante da equipa.", "This is brilliant work by the team."),
        ("length", GOOD, GOOD_PT, "Leia [isto](https://example.org/a), 2019."),
        ("truncated", GOOD, GOOD_PT, "Leia o [artigo completo](https://example.org/a) no nosso blogue, publicado em 2019 e"),
        ("repetition", GOOD, GOOD_PT, GOOD_PT[:-1] + " blogue blogue blogue blogue."),
        ("repetition", "Hello, this is the newsletter.", "你好，这是新闻简报。", "你好，这是新闻简报新闻简报新闻简报新闻简报。"),
        ("language", GOOD, GOOD_PT, "Lisez l'[article complet](https://example.org/a) sur notre blog, publié en 2019 par notre équipe."),
    ],
)
def test_check_passes_the_good_translation_and_flags_the_bad_one(check, source, good, bad):
    assert found(check, source, good) == []
    assert found(check, source, bad), f"{check} missed: {bad!r}"


def test_sentence_count_of_a_whole_block():
    """Gate alignment can pair whole paragraphs: a dropped sentence shows in the count."""
    source = "The model is small. It runs on a laptop. Try it today."
    block = Segment(0, "paragraph[1]", 0, len(source), source)
    mask(block)
    block.target = "O modelo é pequeno. Corre num portátil. Experimente hoje."
    assert [f for f in run_checks(block, CONTEXT) if f.check == "sentences"] == []
    block.target = "O modelo é pequeno. Experimente hoje."
    assert [f.message for f in run_checks(block, CONTEXT) if f.check == "sentences"] == ["the translation has 2 sentence(s), the source 3"]


def test_glossary_check_wants_the_pinned_form_and_names_stay_names():
    source = "Hugging Face released a new library this week."
    terms = {"Hugging Face": "Hugging Face", "library": "biblioteca"}
    assert found("glossary", source, "A Hugging Face lançou uma nova biblioteca esta semana.", terms=terms) == []
    assert found("glossary", source, "A Hugging Face lançou uma nova livraria esta semana.", terms=terms)
    assert found("names", source, "O Abraçando Face lançou uma nova biblioteca esta semana.", terms=terms)  # a name: the names check's


def test_backtranslation_check_uses_the_threshold():
    assert found("backtranslation", GOOD, GOOD_PT, scores={"chrf": 30.5}) == []
    assert found("backtranslation", GOOD, GOOD_PT, scores={"chrf": 12.0}) == ["back-translation chrF 12.0 is below 30"]


def test_short_segments_are_not_judged_by_langdetect():
    assert judge_language("Notícias", "pt") is None  # too short to tell: no flag, no guess
    assert judge_language("Tools", "zh") is None  # a name or two in Latin letters is normal in zh
    assert judge_language("工具和数据集", "zh") == "zh"
    assert judge_language("Инструменты", "zh") == "ru"  # script decides for short texts
    assert judge_language("Este é um texto em português sobre modelos de linguagem.", "pt") == "pt"
    assert judge_language("This is an English sentence about language models and data.", "pt") == "en"


def test_close_relatives_are_not_called_wrong():
    assert judge_language("Este es un texto corto.", "pt") in (None, "pt")


def test_severity_can_be_overridden():
    seg = translated(GOOD, GOOD_PT.replace(", publicado em 2019", ""))
    assert {f.check: f.severity for f in run_checks(seg, CONTEXT)}["numbers"] == "warning"
    assert {f.check: f.severity for f in run_checks(seg, CONTEXT, {"numbers": "error"})}["numbers"] == "error"


@given(st.text(alphabet=st.sampled_from(list(string.printable) + ["é", "ç", "ã", "中", "\u00a0", "…"]), max_size=80))
@settings(max_examples=300, deadline=None)
def test_sentences_the_markup_scan_skips_have_no_markup(text):
    """inline_markup() parses only texts that may hold markup, verification only those too or not plain one-line
    prose: Markdown finds nothing in the others."""
    if checks.MAY_HAVE_MARKUP.search(text):
        return
    with mock.patch.object(checks, "MAY_HAVE_MARKUP", re.compile("")):
        assert checks.inline_markup.__wrapped__(text) == Counter()
    if verify._ONE_LINE_FROM_A_LETTER.fullmatch(text):
        with mock.patch.object(verify, "MAY_HAVE_MARKUP", re.compile("")):
            assert verify.shape(text) == Counter()
