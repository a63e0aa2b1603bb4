"""The checks run on every translated segment, each a small function registered by name in
``registry.CHECKS``: form checks (``form``) and meaning checks (``meaning``). Importing this package
registers them all, in that order."""
from pipeline.quality.checks import form, meaning  # noqa: F401  they register themselves
from pipeline.quality.checks.registry import CHECKS, LIKELIHOOD, Check, Context, Finding, Severity, check, likelihood, run_checks, severity_overrides

__all__ = ["CHECKS", "LIKELIHOOD", "Check", "Context", "Finding", "Severity", "check", "likelihood", "run_checks", "severity_overrides"]
