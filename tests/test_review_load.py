"""Concurrent reviewers (issue 8): 8 clients x 200 interleaved saves; nothing acknowledged is lost.

The measurements go to review_load.json in the test's tmp dir; `python -m bench.review_load`
runs the same burst and prints them.
"""
from __future__ import annotations

import json

from bench.review_load import Ack, audit, run, seed
from pipeline.memory.store import Memory


def test_concurrent_saves_keep_every_acknowledged_one(tmp_path):
    result = run(tmp_path, clients=8, requests=200)
    (tmp_path / "review_load.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    assert result["problems"] == []
    assert result["acknowledged"] + result["conflicts"] == 1600
    assert result["conflicts"] > 0  # clients do collide on the shared segments, and are told so


def test_the_audit_sees_a_lost_or_an_unacknowledged_save(tmp_path):
    issue, memory, ids, machine = seed(tmp_path, clients=1)
    source = machine[ids[0]]  # identity translations: the target is the source text
    with Memory(memory) as store:
        for revision, text in enumerate(["Primeiro.", "Segundo."]):
            store.save_review("en", "pt", source, status="edited", text=text, reviewer="x", revision=revision)
    both = [Ack(ids[0], 1, "edited", "Primeiro."), Ack(ids[0], 2, "edited", "Segundo.")]
    assert audit(both, memory, issue, ids) == []
    assert audit(both[:1], memory, issue, ids)  # a stored save nobody was told about
    assert audit([*both, Ack(ids[0], 3, "edited", "Terceiro.")], memory, issue, ids)  # an acknowledged save that is gone
