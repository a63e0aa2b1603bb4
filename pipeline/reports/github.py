"""GitHub Actions workflow commands: an ``::error``/``::warning`` annotation per gate finding.

Each points at the file and line the finding concerns (the translation, or the source for a
block missing from the translation). Escaping follows GitHub's rules (@actions/core): in the
message ``%``, CR and LF are percent-encoded; in properties ``:`` and ``,`` as well.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from pipeline.quality.findings import PairResult

_EXCERPT = 160  # characters of source and translation text shown in an annotation


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


def annotation_lines(results: list[PairResult]) -> Iterator[str]:
    """One workflow command per finding, in report order."""
    for result in results:
        for finding in result.findings:
            body = finding.message
            if finding.source:
                body += f"\nsource: {_excerpt(finding.source)}"
            if finding.target:
                body += f"\ntranslation: {_excerpt(finding.target)}"
            title = f"translation gate: {finding.check} ({result.src}->{result.tgt})"
            yield f"::{finding.severity} file={escape_property(finding.file)},line={finding.line},title={escape_property(title)}::{escape_data(body)}"
