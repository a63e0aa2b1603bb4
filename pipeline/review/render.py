"""HTML for the review page and the static report, from one set of autoescaping templates."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from pipeline.review.view import ORDERS, Review

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def highlight(text: str, needles: list[str]) -> Markup:
    """``text`` escaped, with every occurrence of a needle (flag evidence) wrapped in ``<mark>``."""
    found = sorted({n for n in needles if n and n in text}, key=len, reverse=True)
    if not found:
        return escape(text)
    pieces, cursor = [], 0
    for match in re.finditer("|".join(map(re.escape, found)), text):
        pieces += [escape(text[cursor : match.start()]), Markup("<mark>"), escape(match[0]), Markup("</mark>")]
        cursor = match.end()
    pieces.append(escape(text[cursor:]))
    return Markup("").join(pieces)


ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined, trim_blocks=False)
ENV.filters["highlight"] = highlight
ENV.filters["when"] = lambda stamp: stamp.replace("T", " ").replace("Z", " UTC")  # ISO 8601 UTC, readable


def reasons(rows) -> dict[str, int]:
    counts = Counter(reason for row in rows for reason in row.reasons)
    return dict(sorted(counts.items()))


def review_page(review: Review, number: int, token: str, reviewer: str, order: str = ORDERS[0]) -> str:
    issue, document, rows, progress = review.rows(number, order)
    return ENV.get_template("review.html").render(
        issue=issue, issues=review.issues, number=number, rows=rows, progress=progress, reasons=reasons(rows),
        src=document.src_lang, tgt=review.tgt, token=token, reviewer=reviewer, order=order,
    )


def index_page(review: Review) -> str:
    overviews = [review.overview(number) for number in range(len(review.issues))]
    return ENV.get_template("index.html").render(overviews=overviews, tgt=review.tgt)
