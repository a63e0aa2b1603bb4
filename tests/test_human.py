"""Human translations into the memory (`pipeline import NAME.pt.md --source NAME.en.md`)."""
from __future__ import annotations

from corpus import corpus_file
from corpus import run_cli as run

SOURCE = "# News of the week\n\nA new library was released. It is fast.\n\nThe second paragraph has one sentence.\n\nA much longer paragraph that the translator left out of the edition, with a [link](https://x.y/a).\n"
HUMAN = "# Notícias da semana\n\nUma nova biblioteca foi lançada. Ela é rápida.\n\nO segundo parágrafo tem uma frase.\n"


def files(tmp_path, human: str = HUMAN):
    (tmp_path / "issue.en.md").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "issue.pt.md").write_text(human, encoding="utf-8")
    return tmp_path / "issue.pt.md", tmp_path / "issue.en.md"


def test_a_human_translation_is_stored_and_then_published(tmp_path, monkeypatch, capsys):
    human, source = files(tmp_path)
    code, out, err = run(monkeypatch, capsys, "import", str(human), "--source", str(source), "--reviewer", "Ana")
    assert code == 0, err
    assert "4 sentence(s) stored as reviewed text" in err and "1 not paired" in err
    assert "A much longer paragraph" in out  # reported, not guessed
    code, _, err = run(monkeypatch, capsys, "translate", str(source), "--to", "pt", "--engine", "identity", "--no-backcheck", "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert (tmp_path / "out" / "issue.pt.md").read_text(encoding="utf-8") == HUMAN + "\nA much longer paragraph that the translator left out of the edition, with a [link](https://x.y/a).\n"
    code, _, err = run(monkeypatch, capsys, "import", str(human), "--source", str(source), "--reviewer", "Ana")
    assert code == 0 and "0 sentence(s) stored" in err and "4 already there" in err  # idempotent


def test_another_text_for_a_reviewed_sentence_is_a_conflict_never_an_overwrite(tmp_path, monkeypatch, capsys):
    human, source = files(tmp_path)
    run(monkeypatch, capsys, "import", str(human), "--source", str(source))
    human.write_text(HUMAN.replace("Ela é rápida.", "É veloz."), encoding="utf-8")
    code, out, err = run(monkeypatch, capsys, "import", str(human), "--source", str(source))
    assert code == 1 and "conflict" in out and "It is fast." in out and "1 conflict(s)" in err
    code, _, _ = run(monkeypatch, capsys, "translate", str(source), "--to", "pt", "--engine", "identity", "--no-backcheck", "--out", str(tmp_path / "out"))
    assert "Ela é rápida." in (tmp_path / "out" / "issue.pt.md").read_text(encoding="utf-8")


def test_a_translation_without_its_source_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    human, _ = files(tmp_path)
    code, _, err = run(monkeypatch, capsys, "import", str(human))
    assert code == 2 and "--source" in err and err.count("\n") == 1


def test_a_corpus_translation_is_published_for_every_aligned_sentence(tmp_path):
    import pipeline
    from pipeline.memory.human import adopt
    from pipeline.memory.store import Memory

    source, human = corpus_file("issue-05.en.md"), corpus_file("issue-05.pt.md")
    nlp = pipeline.Pipeline(memory=tmp_path / "memory.sqlite", engine="identity")
    with Memory(nlp.memory_path) as memory:
        result = adopt(human, source, memory, nlp.config, "volunteers")
    assert result.stored >= 90 and len(result.unpaired) <= 5
    published = nlp.translate_file(source, to="pt", out=tmp_path / "out", backcheck=False)
    at = {(s.start, s.end): s for s in published.segments}
    assert all(at[place].target == text for place, text in result.placed.items())  # each where the volunteers put it
    assert result.differing == {"source": ["Fonte", "fonte", "source"]}  # a figure's "source": listed, none winning for all
    others = [s for s in published.segments if (s.start, s.end) not in result.placed and (s.origin or "").startswith("review:")]
    assert all(f.check == "alternatives" for s in others for f in s.flags)


def test_a_tmx_export_re_imports_to_the_same_memory_contents(tmp_path, monkeypatch, capsys, memory_path):
    from pipeline.memory.store import Memory

    human, source = files(tmp_path)
    run(monkeypatch, capsys, "import", str(human), "--source", str(source), "--reviewer", "Ana")
    run(monkeypatch, capsys, "translate", str(source), "--to", "pt", "--engine", "identity", "--no-backcheck", "--out", str(tmp_path / "out"))
    code, _, err = run(monkeypatch, capsys, "export", str(source), "--to", "pt", "--format", "tmx", "--out", str(tmp_path / "tmx"))
    assert code == 0, err
    exported = tmp_path / "tmx" / "issue.pt.tmx"
    text = exported.read_text(encoding="utf-8")
    assert text.count("<tu ") == 5 and 'xml:lang="pt"' in text  # 4 human sentences, 1 machine (the dropped paragraph)
    sentences = ["News of the week", "A new library was released.", "It is fast.", "The second paragraph has one sentence.", SOURCE.split("\n\n")[-1].strip()]

    def contents(path):
        with Memory(path) as memory:
            return {source: entry.final for source, entry in memory.entries("en", "pt", sentences).items()}

    before = contents(memory_path)
    code, _, err = run(monkeypatch, capsys, "import", str(exported))
    assert code == 0 and "4 already there" in err, err
    assert contents(memory_path) == before  # the same memory: the same texts
    fresh = tmp_path / "fresh.sqlite"
    code, _, err = run(monkeypatch, capsys, "import", str(exported), "--memory", str(fresh))
    assert code == 0 and "5 pair(s) stored" in err, err
    assert contents(fresh) == before and len(before) == 5  # another memory: the same texts


def test_an_edited_sentence_is_offered_its_old_reviewed_translation(tmp_path, monkeypatch, capsys):
    import json

    human, source = files(tmp_path)
    run(monkeypatch, capsys, "import", str(human), "--source", str(source), "--reviewer", "Ana")
    source.write_text(SOURCE.replace("A new library was released.", "A new tokenizer library was released."), encoding="utf-8")
    code, out, err = run(monkeypatch, capsys, "translate", str(source), "--to", "pt", "--engine", "identity", "--out", str(tmp_path / "out"), "--json")
    assert code == 0, err
    (summary,) = json.loads(out)
    assert summary["fuzzy"] == 1
    report = json.loads((tmp_path / "out" / "issue.pt.report.json").read_text(encoding="utf-8"))
    (flagged,) = [s for s in report["segments"] if any(f["check"] == "fuzzy" for f in s["flags"])]
    message = next(f["message"] for f in flagged["flags"] if f["check"] == "fuzzy")
    assert flagged["source"] == "A new tokenizer library was released." and "Uma nova biblioteca foi lançada." in message
    assert "“A new [+tokenizer+] library was released.”" in message  # what changed since, marked
    code, _, err = run(monkeypatch, capsys, "export", str(source), "--to", "pt", "--format", "xliff", "--all", "--out", str(tmp_path / "x"))
    xliff = (tmp_path / "x" / "issue.pt.xlf").read_text(encoding="utf-8")
    assert "<alt-trans" in xliff and 'match-quality="' in xliff and "Uma nova biblioteca foi lançada." in xliff


def test_a_rejected_edit_is_never_lost_silently(tmp_path, monkeypatch, capsys, memory_path):
    from pipeline.memory.store import Memory

    _, source = files(tmp_path)
    run(monkeypatch, capsys, "translate", str(source), "--to", "pt", "--engine", "identity", "--no-backcheck", "--out", str(tmp_path / "out"))
    with Memory(memory_path) as memory:
        memory.save_review("en", "pt", "It is fast.", status="edited", text="É rápida.", reviewer="Ana", revision=None)
        memory.save_review("en", "pt", "It is fast.", status="rejected", text=None, reviewer="Bo", revision=None)
    code, _, err = run(monkeypatch, capsys, "export", str(source), "--to", "pt", "--out", str(tmp_path / "md"))
    assert code == 0 and "was rejected: exported with its machine translation; the earlier edit by Ana (“É rápida.”) is kept" in err
    code, _, err = run(monkeypatch, capsys, "export", str(source), "--to", "pt", "--format", "po", "--all", "--out", str(tmp_path / "po"))
    po = (tmp_path / "po" / "issue.pt.po").read_text(encoding="utf-8")
    assert "Ana edited: É rápida." in po and "Bo rejected" in po  # the history, who and what
