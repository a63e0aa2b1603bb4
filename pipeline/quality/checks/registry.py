"""The registry of checks: each check module registers its functions here by name.

A check is a small function with a default severity and a one-line description. It receives the
segment (source, spans, target, back-translation, scores) and the context (language pair,
thresholds) and returns ``(message, evidence)`` pairs; ``run_checks`` turns them into ``Flag``s.
The modules that fill ``CHECKS`` (``form``, ``meaning``) are imported by this package's
``__init__``, so whoever imports the package sees every check.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Literal

from pipeline.config import Config, Thresholds
from pipeline.document.record import Flag, Segment
from pipeline.errors import UserError

Severity = Literal["error", "warning"]
MEASURED = Path(__file__).with_name("measured.json")  # written by python -m bench.gate_calibration
Finding = tuple[str, str]  # (message, evidence)

@dataclass(frozen=True)
class Context:
    src: str
    tgt: str
    thresholds: Thresholds


@dataclass(frozen=True)
class Check:
    name: str
    severity: Severity
    description: str
    run: Callable[[Segment, Context], Iterable[Finding]]


CHECKS: dict[str, Check] = {}


def check(name: str, severity: Severity, description: str):
    """Register a check function under ``name``."""

    def register(function: Callable[[Segment, Context], Iterable[Finding]]):
        CHECKS[name] = Check(name, severity, description, function)
        return function

    return register


def run_checks(segment: Segment, context: Context, severities: dict[str, Severity] | None = None) -> list[Flag]:
    """Every registered check on one translated segment, as flags (severity overridable per check)."""
    if segment.target is None:
        return []
    severities = severities or {}
    return [
        Flag(c.name, severities.get(c.name, c.severity), message, evidence)
        for c in CHECKS.values()
        if severities.get(c.name) != "off"
        for message, evidence in c.run(segment, context)
    ]


@lru_cache(maxsize=1)
def _measured() -> dict:
    return json.loads(MEASURED.read_text(encoding="utf-8")) if MEASURED.exists() else {}


def measured_languages() -> set[str]:
    """The languages whose checks were measured one by one (the others get ``measured_severities``' default)."""
    return set(_measured().get("languages", {}))


def measured_severities(tgt: str) -> dict[str, str]:
    """Each check's severity in ``tgt`` as measured on judged human translations: "error" where at least 95%
    of its findings were real defects, "off" below 50%, else "warning". A language never measured gets the
    checks that need no resources of its own, at their severity measured over all languages."""
    table = _measured()
    if measured := table.get("languages", {}).get(tgt):
        return {check: cell["severity"] for check, cell in measured.items()}
    other = {check: cell["severity"] for check, cell in table.get("other languages", {}).items()}
    return {check: "off" for check in CHECKS if check not in other} | other if table else {}


# How often a finding of each check needed a reviewer's action on the judged set (python -m bench.qe,
# precision by check), most often first: warnings are listed in this order. Checks not named come last.
LIKELIHOOD = (
    "empty", "urls", "markup", "structure", "syntax", "missing", "misspelt-name", "doubled", "repetition", "wrong-number", "agreement", "false-friend", "wrong-sense",
    "word-order", "quotes", "source-words", "link-text", "language", "untranslated", "names", "spelling", "omission",
    "negation", "numbers", "addition", "glossary", "truncated", "backtranslation", "meaning", "extra-markup", "sentences", "length", "extra",
)


def likelihood(check: str) -> int:
    """Rank of ``check`` in LIKELIHOOD (0: its findings most often need action)."""
    return LIKELIHOOD.index(check) if check in LIKELIHOOD else len(LIKELIHOOD)


_SEVERITY_RANK = {"error": 0, "warning": 1}


def flag_rank(flag: Flag) -> tuple[int, int]:
    """Sort key of a flag: its severity (errors first), then its check's likelihood."""
    return _SEVERITY_RANK.get(flag.severity, 2), likelihood(flag.check)


def ranked(flags: Iterable[Flag]) -> list[Flag]:
    """``flags`` most likely problem first: errors before warnings, then by their check's likelihood."""
    return sorted(flags, key=flag_rank)


def severity_overrides(config: Config) -> dict[str, Severity]:
    """The config's ``[backcheck] severities``, each naming a registered check (else a one-line error)."""
    severities = config.backcheck.severities
    if unknown := sorted(set(severities) - set(CHECKS)):
        raise UserError(f"config {config.source}: backcheck.severities: unknown check(s) {', '.join(unknown)}; checks are {', '.join(CHECKS)}")
    return severities
