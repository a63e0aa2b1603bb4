"""A memory that respects context: one human translation of "source" does not override the others."""
from __future__ import annotations

from pathlib import Path

from pipeline.config import load_config
from pipeline.document.segment import segment
from pipeline.memory.human import adopt
from pipeline.memory.store import Memory

SOURCE = """# Tools of the week

A new library for text classification came out this week.

![A chart of the results](https://example.org/chart.png)
[*source*](https://example.org/a)

The authors compare it with three older models.

![A diagram of the model](https://example.org/model.png)
[*source*](https://example.org/b)

Their code is open and easy to run.

![The benchmark table](https://example.org/table.png)
[*source*](https://example.org/c)

Thanks for reading this issue.
"""
HUMAN = (
    SOURCE.replace("# Tools of the week", "# Ferramentas da semana")
    .replace("A new library for text classification came out this week.", "Uma nova biblioteca de classificação de texto saiu esta semana.")
    .replace("![A chart of the results]", "![Um gráfico dos resultados]")
    .replace("[*source*](https://example.org/a)", "[*fonte*](https://example.org/a)")
    .replace("The authors compare it with three older models.", "Os autores a comparam com três modelos mais antigos.")
    .replace("![A diagram of the model]", "![Um diagrama do modelo]")
    .replace("[*source*](https://example.org/b)", "[*source*](https://example.org/b)")  # left in English here
    .replace("Their code is open and easy to run.", "O código deles é aberto e fácil de executar.")
    .replace("![The benchmark table]", "![A tabela de referência]")
    .replace("[*source*](https://example.org/c)", "[*fonte*](https://example.org/c)")
    .replace("Thanks for reading this issue.", "Obrigado por ler esta edição.")
)


def imported(tmp_path: Path) -> tuple[Memory, Path]:
    source, human = tmp_path / "issue-05.en.md", tmp_path / "issue-05.pt.md"
    source.write_text(SOURCE, encoding="utf-8")
    human.write_text(HUMAN, encoding="utf-8")
    memory = Memory(tmp_path / "memory.sqlite")
    result = adopt(human, source, memory, load_config(), "human:issue-05.pt.md")
    assert result.differing == {"source": ["fonte", "source"]}  # listed, not the last one winning
    assert result.conflicts == []
    return memory, source


def test_each_occurrence_gets_the_human_translation_of_its_own_place(tmp_path):
    memory, source = imported(tmp_path)
    with memory:
        document = segment(SOURCE, name=str(source), src_lang="en")
        memory.recall(document, "pt", None)
    captions = [s for s in document.segments if s.source == "source"]
    assert [s.target for s in captions] == ["fonte", "source", "fonte"]
    assert all(s.origin == "review:human:issue-05.pt.md" for s in captions)
    offered = [f.message for s in captions for f in s.flags]
    assert len(offered) == 3 and all("other human translations" in message and "stored at this place" in message for message in offered)
    consistent = {s.source: s.target for s in document.segments if s.source != "source"}
    assert consistent["Thanks for reading this issue."] == "Obrigado por ler esta edição."


def test_another_issue_gets_the_best_fitting_and_most_given_translation_and_the_others_are_offered(tmp_path):
    memory, _ = imported(tmp_path)
    other = "# News\n\nA short paragraph about a new dataset for translation.\n\n![A photo](https://example.org/p.png)\n[*source*](https://example.org/x)\n"
    with memory:
        document = segment(other, name=str(tmp_path / "issue-06.en.md"), src_lang="en")
        memory.recall(document, "pt", None)
    [caption] = [s for s in document.segments if s.source == "source"]
    assert caption.target == "fonte"
    assert [f.check for f in caption.flags] == ["alternatives"] and "'source'" in caption.flags[0].message


def test_a_sentence_translated_one_way_is_used_everywhere_as_before(tmp_path):
    memory, _ = imported(tmp_path)
    with memory:
        document = segment("Thanks for reading this issue.\n", name=str(tmp_path / "issue-09.en.md"), src_lang="en")
        assert memory.recall(document, "pt", None) == 1
    assert document.segments[0].target == "Obrigado por ler esta edição." and not document.segments[0].flags


def test_xliff_offers_the_other_places_translations_as_alt_trans(tmp_path, monkeypatch, capsys):
    from test_cli import run

    memory, source = imported(tmp_path)
    memory.close()
    (tmp_path / "issue-05.pt.md").unlink()
    code, _, err = run(monkeypatch, capsys, "translate", str(source), "--to", "pt", "--engine", "identity", "--no-backcheck", "--memory", str(tmp_path / "memory.sqlite"), "--out", str(tmp_path / "out"))
    assert code == 0, err
    code, _, err = run(monkeypatch, capsys, "export", str(source), "--to", "pt", "--format", "xliff", "--all", "--memory", str(tmp_path / "memory.sqlite"), "--out", str(tmp_path / "xliff"))
    assert code == 0, err
    xliff = next((tmp_path / "xliff").glob("*.xlf*")).read_text(encoding="utf-8")
    unit = xliff[xliff.index("<source>source</source>") :]
    unit = unit[: unit.index("</trans-unit>")]
    assert "<target" in unit and ">fonte</target>" in unit and "<alt-trans" in unit and ">source</target>" in unit.split("<alt-trans", 1)[1]
