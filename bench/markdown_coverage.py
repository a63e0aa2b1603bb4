"""Markdown coverage with the real engine: the CommonMark spec and markdown-it-py's fixtures, en -> pt.

Every example of tests/data/markdown-it is segmented, protected (with the glossary) and translated by
the embedded engine, then rendered; its structure inventory (blocks, inline elements, lines), URLs and
code are compared with the source's. Reported with and without the after-translation verification
(pipeline/verify.py), side by side in one run, with the changed examples and the segments verification
escaped or kept in the source language. Writes bench/markdown_coverage.json.
Usage: python -m bench.markdown_coverage
"""
from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_spec import cases  # noqa: E402  the suite as the tests read it

from pipeline.config import load_config  # noqa: E402
from pipeline.document.export import render  # noqa: E402
from pipeline.document.segment import segment  # noqa: E402
from pipeline.document.structure import inventory  # noqa: E402
from pipeline.errors import UserError  # noqa: E402
from pipeline.terms.glossary import glossary_for  # noqa: E402
from pipeline.terms.protect import protect  # noqa: E402
from pipeline.translation.route import Engines, translate  # noqa: E402


def run(engines: Engines, verified: bool) -> dict:
    glossary = glossary_for(engines.config, "en", "pt", copy_only=engines.copies_only("en", "pt"))
    changed, escaped, kept, total = [], 0, 0, 0
    with contextlib.nullcontext() if verified else mock.patch("pipeline.translation.route.verify", lambda segments: None):
        for name, text in cases():
            try:
                document = segment(text, name=name, src_lang="en")
            except UserError:
                continue
            total += 1
            protect(document, glossary)
            translate(document, "pt", engines)
            out = render(document)
            before, after = inventory(text), inventory(out)
            if (before.counts, before.lines, before.urls) != (after.counts, after.lines, after.urls):
                changed.append({"example": name, "source": text, "translation": out})
            flags = [f for s in document.segments for f in s.flags if f.check == "structure"]
            escaped += sum(f.severity == "warning" for f in flags)
            kept += sum(f.severity == "error" for f in flags)
    return {"examples": total, "structure, URL or code changed": len(changed), "segments escaped": escaped, "segments kept in the source language": kept, "changed": changed}


def main() -> int:
    engines = Engines(load_config())
    results = {"without verification": run(engines, False), "with verification (default)": run(engines, True)}
    for label, result in results.items():
        print(label, {k: v for k, v in result.items() if k != "changed"})
        for case in result["changed"][:30]:
            print(f"  {case['example']}: {case['source'][:70]!r} -> {case['translation'][:70]!r}")
    Path(__file__).with_name("markdown_coverage.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
