"""Segmentation: a Markdown (or plain-text) issue becomes a Document of blocks and sentences.

Block structure comes from markdown-it-py's token source maps; inline structure from each inline
token's children, which are located back in the source so that every segment knows the exact
characters it covers. Everything that is not prose (front matter outside the configured keys,
code, HTML, URLs, link destinations, markup) stays outside segments or becomes a span inside one,
and is therefore never sent to a model.
"""
from __future__ import annotations

import re
import threading
import tomllib
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

import yaml
from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination, parseLinkTitle
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from pipeline.document.comments import comment_prose
from pipeline.document.dialects import Dialect, Lines, Syntax
from pipeline.document.dialects.markdown import MARKDOWN
from pipeline.document.record import TOKEN as PLACEHOLDER
from pipeline.document.record import Block, Document, Segment, Span, SpanKind
from pipeline.errors import UserError
from pipeline.lang.detect import LETTER, detect_language, tagged_language
from pipeline.lang.sentences import split_sentences

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)  # `$` is before "\n" only: allow CRLF
_PICTOGRAPH = "\u2190-\u21ff\u2300-\u23ff\u2460-\u24ff\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
# Inline math, emoji and issue numbers (#5): engines drop or mangle them, so they stay as they are;
# so does text shaped like a placeholder (`Xq1`), which unmasking would take for one.
_UNTRANSLATABLE = re.compile(
    r"(?<![\\$\w])\$(?=\S)[^$\n]+?(?<=\S)\$(?![\w$])|(?<!\w)#\d+\b|^\[![A-Za-z]+\]|^\[[ xX]\](?= )"  # $math$, #5, a GitHub alert's [!NOTE], a task's [x]
    rf"|[{_PICTOGRAPH}][\ufe0f\U0001f3fb-\U0001f3ff]?(?:\u200d[{_PICTOGRAPH}][\ufe0f]?)*|{PLACEHOLDER.pattern}"
)
_MARKERS_ONLY = re.compile(r"[\s>*+\-\d.)]*")  # a line with no more than container markers and spaces
_PAIRED_TYPES = {"em_open", "em_close", "strong_open", "strong_close", "s_open", "s_close"}


_THREAD = threading.local()


def markdown_parser() -> MarkdownIt:
    """The parser of segmentation, checks, verification and structure inventories: built once per thread (its
    linkify matcher keeps state between calls, so two threads never share one)."""
    md = getattr(_THREAD, "markdown", None)
    if md is None:
        md = _THREAD.markdown = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "strikethrough", "linkify"]).use(footnote_plugin)
        md.disable("text_join")  # keep escapes and entities as their own tokens, with their markup
    return md


# A character or sequence without which Markdown finds no inline markup in a text: links, images, code,
# HTML, emphasis, strikethrough, and what linkify turns into links (URLs, e-mail addresses, bare domains)
MAY_HAVE_MARKUP = re.compile(r"[\[`<*_~@]|://|\S\.\w")


@lru_cache(maxsize=8192)
def parse_alone(text: str) -> tuple[Token, ...]:
    """The block tokens of ``text`` parsed on its own (a segment's source or translation), cached:
    verification and the markup checks read the same texts. The tokens are shared: read, never change them."""
    return tuple(markdown_parser().parse(text))

_TABLE_CELL = re.compile(r"/t[hd]\[")  # a block path inside a table cell


@dataclass
class _Run:
    """A stretch of inline source: prose, or markup of one SpanKind."""

    start: int
    end: int
    kind: str  # "text", "atomic", "open", "close", "break", "syntax" (a dialect's, atomic)
    pair: int | None = None
    syntax: str = ""  # for "syntax" runs: what it is ("heading anchor")


class _Unlocatable(Exception):
    """An inline token could not be matched back to the source; the block is copied as is."""


class _InlineScanner:
    """Walks an inline token's children and finds each one in the token's content."""

    def __init__(self, content: str, first_pair: int):
        self.content = content
        self.cursor = 0
        self.runs: list[_Run] = []
        self.next_pair = first_pair

    def _find(self, needle: str) -> int:
        if not needle:
            return self.cursor
        pos = self.content.find(needle, self.cursor)
        if pos < 0:
            raise _Unlocatable(repr(needle))
        self._gap(pos)
        return pos

    def _gap(self, pos: int) -> None:
        """Characters between two tokens (trailing spaces, continuation indent, a `\\` break)."""
        if pos > self.cursor:
            gap = self.content[self.cursor : pos]
            self._add(pos, "text" if gap.isspace() else "atomic")

    def _add(self, end: int, kind: str, pair: int | None = None) -> None:
        self.runs.append(_Run(self.cursor, end, kind, pair))
        self.cursor = end

    def _text(self, end: int) -> None:
        """Prose, with inline math and emoji taken out as atomic spans."""
        for special in _UNTRANSLATABLE.finditer(self.content, self.cursor, end):
            if special.start() > self.cursor:
                self._add(special.start(), "text")
            self._add(special.end(), "atomic")
        if end > self.cursor:
            self._add(end, "text")

    def _inline_note(self, start: int) -> None:
        depth, end = 0, start + 1
        while end < len(self.content):
            depth += {"[": 1, "]": -1}.get(self.content[end], 0)
            if depth == 0:
                break
            end += 2 if self.content[end] == "\\" else 1
        if depth:
            raise _Unlocatable("inline footnote")
        pair = self.next_pair
        self.next_pair += 1
        self._add(start + 2, "open", pair)
        self._text(end)
        self._add(end + 1, "close", pair)

    def _link_tail(self, bracket: int) -> int:
        """End of the markup after a link's text: `](dest "title")`, `][label]` or `]`."""
        src, pos, maximum = self.content, bracket + 1, len(self.content)
        if pos < maximum and src[pos] == "(":
            pos += 1
            while pos < maximum and src[pos] in " \t\n":
                pos += 1
            destination = parseLinkDestination(src, pos, maximum)
            if destination.ok:
                pos = destination.pos
            while pos < maximum and src[pos] in " \t\n":
                pos += 1
            title = parseLinkTitle(src, pos, maximum)
            if title.ok:
                pos = title.pos
            while pos < maximum and src[pos] in " \t\n":
                pos += 1
            if pos < maximum and src[pos] == ")":
                return pos + 1
            raise _Unlocatable("link destination")
        if pos < maximum and src[pos] == "[":
            end = src.find("]", pos)
            if end < 0:
                raise _Unlocatable("link label")
            return end + 1
        return pos

    def scan(self, children: list[Token]) -> None:
        index = 0
        while index < len(children):
            token = children[index]
            kind = token.type
            if kind == "text":
                self._text(self._find(token.content) + len(token.content))
            elif kind == "footnote_ref" and "label" in token.meta:  # [^label]: the label is an identifier, never translated
                label = f"[^{token.meta['label']}]"
                self._add(self._find(label) + len(label), "atomic")
            elif kind == "footnote_ref":  # an inline footnote ^[text]: its text is translated in place, like a link's
                self._inline_note(self._find("^["))
            elif kind in ("softbreak", "hardbreak"):
                newline = self.content.find("\n", self.cursor)
                if newline < 0:
                    raise _Unlocatable("line break")
                start = newline
                while kind == "hardbreak" and start > self.cursor and self.content[start - 1] == " ":
                    start -= 1  # a hard break's trailing spaces are the break itself: engines drop spaces
                self._gap(start)
                self._add(newline + 1, "break")
            elif kind == "text_special":
                self._add(self._find(token.markup) + len(token.markup), "atomic")
            elif kind == "html_inline":
                name, closing = _tag(token.content)
                partner = _closing_tag(children, index, name) if name and not closing else None
                if partner is not None and name in _VERBATIM_ELEMENTS:  # <code>...</code>: never sent to an engine
                    start = self._find(token.content)
                    close = children[partner].content
                    end = self.content.find(close, start + len(token.content))
                    if end < 0:
                        raise _Unlocatable(close)
                    self._add(end + len(close), "atomic")
                    index = partner
                elif partner is not None:  # <b>text</b>: a pair around translated text, like emphasis
                    pair = self.next_pair
                    self.next_pair += 1
                    children[partner].meta["pair"] = pair
                    self._add(self._find(token.content) + len(token.content), "open", pair)
                elif closing and "pair" in token.meta:
                    self._add(self._find(token.content) + len(token.content), "close", token.meta["pair"])
                else:
                    self._add(self._find(token.content) + len(token.content), "atomic")
            elif kind == "code_inline":
                fence = re.compile(rf"(?<!`){re.escape(token.markup)}(?!`)")
                start = self.cursor  # a backtick before the cursor (an escaped one) is no part of the fence
                opening = fence.search(self.content[start:])
                closing = opening and fence.search(self.content[start:], opening.end())
                if not closing:
                    raise _Unlocatable("code span")
                self._gap(start + opening.start())
                self._add(start + closing.end(), "atomic")
            elif kind in _PAIRED_TYPES:
                pair = self.next_pair if kind.endswith("_open") else token.meta["pair"]
                if kind.endswith("_open"):
                    self.next_pair += 1
                    children[_partner(children, index)].meta["pair"] = pair
                self._add(self._find(token.markup) + len(token.markup), kind.rsplit("_", 1)[1], pair)
            elif kind == "link_open" and token.markup in ("autolink", "linkify"):
                close = _partner(children, index)
                shown = "".join(child.content for child in children[index + 1 : close])
                if token.markup == "autolink":
                    self._add(self.content.index(">", self._find("<")) + 1, "atomic")
                else:  # a linkified URL, after any spaces that follow a line break
                    rest = self.content[self.cursor :]
                    self._gap(self.cursor + len(rest) - len(rest.lstrip()))
                    rest = rest.lstrip()  # the URL as written, or shown decoded (percent-escapes, punycode)
                    self._add(self.cursor + (len(shown) if rest.startswith(shown) else _written_url(rest, token.attrs["href"])), "atomic")
                index = close
            elif kind in ("link_open", "image"):
                pair = self.next_pair
                self.next_pair += 1
                opener = "[" if kind == "link_open" else "!["
                self._add(self._find(opener) + len(opener), "open", pair)
                if kind == "image":
                    self.scan(token.children or [])
                    self._close_link(pair)
                else:
                    children[_partner(children, index)].meta["pair"] = pair
            elif kind == "link_close":
                self._close_link(token.meta["pair"])
            else:
                raise _Unlocatable(kind)
            index += 1

    def _close_link(self, pair: int) -> None:
        bracket = self._find("]")
        end = self._link_tail(bracket)
        if self.content[bracket:end] in ("]", "][]"):  # `[text]`, `[text][]`: the text is the reference label
            opener = next(i for i, run in enumerate(self.runs) if run.kind == "open" and run.pair == pair)
            self.cursor = self.runs[opener].start
            del self.runs[opener:]
            self._add(end, "atomic")  # translating the text would break the link
        else:
            self._add(end, "close", pair)


def _written_url(rest: str, href: str) -> int:
    """Length of the URL at the start of ``rest`` that linkify normalised to ``href``."""
    normalize = markdown_parser().normalizeLink
    for end in range(1, len(rest) + 1):
        written = rest[:end]
        if href in (normalize(written), normalize(f"http://{written}"), normalize(f"mailto:{written}")):
            return end
    raise _Unlocatable(href)


class _TextNodes(HTMLParser):
    """Where the prose between block tags lies in an HTML fragment. A run of text goes on across inline
    tags (``<b>``, ``<a>``...) and character references, which become its markup; it stops at other tags,
    comments and elements whose content is not prose (``<script>``, ``<pre>``, ``<code>``...)."""

    INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "dfn", "em", "i", "mark", "q", "s", "small", "span", "strong", "sub", "sup", "u", "br", "wbr"})

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self.html = html
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", html)]
        self.nodes: list[tuple[int, int]] = []
        self.current: list[int] | None = None  # [start, end] of the run being read
        self.skipping: list[str] = []

    def _here(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _tag(self, tag: str) -> None:
        """An inline tag carries the run on; any other tag ends it."""
        if tag in self.INLINE and self.current is not None and not self.skipping:
            self.current[1] = self.html.index(">", self._here()) + 1
        elif tag not in self.INLINE:
            self._end()

    def _end(self) -> None:
        if self.current is not None:
            end = self.current[0] + len(self.html[self.current[0] : self.current[1]].rstrip())
            if LETTER.search(self.html[self.current[0] : end]):
                self.nodes.append((self.current[0], end))
        self.current = None

    def handle_starttag(self, tag, attrs):
        self._tag(tag)
        if tag in _VERBATIM_ELEMENTS:
            self.skipping.append(tag)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()
            return
        self._tag(tag)

    def handle_data(self, data):
        if self.skipping:
            return
        begin = self._here()
        if self.current is None:
            if not data.strip():
                return
            begin += len(data) - len(data.lstrip())
            self.current = [begin, begin]
        self.current[1] = self._here() + len(data)

    def handle_entityref(self, name):
        if self.current is not None:
            self.current[1] = self._here() + len(name) + 2

    def handle_charref(self, name):
        if self.current is not None:
            self.current[1] = self._here() + len(name) + 3

    def handle_comment(self, data):
        self._end()


def _html_text_nodes(html: str) -> list[tuple[int, int]]:
    """(start, end) of each run of prose of ``html``, whitespace around it left out."""
    parser = _TextNodes(html)
    parser.feed(html)
    parser.close()
    parser._end()
    return parser.nodes


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*?(/?)>$")
_VOID_ELEMENTS = frozenset("area base br col embed hr img input link meta source track wbr".split())
_VERBATIM_ELEMENTS = frozenset("abbr code kbd samp var pre script style math svg tt textarea".split())  # content never sent to an engine


def _tag(html: str) -> tuple[str | None, bool]:
    """(element name, whether a closing tag) of one inline HTML tag as markdown-it found it; (None, False)
    for a comment, a void or self-closing element, or anything else that pairs with nothing."""
    match = _TAG.match(html)
    if not match or match[3] or match[2].lower() in _VOID_ELEMENTS:
        return None, False
    return match[2].lower(), bool(match[1])


def _closing_tag(children: list[Token], index: int, name: str) -> int | None:
    """Index of the inline HTML tag closing the element opened at ``index``, in the same inline run."""
    depth = 0
    for position in range(index + 1, len(children)):
        if children[position].type != "html_inline":
            continue
        other, closing = _tag(children[position].content)
        if other == name and not closing:
            depth += 1
        elif other == name and closing:
            if depth == 0:
                return position
            depth -= 1
    return None


def _partner(children: list[Token], index: int) -> int:
    """Index of the closing token that matches the opening token at ``index``."""
    opener = children[index]
    closer_type = opener.type.replace("_open", "_close")
    depth = 0
    for position in range(index + 1, len(children)):
        if children[position].type == opener.type:
            depth += 1
        elif children[position].type == closer_type:
            if depth == 0:
                return position
            depth -= 1
    raise _Unlocatable(closer_type)


def _merge_markup(runs: list[_Run], content: str) -> list[_Run]:
    """Fewer, larger spans: engines keep few placeholders better than many.

    `![](url)` or `[ ](url)` (a pair with nothing to translate) becomes one atomic span; a pair
    directly inside another and touching both its ends (`[*` ... `*](url)`) becomes part of the
    outer pair.
    """
    runs = list(runs)
    changed = True
    while changed:
        changed = False
        closes = {run.pair: index for index, run in enumerate(runs) if run.kind == "close"}
        for i, (outer, inner) in enumerate(zip(runs, runs[1:])):
            if outer.kind == inner.kind == "open" and outer.end == inner.start:
                j, k = closes.get(inner.pair), closes.get(outer.pair)
                if j is not None and k == j + 1 and runs[j].end == runs[k].start:
                    runs[k] = _Run(runs[j].start, runs[k].end, "close", outer.pair)
                    runs[i] = _Run(outer.start, inner.end, "open", outer.pair)
                    del runs[j], runs[i + 1]
                    changed = True
                    break
    merged: list[_Run] = []
    for run in runs:
        blank = 1 if merged and merged[-1].kind == "text" and content[merged[-1].start : merged[-1].end].isspace() else 0
        opener = merged[-1 - blank] if len(merged) > blank else None
        if run.kind == "close" and opener and opener.kind == "open" and opener.pair == run.pair:
            del merged[-1 - blank :]
            merged.append(_Run(opener.start, run.end, "atomic"))
        else:
            merged.append(run)
    return merged


class _Segmenter:
    def __init__(self, text: str, name: str, front_matter_keys: tuple[str, ...], dialect: Dialect = MARKDOWN, code_comments: bool = False):
        self.document = Document(text=text, name=name, dialect=dialect.name)
        self.line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
        self.front_matter_keys = front_matter_keys
        self.dialect = dialect
        self.code_comments = code_comments
        self.units: list[tuple[str, list[_Run]]] = []  # (block path, runs in document offsets)
        self.quoted: dict[str, str] = {}  # block path of prose inside a quoted title or attribute -> the quote
        self.next_pair = 0

    # -- front matter -------------------------------------------------------------------
    def front_matter(self) -> int:
        """Record the front matter (YAML between ``---`` lines, or TOML between ``+++`` lines, as Hugo
        writes it) and its translatable values; return the body's line. Front matter that does not parse
        is an error naming its line."""
        text = self.document.text
        toml = re.match(r"\+\+\+[ \t]*(\r\n|\r|\n)", text)
        if not toml and not re.match(r"---[ \t]*(\r\n|\r|\n)", text):
            return 0
        ending = re.compile(r"^\+\+\+[ \t]*\r?$", re.M) if toml else _FRONT_MATTER_END
        closing = ending.search(text, text.index("\n") + 1 if "\n" in text else len(text))
        if not closing:
            return 0
        body = text[self.line_starts[1] : closing.start()]
        try:
            data = tomllib.loads(body) if toml else yaml.safe_load(body)
        except (yaml.YAMLError, tomllib.TOMLDecodeError) as error:
            mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)  # where the broken construct starts
            toml_line = re.search(r"at line (\d+)", str(error))
            line = mark.line + 2 if mark is not None else int(toml_line[1]) + 1 if toml_line else None
            where = f"line {line}" if line else f"lines 1-{self._line_of(closing.start()) + 1}"
            problem = getattr(error, "problem", None) or re.sub(r" \(at (line|end).*\)$", "", str(error))
            raise UserError(f"{self.document.name}: {where}: the front matter is not valid {'TOML' if toml else 'YAML'} ({problem}): fix it or remove it") from None
        if not isinstance(data, dict):  # a leading rule and text, not front matter (as GitHub renders it)
            if body.strip():
                self.document.notes.append("the file starts with '---' but what follows is not YAML front matter: read as Markdown")
                return 0
        end = closing.end()
        self.document.blocks.append(Block("front_matter", "front_matter", 0, end, bool(data)))
        if isinstance(data, dict):
            for key in dict.fromkeys((*self.front_matter_keys, *self.dialect.front_matter_keys)):
                if isinstance(data.get(key), str) and data[key].strip():
                    self._front_matter_value(key, data[key], self.line_starts[1], closing.start(), toml=bool(toml))
        return self._line_of(end) + 1

    def _front_matter_value(self, key: str, value: str, start: int, end: int, toml: bool = False) -> None:
        separator = "[ \t]*=" if toml else ":"
        line = re.compile(rf"^{re.escape(key)}{separator}[ \t]*(?P<raw>(?P<q>[\"']?).*?(?P=q))[ \t]*\r?$", re.M).search(self.document.text, start, end)
        if not line or _read_value(line["raw"], toml) != value:
            self.document.notes.append(f"front matter '{key}' is not a one-line string: left as is")
            return
        quote = line["q"]
        inner_start, inner_end = line.start("raw") + len(quote), line.end("raw") - len(quote)
        try:
            runs = self._scan(value, markdown_parser().parseInline(value)[0].children or [])
        except _Unlocatable:
            self.document.notes.append(f"front matter '{key}': inline markup not understood; left as is")
            return
        spans = [Span(r.start, r.end, SpanKind(r.kind), value[r.start : r.end], r.pair) for r in runs if r.kind != "text"]
        prose = "".join(value[r.start : r.end] for r in runs if r.kind == "text")
        if LETTER.search(prose):
            self.document.segments.append(
                Segment(len(self.document.segments), f"front_matter/{key}", inner_start, inner_end, value, spans, yaml_quote=("toml'" if toml and quote == "'" else quote or "plain"))
            )

    # -- Markdown body --------------------------------------------------------------------
    def _line_of(self, offset: int) -> int:
        low, high = 0, len(self.line_starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.line_starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return low

    def _line_text(self, line: int) -> str:
        start = self.line_starts[line]
        end = self.line_starts[line + 1] if line + 1 < len(self.line_starts) else len(self.document.text)
        return self.document.text[start:end].rstrip("\r\n")

    def body(self, first_line: int) -> None:
        text = self.document.text
        self.body_start = self.line_starts[first_line] if first_line < len(self.line_starts) else len(text)
        self.body_lines = Lines(text[self.body_start :])  # what the dialect's view and its syntax rules read
        tokens = markdown_parser().parse(self.dialect.view(self.body_lines.text, self.body_lines))
        counters: list[dict[str, int]] = [{}]
        path: list[str] = []
        cell_cursor: dict[int, int] = {}
        for token in tokens:
            if token.nesting == 1:
                name = token.type[: -len("_open")]
                counters[-1][name] = counters[-1].get(name, 0) + 1
                path.append(f"{name}[{counters[-1][name]}]")
                counters.append({})
                if token.map and len(path) == 1:
                    self._block(name, token, first_line)
            elif token.nesting == -1:
                path.pop()
                counters.pop()
            elif token.type == "inline" and token.map:
                self._inline(token, "/".join(path), first_line, cell_cursor)
            elif token.map:
                name = token.type
                counters[-1][name] = counters[-1].get(name, 0) + 1
                if name == "fence" and self.code_comments:
                    self._comments(token, "/".join([*path, f"fence[{counters[-1][name]}]"]), first_line)
                if len(path) == 0:
                    self._block(name, token, first_line)
                    if name == "html_block":
                        self._html_text(token, f"html_block[{counters[-1][name]}]", first_line)

    def _html_text(self, token: Token, path: str, first_line: int) -> None:
        """The text of a top-level HTML block (``<details>``, ``<summary>``, ``<p>``...) between its tags, one
        unit per text node; tags, attributes, comments and what ``<script>``, ``<style>``, ``<pre>`` and
        ``<code>`` hold stay as they are."""
        start = self.line_starts[token.map[0] + first_line]
        if not self.document.text.startswith(token.content, start):
            return  # not the source's own characters (a container's markers in between): left as is
        for offset, end in _html_text_nodes(token.content):
            text = token.content[offset:end]
            try:
                runs = self._scan(text, markdown_parser().parseInline(text)[0].children or [])
            except _Unlocatable:
                continue
            self.units.extend((f"{path}/text", unit) for unit in _split_units([_Run(start + offset + r.start, start + offset + r.end, r.kind, r.pair) for r in runs]))

    def _comments(self, token: Token, path: str, first_line: int) -> None:
        """The comments of a fenced code block (``--code-comments``): each comment's prose a unit; the code never."""
        first, last = token.map[0] + first_line + 1, token.map[1] + first_line - 1  # the lines between the fences
        if last <= first or last >= len(self.line_starts):
            return
        start, end = self.line_starts[first], self.line_starts[last]
        for a, b in comment_prose(self.document.text[start:end], token.info):
            self.units.append((f"{path}/comment", [_Run(start + a, start + b, "text")]))

    def _block(self, name: str, token: Token, first_line: int) -> None:
        start_line, end_line = token.map[0] + first_line, token.map[1] + first_line
        start = self.line_starts[start_line]
        end = self.line_starts[end_line] if end_line < len(self.line_starts) else len(self.document.text)
        translatable = name not in ("code_block", "fence", "html_block", "hr")
        self.document.blocks.append(Block(name, f"{name}[{len(self.document.blocks) + 1}]", start, end, translatable))

    def _inline(self, token: Token, path: str, first_line: int, cell_cursor: dict[int, int]) -> None:
        content = token.content
        if not content.strip():
            return
        try:
            runs = self._scan(content, token.children or [])
            offsets = self._content_offsets(content, token.map[0] + first_line, bool(_TABLE_CELL.search(path)), cell_cursor)
        except _Unlocatable as missing:
            self.document.notes.append(f"{path}: could not map {missing} back to the source; block left as is")
            return
        runs = [_Run(offsets[r.start], offsets[r.end], r.kind, r.pair) for r in runs]
        self.units.extend((path, unit) for unit in _split_units(runs))

    def _scan(self, content: str, children: list[Token]) -> list[_Run]:
        """Inline runs of ``content`` (offsets into it), markup merged; pair ids stay unique."""
        scanner = _InlineScanner(content, self.next_pair)
        scanner.scan(children)
        scanner._text(len(content))  # trailing characters the children did not claim
        self.next_pair = scanner.next_pair
        return _merge_markup(scanner.runs, content)

    def _content_offsets(self, content: str, line: int, in_table: bool, cell_cursor: dict[int, int]) -> list[int]:
        """For every character of ``content`` (plus its end), its offset in the document."""
        offsets: list[int] = []
        # markdown-it strips leading Unicode spaces (U+00A0) from a paragraph, lines with nothing else too
        first = content.split("\n", 1)[0].strip()
        while first and first not in self._line_text(line) and line + 1 < len(self.line_starts) and _MARKERS_ONLY.fullmatch(self._line_text(line)):
            line += 1
        for index, content_line in enumerate(content.split("\n")):
            source_line = self._line_text(line + index)
            if in_table:
                column = source_line.find(content_line, cell_cursor.get(line, 0))
                cell_cursor[line] = column + len(content_line)
            elif source_line.rstrip().endswith(content_line.rstrip()):
                column = len(source_line.rstrip()) - len(content_line.rstrip())
            else:
                column = source_line.rfind(content_line)
            if column < 0 or not content_line and index == 0:
                raise _Unlocatable("a line of inline text")
            base = self.line_starts[line + index] + column
            offsets.extend(range(base, base + len(content_line)))
            offsets.append(base + len(content_line))  # the "\n" (or the end) after this line
        return offsets

    # -- the dialect's syntax ---------------------------------------------------------------
    def syntax(self) -> None:
        """Cut the dialect's syntax out of the prose: inside a unit it becomes "syntax" runs (kept verbatim,
        never at a segment's edge); the prose inside syntax (titles, props) becomes units of its own."""
        found = [s.shifted(self.body_start) for s in self.dialect.scan(self.body_lines.text, self.body_lines)]
        if not found:
            return
        starts = [s.start for s in found]
        units, cut = [], set()
        for path, runs in self.units:
            units.extend((path, unit) for unit in _split_units(_cut_syntax(runs, found, starts, cut)))
        covered = [(r.start, r.end) for _, runs in self.units for r in runs]
        code = [(b.start, b.end) for b in self.document.blocks if not b.translatable and b.kind != "html_block"]
        for number, syntax in enumerate(found, 1):
            for start, end in syntax.prose:
                alone = not any(a < end and start < b for a, b in covered) and not any(a <= start < b for a, b in code)
                if (start, end) not in cut and not alone:
                    continue  # inside code, or inside markup kept whole (an inline HTML tag's title)
                value = self.document.text[start:end]
                try:
                    runs = self._scan(value, markdown_parser().parseInline(value)[0].children or [])
                except _Unlocatable:
                    runs = [_Run(0, len(value), "text")]
                path = f"syntax[{number}]/{syntax.what.replace(' ', '_')}"
                if start > 0 and self.document.text[start - 1] in "\"'" and self.document.text[end : end + 1] == self.document.text[start - 1]:
                    self.quoted[path] = self.document.text[start - 1]
                units.append((path, [_Run(start + r.start, start + r.end, r.kind, r.pair) for r in runs]))
        self.units = units

    # -- sentences ------------------------------------------------------------------------
    def sentences(self, lang: str) -> None:
        text = self.document.text
        for path, runs in self.units:
            plain, starts, ends = [], [], []  # prose with markup removed; where each character lies
            for run in runs:
                if run.kind == "text":
                    plain.append(text[run.start : run.end])
                    starts.extend(range(run.start, run.end))
                    ends.extend(range(run.start + 1, run.end + 1))
                elif run.kind in ("atomic", "break", "syntax"):
                    plain.append("_")  # a word-like stand-in, so sentence rules see no markup
                    starts.append(run.start)
                    ends.append(run.end)
            ranges = [(starts[a], ends[b - 1]) for a, b in split_sentences("".join(plain), lang)]
            for start, end in _balance(ranges, runs):
                start, end = _without_edge_syntax(start, end, runs, text)
                if start < end:
                    self._segment(path, start, end, runs)

    def _segment(self, path: str, start: int, end: int, runs: list[_Run]) -> None:
        text = self.document.text
        spans = [
            Span(r.start - start, r.end - start, SpanKind.ATOMIC if r.kind in ("break", "syntax") else SpanKind(r.kind), text[r.start : r.end], r.pair, syntax=r.syntax)
            for r in runs
            if r.kind != "text" and start <= r.start and r.end <= end
        ]
        source = text[start:end]
        prose = "".join(source[a:b] for a, b in zip([0] + [s.end for s in spans], [s.start for s in spans] + [len(source)]))
        if not LETTER.search(prose):
            return
        self.document.segments.append(Segment(len(self.document.segments), path, start, end, source, spans, quote=self.quoted.get(path, "")))


def _read_value(raw: str, toml: bool) -> object:
    """A one-line front matter value as its format reads it (None where it does not parse)."""
    try:
        return tomllib.loads(f"k = {raw}").get("k") if toml else (yaml.safe_load(f"k: {raw}") or {}).get("k")
    except (yaml.YAMLError, tomllib.TOMLDecodeError, AttributeError):
        return None


def _cut_syntax(runs: list[_Run], found: list[Syntax], starts: list[int], cut: set[tuple[int, int]]) -> list[_Run]:
    """``runs`` with the dialect's syntax cut out of their prose: "syntax" runs where it is syntax (whatever
    Markdown made of it: ``{/*a*/}`` holds an emphasis), a "break" where it holds prose (that prose, added to
    ``cut``, is a unit of its own)."""
    result: list[_Run] = []
    for run in runs:
        cursor = run.start
        index = max(bisect_right(starts, run.start) - 1, 0)
        while index < len(found) and found[index].start < run.end:
            syntax = found[index]
            index += 1
            if syntax.end <= cursor:
                continue
            if run.kind != "text" and not (syntax.start <= run.start and run.end <= syntax.end):
                continue  # markup reaching out of the syntax: left as Markdown made it
            if syntax.start > cursor:
                result.append(_Run(cursor, syntax.start, run.kind, run.pair))
            piece_start, piece_end = max(syntax.start, cursor), min(syntax.end, run.end)
            edges = sorted({piece_start, piece_end, *(p for a, b in syntax.prose for p in (a, b) if piece_start < p < piece_end)})
            for a, b in zip(edges, edges[1:]):
                whole = next(((pa, pb) for pa, pb in syntax.prose if pa <= a and b <= pb), None)
                if whole is None:
                    result.append(_Run(a, b, "syntax", syntax=syntax.what))
                elif run.kind == "text":
                    if whole == (a, b):
                        cut.add(whole)
                    result.append(_Run(a, b, "break"))
                else:
                    result.append(_Run(a, b, run.kind, run.pair))
            if syntax.prose and result and result[-1].kind == "syntax":
                result.append(_Run(result[-1].end, result[-1].end, "break"))
            cursor = piece_end
        if cursor < run.end:
            result.append(_Run(cursor, run.end, run.kind, run.pair))
    # a pair whose one half became syntax is no pair any more: its other half is kept as it is
    halves = Counter(r.pair for r in result if r.kind in ("open", "close"))
    merged: list[_Run] = []
    for run in result:
        if run.kind in ("open", "close") and halves[run.pair] < 2:
            run = _Run(run.start, run.end, "atomic")
        if run.kind == "syntax" and merged and merged[-1].kind == "syntax" and merged[-1].end == run.start:
            merged[-1] = _Run(merged[-1].start, run.end, "syntax", syntax=merged[-1].syntax)
            continue
        merged.append(run)
    return merged


def _without_edge_syntax(start: int, end: int, runs: list[_Run], text: str) -> tuple[int, int]:
    """The sentence ``start:end`` without the syntax (and the spaces next to it) at its two ends."""
    edges = [r for r in runs if r.kind == "syntax" and start <= r.start and r.end <= end]
    moved = True
    while moved:
        moved = False
        for run in edges:
            if run.start <= start < run.end or (run.start == start and run.end > start):
                start, moved = run.end, True
            if run.start < end <= run.end:
                end, moved = run.start, True
        while start < end and text[start].isspace():
            start, moved = start + 1, True
        while end > start and text[end - 1].isspace():
            end, moved = end - 1, True
    return start, end


def _split_units(runs: list[_Run]) -> list[list[_Run]]:
    """Split an inline token's runs at line breaks that no open pair spans."""
    units, current, open_pairs = [], [], set()
    for run in runs:
        if run.kind == "break" and not open_pairs:
            units.append(current)
            current = []
            continue
        if run.kind == "open":
            open_pairs.add(run.pair)
        elif run.kind == "close":
            open_pairs.discard(run.pair)
        current.append(run)
    units.append(current)
    return [unit for unit in units if any(r.kind == "text" for r in unit)]


def _balance(ranges: list[tuple[int, int]], runs: list[_Run]) -> list[tuple[int, int]]:
    """Widen sentence ranges so no markup pair is cut in half; merge sentences that then touch."""
    opens = {r.pair: r for r in runs if r.kind == "open"}
    closes = {r.pair: r for r in runs if r.kind == "close"}
    pairs = [(opens[p], closes[p]) for p in opens if p in closes]
    result: list[tuple[int, int]] = []
    for start, end in ranges:
        if result and start < result[-1][1]:
            start = result.pop()[0]
        changed = True
        while changed:
            changed = False
            for opener, closer in pairs:
                if start <= opener.start < end < closer.end:
                    end, changed = closer.end, True
                if opener.start < start < closer.end <= end:
                    start, changed = opener.start, True
        while result and start < result[-1][1]:
            start = min(start, result.pop()[0])
        result.append((start, end))
    return result


def segment(
    text: str, *, name: str = "<stdin>", src_lang: str | None = None, front_matter_keys: tuple[str, ...] = ("title", "excerpt"),
    dialect: Dialect = MARKDOWN, code_comments: bool = False,
) -> Document:
    """Parse ``text`` into a Document whose segments are the sentences to translate; ``dialect``'s syntax
    never reaches them but as spans kept verbatim; with ``code_comments``, the comments of fenced code are
    prose too (the code never is)."""
    bom = text.startswith("\ufeff")
    segmenter = _Segmenter(text[1:] if bom else text, name, front_matter_keys, dialect, code_comments)
    segmenter.document.bom = bom
    body_line = segmenter.front_matter()
    segmenter.body(body_line)
    segmenter.syntax()
    if src_lang is None:
        sample = " ".join(
            segmenter.document.text[r.start : r.end] for _, runs in segmenter.units for r in runs if r.kind == "text"
        )
        src_lang = detect_language(sample) or tagged_language(name)
        if src_lang is None:
            raise UserError(f"{name}: cannot tell the source language (too little prose): pass --from LANG")
    segmenter.document.src_lang = src_lang
    segmenter.sentences(src_lang)
    segmenter.document.segments.sort(key=lambda s: s.start)
    for index, seg in enumerate(segmenter.document.segments):
        seg.index = index
    return segmenter.document
