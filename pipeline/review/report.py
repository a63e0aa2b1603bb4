"""`pipeline report`: the review view of an issue as one self-contained, read-only HTML file."""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from markupsafe import Markup

from pipeline.document.export import output_path
from pipeline.files import write_atomic
from pipeline.review.render import ENV, STATIC, reasons
from pipeline.review.view import Review


def report(review: Review, number: int = 0) -> str:
    """The page: CSS inline, no script, no network assets (its CSP forbids them)."""
    issue, document, rows, progress = review.rows(number)
    return ENV.get_template("report.html").render(
        issue=issue, rows=rows, progress=progress, reasons=reasons(rows), src=document.src_lang, tgt=review.tgt,
        css=Markup((STATIC / "review.css").read_text(encoding="utf-8")),
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), memory=review.memory_path.name,
    )


def write_report(review: Review, out: str | None) -> str:
    """Write the report of the review's one issue to ``out`` (default NAME.TGT.review.html, - for stdout)."""
    html = report(review)
    if out == "-":
        sys.stdout.write(html)
        return "-"
    issue = review.issues[0]
    path = Path(out) if out else output_path(issue.path, review.issues[0].document().src_lang, review.tgt, None).with_suffix(".review.html")
    write_atomic(path, html, keep_previous=False)
    return str(path)
