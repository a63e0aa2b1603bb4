"""Where a sentence stands, so that a translation memory can tell one "source" from another.

The same short source ("source", "Paper", "Tools") has different right translations in different
places: a figure caption's "source" is "fonte", a heading's "Tools" is "Ferramentas". Every human
translation stored keeps its ``Context`` (the document, the kind of block, the sentences before and
after, as translation memories' in-context or "101%" matches do), and ``choose`` picks, among the
stored translations of a source, the one to publish at a place, and the others to offer.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.document.record import Document, Segment, SpanKind

_KINDS = (  # the innermost kind a block path names, in a reviewer's words
    ("front_matter", "front matter"), ("syntax[", "title"), ("heading", "heading"), ("/th[", "table cell"),
    ("/td[", "table cell"), ("list_item", "list item"), ("blockquote", "quotation"), ("html_block", "HTML"),
)


@dataclass(frozen=True)
class Context:
    """Where a source sentence stands: its document (file name), block kind, previous and next sentence."""

    document: str
    kind: str
    previous: str
    next: str


def kind_of(segment: Segment) -> str:
    """"link text" for a sentence that is one link (a figure's "[*source*](...)"), else its block's kind."""
    spans = sorted(segment.spans, key=lambda span: span.start)
    if spans and spans[0].start == 0 and spans[0].kind == SpanKind.OPEN and spans[0].text.startswith("[") and spans[-1].end == len(segment.source):
        return "link text"
    return next((kind for marker, kind in _KINDS if marker in segment.block), "paragraph")


def contexts(document: Document) -> list[Context]:
    """The context of each segment of ``document``, in order."""
    name = Path(document.name).name if not document.name.startswith("<") else ""
    sources = [s.source for s in document.segments]
    return [
        Context(name, kind_of(segment), sources[i - 1] if i > 0 else "", sources[i + 1] if i + 1 < len(sources) else "")
        for i, segment in enumerate(document.segments)
    ]


@dataclass(frozen=True)
class Stored:
    """One stored human translation of a source, at its context."""

    text: str
    context: Context
    reviewer: str


def _fit(stored: Context, here: Context) -> tuple[bool, int, bool]:
    """How well a stored context fits here, most telling first: same block kind, same neighbours, same document."""
    return stored.kind == here.kind, (stored.previous == here.previous) + (stored.next == here.next), stored.document == here.document


def choose(candidates: list[Stored], here: Context) -> tuple[Stored, list[str], bool]:
    """The stored translation to publish ``here``, the other texts to offer, and whether it is an exact
    (same document, kind and neighbours) match. Where the candidates disagree, the best-fitting context
    wins, then the text given most often."""
    exact = next((c for c in candidates if c.context == here), None)
    often = Counter(c.text for c in candidates)
    best = exact or max(candidates, key=lambda c: (_fit(c.context, here), often[c.text]))
    others = [text for text in often if text != best.text]
    return best, others, exact is not None


def shown(texts: list[str]) -> str:
    """Alternative texts as a reviewer reads them: quoted, on one line, the short ones whole."""
    return ", ".join("'" + " ".join(text.split())[:60] + "'" for text in texts)
