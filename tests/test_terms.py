"""Glossary terms translated in context first, imposed only where the output lacks them (pipeline/terms.py)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.document.record import Span, SpanKind
from pipeline.document.segment import segment
from pipeline.terms.glossary import Glossary
from pipeline.terms.impose import agree, disagreements, missing
from pipeline.terms.protect import protect
from pipeline.translation.route import Engines, translate

WORDS = {  # a word-for-word "engine": what it does not know it leaves as it is
    "the": "o", "neural": "neural", "networks": "redes", "are": "são", "fast": "rápidas", "this": "esta",
    "issue": "questão", "covers": "cobre", "read": "leia", "paper": "artigo", "a": "um", "we": "nós", "use": "usamos",
    "library": "biblioteca",
}


class WordForWord:
    """Translates en -> pt word by word (placeholders kept); records every batch it is given."""

    name = "words"

    def __init__(self, phrases: dict[str, str] | None = None):
        self.calls: list[list[str]] = []
        self.phrases = phrases or {}

    def supports(self, src, tgt):
        return (src, tgt) == ("en", "pt")

    def model_id(self, src, tgt):
        return "words:en-pt"

    def translate(self, texts, src, tgt):
        self.calls.append(list(texts))
        out = []
        for text in texts:
            for phrase, translation in self.phrases.items():
                text = text.replace(phrase, translation)
            out.append(re.sub(r"[^\W\d_]+", lambda m: WORDS.get(m[0].lower(), m[0]) if not re.fullmatch(r"Xq\d+|ZZ[AB]\d+", m[0]) else m[0], text))
        return out


@pytest.fixture
def glossary(tmp_path: Path) -> Glossary:
    (tmp_path / "en-pt.tsv").write_text("neural networks\tredes neurais\tgender: f; number: plural\nissue\tedição\tgender: f\npaper\tartigo\n", encoding="utf-8")
    (tmp_path / "keep.txt").write_text("PyTorch\n", encoding="utf-8")
    return Glossary.load(tmp_path, "en", "pt")


def run(text: str, glossary: Glossary, engine: WordForWord, passes=("free", "placeholder")):
    engines = Engines(load_config())
    engines._instances["words"] = engine
    engines.override = "words"
    document = segment(text, name="t.en.md", src_lang="en")
    protect(document, glossary)
    used = translate(document, "pt", engines, passes)
    return document, used


def test_a_term_the_engine_translates_as_pinned_is_left_to_it(glossary):
    engine = WordForWord(phrases={"neural networks": "redes neurais"})
    document, used = run("The neural networks are fast. Read the paper.\n", glossary, engine)
    assert len(engine.calls) == 1 and engine.calls[0] == ["The neural networks are fast.", "Read the paper."]  # as text, not placeholders
    assert [s.target for s in document.segments] == ["As redes neurais são rápidas.", "Leia o artigo."]  # "o": the glossary says f, plural
    assert used == {"free": 2}


def test_a_term_the_engine_gets_wrong_is_imposed_and_the_determiner_agrees(glossary):
    engine = WordForWord()
    document, used = run("The neural networks are fast. This issue covers PyTorch.\n", glossary, engine)
    first, second = document.segments
    assert engine.calls[1] == ["The Xq1 are fast.", "This Xq1 covers Xq2."]  # only the lacking terms; names always
    assert first.target == "As redes neurais são rápidas."  # "o Xq1": made to agree with "redes neurais" (f, plural)
    assert second.target == "Esta edição cobre PyTorch."
    assert used == {"placeholder": 2} and not missing(first) and not missing(second)


def test_inline_writes_the_pinned_form_in_the_source(glossary):
    engine = WordForWord()
    document, used = run("This issue covers PyTorch.\n", glossary, engine, passes=("free", "inline"))
    assert engine.calls[1] == ["This edição covers Xq1."]
    assert document.segments[0].target == "Esta edição cobre PyTorch." and used == {"inline": 1}


def test_imposed_from_the_start_sends_every_term_as_a_placeholder(glossary):
    engine = WordForWord(phrases={"neural networks": "redes neurais"})
    document, used = run("The neural networks are fast.\n", glossary, engine, passes=("placeholder",))
    assert engine.calls == [["The Xq1 are fast."]] and document.segments[0].target == "As redes neurais são rápidas."
    assert used == {"placeholder": 1}


def test_a_pass_that_does_not_help_is_not_kept(glossary):
    class Fickle(WordForWord):
        def translate(self, texts, src, tgt):  # the second time round, "paper" comes out wrong
            self.phrases = {"paper": "papel"} if self.calls else {"paper": "artigo"}
            return super().translate(texts, src, tgt)

    document, used = run("Read the paper about neural networks.\n", glossary, Fickle())
    seg = document.segments[0]
    assert seg.target == "Leia o artigo about neural redes."  # the second pass lacks "artigo": no better, not kept
    assert [s.text for s in missing(seg)] == ["neural networks"] and used == {"free": 1}  # left to the glossary check


def test_plural_and_listed_forms_count_as_the_term():
    span = Span(0, 15, SpanKind.TERM, "neural networks", target="redes neurais", forms=("rede neural",), grammar="fp")
    from pipeline.document.record import Segment

    seg = Segment(0, "p", 0, 15, "neural networks", [span], target="Uma Rede Neural")
    assert not missing(seg) and missing(seg, "uma rede") == [span]


def test_determiners_and_articles_before_a_term_agree():
    nets = Span(0, 1, SpanKind.TERM, "neural networks", target="redes neurais", forms=("rede neural",), grammar="fp")
    assert agree("O redes neurais e do rede neural, dos redes neurais", [nets], "pt") == "As redes neurais e da rede neural, das redes neurais"
    assert disagreements("o redes neurais e as redes neurais", [nets], "pt") == ["o redes neurais"]
    issue = Span(0, 1, SpanKind.TERM, "issue", target="edição", grammar="f")
    assert agree("O [edição](https://x.y/1) e **um** *edição*", [issue], "pt") == "A [edição](https://x.y/1) e **um** *edição*"  # markup between: fixed; a closed mark between: left
    learning = Span(0, 1, SpanKind.TERM, "machine learning", target="aprendizado de máquina")  # gender from the head word
    assert agree("a aprendizado de máquina, da aprendizado de máquina", [learning], "pt") == "a aprendizado de máquina, do aprendizado de máquina"  # "a" may be the preposition
    paper = Span(0, 1, SpanKind.TERM, "artigo", target="paper")
    assert agree("An paper and a paper", [paper], "en") == "A paper and a paper"
    assert agree("a interview", [Span(0, 1, SpanKind.TERM, "entrevista", target="interview")], "en") == "an interview"


@pytest.mark.parametrize(
    "text, kept",
    [
        ("The group read [Mathematics For Machine Learning](https://mml-book.github.io/) by Marc Peter Deisenroth.", ["Mathematics For Machine Learning", "Marc Peter Deisenroth"]),
        ("Machine Learning Tokyo is a study group.", ["Machine Learning Tokyo"]),
        ("This is about Machine Learning.", []),  # the glossary's term: translated
        ("Thanks to @hardmaru and the fastText and DistilBERT teams.", ["@hardmaru", "fastText", "DistilBERT"]),
        ("The Allen Institute released it.", ["Allen Institute"]),  # the sentence's first word is no part of it
        ("Pete Warden and Daniel Situnayake wrote it.", ["Pete Warden", "Daniel Situnayake"]),  # "and" is translated
        ("Happy New Year to all of you.", []),  # common words, not a name
        ("Check out [Papers with Code](https://paperswithcode.com) today.", ["Papers with Code"]),  # a link's whole text
        ("Tools and Datasets", []),  # a title-case heading is translated
    ],
)
def test_names_the_glossary_does_not_list_are_kept(text, kept, glossary):
    from pipeline.terms.protect import names

    assert [text[a:b] for a, b in names(text, glossary)] == kept


def test_a_detected_name_travels_as_a_placeholder_and_comes_back_verbatim(glossary):
    engine = WordForWord()
    document, _ = run("We use a library by Machine Learning Tokyo.\n", glossary, engine)
    assert engine.calls[0] == ["We use a library by Xq1."] and document.segments[0].target.endswith("Machine Learning Tokyo.")
