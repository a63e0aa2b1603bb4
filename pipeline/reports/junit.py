"""JUnit XML of a gate run, in the Jenkins/Ant dialect (tests/data/junit-10.xsd) that CI systems read.

One ``testsuite`` per translation file. Inside it:

- one ``testcase`` per check that raised something at a line, named ``CHECK at line N``
  (N: line in the translation; for ``missing``, in the source; the sentences of one line share
  it): a ``failure`` when a finding's severity fails the gate (``gate.fail_on``), otherwise a
  passing case whose ``system-out`` holds the warnings;
- one ``testcase`` per check, named after it, for every segment it passed on (its
  ``system-out`` says how many), so passing checks show without one case per segment;
  the back-translation check is ``skipped`` when there was no back-translation.

Times are 0: the report is deterministic.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING

from pipeline.quality.checks import CHECKS
from pipeline.quality.findings import FAILING

if TYPE_CHECKING:
    from pipeline.quality.findings import Finding, PairResult

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _detail(findings: list[Finding]) -> str:
    lines = [f"{findings[0].file}:{findings[0].line}"] + [f"{f.severity}: {f.message}" for f in findings]
    for source, target in dict.fromkeys((f.source, f.target) for f in findings):
        lines += [f"source: {source}"] if source else []
        lines += [f"translation: {target}"] if target else []
    return _clean("\n".join(lines))


def _suite(result: PairResult, fail_on: str, failing: set[str]) -> ET.Element:
    suite = ET.Element("testsuite", name=_clean(result.translation))
    properties = ET.SubElement(suite, "properties")
    for name, value in (("source", result.source), ("from", result.src), ("to", result.tgt), ("fail_on", fail_on), ("back_model", result.summary.back_model or ""), ("back_skipped", result.summary.back_skipped or "")):
        ET.SubElement(properties, "property", name=name, value=_clean(value))
    classname = _clean(result.translation.rsplit(".", 1)[0])
    groups: dict[tuple[str, int, str], list[Finding]] = defaultdict(list)
    for finding in result.findings:
        groups[(finding.file, finding.line, finding.check)].append(finding)
    cases = failures = skipped = 0
    for (_, line, check), findings in groups.items():
        case = ET.SubElement(suite, "testcase", name=f"{check} at line {line}", classname=classname, time="0")
        if any(f.severity in failing for f in findings):
            failure = ET.SubElement(case, "failure", type=check, message=_clean(findings[0].message if len(findings) == 1 else f"{len(findings)} problems: {findings[0].message}"))
            failure.text = _detail(findings)
            failures += 1
        else:
            ET.SubElement(case, "system-out").text = _detail(findings)
        cases += 1
    alignment = result.alignment
    aligned = len(alignment.target_lines)
    flagged: dict[str, set[str]] = defaultdict(set)
    for finding in result.findings:
        if finding.segment:
            flagged[finding.check].add(finding.segment)
    passing = {name: f"passed on {aligned - len(flagged[name])} of {aligned} aligned segments" for name in CHECKS}
    passing["missing"] = f"{aligned} of {len(alignment.document.segments)} source segments found in the translation"
    passing["extra"] = f"{len(alignment.extra)} translation block(s) without a source"
    for check, text in passing.items():
        case = ET.SubElement(suite, "testcase", name=check, classname=classname, time="0")
        if check == "backtranslation" and result.summary.back_skipped:
            ET.SubElement(case, "skipped", message=_clean(result.summary.back_skipped))
            skipped += 1
        else:
            ET.SubElement(case, "system-out").text = text
        cases += 1
    suite.attrib.update(tests=str(cases), failures=str(failures), errors="0", skipped=str(skipped), time="0")
    return suite


def junit_xml(results: list[PairResult], fail_on: str) -> str:
    """The whole run as one ``testsuites`` document (UTF-8 text, with its XML declaration)."""
    root = ET.Element("testsuites", name="translation gate")
    suites = [_suite(result, fail_on, FAILING[fail_on]) for result in results]
    root.extend(suites)
    root.attrib.update(
        tests=str(sum(int(s.get("tests")) for s in suites)),
        failures=str(sum(int(s.get("failures")) for s in suites)),
        errors="0",
        time="0",
    )
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
