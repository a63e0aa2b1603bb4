"""MyST (Sphinx, Jupyter Book): directives, roles, targets and comments.

An admonition directive (```` ```{note} ````, ```` ```{admonition} Title ````, ``:::{tip}``) holds
Markdown: the parse view blanks its fences and option lines so its body is read as Markdown, where
CommonMark alone would read a code block. Other directives (``{code-block}``, ``{eval-rst}``,
``{math}``...) stay code. Roles ``{ref}`target``` are braces plus code, targets ``(label)=`` and
comments ``% ...`` whole lines.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.document.dialects.base import Dialect, Lines, Syntax, line_rule

_PROSE_DIRECTIVES = (
    "note|tip|hint|important|warning|caution|attention|danger|error|seealso|admonition|dropdown|topic|sidebar|margin|versionadded|versionchanged|deprecated"
)
_OPENER = re.compile(rf"[ \t]*(?P<fence>`{{3,}}|:{{3,}})\{{(?P<name>{_PROSE_DIRECTIVES})\}}(?:[ \t]+(?P<title>.*?))?[ \t]*")
_OPTION = re.compile(r"[ \t]*:[\w-]+:(?:[ \t].*)?")


def _directives(lines: Lines) -> Iterator[tuple[int, int, str]]:
    """(opener line, closer line, name) of every directive whose body is Markdown."""
    items, number = lines.items, 0
    while number < len(items):
        opener = _OPENER.fullmatch(items[number].text)
        if opener:
            fence = opener["fence"]
            for last in range(number + 1, len(items)):
                stripped = items[last].text.strip()
                if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                    yield number, last, opener["name"]
                    number = last
                    break
        number += 1


def directives(lines: Lines) -> Iterator[Syntax]:
    items = lines.items
    for first, last, _ in _directives(lines):
        opener = _OPENER.fullmatch(items[first].text)
        title = ((items[first].start + opener.start("title"), items[first].start + opener.end("title")),) if opener["title"] else ()
        yield Syntax(items[first].start, items[first].end, "directive", title)
        for option in items[first + 1 : last]:
            if not _OPTION.fullmatch(option.text):
                break
            yield Syntax(option.start, option.end, "directive option")
        yield Syntax(items[last].start, items[last].end, "directive end")


def blank_directive_fences(text: str, lines: Lines) -> str:
    rows = [line.text for line in lines]
    for first, last, _ in _directives(lines):
        rows[first] = rows[last] = ""
        for number in range(first + 1, last):
            if not _OPTION.fullmatch(rows[number]):
                break
            rows[number] = ""
    return "\n".join(rows)


MYST = Dialect(
    "myst", "MyST (Sphinx, Jupyter Book)",
    project_files=("myst.yml", "conf.py", "_toc.yml"),
    rules=(directives, line_rule(r"\((?P<label>[^()\s]+)\)=[ \t]*", "target"), line_rule(r"%(?:[ \t].*)?", "comment")),
    parse_view=blank_directive_fences,
)
