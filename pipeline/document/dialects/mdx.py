"""MDX pages: Docusaurus, Astro Starlight, and MDX sites such as React's docs.

ESM lines (``import ... from '...'``, ``export const ...``) and JSX component tags are syntax; a
component's string props that are prose (``title="..."``) and its text children are translated.
Asides ``:::note[Title]`` (Starlight) or ``:::tip Title`` (Docusaurus) keep their marker and
translate their title. ``{/* comments */}`` and ``{#custom-id}`` are the braces every dialect keeps.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.document.dialects.base import Dialect, Lines, Syntax, line_rule, prose_attributes

_ESM = re.compile(r"(?:import[ \t]+(?:[\w*{]|['\"])|export[ \t]+(?:const|let|var|function|default|async|class|\{|\*))")
_OPENERS = "([{"
_CLOSERS = ")]}"


def esm(lines: Lines) -> Iterator[Syntax]:
    """``import``/``export`` statements at the start of a line, over as many lines as their brackets take."""
    items, number = lines.items, 0
    while number < len(items):
        line = items[number]
        if line.in_code or not _ESM.match(line.text):
            number += 1
            continue
        depth, last = 0, number
        while True:
            text = items[last].text
            depth += sum(text.count(c) for c in _OPENERS) - sum(text.count(c) for c in _CLOSERS)
            if depth <= 0 or last + 1 >= len(items) or not items[last + 1].text.strip():
                break
            last += 1
        yield Syntax(line.start, items[last].end, "import or export line")
        number = last + 1


# A line holding one JSX or HTML tag of a component (capitalised or dashed name), opening, closing or
# self-closing, with its attributes: the tag is syntax, its prose props are text.
_COMPONENT = re.compile(r"[ \t]*</?(?:[A-Z][\w.]*|[a-z]+(?:-[a-z]+)+)(?:[ \t]+[^<>]*?)?/?>[ \t]*")


def components(lines: Lines) -> Iterator[Syntax]:
    for line in lines.prose():
        if _COMPONENT.fullmatch(line.text):
            yield Syntax(line.start, line.end, "component tag", tuple((line.start + a, line.start + b) for a, b in prose_attributes(line.text)))


ASIDE = line_rule(
    r"[ \t]*(?P<fence>:{3,})[ \t]*(?:[\w-]+)?(?:\[(?P<title>[^\]\n]*)\])?(?:[ \t]+(?P<rest>[^{\n]*?))?(?:[ \t]*\{[^}\n]*\})?[ \t]*",
    "aside marker", ("title", "rest"),
)

MDX_RULES = (esm, components)

MDX = Dialect("mdx", "MDX (React-style docs)", project_files=("next.config.js", "next.config.mjs", "next.config.ts"), rules=MDX_RULES, front_matter_keys=("description",), expressions=True)
DOCUSAURUS = Dialect(
    "docusaurus", "Docusaurus (MDX)",
    project_files=("docusaurus.config.js", "docusaurus.config.ts", "docusaurus.config.mjs"), rules=(*MDX_RULES, ASIDE),
    front_matter_keys=("description", "sidebar_label"), expressions=True,
)
STARLIGHT = Dialect("starlight", "Astro Starlight (MDX)", project_files=("astro.config.mjs", "astro.config.ts", "astro.config.js"), rules=(*MDX_RULES, ASIDE), front_matter_keys=("description",), expressions=True)
