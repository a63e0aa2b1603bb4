"""What the quality gate reports: findings, the ones a declared rule turned off, and a pair's result.

Shared by the gate (``pipeline/gate.py``), which makes them, and the report formats
(``pipeline/formats/``), which write them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pipeline.quality.align import Alignment
from pipeline.quality.backcheck import Summary

Severity = Literal["error", "warning"]
FAILING = {"error": {"error"}, "warning": {"error", "warning"}, "never": set()}  # fail_on -> severities that fail


@dataclass(frozen=True)
class Finding:
    """One thing the gate reports, at the line of the file it concerns."""

    check: str
    severity: Severity
    message: str
    file: str  # the translation; the source for a block missing from the translation
    line: int
    segment: str = ""  # id of the aligned unit, "" for extra blocks and whole-document findings
    source: str = ""
    target: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class Suppressed:
    """A finding that a declared rule or an inline comment turned off, with why (reported, never silent)."""

    finding: Finding
    reason: str
    by: str  # "url rule 1", "numbered references (zh)", "comment at line 12"


@dataclass
class PairResult:
    """A translation checked against its source."""

    source: str  # paths as shown (relative to the working directory when under it)
    translation: str
    src: str
    tgt: str
    alignment: Alignment
    summary: Summary
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)

    def failed(self, fail_on: str) -> bool:
        return any(f.severity in FAILING[fail_on] for f in self.findings)

    @property
    def passed(self) -> bool:
        """No error: what the gate's default (fail on errors) lets through."""
        return not self.failed("error")

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)
