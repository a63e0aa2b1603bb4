"""The memory through the CLI: re-runs, export from memory, bilingual output, XLIFF/PO round trips."""
from __future__ import annotations

import json
import re
import shutil

import pytest
from corpus import REPO, SAMPLE_ISSUE
from markdown_it import MarkdownIt
from test_cli import run
from translate.storage import pypo, xliff

import pipeline.cli
import pipeline.quality.backcheck
import pipeline.run
import pipeline.translation.route
from pipeline.memory.store import Memory

ISSUE_TEXT = """---
title: A small issue
---

# News of the week

The first paragraph has a [link](https://example.org) and *emphasis*. It has two sentences.

- An item in a list.
- Another item -- with dashes --> and an arrow.

```python
print("code is never translated")
```

The last paragraph.
"""


class Counting:
    """A fake en<->pt engine: upper-cases words (keeping placeholders), counts the texts it gets."""

    name = "counting"

    def __init__(self):
        self.calls: list[tuple[str, str, list[str]]] = []

    def supports(self, src, tgt):
        return {src, tgt} == {"en", "pt"}

    def model_id(self, src, tgt):
        return f"counting:{src}-{tgt}"

    def translate(self, texts, src, tgt):
        self.calls.append((src, tgt, list(texts)))
        if tgt == "en":
            return [t.lower() for t in texts]
        return [" ".join(w if re.fullmatch(r"(Xq|ZZA|ZZB)\d+", w) else w.upper() for w in t.split(" ")) for t in texts]

    def texts(self, src, tgt):
        return [text for s, t, batch in self.calls if (s, t) == (src, tgt) for text in batch]


@pytest.fixture
def engine(monkeypatch):
    engine = Counting()
    monkeypatch.setattr(pipeline.translation.route, "create_engine", lambda name, config: engine)
    return engine


@pytest.fixture
def issue(tmp_path):
    path = tmp_path / "issue.en.md"
    path.write_text(ISSUE_TEXT, encoding="utf-8")
    return path


def translate(monkeypatch, capsys, issue, *extra):
    code, out, err = run(monkeypatch, capsys, "translate", str(issue), "--to", "pt", "--out", str(issue.parent / "out"), "--json", *extra)
    assert code == 0, err
    return json.loads(out)[0]


def test_rerun_makes_no_model_calls_and_keeps_review_edits(engine, issue, memory_path, monkeypatch, capsys):
    first = translate(monkeypatch, capsys, issue)
    assert first["from_memory"] == 0 and engine.texts("en", "pt") and engine.texts("pt", "en")
    machine = (issue.parent / "out" / "issue.pt.md").read_text(encoding="utf-8")
    with Memory(memory_path) as memory:
        memory.save_review("en", "pt", "The last paragraph.", status="edited", text="O último parágrafo.", reviewer="ana", revision=0)
    engine.calls.clear()
    second = translate(monkeypatch, capsys, issue)
    assert second["from_memory"] == second["segments"]
    assert engine.texts("en", "pt") == []  # nothing translated again
    assert engine.texts("pt", "en") == ["O último parágrafo."]  # only the reviewer's new text is back-checked
    edited = (issue.parent / "out" / "issue.pt.md").read_text(encoding="utf-8")
    assert edited == machine.replace("THE LAST PARAGRAPH.", "O último parágrafo.")
    engine.calls.clear()
    translate(monkeypatch, capsys, issue)
    assert engine.calls == []
    assert (issue.parent / "out" / "issue.pt.md").read_text(encoding="utf-8") == edited
    translate(monkeypatch, capsys, issue, "--no-backcheck")
    assert engine.calls == []


class Calls:
    """Counts calls of the functions a re-run of an unchanged issue must not need."""

    def __init__(self, monkeypatch):
        self.counts: dict[str, int] = {}
        for module, name in ((pipeline.run, "segment"), (pipeline.run, "protect"), (pipeline.quality.backcheck, "run_checks"), (pipeline.quality.backcheck, "judge_language"), (pipeline.quality.backcheck.Scorer, "sentences")):
            monkeypatch.setattr(module, name, self._counted(name, getattr(module, name)))

    def _counted(self, name, function):
        def counted(*args, **kwargs):
            self.counts[name] = self.counts.get(name, 0) + 1
            return function(*args, **kwargs)

        return counted


def _report(issue) -> dict:
    report = json.loads((issue.parent / "out" / "issue.pt.report.json").read_text(encoding="utf-8"))
    for segment in report["segments"]:
        segment.pop("origin")  # the engine on the first run, "memory" after
    return report


def test_rerun_of_an_unchanged_issue_segments_and_judges_nothing_again(engine, issue, memory_path, monkeypatch, capsys):
    translate(monkeypatch, capsys, issue)
    report = _report(issue)
    first_run = len(engine.calls)  # forward (with the glossary's second pass) and backward batches
    calls = Calls(monkeypatch)
    translate(monkeypatch, capsys, issue)
    assert calls.counts == {} and engine.calls[first_run:] == []
    assert _report(issue) == report
    with Memory(memory_path) as memory:
        memory.save_review("en", "pt", "The last paragraph.", status="edited", text="O último parágrafo.", reviewer="ana", revision=0)
    translate(monkeypatch, capsys, issue)
    assert calls.counts == {"run_checks": 1, "judge_language": 2, "sentences": 1}  # the edited segment, and the whole document
    edited = next(s for s in _report(issue)["segments"] if s["source"] == "The last paragraph.")
    assert edited["target"] == "O último parágrafo." and edited["back"] == "o último parágrafo."


def test_a_changed_issue_glossary_or_threshold_is_prepared_or_judged_again(engine, issue, memory_path, tmp_path, monkeypatch, capsys):
    glossaries = tmp_path / "glossaries"
    shutil.copytree(REPO / "glossaries", glossaries)
    config = tmp_path / "config.toml"
    config.write_text(f"[translate]\nglossary_dir = '{glossaries}'\n", encoding="utf-8")
    translate(monkeypatch, capsys, issue, "--config", str(config))
    segments = len(_report(issue)["segments"])
    calls = Calls(monkeypatch)
    issue.write_text(ISSUE_TEXT.replace("The last paragraph.", "The very last paragraph."), encoding="utf-8")
    translate(monkeypatch, capsys, issue, "--config", str(config))
    assert calls.counts["segment"] == 1 and calls.counts["run_checks"] == 1  # only the new sentence is judged
    calls.counts.clear()
    with open(glossaries / "keep.txt", "a", encoding="utf-8") as keep:
        keep.write("paragraph\n")
    translate(monkeypatch, capsys, issue, "--config", str(config))
    assert calls.counts["segment"] == 1 and calls.counts["run_checks"] == 2  # the two sentences where the new term is
    calls.counts.clear()
    config.write_text(config.read_text(encoding="utf-8") + "[backcheck]\nmin_chrf = 99\n", encoding="utf-8")
    translate(monkeypatch, capsys, issue, "--config", str(config))
    assert calls.counts["run_checks"] == segments
    assert "backtranslation" in {f["check"] for s in _report(issue)["segments"] for f in s["flags"]}


def test_memory_option_overrides_the_environment(engine, issue, memory_path, tmp_path, monkeypatch, capsys):
    other = tmp_path / "elsewhere" / "tm.sqlite"
    translate(monkeypatch, capsys, issue, "--memory", str(other), "--no-backcheck")
    assert other.exists() and not memory_path.exists()
    engine.calls.clear()
    assert translate(monkeypatch, capsys, issue, "--memory", str(other), "--no-backcheck")["from_memory"] > 0
    assert engine.calls == []


def test_corrupt_memory_is_one_line_error(engine, issue, memory_path, monkeypatch, capsys):
    memory_path.write_bytes(b"garbage, not SQLite" * 100)
    code, _, err = run(monkeypatch, capsys, "translate", str(issue), "--to", "pt", "--out", str(issue.parent / "out"))
    assert code == 2 and err.startswith("error: ") and "memory" in err and err.count("\n") == 1, err
    assert not (issue.parent / "out").exists()


def test_export_reassembles_from_memory_without_any_engine(engine, issue, memory_path, monkeypatch, capsys):
    translate(monkeypatch, capsys, issue, "--no-backcheck")
    translated = (issue.parent / "out" / "issue.pt.md").read_text(encoding="utf-8")

    def no_engine(name, config):
        raise AssertionError("export must not build an engine")

    monkeypatch.setattr(pipeline.translation.route, "create_engine", no_engine)
    code, _, err = run(monkeypatch, capsys, "export", str(issue), "--to", "pt", "--out", str(issue.parent / "exported"))
    assert code == 0, err
    assert (issue.parent / "exported" / "issue.pt.md").read_text(encoding="utf-8") == translated
    with Memory(memory_path) as memory:
        memory.save_review("en", "pt", "The last paragraph.", status="edited", text="O último parágrafo.", reviewer="ana", revision=None)
        memory.save_review("en", "pt", "An item in a list.", status="rejected", text=None, reviewer="bo", revision=None)
    code, out, err = run(monkeypatch, capsys, "export", str(issue), "--to", "pt", "--out", "-")
    assert code == 0, err
    assert out == translated.replace("THE LAST PARAGRAPH.", "O último parágrafo.")  # rejected: machine text kept
    assert "was rejected: exported with its machine translation" in err


def test_export_of_an_untranslated_issue_is_one_line_error(issue, tmp_path, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "export", str(issue), "--to", "pt", "--out", str(tmp_path / "out"))
    assert code == 2 and "segments have no en->pt translation" in err and "pipeline translate" in err and err.count("\n") == 1, err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args, fragment", [(["--format", "docx"], "unknown --format"), (["--all"], "--all goes with"), (["--format", "po", "--bilingual"], "--bilingual with")])
def test_export_bad_options(issue, monkeypatch, capsys, args, fragment):
    code, _, err = run(monkeypatch, capsys, "export", str(issue), "--to", "pt", *args)
    assert code == 2 and fragment in err, err


def _comment_blocks(text: str) -> list[str]:
    return [t.content for t in MarkdownIt("commonmark").parse(text) if t.type == "html_block"]


def test_bilingual_keeps_each_source_block_as_a_comment(engine, issue, monkeypatch, capsys):
    translate(monkeypatch, capsys, issue, "--no-backcheck", "--bilingual")
    bilingual = (issue.parent / "out" / "issue.pt.md").read_text(encoding="utf-8")
    code, exported, err = run(monkeypatch, capsys, "export", str(issue), "--to", "pt", "--out", "-", "--bilingual")
    assert code == 0 and exported == bilingual, err
    code, plain, _ = run(monkeypatch, capsys, "export", str(issue), "--to", "pt", "--out", "-")
    comments = _comment_blocks(bilingual)
    # heading, first paragraph, list, last paragraph; not the front matter or the code block
    assert comments == [
        "<!-- # News of the week -->\n",
        "<!-- The first paragraph has a [link](https://example.org) and *emphasis*. It has two sentences. -->\n",
        "<!-- - An item in a list.\n- Another item -&#45; with dashes -&#45;> and an arrow. -->\n",
        "<!-- The last paragraph. -->\n",
    ]
    assert "Another item -- with dashes" not in bilingual.split("<!--", 1)[1].split("-->")[0]
    without = bilingual
    for comment in comments:  # each was inserted as a blank line and the comment line(s)
        without = without.replace("\n" + comment, "", 1)
    assert without == plain
    assert "THE LAST PARAGRAPH." in plain and "<!--" not in plain


def _edit_xliff(path, source, target):
    store = xliff.xlifffile.parsefile(str(path))
    [unit] = [u for u in store.unit_iter() if u.source == source]
    unit.settarget(target)
    path.write_bytes(bytes(store))


def _edit_po(path, source, target, translator):
    store = pypo.pofile.parsefile(str(path))
    [unit] = [u for u in store.unit_iter() if u.source == source]
    unit.target = target
    store.updateheader(Last_Translator=translator)
    path.write_bytes(bytes(store))


@pytest.mark.parametrize("fmt, suffix", [("xliff", ".xlf"), ("po", ".po")])
def test_cat_round_trip(fmt, suffix, engine, issue, memory_path, monkeypatch, capsys):
    translate(monkeypatch, capsys, issue, "--no-backcheck")
    folder = issue.parent / "cat"
    code, _, err = run(monkeypatch, capsys, "export", str(issue), "--to", "pt", "--format", fmt, "--all", "--out", str(folder))
    assert code == 0, err
    exported = folder / f"issue.pt{suffix}"
    text = exported.read_text(encoding="utf-8")
    assert "model: counting:en-pt" in text and "The first paragraph has a [link](https://example.org) and *emphasis*." in text
    if fmt == "xliff":
        assert 'xmlns="urn:oasis:names:tc:xliff:document:1.2"' in text and 'version="1.2"' in text
        _edit_xliff(exported, "The last paragraph.", "O parágrafo final.")
        code, _, err = run(monkeypatch, capsys, "import", str(exported))
        assert code == 2 and "--reviewer" in err  # XLIFF without a phase contact names nobody
        code, _, err = run(monkeypatch, capsys, "import", str(exported), "--reviewer", "ana")
        who = "ana"
    else:
        _edit_po(exported, "The last paragraph.", "O parágrafo final.", "Bia Souza <bia@example.org>")
        code, _, err = run(monkeypatch, capsys, "import", str(exported))
        who = "Bia Souza"
    assert code == 0 and f"1 edit(s) stored for {who}" in err, err
    code, out, err = run(monkeypatch, capsys, "export", str(issue), "--to", "pt", "--out", "-")
    assert code == 0 and out.endswith("O parágrafo final.\n") and "THE FIRST PARAGRAPH" in out, err
    with Memory(memory_path) as memory:
        entry = memory.entry("en", "pt", "The last paragraph.")
    assert (entry.status, entry.reviewer, entry.target) == ("edited", who, "THE LAST PARAGRAPH.")
    # the same file again changes nothing; after someone else's save it is a conflict, not an overwrite
    code, _, err = run(monkeypatch, capsys, "import", str(exported), "--reviewer", who)
    assert code == 0 and "0 edit(s) stored" in err
    with Memory(memory_path) as memory:
        memory.save_review("en", "pt", "The last paragraph.", status="edited", text="Texto de outra pessoa.", reviewer="carla", revision=None)
    if fmt == "xliff":
        _edit_xliff(exported, "The last paragraph.", "Mais uma versão.")
    else:
        _edit_po(exported, "The last paragraph.", "Mais uma versão.", "Bia Souza <bia@example.org>")
    code, out, err = run(monkeypatch, capsys, "import", str(exported), "--reviewer", who)
    assert code == 1 and out.startswith("conflict: ") and "1 conflict(s)" in err
    with Memory(memory_path) as memory:
        assert memory.entry("en", "pt", "The last paragraph.").final == "Texto de outra pessoa."


def test_default_cat_export_has_only_segments_needing_review(engine, issue, memory_path, monkeypatch, capsys):
    translate(monkeypatch, capsys, issue, "--no-backcheck")
    with Memory(memory_path) as memory:
        memory.save_review("en", "pt", "An item in a list.", status="rejected", text=None, reviewer="bo", revision=None)
        memory.save_review("en", "pt", "The last paragraph.", status="approved", text=None, reviewer="bo", revision=None)
    code, _, err = run(monkeypatch, capsys, "export", str(issue), "--to", "pt", "--format", "xliff", "--out", str(issue.parent))
    assert code == 0, err
    store = xliff.xlifffile.parsefile(str(issue.parent / "issue.pt.xlf"))
    units = [u for u in store.unit_iter()]
    assert [u.source for u in units] == ["An item in a list."]
    assert "status: rejected (bo, " in units[0].getnotes()


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("edits.txt", b"hello", "give its source with --source"),
        ("edits.json", b"{}", "unknown file type"),
        ("edits.xlf", b"<xliff><file", "not a readable XLIFF"),
        ("edits.xlf", b'<?xml version="1.0"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="x" datatype="plaintext"><body/></file></xliff>', "source-language"),
        ("edits.po", b'msgid ""\nmsgstr ""\n"Language: pt\\n"\n', "X-Source-Language"),
    ],
)
def test_bad_import_file_is_one_line_error(name, content, fragment, tmp_path, monkeypatch, capsys):
    path = tmp_path / name
    path.write_bytes(content)
    code, _, err = run(monkeypatch, capsys, "import", str(path), "--reviewer", "ana")
    assert code == 2 and fragment in err and err.count("\n") == 1, err


def test_sample_issue_round_trip_is_byte_exact_through_memory(monkeypatch, capsys, tmp_path):
    code, _, err = run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "pt", "--engine", "identity", "--out", str(tmp_path), "--no-backcheck")
    assert code == 0, err
    code, out, err = run(monkeypatch, capsys, "export", str(SAMPLE_ISSUE), "--to", "pt", "--out", "-")
    assert code == 0 and out == SAMPLE_ISSUE.read_text(encoding="utf-8"), err
