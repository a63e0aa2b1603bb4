"""The review app over HTTP (token, host check, escaping, conflicts, re-checks) and the static report."""
from __future__ import annotations

import http.client
import json
import os
import re
import socket
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from corpus import run_cli as run
from reviewing import TRANSLATIONS, URL_SOURCE, XSS, flagged_by_hand, hand_translated

from pipeline.config import load_config
from pipeline.document.record import Flag
from pipeline.memory.store import Memory
from pipeline.review.app import allowed_hosts, background, create_app
from pipeline.review.render import highlight
from pipeline.review.view import Review

TOKEN = "test-token"


@pytest.fixture
def issue(tmp_path, memory_path):
    return hand_translated(tmp_path, memory_path)


@pytest.fixture
def server(issue, memory_path):
    with Review([issue], "pt", load_config(), memory_path) as review, background(create_app(review, token=TOKEN, reviewer="ann", hosts=allowed_hosts("127.0.0.1"))) as url:
        yield url, review


def request(url: str, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, dict, str]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers={"Content-Type": "application/json", **(headers or {})})
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response.status, dict(response.getheaders()), text


def save(url: str, segment_id: str, token: str | None = TOKEN, **body) -> tuple[int, dict]:
    status, _, text = request(url, "POST", f"/api/issues/0/segments/{segment_id}", {"reviewer": "ann", **body}, {"X-Review-Token": token} if token else {})
    return status, json.loads(text)


def ids(review: Review) -> dict[str, str]:
    return {s.source: s.id for s in review.issues[0].document().segments}


class Tags(HTMLParser):
    """Every start tag and its attributes."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def test_page_lists_flagged_first_and_shows_markup_as_text(server):
    url, review = server
    status, headers, page = request(url, "GET", "/issues/0")
    assert status == 200 and "script-src 'self'" in headers["content-security-policy"]
    articles = [attrs for tag, attrs in tags(page) if tag == "article"]
    assert [a["data-id"] for a in articles][0] == ids(review)[URL_SOURCE]
    assert articles[0]["data-reasons"] == "markup urls" and articles[0]["data-flagged"] == "yes"
    assert "0 of 1 flagged reviewed · 0 of 5 in all" in page
    assert "<mark>https://example.org/data</mark>" in page  # the flag's evidence, highlighted in the source
    assert XSS not in page and "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page
    assert not [t for t, attrs in tags(page) if t == "img" or (t == "script" and "src" not in attrs)]


def test_posts_need_the_token_and_the_host_must_be_the_server(server, memory_path):
    url, review = server
    segment_id = ids(review)[URL_SOURCE]
    assert save(url, segment_id, token=None, status="approved", revision=0)[0] == 403
    assert save(url, segment_id, token="guess", status="approved", revision=0)[0] == 403
    status, _, _ = request(url, "GET", "/issues/0", headers={"Host": "attacker.example"})
    assert status == 400
    with Memory(memory_path) as memory:
        assert memory.entry("en", "pt", URL_SOURCE).revision == 0


def test_save_rechecks_the_edit_and_a_stale_revision_is_a_409(server, memory_path):
    url, review = server
    segment_id = ids(review)[URL_SOURCE]
    fixed = "O novo conjunto de dados está disponível em https://example.org/data para todos."
    status, body = save(url, segment_id, status="edited", text=fixed, revision=0)
    assert status == 200 and body["revision"] == 1 and body["flags"] == []
    assert body["progress"]["summary"] == "1 of 1 flagged reviewed · 1 of 5 in all"
    status, body = save(url, segment_id, status="approved", revision=0)  # another reviewer, stale
    assert status == 409 and body["current"] == {**body["current"], "text": fixed, "revision": 1, "reviewer": "ann", "status": "edited"}
    broken = "O conjunto está em https://example.org/ para todos."
    status, _, text = request(url, "POST", f"/api/issues/0/segments/{segment_id}/check", {"text": broken}, {"X-Review-Token": TOKEN})
    assert status == 200 and {f["check"] for f in json.loads(text)["flags"]} >= {"urls"}
    with Memory(memory_path) as memory:
        entry = memory.entry("en", "pt", URL_SOURCE)
    assert (entry.status, entry.final, entry.revision) == ("edited", fixed, 1)


@pytest.mark.parametrize(
    "path, body, code",
    [
        ("/api/issues/3/segments/s0001-a7be603c", {"status": "approved", "reviewer": "x"}, 404),
        ("/api/issues/0/segments/s0001-00000000", {"status": "approved", "reviewer": "x"}, 404),
        ("/api/issues/0/segments/..%2F..%2Fetc%2Fpasswd", {"status": "approved", "reviewer": "x"}, 404),
        ("/api/issues/0/segments/s0001-a7be603c", {"status": "new", "reviewer": "x"}, 422),
        ("/api/issues/0/segments/s0001-a7be603c", {"status": "edited", "text": "  ", "reviewer": "x"}, 400),
        ("/api/issues/0/segments/s0001-a7be603c", {"status": "approved", "reviewer": "x", "extra": 1}, 422),
    ],
)
def test_bad_requests_are_refused(server, path, body, code):
    url, _ = server
    status, _, text = request(url, "POST", path, body, {"X-Review-Token": TOKEN})
    assert status == code and json.loads(text)["error"]


def test_several_issues_are_listed_and_addressed_by_number(issue, memory_path, tmp_path):
    other = tmp_path / "other" / "notes.en.md"
    other.parent.mkdir()
    other.write_text("# Other notes\n\nThanks for reading the newsletter today.\n", encoding="utf-8")
    with Review([issue, other], "pt", load_config(), memory_path) as review, background(create_app(review, token=TOKEN, reviewer="ann", hosts=allowed_hosts("127.0.0.1"))) as url:
        status, _, page = request(url, "GET", "/")
        assert status == 200 and [attrs["href"] for tag, attrs in tags(page) if tag == "a"] == ["/issues/0", "/issues/1"]
        status, _, page = request(url, "GET", "/issues/1")
        assert status == 200 and "0 of 0 flagged reviewed · 0 of 1 in all" in page and "1 segment(s) have no translation" in page
        assert request(url, "GET", "/issues/2")[0] == 404


def test_flagged_segments_come_most_urgent_first_or_in_document_order(tmp_path, memory_path):
    """Errors before warnings, then by the check's likelihood (urls 1, word-order 13, numbers 23), then by
    position; ?order=document keeps document order; a review does not move a row; no placeholder shows."""
    word_order, numbers = Flag("word-order", "warning", "odd order"), Flag("numbers", "error", "lost 2", "2")
    urls = Flag("urls", "error", "lost URL", "https://example.org/data")
    flags = {0: [word_order], 1: [numbers], 2: [word_order], 3: [word_order, urls]}
    backs = {1: "The new dataset is available atXq1for everyone ZZZZA7."}  # residue an older back-check stored
    issue = flagged_by_hand(tmp_path, memory_path, flags, backs)
    with Review([issue], "pt", load_config(), memory_path) as review, background(create_app(review, token=TOKEN, reviewer="ann", hosts=allowed_hosts("127.0.0.1"))) as url:
        index = {s.id: s.index for s in review.issues[0].document().segments}

        def order(query: str = "") -> list[int]:
            status, _, page = request(url, "GET", f"/issues/0{query}")
            assert status == 200
            return [index[attrs["data-id"]] for tag, attrs in tags(page) if tag == "article"]

        assert order() == order("?order=severity") == [3, 1, 0, 2, 4]
        assert order("?order=document") == [0, 1, 2, 3, 4]
        assert request(url, "GET", "/issues/0?order=random")[0] == 422
        _, _, page = request(url, "GET", "/issues/0")
        articles = [attrs for tag, attrs in tags(page) if tag == "article"]
        assert [a["data-rank"] for a in articles] == ["0", "1", "2", "3", "4"] and [a["data-position"] for a in articles] == ["3", "1", "0", "2", "4"]
        assert "The new dataset is available at https://example.org/data for everyone." in page and "Xq1" not in page and "ZZZZA7" not in page
        segment_id = next(i for i, n in index.items() if n == 3)
        assert save(url, segment_id, status="edited", text="Cuidado com isto nesta frase.", revision=0)[0] == 200
        assert order() == [3, 1, 0, 2, 4]  # ranked by the machine output's flags


def test_the_index_shows_each_issues_counts_languages_and_last_change(issue, memory_path, tmp_path):
    other = tmp_path / "other" / "notes.en.md"
    other.parent.mkdir()
    other.write_text("# Other notes\n\nThanks for reading the newsletter today.\n", encoding="utf-8")
    os.utime(other, (1_700_000_000, 1_700_000_000))  # 2023-11-14 22:13 UTC
    with Memory(memory_path) as memory:
        saved = memory.save_review("en", "pt", URL_SOURCE, status="approved", text=None, reviewer="bob", revision=0)
    with Review([issue, other], "pt", load_config(), memory_path) as review, background(create_app(review, token=TOKEN, reviewer="ann", hosts=allowed_hosts("127.0.0.1"))) as url:
        status, _, page = request(url, "GET", "/")
        assert status == 200
        rows = re.findall(r"<tr data-issue=.*?</tr>", page, re.S)
        cells = [[" ".join(re.sub(r"<[^>]+>", "", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]
        when = saved.reviewed_at.replace("T", " ").replace("Z", " UTC")
        assert cells[0] == [review.issues[0].name, "en → pt", "1", "1", "0", "1 of 5", f"{when} review by bob"]
        assert cells[1] == [review.issues[1].name, "en → pt", "0", "0", "0", "0 of 1 (1 not translated)", "2023-11-14 22:13:20 UTC source"]
        assert [attrs["href"] for tag, attrs in tags(page) if tag == "a"] == ["/issues/0", "/issues/1"]


def test_static_files_stay_in_their_folder(server):
    url, _ = server
    assert request(url, "GET", "/static/review.js")[0] == 200
    for path in ("/static/../view.py", "/static/%2e%2e/view.py", "/static/..%2Fview.py"):
        assert request(url, "GET", path)[0] == 404


def test_highlight_escapes_around_the_marks():
    assert str(highlight('<b>"x"</b> at https://a.example/?q=<i>', ["https://a.example/?q=<i>", ""])) == (
        "&lt;b&gt;&#34;x&#34;&lt;/b&gt; at <mark>https://a.example/?q=&lt;i&gt;</mark>"
    )


def test_report_is_one_self_contained_read_only_file(issue, memory_path, tmp_path, monkeypatch, capsys):
    with Memory(memory_path) as memory:
        memory.save_review("en", "pt", "Thanks for reading the newsletter today.", status="edited", text="Obrigado por ler, até à próxima!", reviewer="bob", revision=0)
    code, _, err = run(monkeypatch, capsys, "report", str(issue), "--to", "pt")
    assert code == 0, err
    html = (tmp_path / "notes.pt.review.html").read_text(encoding="utf-8")
    found = tags(html)
    assert {t for t, _ in found} & {"script", "link", "img", "iframe", "object", "embed"} == set()
    assert not [attrs for _, attrs in found if {"src", "href", "action"} & set(attrs)]
    assert "<style>" in html and "default-src 'none'" in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html and XSS not in html
    assert "Obrigado por ler, até à próxima!" in html and TRANSLATIONS["Thanks for reading the newsletter today."] in html  # edit and machine text
    assert "<mark>https://example.org/data</mark>" in html and "0 of 1 flagged reviewed · 1 of 5 in all" in html


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["review", "missing.md", "--to", "pt"], "no such file"),
        (["review", "{issue}", "--to", "pt,fr"], "one target language"),
        (["report", "{issue}", "--to", "pt", "--memory", "{tmp}/none.sqlite"], "no translation memory"),
        (["report", "{issue}", "--to", "pt", "--out", "{issue}/x.html"], "cannot write"),
    ],
)
def test_bad_usage_is_one_line(args, fragment, issue, tmp_path, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, *(a.format(issue=issue, tmp=tmp_path) for a in args))
    assert code == 2 and fragment in err and err.count("\n") == 1, err


def test_a_port_in_use_is_one_line(issue, monkeypatch, capsys):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        code, _, err = run(monkeypatch, capsys, "review", str(issue), "--to", "pt", "--port", str(port))
    assert code == 2 and f"cannot listen on 127.0.0.1:{port}" in err and err.count("\n") == 1, err
