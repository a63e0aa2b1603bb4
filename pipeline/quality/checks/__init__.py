"""The checks run on every translated segment, each a small function registered by name in
``registry.CHECKS``: form checks (``form``), meaning checks (``meaning``) and Portuguese agreement (``agreement``). Importing this package
registers them all, in that order."""
from pipeline.quality.checks import agreement, form, meaning, similarity  # noqa: F401  they register themselves
from pipeline.quality.checks.registry import CHECKS, LIKELIHOOD, Check, Context, Finding, Severity, check, flag_rank, likelihood, measured_severities, ranked, run_checks, severity_overrides

__all__ = ["CHECKS", "LIKELIHOOD", "Check", "Context", "Finding", "Severity", "check", "likelihood", "flag_rank", "measured_severities", "ranked", "run_checks", "severity_overrides"]
