"""The gate's severities come from measurement (pipeline/quality/checks/measured.json, written by
python -m bench.gate_calibration): each cell follows the rule from its judged counts, the gate applies the
cell of the translation's language, a project's config overrides it, and a language never measured gets
only the checks that need no resources of its own."""
from __future__ import annotations

import json

import pytest

from bench.gate_calibration import ERROR_AT, ERROR_MIN, LANGUAGE_INDEPENDENT, OFF_BELOW, OFF_MIN
from pipeline.config import CI_CONFIG, load_config
from pipeline.quality.checks import CHECKS, measured_severities
from pipeline.quality.checks.registry import MEASURED
from pipeline.quality.gate import check_text, with_measured_severities

TABLE = json.loads(MEASURED.read_text(encoding="utf-8"))


def cells():
    for lang, row in TABLE["languages"].items():
        for check, cell in row.items():
            yield lang, check, cell


def test_every_cell_follows_the_rule_from_its_judged_findings():
    for lang, check, cell in cells():
        true, judged = cell["true"], cell["judged"]
        if cell["basis"] != lang:
            continue  # too few judged in that language: the check's severity over all languages
        if cell["severity"] == "error":
            assert judged >= ERROR_MIN and true / judged >= ERROR_AT, (lang, check, cell)
        elif cell["severity"] == "off":
            assert judged >= OFF_MIN and true / judged < OFF_BELOW, (lang, check, cell)
        else:
            assert not (judged >= ERROR_MIN and true / judged >= ERROR_AT) and not (judged >= OFF_MIN and true / judged < OFF_BELOW), (lang, check, cell)


def test_the_table_names_only_known_checks_and_rests_on_hundreds_of_judged_findings():
    names = set(CHECKS) | {"missing", "extra"}
    assert {check for _, check, _ in cells()} <= names
    assert set(TABLE["other languages"]) <= LANGUAGE_INDEPENDENT
    assert len(TABLE["languages"]) >= 4


def test_a_language_never_measured_gets_only_the_checks_that_need_nothing_of_it():
    never = measured_severities("th")
    assert {check: never[check] for check in TABLE["other languages"]} == {check: cell["severity"] for check, cell in TABLE["other languages"].items()}
    config = with_measured_severities(load_config(CI_CONFIG), "th")
    for check in CHECKS:
        if check not in LANGUAGE_INDEPENDENT:
            assert config.backcheck.severities.get(check) == "off", check


def test_the_gate_applies_the_languages_cell_and_the_config_overrides_it():
    silent = [(lang, check) for lang, check, cell in cells() if cell["severity"] == "off" and check == "doubled"]
    if not silent:
        pytest.skip("doubled is measured off in no language")
    lang, _ = silent[0]
    source, translation = "It works well with the other models here.", "It works works well with the other models here."
    assert not [f for f in check_text(source, translation, load_config(CI_CONFIG), None, "en", lang).findings if f.check == "doubled"]
    ci = load_config(CI_CONFIG)
    strict = ci.model_copy(update={"backcheck": ci.backcheck.model_copy(update={"severities": {"doubled": "error"}})})
    assert [f.severity for f in check_text(source, translation, strict, None, "en", lang).findings if f.check == "doubled"] == ["error"]
