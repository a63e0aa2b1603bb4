"""The CLI end to end: outputs, naming, stdin/stdout, JSON, and one-line errors for bad input."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from corpus import REPO, SAMPLE_ISSUE
from pipeline.cli import main


def run(monkeypatch, capsys, *args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["pipeline", *args])
    if stdin is not None:
        import io

        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    with pytest.raises(SystemExit) as done:
        main()
        raise SystemExit(0)
    captured = capsys.readouterr()
    return done.value.code or 0, captured.out, captured.err


def test_identity_translation_writes_named_output(tmp_path, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "pt", "--engine", "identity", "--out", str(tmp_path))
    assert code == 0, err
    out = tmp_path / "sample-issue.pt.md"
    assert out.read_bytes() == SAMPLE_ISSUE.read_bytes()


def test_stdin_to_stdout_and_json_summary(tmp_path, monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, "translate", "-", "--to", "pt", "--from", "en", "--engine", "identity", stdin=b"Hello there, this is a newsletter issue.\n")
    assert code == 0, err
    assert out == "Hello there, this is a newsletter issue.\n"
    code, out, err = run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "pt,fr", "--engine", "identity", "--out", str(tmp_path), "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert [s["to"] for s in summary] == ["pt", "fr"] and all(s["segments"] > 20 for s in summary)
    assert (tmp_path / "sample-issue.fr.md").exists()


def test_directory_input(tmp_path, monkeypatch, capsys):
    source = tmp_path / "issues"
    source.mkdir()
    for index in range(3):
        (source / f"issue-{index}.md").write_text(f"# Issue {index}\n\nThis is the text of a newsletter issue number {index}.\n", encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "translate", str(source), "--to", "pt", "--from", "en", "--engine", "identity", "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.endswith(".report.json")) == ["issue-0.pt.md", "issue-1.pt.md", "issue-2.pt.md"]


BAD_INPUTS = {
    "empty": (b"", "empty"),
    "whitespace": (b"  \n\t\n", "empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    "invalid-utf8": (b"Ol\xe1 mundo, tudo bem com voc\xea?\n", "UTF-8"),
    "utf16": ("Hello world, a newsletter.".encode("utf-16"), "UTF-16"),
    "bad-front-matter": (b"---\ntitle: [unclosed\n---\nSome text in English for the issue.\n", "YAML"),
    "undetectable": (b"# 42\n\n1234 5678\n", "source language"),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=str)
def test_bad_input_is_one_line_exit_2_no_output(case, tmp_path, monkeypatch, capsys):
    data, fragment = BAD_INPUTS[case]
    source = tmp_path / "issue.md"
    source.write_bytes(data)
    code, out, err = run(monkeypatch, capsys, "translate", str(source), "--to", "pt", "--engine", "identity", "--out", str(tmp_path / "out"))
    assert code == 2
    assert err.startswith("error: ") and fragment in err and err.count("\n") == 1, err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--to", "en", "--from", "en"], "both 'en'"),
        (["--to", "xx", "--from", "en", "--engine", "bergamot"], "no engine available for en->xx"),
        (["--to", "pt", "--engine", "nope"], "unknown engine"),
        (["--to", "pt", "--config", "/nonexistent.toml"], "does not exist"),
    ],
)
def test_bad_usage_is_one_line_exit_2(args, fragment, tmp_path, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--out", str(tmp_path), *args)
    assert code == 2 and fragment in err and err.count("\n") == 1, err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "toml, fragment",
    [("[marian]\nbeam_size = 'four'\n", "marian.beam_size"), ("[translate]\nunknown_key = 1\n", "translate.unknown_key"), ("[translate\n", "not valid TOML")],
)
def test_invalid_config_is_one_line_exit_2(toml, fragment, tmp_path, monkeypatch, capsys):
    config = tmp_path / "bad.toml"
    config.write_text(toml, encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "pt", "--config", str(config), "--out", str(tmp_path / "out"))
    assert code == 2 and fragment in err and err.count("\n") == 1, err


def test_missing_marian_model_offline_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    code, _, err = run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "de", "--engine", "marian", "--out", str(tmp_path / "out"))
    assert code == 2 and "en->de" in err and err.count("\n") == 1, err


def test_unwritable_output_is_one_line(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "pt", "--engine", "identity", "--out", str(blocker / "sub"))
    assert code == 2 and "cannot write" in err, err


def test_python_dash_m_entry_point():
    done = subprocess.run([sys.executable, "-m", "pipeline", "translate", "--help"], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0 and "--to" in done.stdout


def test_glossary_lint_and_show(tmp_path, monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, "glossary", "lint")
    assert code == 0 and "0 error(s)" in err
    code, out, _ = run(monkeypatch, capsys, "glossary", "show", "Hugging Face")
    assert code == 0 and "keep.txt" in out
    (tmp_path / "en-pt.tsv").write_text("model\tmodelo\nmodel\tmodelos\nbroken line without tab\n", encoding="utf-8")
    code, out, _ = run(monkeypatch, capsys, "glossary", "lint", str(tmp_path))
    assert code == 1 and "en-pt.tsv:3: error" in out and "en-pt.tsv:2: error" in out


def test_malformed_glossary_stops_translation_with_file_and_line(tmp_path, monkeypatch, capsys):
    glossaries = tmp_path / "glossaries"
    glossaries.mkdir()
    (glossaries / "en-pt.tsv").write_text("model\tmodelo\nno target here\n", encoding="utf-8")
    (tmp_path / "configs").mkdir()
    config = tmp_path / "configs" / "c.toml"
    config.write_text('[translate]\nengines = { default = "bergamot" }\nglossary_dir = "glossaries"\n', encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "pt", "--config", str(config), "--out", str(tmp_path / "out"))
    assert code == 2 and "en-pt.tsv:2:" in err and err.count("\n") == 1, err
    assert not (tmp_path / "out").exists()


def test_existing_different_output_is_kept_not_overwritten(tmp_path, monkeypatch, capsys):
    human = tmp_path / "sample-issue.pt.md"
    human.write_text("Tradução humana que ninguém pode perder.\n", encoding="utf-8")
    for _ in range(2):
        code, _, err = run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "pt", "--engine", "identity", "--out", str(tmp_path))
        assert code == 0, err
    assert human.read_bytes() == SAMPLE_ISSUE.read_bytes()
    assert (tmp_path / "sample-issue.pt.md.1.bak").read_text(encoding="utf-8") == "Tradução humana que ninguém pode perder.\n"
    assert not (tmp_path / "sample-issue.pt.md.2.bak").exists()  # an identical re-run makes no backup
