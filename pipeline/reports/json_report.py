"""The machine-readable back-check report (``issue.pt.report.json``): deterministic, no timestamps."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from pipeline.document.record import Document, Segment, line_of
from pipeline.quality.backcheck import Summary
from pipeline.quality.checks import ranked


def report_path(output: Path) -> Path:
    """``issue.pt.md`` -> ``issue.pt.report.json``."""
    return output.with_name(f"{output.stem}.report.json")


def counts(segments: list[Segment]) -> dict:
    """Segments, flagged segments, and flagged segments by their most likely problem (one flag each: its check
    and its severity); each segment's report lists all its flags."""
    flags = [ranked(s.flags)[0] for s in segments if s.flags]
    return {
        "segments": len(segments),
        "flagged": sum(1 for s in segments if s.flags),
        "by_check": dict(sorted(Counter(f.check for f in flags).items())),
        "by_severity": dict(sorted(Counter(f.severity for f in flags).items())),
    }


def build_report(document: Document, summary: Summary, output: str, model: str | None, target_lines: dict[int, int] | None = None) -> dict:
    """Everything the back-check found, document first, then every segment in order.

    ``target_lines`` (segment index -> line in the output) adds each segment's ``target_line``:
    the gate checks a translation that was not rendered from the document.
    """
    return {
        "input": document.name,
        "output": output,
        "from": summary.src,
        "to": summary.tgt,
        "model": model,
        "back_model": summary.back_model,
        "back_skipped": summary.back_skipped,
        "language": summary.lang,
        "scores": summary.scores,
        "signatures": summary.signatures,
        "document_flags": [asdict(f) for f in summary.flags],
        "counts": counts(document.segments),
        "segments": [
            {
                "id": s.id,
                "line": line_of(document.text, s.start),
                **({"target_line": target_lines.get(s.index)} if target_lines is not None else {}),
                "block": s.block,
                "source": s.source,
                "target": s.target,
                "back": s.back,
                "scores": s.scores,
                "lang": s.lang,
                "origin": s.origin,
                "status": s.status,
                "flags": [asdict(f) for f in ranked(s.flags)],
            }
            for s in document.segments
        ],
    }


def dumps(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
