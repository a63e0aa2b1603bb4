"""Translation stage: routing, pivoting, de-duplication and placeholder recovery."""
from __future__ import annotations

import re

import pytest

from pipeline.config import Config
from pipeline.document.export import render
from pipeline.document.segment import segment
from pipeline.errors import UserError
from pipeline.terms.glossary import Glossary, Term
from pipeline.terms.protect import protect, unmask
from pipeline.translation.route import Engines, translate


class Recording:
    """A fake engine: upper-cases words (keeping placeholders) and records every batch."""

    name = "recording"

    def __init__(self, pairs=(("en", "pt"),), drop_placeholders=False):
        self.pairs, self.drop, self.batches = set(pairs), drop_placeholders, []

    def supports(self, src, tgt):
        return (src, tgt) in self.pairs

    def model_id(self, src, tgt):
        return f"recording:{src}-{tgt}"

    def translate(self, texts, src, tgt):
        self.batches.append(list(texts))
        out = [" ".join(w if re.fullmatch(r"(Xq|ZZA|ZZB)\d+", w) else w.upper() for w in t.split(" ")) for t in texts]
        return [re.sub(r"\s*ZZ[AB]\d+\s*", " ", t).strip() if self.drop else t for t in out]


def engines_with(engine) -> Engines:
    engines = Engines(Config())
    engines._instances["marian"] = engine
    return engines


def test_identical_segments_translated_once():
    engine = Recording()
    document = segment("Same sentence here.\n\n- Same sentence here.\n- Other one.\n", src_lang="en")
    protect(document)
    translate(document, "pt", engines_with(engine))
    assert engine.batches == [["Same sentence here.", "Other one."]]
    assert [s.target for s in document.segments] == ["SAME SENTENCE HERE.", "SAME SENTENCE HERE.", "OTHER ONE."]
    assert all(s.origin == "recording:en-pt" for s in document.segments)


def test_pivot_through_english_when_no_direct_model():
    engine = Recording(pairs={("pt", "en"), ("en", "zh")})
    engines = engines_with(engine)
    assert [(h.src, h.tgt) for h in engines.route("pt", "zh")] == [("pt", "en"), ("en", "zh")]
    with pytest.raises(UserError, match="no engine available for pt->fr"):
        engines.route("pt", "fr")


def test_lost_placeholders_are_recovered_and_flagged():
    document = segment("Read the full paper [here](https://arxiv.org/abs/2002.05715) and the *whole* blog.\n", src_lang="en")
    protect(document)
    translate(document, "pt", engines_with(Recording(drop_placeholders=True)))
    (seg,) = document.segments
    assert "[HERE](https://arxiv.org/abs/2002.05715)" in seg.target and "*WHOLE*" in seg.target
    assert [f.check for f in seg.flags] == ["placeholders"]


def test_unmask_tolerates_spacing_but_reports_loss():
    placeholders = {"ZZA1 ": "[", " ZZB1": "](u)", "Xq2": "`x`"}
    assert unmask("Veja ZZA1  aqui ZZB1 e Xq2.", placeholders).text == "Veja [aqui](u) e `x`."
    assert unmask("Veja ZZA1 aqui ZZB1 e Xq2 Xq2.", placeholders).problems == ["the markup '`x`' came back 2 times"]
    assert "wrong order" in unmask("ZZB1 aqui ZZA1 Xq2", placeholders).problems[0]
    assert "moved every word" in unmask("aqui ZZA1 ZZB1 Xq2", placeholders).problems[0]
    assert "invented" in unmask("ZZA1 aqui ZZB1 Xq2 Xq9", placeholders).problems[0]


def test_front_matter_is_requoted_for_yaml():
    document = segment('---\ntitle: "A title"\nexcerpt: plain text here\n---\nBody.\n', src_lang="en")
    protect(document)
    document.segments[0].target = 'Um "título": novo'
    document.segments[1].target = "texto: simples"
    assert render(document).startswith('---\ntitle: "Um \\"título\\": novo"\nexcerpt: "texto: simples"\n---\n')


def test_recovery_restores_atomic_spans_inside_pairs():
    text = "Datasets: [KorQuAD](https://a.b/1), [SberQuAD](https://a.b/2) and `c1` ... `c10` `c11` here.\n"
    document = segment(text, src_lang="en")
    keep = [Term(name, name, True, True, True, "", "test") for name in ("KorQuAD", "SberQuAD")]
    protect(document, Glossary(keep))  # link texts that are nothing but a protected term
    translate(document, "pt", engines_with(Recording(drop_placeholders=True)))
    (seg,) = document.segments
    assert "[KorQuAD](https://a.b/1), [SberQuAD](https://a.b/2)" in seg.target and "`c10` `c11`" in seg.target
    assert not re.search(r"(Xq|ZZA|ZZB)\d", seg.target)


def test_one_word_moved_out_of_its_link_is_put_back_and_flagged():
    document = segment("We developed a [method](https://x.y/m) for search.\n", src_lang="en")
    protect(document)
    engine = Recording()
    engine.translate = lambda texts, src, tgt: ["Desenvolvemos um método ZZA1 ZZB1 para busca." for _ in texts]
    translate(document, "pt", engines_with(engine))
    (seg,) = document.segments
    assert seg.target == "Desenvolvemos um [método](https://x.y/m) para busca."
    assert [f.check for f in seg.flags] == ["placeholders"]


class Garbling(Recording):
    """A fake engine that writes a garbled copy of the first placeholder ("Xqq1") and re-cases the others."""

    def translate(self, texts, src, tgt):
        return [re.sub(r"\bXq(\d+)\b", r"XQ\1", re.sub(r"\bXq1\b", "Xq1 Xqq1", t, count=1)) for t in super().translate(texts, src, tgt)]


def test_no_placeholder_ever_reaches_the_output():
    document = segment("Run `pip install x` and read https://example.org/docs today.\n", src_lang="en")
    protect(document)
    translate(document, "pt", engines_with(Garbling()))
    (seg,) = document.segments
    assert "`pip install x`" in seg.target and "https://example.org/docs" in seg.target  # re-cased ones restored
    assert not re.search(r"(?i)\b(?:xq+|zz[ab])\d", seg.target), seg.target
    assert [f.severity for f in seg.flags if f.check == "placeholders"] == ["error"]
    assert "Xq" not in seg.flags[-1].message


def test_a_garbled_placeholder_is_removed_without_joining_lines():
    from pipeline.document.record import Segment
    from pipeline.translation.route import _no_garbled_placeholder

    seg = Segment(0, "paragraph[1]", 0, 10, "first line\nsecond line", target="primeira Xqq3 linha\nsegunda linha")
    _no_garbled_placeholder(seg)
    assert seg.target == "primeira linha\nsegunda linha" and seg.flags[0].severity == "error"


def test_a_garbled_placeholder_of_a_span_the_translation_lacks_is_that_span_again():
    from pipeline.document.record import Segment
    from pipeline.translation.route import _no_garbled_placeholder

    seg = Segment(0, "paragraph[1]", 0, 10, "in the field of NLP, more", target="no campo do Xqq3, mais", placeholders={" Xq3": " NLP"})
    _no_garbled_placeholder(seg)
    assert seg.target == "no campo do NLP, mais" and seg.flags[0].severity == "error"


class MovingBreaks(Recording):
    """Puts the placeholder of a line break at the end of the sentence, as the real en->pt engine did."""

    def translate(self, texts, src, tgt):
        return [re.sub(r"^(.*?) ?(Xq\d+) ?(.*)$", r"\1 \3 \2", t).replace("  ", " ") for t in super().translate(texts, src, tgt)]


@pytest.mark.parametrize(("text", "expected"), [("*foo\nbar baz*\n", "*FOO\nBAR BAZ*\n"), ("The *quick brown\nfox* jumps.\n", None)])
def test_a_line_break_the_engine_moved_to_the_end_goes_back_inside_and_emphasis_survives(text, expected):
    document = segment(text, src_lang="en")
    protect(document)
    translate(document, "pt", engines_with(MovingBreaks()))
    out = render(document)
    assert out.count("\n") == text.count("\n") and not re.search(r"\n\*", out), out
    if expected:
        assert out == expected
