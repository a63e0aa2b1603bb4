"""Verify: a translated segment is Markdown again once it is in the page; its structure must be the source's.

An engine's sentence that starts a line with "* ", "- ", "1. ", "# ", "> " or "---" becomes a list
item, a heading, a quote or a rule; "[test](foo bar)" translated "[teste](baro)" becomes a link.
Each translated segment is parsed on its own next to its source, and their shapes compared (blocks,
links, images, emphasis, code, HTML, hard breaks). A line start the engine made into a block marker
is escaped ("\\* Igualdade de contribuição"); where the structure still differs the segment keeps
its source text and an error flag: a structure change is never published.
"""
from __future__ import annotations

import re
from collections import Counter

from pipeline.document.record import Segment, Span
from pipeline.document.segment import MAY_HAVE_MARKUP, parse_alone

_INLINE = {"link_open", "image", "em_open", "strong_open", "s_open", "code_inline", "html_inline", "hardbreak"}
_BLOCK_START = re.compile(r"^([ \t]{0,3})(?=[*+-][ \t]|[*+-]$|\d{1,9}[.)](?:[ \t]|$)|#{1,6}(?:[ \t]|$)|>|([-*_])(?:[ \t]*\2){2,}[ \t]*$|=+[ \t]*$|-+[ \t]*$)", re.M)
_WHAT = {
    "bullet_list_open": "a list", "ordered_list_open": "a numbered list", "heading_open": "a heading", "hr": "a horizontal rule",
    "blockquote_open": "a quotation", "link_open": "a link", "image": "an image", "em_open": "emphasis", "strong_open": "bold text",
    "s_open": "strikethrough", "code_inline": "inline code", "html_inline": "an HTML tag", "hardbreak": "a line break", "fence": "a code block",
    "code_block": "a code block", "table_open": "a table", "html_block": "an HTML block",
}


_ONE_LINE_FROM_A_LETTER = re.compile(r"[^\W\d_][^\n]*")  # no block starts there, no line break in it


def shape(text: str) -> Counter[str]:
    """The Markdown structure of ``text`` read on its own: block kinds and inline elements, counted."""
    found: Counter[str] = Counter()
    if _ONE_LINE_FROM_A_LETTER.fullmatch(text) and not MAY_HAVE_MARKUP.search(text):
        return found  # plain prose: no need to parse
    for token in parse_alone(text):
        if token.type == "inline":
            found.update(child.type for child in token.children or [] if child.type in _INLINE)
        elif not token.type.endswith("_close") and token.type not in ("paragraph_open", "list_item_open"):
            found[token.type] += 1
    return found


def verify(segments: list[Segment]) -> None:
    """Repair or flag every translated segment whose target reads as other Markdown than its source, or
    lost a piece of its dialect's syntax (a heading anchor, an include, a shortcode)."""
    for segment in segments:
        target = segment.target
        if not target or target == segment.source:
            continue
        if lost := _lost_syntax(segment):
            segment.target = segment.source
            segment.flag("syntax", "error", f"the translation changed the {lost.syntax} `{lost.text}`, so the source text was kept: translate it by hand, keeping `{lost.text}` as it is", target[:80])
            continue
        wanted = shape(segment.source)
        if shape(target) == wanted:
            continue
        repaired = _BLOCK_START.sub(lambda m: m[1] + "\\", target)
        if repaired != target and shape(repaired) == wanted:
            segment.target = repaired
            segment.flag("structure", "warning", "the translation began a line with a character Markdown reads as a list, heading or quotation; it was escaped: check the line", target[:80])
            continue
        segment.target = segment.source  # the page keeps its structure; the reviewer translates this by hand
        segment.flag("structure", "error", f"the translation changed the Markdown structure ({_difference(wanted, shape(target))}), so the source text was kept: translate it by hand", target[:80])


def _lost_syntax(segment: Segment) -> Span | None:
    """The first piece of toolchain syntax of the segment that its translation does not hold byte for byte."""
    wanted = Counter(span.text for span in segment.spans if span.syntax)
    for span in segment.spans:
        if span.syntax and segment.target.count(span.text) < wanted[span.text]:
            return span
    return None


def _difference(source: Counter[str], target: Counter[str]) -> str:
    parts = []
    for kind in sorted(set(source) | set(target)):
        name = _WHAT.get(kind, kind.replace("_open", "").replace("_", " "))
        if target[kind] > source[kind]:
            parts.append(f"{name} that the source does not have")
        elif target[kind] < source[kind]:
            parts.append(f"{name} of the source is lost")
    return ", ".join(parts)
