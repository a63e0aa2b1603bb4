"""The gate's severities come from measurement (pipeline/quality/checks/measured.json, written by
python -m bench.gate_calibration): each cell follows the rule from its judged counts, the gate applies the
cell of the translation's language, a project's config overrides it, and a language never measured gets
only the checks that need no resources of its own."""
from __future__ import annotations

import json

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
    silent = sorted(lang for lang, check, cell in cells() if check == "language" and cell["severity"] == "off")
    assert silent, "the language check is measured off nowhere: pick another check for this test"
    source = "The team released a new model that translates whole documents and runs on a laptop."
    translation = "The team released a new model that translates whole documents and runs on any laptop."  # left in English
    ci = load_config(CI_CONFIG)
    sentences = lambda result: [f for f in result.findings if f.check == "language" and f.segment]  # noqa: E731  (the whole page's language is judged apart)
    assert not sentences(check_text(source, translation, ci, None, "en", silent[0]))
    strict = ci.model_copy(update={"backcheck": ci.backcheck.model_copy(update={"severities": {"language": "error"}})})
    assert [f.severity for f in sentences(check_text(source, translation, strict, None, "en", silent[0]))] == ["error"]
