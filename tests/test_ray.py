"""Engines in Ray actors (``--ray``): the bytes of a local run, and a worker killed mid-run retried by Ray."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from corpus import REPO
from test_batching import make_issues

ray = pytest.importorskip("ray")

from pipeline.cli import main  # noqa: E402
from pipeline.config import Config, TranslateConfig  # noqa: E402
from pipeline.memory.store import Memory  # noqa: E402
from pipeline.run import Job, run_jobs  # noqa: E402
from pipeline.translation.engines import FACTORIES, register_engine  # noqa: E402
from pipeline.translation.route import Engines  # noqa: E402

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module", autouse=True)
def local_ray(tmp_path_factory):
    """One local Ray for the module; its workers import the fake engines from tests/ and share a crash marker."""
    marker = tmp_path_factory.mktemp("ray") / "crashed"
    saved = {key: os.environ.get(key) for key in ("PYTHONPATH", "PIPELINE_TEST_CRASH_MARKER")}
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(TESTS), str(REPO), saved["PYTHONPATH"]) if p)
    os.environ["PIPELINE_TEST_CRASH_MARKER"] = str(marker)
    register_engine("upper", "ray_engines_fixture:upper")
    register_engine("crashing", "ray_engines_fixture:crashing")
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    yield marker
    ray.shutdown()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    for name in ("upper", "crashing"):
        FACTORIES.pop(name, None)


def config_for(engine: str) -> Config:
    return Config(
        translate=TranslateConfig(engines={"default": engine}, glossary_dir=str(REPO / "glossaries"))
    )


def run(files, out: Path, memory: Path, engines: Engines, check: bool = True):
    jobs = [Job(f, tgt) for f in files for tgt in ("pt", "es")]
    if out.exists():
        shutil.rmtree(out)
    with Memory(memory) as store:
        results = list(run_jobs(jobs, engines.config, engines, "en", str(out), store, check=check))
    summaries = [{k: v for k, v in done.summary.items() if k != "seconds"} for _, done in results]
    return summaries, {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_ray_writes_the_bytes_of_a_local_run(tmp_path):
    from pipeline.translation.ray_engines import RayEngines

    files = make_issues(tmp_path / "issues")
    local = run(files, tmp_path / "out", tmp_path / "local.sqlite", Engines(config_for("upper")))
    engines = RayEngines(config_for("upper"), workers=2)
    try:
        remote = run(files, tmp_path / "out", tmp_path / "ray.sqlite", engines)
        assert {(src, tgt) for _, src, tgt in engines._pools} == {
            ("en", "pt"),
            ("en", "es"),
            ("pt", "en"),
            ("es", "en"),
        }
        assert all(len(pool.actors) == 2 for pool in engines._pools.values())
        assert engines.restarts() == {}
    finally:
        engines.close()
    assert len(local[1]) == 12 and remote[1] == local[1]
    assert remote[0] == local[0]


def cli(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["pipeline", *args])
    with pytest.raises(SystemExit) as done:
        main()
        raise SystemExit(0)
    return done.value.code or 0, capsys.readouterr().err


def test_a_worker_killed_mid_run_is_restarted_and_its_batch_retried(tmp_path, monkeypatch, capsys, local_ray):
    issues = tmp_path / "issues"
    make_issues(issues)
    for engine in ("upper", "crashing"):
        (tmp_path / f"{engine}.toml").write_text(
            f'[translate]\nengines = {{ default = "{engine}" }}\nglossary_dir = "{REPO / "glossaries"}"\n\n[memory]\ncommit_every = 8\n',
            encoding="utf-8",
        )
    common = [str(issues), "--to", "pt,es", "--from", "en", "--no-backcheck"]
    code, err = cli(
        monkeypatch,
        capsys,
        "translate",
        *common,
        "--config",
        str(tmp_path / "upper.toml"),
        "--out",
        str(tmp_path / "local"),
        "--memory",
        str(tmp_path / "local.sqlite"),
    )
    assert code == 0, err
    code, err = cli(
        monkeypatch,
        capsys,
        "translate",
        *common,
        "--config",
        str(tmp_path / "crashing.toml"),
        "--out",
        str(tmp_path / "ray"),
        "--memory",
        str(tmp_path / "ray.sqlite"),
        "--workers",
        "1",
        "--ray",
    )
    assert code == 0, err
    assert local_ray.exists(), f"the worker did not die: {err}"
    assert re.search(r"; 1 worker restart\(s\) on en->(pt|es), their batches retried by Ray", err), err
    local = {p.name: p.read_bytes() for p in (tmp_path / "local").iterdir()}
    assert len(local) == 6 and {p.name: p.read_bytes() for p in (tmp_path / "ray").iterdir()} == local
