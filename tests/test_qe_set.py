"""The frozen, judged quality-estimation set that bench.qe measures the back-check on stays whole and well-formed."""
from __future__ import annotations

from collections import Counter

from bench.qe import KINDS, load, rates
from pipeline.document.record import Flag


def test_every_pair_has_one_judgement_with_known_kinds():
    pairs = load()
    assert Counter(p.record["origin"] for p in pairs) == {"mt": 240, "human": 120}
    assert len({p.record["id"] for p in pairs}) == len(pairs)
    assert {p.verdict for p in pairs} <= {"fix", "minor", "ok"}
    assert all(p.kinds and set(p.kinds) <= set(KINDS) for p in pairs if p.verdict == "fix")
    assert all(not p.kinds for p in pairs if p.verdict != "fix")
    assert all(p.segment.target and p.segment.masked for p in pairs)


def test_recall_and_precision_count_error_findings_only():
    pairs = [p for p in load() if p.record["origin"] == "mt"][:4]
    for pair, verdict, severity in zip(pairs, ("fix", "fix", "ok", "minor"), ("error", "warning", "error", None)):
        pair.verdict, pair.kinds = verdict, ["grammar"] if verdict == "fix" else []
        pair.segment.flags = [Flag("agreement", severity, "x")] if severity else []
    result = rates(pairs)
    assert (result["fix"], result["flagged"], result["recall"], result["precision"]) == (2, 2, 0.5, 0.5)
    assert result["recall by kind"] == {"grammar": "1/2"}
