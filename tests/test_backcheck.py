"""The back-check stage: back-translation, scores, language, flags on the record, and the report."""
from __future__ import annotations

import json
import re

from corpus import SAMPLE_ISSUE
from hypothesis import given
from hypothesis import strategies as st
from test_cli import run
from test_translate import Recording, engines_with

from pipeline.config import BackcheckConfig, Config
from pipeline.document.segment import segment
from pipeline.quality.backcheck import BACK_CHUNK, LAST_CHUNK, Scorer, _chunks, backcheck, check_key, remask, tokenizer_for, without_placeholders
from pipeline.terms.protect import protect
from pipeline.translation.route import Engines, translate

SOURCE = "Read the [full article](https://example.org/a) on our blog today.\n\nThe team shipped a new release this week.\n"


class Dictionary(Recording):
    """A fake en<->pt engine that translates word by word from a small table, keeping placeholders."""

    WORDS = {"read": "leia", "the": "o", "full": "completo", "article": "artigo", "on": "no", "our": "nosso", "blog": "blogue", "today": "hoje", "team": "equipa", "shipped": "lançou", "a": "uma", "new": "nova", "release": "versão", "this": "esta", "week": "semana", "third": "terceira"}

    def __init__(self):
        super().__init__(pairs=(("en", "pt"), ("pt", "en")))
        self.reverse = {v: k for k, v in self.WORDS.items()}

    def translate(self, texts, src, tgt):
        self.batches.append((src, tgt, list(texts)))
        table = self.WORDS if src == "en" else self.reverse
        return [" ".join(table.get(w.lower().strip(".?!"), w.strip(".?!")) + ("." if w.endswith(".") else "") for w in t.split(" ")) for t in texts]


def checked(source: str = SOURCE, engine=None, settings: BackcheckConfig | None = None):
    engine = engine or Dictionary()
    engines = engines_with(engine)
    document = segment(source, src_lang="en")
    protect(document)
    translate(document, "pt", engines)
    summary = backcheck(document, "pt", engines, settings or BackcheckConfig())
    return document, summary, engine


def test_back_translation_restores_markup_and_scores_every_segment():
    document, summary, engine = checked()
    first, second = document.segments
    assert first.target == "Leia o [completo artigo](https://example.org/a) no nosso blogue hoje."
    assert first.back == "read the [full article](https://example.org/a) on our blog today."
    assert engine.batches[-1][:2] == ("pt", "en")  # one batched reverse call
    assert first.scores["chrf"] > 60 and second.scores["bleu"] > 30
    assert summary.back_model == "recording:pt-en"
    assert summary.scores.keys() == {"bleu", "chrf"} and "tok:13a" in summary.signatures["bleu"]


def test_flags_and_status_land_on_the_record():
    engines = engines_with(Dictionary())
    document = segment("The team shipped a new release this week, the third in 2019.\n", src_lang="en")
    protect(document)
    (seg,) = document.segments
    seg.target = "a equipa lançou uma nova versão esta semana, a terceira."  # the year is lost
    backcheck(document, "pt", engines, BackcheckConfig())
    assert [f.check for f in seg.flags] == ["numbers"] and "2019" in seg.flags[0].message
    assert seg.status == "flagged" and seg.back and seg.scores


def test_clean_segment_is_new_and_unflagged():
    document, _, _ = checked("The team shipped a new release.\n", settings=BackcheckConfig(min_chrf=0))
    assert [(s.flags, s.status) for s in document.segments] == [([], "new")]


def test_missing_reverse_engine_is_recorded_not_fatal():
    engine = Recording(pairs=(("en", "pt"),))
    document, summary, _ = checked(engine=engine)
    assert summary.back_model is None and "no engine available for pt->en" in summary.back_skipped
    assert all(s.back is None and "chrf" not in s.scores for s in document.segments)


def test_no_engine_runs_model_free_checks_only():
    document = segment(SOURCE, src_lang="en")
    protect(document)
    for s in document.segments:
        s.target = s.source  # left in English
    summary = backcheck(document, "pt", None, BackcheckConfig())
    assert summary.back_skipped.startswith("no engine")
    assert all("untranslated" in {f.check for f in s.flags} for s in document.segments)
    assert summary.lang == "en" and summary.flags[0].check == "language"


def test_rechecking_replaces_check_flags_and_keeps_translation_flags():
    document, _, _ = checked("The team shipped a new release this week, the third in 2019.\n")
    (seg,) = document.segments
    seg.target = "a equipa lançou uma nova versão esta semana, a terceira."
    seg.flag("placeholders", "warning", "recovered")
    for _ in range(2):
        backcheck(document, "pt", engines_with(Dictionary()), BackcheckConfig())
        assert [f.check for f in seg.flags] == ["placeholders", "numbers"]


def test_tokenizers_follow_the_language():
    assert tokenizer_for("zh") == "zh"
    assert tokenizer_for("en") == "13a"
    assert tokenizer_for("ja") in ("ja-mecab", "13a")
    assert Scorer("zh").sentences(["这是一个测试"], ["这是一个测试"])[0]["bleu"] == 100.0
    scorer = Scorer("en")
    scorer.sentences(["a b c d"], ["a b c d"])
    corpus, signatures = scorer.corpus()
    assert corpus == {"bleu": 100.0, "chrf": 100.0} and "nrefs:1" in signatures["chrf"] and "tok:13a" in signatures["bleu"]


def test_scores_by_chunk_equal_sacrebleus_sentence_and_corpus_scores():
    from sacrebleu.metrics import BLEU, CHRF

    hypotheses = ["the cat sat on the mat .", "a new model was released", "completely different words here", "x"]
    references = ["the cat is on the mat .", "a new model is released today", "nothing in common at all", "y z"]
    scorer = Scorer("en")
    by_sentence = scorer.sentences(hypotheses[:1], references[:1]) + scorer.sentences(hypotheses[1:], references[1:])
    corpus, _ = scorer.corpus()
    for hypothesis, reference, got in zip(hypotheses, references, by_sentence):
        assert got["bleu"] == round(BLEU(effective_order=True).sentence_score(hypothesis, [reference]).score, 2)
        assert got["chrf"] == round(CHRF().sentence_score(hypothesis, [reference]).score, 2)
    assert corpus["bleu"] == round(BLEU().corpus_score(hypotheses, [references]).score, 2)
    assert corpus["chrf"] == round(CHRF().corpus_score(hypotheses, [references]).score, 2)
    assert Scorer("en").sentences([], []) == [] and Scorer("en").corpus() == ({}, {})


def test_translate_writes_a_report_next_to_the_output(tmp_path, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "pt", "--engine", "identity", "--out", str(tmp_path))
    assert code == 0, err
    report = json.loads((tmp_path / "sample-issue.pt.report.json").read_text(encoding="utf-8"))
    assert report["to"] == "pt" and report["output"].endswith("sample-issue.pt.md")
    assert report["counts"]["segments"] == len(report["segments"]) > 0
    assert report["counts"]["by_check"]["untranslated"] > 0  # identity copies the English
    assert report["document_flags"][0]["check"] == "language"
    first = report["segments"][0]
    assert first.keys() >= {"id", "line", "block", "source", "target", "back", "scores", "lang", "status", "flags"}
    assert "back-check" in err and "language 12" in err  # the commonest reasons (the report has them all)


def test_no_backcheck_writes_no_report(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    code, _, err = run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "pt", "--engine", "identity", "--out", str(out), "--no-backcheck")
    assert code == 0, err
    assert [p.name for p in out.iterdir()] == ["sample-issue.pt.md"]


def test_report_is_deterministic(tmp_path, monkeypatch, capsys):
    outputs = []
    for n in range(2):
        out = tmp_path / str(n)
        run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "pt", "--engine", "identity", "--out", str(out), "--memory", str(out / "memory.sqlite"))
        outputs.append((out / "sample-issue.pt.report.json").read_text(encoding="utf-8").replace(str(out), "OUT"))
    assert outputs[0] == outputs[1]


def test_engines_are_shared_between_translation_and_back_translation():
    engines = Engines(Config())
    assert engines.get("identity") is engines.get("identity")


def test_a_changed_report_replaces_the_old_one_without_backups(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    for extra in ((), ("--no-backcheck",), ()):
        run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "pt", "--engine", "identity", "--out", str(out), *extra)
    (out / "sample-issue.pt.md").write_text("edited by hand\n", encoding="utf-8")
    run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "pt", "--engine", "identity", "--out", str(out))
    assert sorted(p.name for p in out.iterdir()) == ["sample-issue.pt.md", "sample-issue.pt.md.1.bak", "sample-issue.pt.report.json"]


def test_the_same_sentence_has_the_same_check_key_wherever_it_is():
    sentence = "[*Subscribe*](https://example.org/) to the newsletter."
    first, second = (segment(text, src_lang="en").segments[-1] for text in (sentence + "\n", "*Intro* with **bold**.\n\n" + sentence + "\n"))
    assert [s.pair for s in first.spans] != [s.pair for s in second.spans]  # numbered per document
    for s in (first, second):
        s.target = "Assine a newsletter."
    assert check_key(first, "settings") == check_key(second, "settings") != check_key(first, "other settings")


@given(st.integers(min_value=0, max_value=400))
def test_back_translation_chunks_shrink_towards_the_end(count):
    """Every segment once, in order; chunks of at most BACK_CHUNK that never grow, each at least half the one before
    (so it takes about as long to translate back as the one before takes to check), the last of at most LAST_CHUNK."""
    segments = list(range(count))
    chunks = _chunks(segments)
    assert [s for chunk in chunks for s in chunk] == segments
    sizes = [len(chunk) for chunk in chunks]
    assert all(0 < size <= BACK_CHUNK for size in sizes)
    assert all(later <= earlier and 2 * later >= min(earlier, LAST_CHUNK) for earlier, later in zip(sizes, sizes[1:]))
    assert not sizes or sizes[-1] <= LAST_CHUNK or len(sizes) == 1


class Gluing(Dictionary):
    """The Dictionary, but its back-translations glue placeholders to words ("theZZA1", "atXq3") and double one."""

    def translate(self, texts, src, tgt):
        out = super().translate(texts, src, tgt)
        if src == "en":
            return out
        self.back = [re.sub(r" (ZZA1|Xq3)", r"\1", text).replace("ZZB1", "ZZZZB1") for text in out]
        return self.back


def test_placeholders_left_in_a_back_translation_are_mapped_back_before_display_and_scoring():
    source = "Read the [full article](https://example.org/a) at https://example.org/b today.\n"
    (clean,) = checked(source)[0].segments
    document, summary, engine = checked(source, engine=Gluing())
    (seg,) = document.segments
    assert engine.back == ["read theZZA1 full article ZZZZB1 atXq3 today."]  # what the engine gave back
    assert not re.search(r"Xq|ZZ|Z[AB]\d", seg.back), seg.back
    assert seg.back == clean.back and seg.back.endswith("the [full article](https://example.org/a) at https://example.org/b today.")
    assert seg.scores == clean.scores and seg.scores["chrf"] > 90  # scored on the clean text


def test_a_value_shared_by_an_opening_and_a_closing_placeholder_is_remasked_in_turn():
    placeholders = {"ZZA1 ": "*", " ZZB1": "*", "Xq2": "https://example.org/"}
    assert remask("Os *seis benchmarks* em https://example.org/ hoje.", placeholders) == "Os ZZA1 seis benchmarks ZZB1 em Xq2 hoje."
    assert without_placeholders("on the *six benchmarksZZA1 at zzb1 Xq3 ZZZZB1", placeholders) == "on the *six benchmarks* at * *"
