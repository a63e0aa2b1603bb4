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


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--to", "xx", "--from", "en", "--engine", "bergamot"], "'xx' is not a language tag"),
        (["--to", "de", "--from", "en", "--engine", "bergamot"], "no engine available for en->de"),
        (["--to", "pt", "--engine", "nope"], "unknown engine"),
        (["--to", "pt", "--config", "/nonexistent.toml"], "does not exist"),
    ],
)
def test_bad_usage_is_one_line_exit_2(args, fragment, tmp_path, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--out", str(tmp_path), *args)
    assert code == 2 and fragment in err and err.count("\n") == 1, err
    assert not list(tmp_path.iterdir())


def test_config_that_is_not_toml_is_one_line_exit_2(tmp_path, monkeypatch, capsys):
    """Unknown keys and wrong types: tests/test_bad_input.py."""
    config = tmp_path / "bad.toml"
    config.write_text("[translate\n", encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "pt", "--config", str(config), "--out", str(tmp_path / "out"))
    assert code == 2 and "not valid TOML" in err and err.count("\n") == 1, err


@pytest.mark.parametrize("command", ["translate", "check"])
def test_a_severity_for_an_unknown_check_is_one_line_before_any_work(command, tmp_path, monkeypatch, capsys):
    config = tmp_path / "typo.toml"
    config.write_text('[backcheck.severities]\nomision = "warning"\n', encoding="utf-8")
    args = ["--to", "pt", "--out", str(tmp_path / "out")] if command == "translate" else [str(tmp_path / "missing.pt.md")]
    code, _, err = run(monkeypatch, capsys, command, str(SAMPLE_ISSUE), *args, "--config", str(config))
    assert code == 2 and "unknown check(s) omision" in err and "omission" in err and err.count("\n") == 1, err
    assert not (tmp_path / "out").exists()


def test_missing_marian_model_offline_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    code, _, err = run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "de", "--engine", "marian", "--out", str(tmp_path / "out"))
    assert code == 2 and "en->de" in err and err.count("\n") == 1, err


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


def test_existing_different_output_is_kept_not_overwritten(tmp_path, monkeypatch, capsys):
    human = tmp_path / "sample-issue.pt.md"
    human.write_text("Tradução humana que ninguém pode perder.\n", encoding="utf-8")
    for _ in range(2):
        code, _, err = run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "pt", "--engine", "identity", "--out", str(tmp_path))
        assert code == 0, err
    assert human.read_bytes() == SAMPLE_ISSUE.read_bytes()
    assert (tmp_path / "sample-issue.pt.md.1.bak").read_text(encoding="utf-8") == "Tradução humana que ninguém pode perder.\n"
    assert not (tmp_path / "sample-issue.pt.md.2.bak").exists()  # an identical re-run makes no backup


def test_the_command_line_loads_no_heavy_library_before_it_needs_one():
    """Every command starts without numpy, langdetect, sacrebleu, wordfreq or a neural toolkit: they load with the
    first text to detect, back-translation to score or model to run (an unchanged re-run needs none of them)."""
    heavy = {"numpy", "langdetect", "sacrebleu", "wordfreq", "torch", "transformers", "ctranslate2"}
    script = f"import sys, pipeline.cli\nprint(sorted({heavy!r} & {{name.split('.')[0] for name in sys.modules}}))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_new_output_is_named_in_one_step_and_a_replaced_one_kept(tmp_path, monkeypatch):
    """No temp name for a new file (a kill then leaves nothing behind); a different file already there is kept as .bak."""
    from pipeline import files

    with monkeypatch.context() as new_file:
        new_file.setattr(files, "_name_temp", lambda handle, path: pytest.fail("a new file got a temp name"))
        assert files.write_atomic(tmp_path / "issue.pt.md", "one\n") is None
    backup = files.write_atomic(tmp_path / "issue.pt.md", "two\n")
    assert (tmp_path / "issue.pt.md").read_text() == "two\n" and backup.read_text() == "one\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["issue.pt.md", "issue.pt.md.1.bak"]


def test_a_bug_on_one_page_of_a_batch_is_reported_with_the_page_and_the_others_are_written(tmp_path, monkeypatch, capsys):
    import pipeline.run

    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.en.md").write_text(f"# Page {name}\n\nThis page explains how the tool works in a few sentences.\n", encoding="utf-8")
    real_protect = pipeline.run.protect

    def protect(document, glossary=None):
        if document.name.endswith("b.en.md"):
            raise KeyError("label")
        return real_protect(document, glossary)

    monkeypatch.setattr(pipeline.run, "protect", protect)
    monkeypatch.setenv("PIPELINE_MEMORY", str(tmp_path / "memory.sqlite"))
    code, _, err = run(monkeypatch, capsys, "translate", str(tmp_path), "--to", "pt", "--engine", "identity", "--out", str(tmp_path / "out"), "--no-backcheck")
    assert code == 70
    assert sorted(p.name for p in (tmp_path / "out").glob("*.md")) == ["a.pt.md", "c.pt.md"]
    assert "b.en.md" in err and "internal error: KeyError" in err and "1 of 3 translation(s) failed" in err


def test_a_docs_tree_is_written_where_its_toolchain_expects_and_a_nested_tree_is_mirrored(tmp_path, monkeypatch, capsys):
    site = tmp_path / "site"
    (site / "mkdocs.yml").parent.mkdir(parents=True)
    (site / "mkdocs.yml").write_text("site_name: x\n")
    for folder in ("guide", "reference"):
        (site / "docs" / "en" / folder).mkdir(parents=True)
        (site / "docs" / "en" / folder / "index.md").write_text(f"# The {folder} {{ #{folder} }}\n\nThis page explains the {folder} in a few words.\n", encoding="utf-8")
    (site / "docs" / "pt" / "guide").mkdir(parents=True)
    (site / "docs" / "pt" / "guide" / "index.md").write_text("# O guia { #guide }\n\nTradução humana.\n", encoding="utf-8")
    monkeypatch.setenv("PIPELINE_MEMORY", str(tmp_path / "memory.sqlite"))
    code, _, err = run(monkeypatch, capsys, "translate", str(site / "docs"), "--to", "pt", "--engine", "identity", "--layout", "auto", "--no-backcheck")
    assert code == 2 and "docs/pt/guide/index.md already exists" in err  # the human translation is never replaced
    assert (site / "docs" / "pt" / "guide" / "index.md").read_text(encoding="utf-8") == "# O guia { #guide }\n\nTradução humana.\n"
    assert (site / "docs" / "pt" / "reference" / "index.md").read_text(encoding="utf-8").startswith("# The reference { #reference }")
    code, _, _ = run(monkeypatch, capsys, "translate", str(site / "docs" / "en"), "--to", "pt", "--engine", "identity", "--out", str(tmp_path / "out"), "--no-backcheck")
    assert code == 0 and sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*.md")) == ["guide/index.pt.md", "reference/index.pt.md"]


def test_ray_without_the_extra_is_one_line_saying_how_to_install_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as where it is not installed
    code, _, err = run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "pt", "--out", str(tmp_path), "--ray")
    assert code == 2 and err.strip().count("\n") == 0 and 'pip install ".[ray]"' in err, err
    assert not list(tmp_path.iterdir())
    code, _, err = run(monkeypatch, capsys, "translate", str(SAMPLE_ISSUE), "--to", "pt", "--out", str(tmp_path), "--workers", "2")
    assert code == 2 and "--workers goes with --ray" in err, err


def test_a_bare_ray_option_means_a_local_ray():
    from pipeline.cli import RAY_LOCAL, _optional_values

    local = f"--ray={RAY_LOCAL}"
    assert _optional_values(["translate", "x.md", "--to", "pt", "--ray"])[-1] == local
    assert _optional_values(["translate", "--ray", "--to", "pt"])[1] == local
    assert _optional_values(["translate", "--ray", str(SAMPLE_ISSUE)])[1] == local
    assert _optional_values(["translate", "x.md", "--ray", "auto"])[2:] == ["--ray", "auto"]
