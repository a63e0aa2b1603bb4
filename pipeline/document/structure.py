"""Structure inventory of a Markdown text: what must be identical between source and translation."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pipeline.document.dialects import Dialect
from pipeline.document.dialects.markdown import MARKDOWN
from pipeline.document.segment import markdown_parser

_FRONT_MATTER = re.compile(r"\A(?:---[ \t]*\r?\n.*?^(?:---|\.\.\.)|\+\+\+[ \t]*\r?\n.*?^\+\+\+)[ \t]*\r?$", re.S | re.M)
_COUNTED = {
    "heading_open": "headings",
    "paragraph_open": "paragraphs",
    "list_item_open": "list items",
    "blockquote_open": "block quotes",
    "table_open": "tables",
    "th_open": "table cells",
    "td_open": "table cells",
    "fence": "code blocks",
    "code_block": "code blocks",
    "html_block": "html blocks",
    "hr": "rules",
    "link_open": "links",
    "image": "images",
    "code_inline": "inline code",
}


@dataclass
class Inventory:
    counts: Counter = field(default_factory=Counter)
    urls: list[str] = field(default_factory=list)  # link targets and image sources, in order
    code: list[str] = field(default_factory=list)  # code blocks and inline code, in order
    lines: int = 0


def inventory(text: str, dialect: Dialect = MARKDOWN) -> Inventory:
    """Count the structural elements of ``text`` (front matter aside) as ``dialect`` reads it, and list its URLs and code."""
    found = Inventory(lines=len(text.splitlines()))

    def visit(tokens):
        for token in tokens:
            if token.type in _COUNTED:
                found.counts[_COUNTED[token.type]] += 1
            if token.type == "link_open":
                found.urls.append(token.attrs.get("href", ""))
            elif token.type == "image":
                found.urls.append(token.attrs.get("src", ""))
            elif token.type in ("fence", "code_block", "code_inline"):
                found.code.append(token.content)
            if token.children:
                visit(token.children)

    visit(markdown_parser().parse(dialect.view(_FRONT_MATTER.sub("", text.removeprefix("\ufeff"), count=1))))
    return found
