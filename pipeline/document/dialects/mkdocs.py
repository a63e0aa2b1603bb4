"""MkDocs with Material and pymdownx: admonitions, blocks, tabs, snippets, abbreviations, emoji.

``!!! note "Title"``, ``??? tip`` and ``=== "Tab"`` take an indented body, which MkDocs reads as
Markdown: the parse view dedents it (CommonMark alone would read it as a code block). Heading
anchors ``{ #id }``, attribute lists, macros ``{{ ... }}`` and include lines ``{* ... *}`` are the
braces every dialect keeps.
"""
from __future__ import annotations

import re

from pipeline.document.dialects.base import Dialect, Lines, is_prose_label, line_rule, span_rule

_OPENER = re.compile(r"^([ \t]*)(?:!!!|\?\?\?\+?|===\+?)[ \t]")
EMOJI = span_rule(r"(?<![\w:/]):[a-z0-9_+-]*[a-z][a-z0-9_+-]*:(?![\w:/])", "emoji shortcode")

RULES = (
    line_rule(r"[ \t]*(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+[\w-]+)*(?:[ \t]+\"(?P<title>[^\"]*)\")?[ \t]*", "admonition marker", ("title",)),
    line_rule(r"[ \t]*/{3,}[ \t]*tab(?:[ \t]*\|[ \t]*(?P<title>.*?))?[ \t]*", "tab marker", ("title",), is_prose_label),
    line_rule(r"[ \t]*/{3,}[ \t]*[\w-]+(?:[ \t]*\|[ \t]*(?P<title>.*?))?[ \t]*", "block marker", ("title",)),
    line_rule(r"[ \t]*/{3,}[ \t]*", "block end"),
    line_rule(r"[ \t]*===\+?[ \t]+\"(?P<title>[^\"]*)\"[ \t]*", "tab marker", ("title",), is_prose_label),
    line_rule(r"[ \t]*-{2,}8<-{2,}.*", "snippet include"),
    line_rule(r"\*\[[^\]\n]+\]:[ \t]*(?P<title>.*)", "abbreviation definition", ("title",)),
    EMOJI,
)


def dedented(text: str, lines: Lines) -> str:
    """``text`` with the indented bodies of admonitions and tabs moved left by four spaces a level, nested
    ones too (same lines, each a suffix of the page's)."""
    rows, containers = [], []  # containers: the indent of each admonition or tab whose body goes on
    for line in lines:
        row = line.text
        if not row.strip():
            rows.append("")
            continue
        indent = len(row) - len(row.lstrip(" "))
        while containers and indent < containers[-1] + 4:
            containers.pop()
        rows.append(row[min(4 * len(containers), indent) :])
        if not line.in_code and _OPENER.match(row):
            containers.append(indent)
    return "\n".join(rows)


MKDOCS = Dialect(
    "mkdocs", "MkDocs (Material, pymdownx)",
    project_files=("mkdocs.yml", "mkdocs.yaml", "*/mkdocs.yml", "*/*/mkdocs.yml"),
    rules=RULES, parse_view=dedented, front_matter_keys=("description",),
)
