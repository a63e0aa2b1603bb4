"""A home per project: the memory and settings of a run come from the nearest folder above its input
that has a pipeline.toml or a .git, else from the user data directory; `pipeline info` tells which."""
from __future__ import annotations

from pathlib import Path

import pytest
from corpus import REPO
from test_cli import run

from pipeline.config import CI_CONFIG, Config, MemoryConfig, load_config, project_home
from pipeline.memory.store import Memory
from pipeline.run import Pipeline


@pytest.fixture
def user_data(tmp_path, monkeypatch) -> Path:
    """No $PIPELINE_MEMORY, and the user's data directory inside tmp_path: where a homeless run's memory goes."""
    monkeypatch.delenv("PIPELINE_MEMORY", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user" / "data"))
    return tmp_path / "user" / "data" / "newsletter-pipeline"


def project(root: Path, text: str, marker: str = ".git", settings: str = "") -> Path:
    """A project at ``root`` (with a .git folder, or a pipeline.toml of ``settings``) and its page."""
    root.mkdir(parents=True)
    if marker == ".git":
        (root / ".git").mkdir()
    else:
        (root / "pipeline.toml").write_text(settings, encoding="utf-8")
    page = root / "docs" / "page.en.md"
    page.parent.mkdir()
    page.write_text(text, encoding="utf-8")
    return page


def stored_sources(memory_file: Path) -> set[str]:
    """The source texts of every issue stored in a memory."""
    with Memory(memory_file) as memory:
        return {source for issue in memory.issues() for _, _, source in memory.issue_segments(issue.issue, issue.tgt)}


def translate(monkeypatch, capsys, page: Path, *options: str) -> str:
    code, _, err = run(monkeypatch, capsys, "translate", str(page), "--to", "pt", "--from", "en", "--engine", "identity", "--no-backcheck", "--overwrite", *options)
    assert code == 0, err
    return err


def test_two_projects_keep_two_memories(tmp_path, user_data, monkeypatch, capsys):
    alpha = project(tmp_path / "alpha", "The first project writes about llamas and their wool.\n")
    beta = project(tmp_path / "beta", "The second project writes about boats on the river.\n")
    translate(monkeypatch, capsys, alpha)
    human = beta.with_name("page.pt.md")
    human.write_text("O segundo projeto escreve sobre barcos no rio.\n", encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "import", str(human), "--source", str(beta))
    assert code == 0, err
    alpha_memory, beta_memory = (root / ".pipeline" / "memory.sqlite" for root in (tmp_path / "alpha", tmp_path / "beta"))
    assert stored_sources(alpha_memory) == {"The first project writes about llamas and their wool."}
    with Memory(beta_memory) as memory:
        assert memory.entries("en", "pt", ["The second project writes about boats on the river."])
        assert not memory.entries("en", "pt", ["The first project writes about llamas and their wool."])
    assert not user_data.exists()
    assert (tmp_path / "alpha" / ".pipeline" / ".gitignore").read_text(encoding="utf-8") == "*\n"  # never committed
    translate(monkeypatch, capsys, beta)
    assert stored_sources(beta_memory) == {"The second project writes about boats on the river."}
    assert stored_sources(alpha_memory) == {"The first project writes about llamas and their wool."}


def test_a_folder_with_pipeline_toml_is_a_home_and_its_settings_are_used(tmp_path, user_data, monkeypatch, capsys):
    page = project(tmp_path / "site", "A page of a documentation site, in a few words.\n", marker="pipeline.toml", settings="[backcheck]\nenabled = false\nmin_chrf = 42\n")
    code, _, err = run(monkeypatch, capsys, "translate", str(page), "--to", "pt", "--from", "en", "--engine", "identity")
    assert code == 0, err
    assert page.with_name("page.pt.md").exists() and not page.with_name("page.pt.report.json").exists()  # backcheck off
    assert (tmp_path / "site" / ".pipeline" / "memory.sqlite").exists() and not user_data.exists()
    from pipeline.cli import _config

    config = _config(None, [page])
    assert config.source == tmp_path / "site" / "pipeline.toml" and config.backcheck.min_chrf == 42
    assert config.resolve(config.translate.glossary_dir) == REPO / "glossaries"  # the shipped glossary is kept
    assert _config(CI_CONFIG, [page]).backcheck.min_chrf == 30  # --config wins


def test_a_pipeline_toml_resolves_its_paths_against_its_own_folder(tmp_path, user_data, monkeypatch, capsys):
    page = project(tmp_path / "site", "A page of a documentation site, in a few words.\n", marker="pipeline.toml", settings='[memory]\npath = "tm/site.sqlite"\n')
    translate(monkeypatch, capsys, page)
    assert (tmp_path / "site" / "tm" / "site.sqlite").exists() and not (tmp_path / "site" / ".pipeline").exists()


def test_a_run_with_no_project_home_uses_the_user_data_directory(tmp_path, user_data, monkeypatch, capsys):
    loose = tmp_path / "loose" / "page.en.md"
    loose.parent.mkdir()
    loose.write_text("A page that belongs to no project at all.\n", encoding="utf-8")
    assert project_home(loose) is None
    translate(monkeypatch, capsys, loose)
    assert stored_sources(user_data / "memory.sqlite") == {"A page that belongs to no project at all."}
    code, _, err = run(monkeypatch, capsys, "translate", "-", "--to", "pt", "--from", "en", "--engine", "identity", "--no-backcheck", stdin=b"Text read from the standard input.\n")
    assert code == 0, err
    assert stored_sources(user_data / "memory.sqlite") == {"A page that belongs to no project at all.", "Text read from the standard input."}


def test_memory_option_and_environment_come_first(tmp_path, user_data, monkeypatch, capsys):
    page = project(tmp_path / "alpha", "The project writes about llamas and their wool.\n")
    chosen = tmp_path / "chosen.sqlite"
    translate(monkeypatch, capsys, page, "--memory", str(chosen))
    assert chosen.exists() and not (tmp_path / "alpha" / ".pipeline").exists()
    from_env = tmp_path / "env.sqlite"
    monkeypatch.setenv("PIPELINE_MEMORY", str(from_env))
    translate(monkeypatch, capsys, page)
    assert from_env.exists() and not (tmp_path / "alpha" / ".pipeline").exists()
    config = Config(memory=MemoryConfig(path=str(tmp_path / "own.sqlite")))
    assert config.memory_choice("x.sqlite", [page]) == (Path("x.sqlite").resolve(), "from --memory")
    assert config.memory_choice(None, [page]) == (from_env, "from $PIPELINE_MEMORY")
    monkeypatch.delenv("PIPELINE_MEMORY")
    assert config.memory_path(None, [page]) == tmp_path / "own.sqlite"  # a user's own config's memory.path
    assert Config().memory_choice(None, [page]) == (tmp_path / "alpha" / ".pipeline" / "memory.sqlite", f"project home {tmp_path / 'alpha'} (has .git)")


def test_the_shipped_configs_do_not_pin_the_memory_in_the_install_checkout(tmp_path, user_data):
    page = project(tmp_path / "alpha", "The project writes about llamas.\n")
    for shipped in (load_config(), load_config(CI_CONFIG)):
        assert shipped.memory_path() == user_data / "memory.sqlite"
        assert shipped.memory_path(None, [page]) == tmp_path / "alpha" / ".pipeline" / "memory.sqlite"
        assert REPO not in shipped.memory_path(None, [page]).parents


def test_the_python_api_keeps_a_file_in_its_project(tmp_path, user_data):
    page = project(tmp_path / "alpha", "The project writes about llamas and their wool.\n")
    nlp = Pipeline(engine="identity")
    nlp.translate_file(page, "pt", src="en", backcheck=False)
    assert stored_sources(tmp_path / "alpha" / ".pipeline" / "memory.sqlite") == {"The project writes about llamas and their wool."}
    nlp.translate("A text given to the API.", "pt", src="en", backcheck=False)
    assert nlp.memory_path == user_data / "memory.sqlite" and nlp.memory_path.exists()


def test_info_names_each_choice_and_why(tmp_path, user_data, monkeypatch, capsys):
    page = project(tmp_path / "site", "A page.\n", marker="pipeline.toml", settings="")
    (tmp_path / "site" / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    (tmp_path / "site" / "glossaries").mkdir()
    (tmp_path / "site" / "glossaries" / "en-pt.tsv").write_text("wool\tlã\n", encoding="utf-8")
    home = tmp_path / "site"
    code, out, err = run(monkeypatch, capsys, "info", str(page))
    assert code == 0, err
    lines = dict(line.split(": ", 1) for line in out.splitlines())
    assert lines["config"] == f"{home / 'pipeline.toml'} (project home {home} (has pipeline.toml))"
    assert lines["glossaries"].startswith(f"{REPO / 'glossaries'} (")
    assert lines["project glossaries"].startswith(f"{home / 'glossaries'} (")
    assert lines["memory"] == f"{home / '.pipeline' / 'memory.sqlite'} (project home {home} (has pipeline.toml))"
    assert lines["cache"].endswith("(from $PIPELINE_CACHE_DIR)")
    assert lines["dialect"].startswith("mkdocs (detected")
    assert not (home / ".pipeline").exists()  # info writes nothing
    code, out, _ = run(monkeypatch, capsys, "info", str(page), "--memory", str(tmp_path / "m.sqlite"), "--config", str(CI_CONFIG), "--dialect", "markdown", "--to", "zh")
    assert code == 0
    assert f"memory: {tmp_path / 'm.sqlite'} (from --memory)" in out and "(from --config)" in out and "dialect: markdown (from --dialect)" in out
    assert "project glossaries: none" in out
    monkeypatch.setenv("PIPELINE_MEMORY", str(tmp_path / "env.sqlite"))
    assert f"memory: {tmp_path / 'env.sqlite'} (from $PIPELINE_MEMORY)" in run(monkeypatch, capsys, "info", str(page))[1]
    monkeypatch.delenv("PIPELINE_MEMORY")
    loose = tmp_path / "loose"
    loose.mkdir()
    code, out, _ = run(monkeypatch, capsys, "info", str(loose))
    assert code == 0 and f"memory: {user_data / 'memory.sqlite'} (user data directory)" in out and "(shipped default)" in out
    code, _, err = run(monkeypatch, capsys, "info", str(tmp_path / "missing.md"))
    assert code == 2 and "no such file or folder" in err
