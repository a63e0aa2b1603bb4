"""What a dialect is: the toolchain syntax of a documentation site, found line by line and span by span.

A dialect is a table of small rules, in the manner of markdown-it's: each rule reads the page and
yields ``Syntax``, a stretch of the source that is toolchain syntax (never sent to an engine, kept
byte for byte) with, inside it, the stretches that are prose (an admonition's title, a component's
``title="..."``), which are translated as text of their own. Segmentation turns syntax into spans
the engine never sees; verification and the gate compare the syntax of a source and of its
translation (``skeleton``).

Rules never match inside fenced code (``Lines.in_code``), except those that read code fences.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Syntax:
    """Toolchain syntax at ``start:end`` of the page; ``prose`` holds the stretches inside it that are text."""

    start: int
    end: int
    what: str  # in a reviewer's words: "heading anchor", "include line", "admonition marker"...
    prose: tuple[tuple[int, int], ...] = ()
    labels: tuple[tuple[int, int], ...] = ()  # titles the engine is not given ("Python 3.10+") but a translator may translate

    def shifted(self, by: int) -> Syntax:
        """The same syntax ``by`` characters further on (found in a part of the page that starts there)."""
        def moved(ranges: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
            return tuple((a + by, b + by) for a, b in ranges)

        return Syntax(self.start + by, self.end + by, self.what, moved(self.prose), moved(self.labels))

    def skeleton(self, text: str) -> str:
        """The syntax as written, its prose and labels replaced by "…": what a translation must keep byte for byte."""
        pieces, cursor = [], self.start
        for start, end in sorted({*self.prose, *self.labels}):
            pieces.append(text[cursor:start] + "…")
            cursor = end
        return "".join(pieces) + text[cursor : self.end]


@dataclass(frozen=True)
class Line:
    number: int  # 0-based
    start: int
    end: int  # before the line break
    text: str
    in_code: bool  # inside a fenced code block (fences included)


class Lines:
    """The page's lines with their offsets, and which of them are fenced code."""

    _FENCE = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?(`{3,}|~{3,})")  # in a list item or a component too
    _BREAK = re.compile(r"\r\n|\r|\n")

    def __init__(self, text: str):
        self.text = text
        starts = [0] + [m.end() for m in self._BREAK.finditer(text)]
        self.items: list[Line] = []
        fence: str | None = None
        for number, start in enumerate(starts):
            end = starts[number + 1] if number + 1 < len(starts) else len(text)
            line = text[start:end].rstrip("\r\n")
            opener = self._FENCE.match(line)
            in_code = fence is not None or opener is not None
            if fence is None and opener:
                fence = opener[1]
            elif fence is not None and opener and opener[1][0] == fence[0] and len(opener[1]) >= len(fence) and not line[opener.end() :].strip():
                fence = None
            self.items.append(Line(number, start, start + len(line), line, in_code))

    def __iter__(self) -> Iterator[Line]:
        return iter(self.items)

    def prose(self) -> Iterator[Line]:
        """Lines outside fenced code."""
        return (line for line in self.items if not line.in_code)


Rule = Callable[[Lines], Iterable[Syntax]]
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")


def is_prose_label(value: str) -> bool:
    """Whether a label (a tab's, a ``label="..."``) is prose to translate: two words or more, one of them
    lower-case ("Manual download"); "npm", "macOS" or "Python 3.10+" name a thing and are kept."""
    words = value.split()
    return len(words) >= 2 and any(word.isalpha() and word.islower() for word in words)


def line_rule(pattern: str, what: str, prose_groups: tuple[str, ...] = (), is_prose: Callable[[str], bool] = lambda value: True) -> Rule:
    """A rule for syntax that fills a whole line (outside code): ``pattern`` matched against the line,
    its named groups in ``prose_groups`` (where they matched something that ``is_prose``) being prose."""
    regex = re.compile(pattern)

    def rule(lines: Lines) -> Iterator[Syntax]:
        for line in lines.prose():
            match = regex.fullmatch(line.text)
            if match:
                titles = [(group, line.start + match.start(group), line.start + match.end(group)) for group in prose_groups if match.group(group) is not None]
                prose = tuple((a, b) for group, a, b in titles if match.group(group).strip() and is_prose(match.group(group)))
                yield Syntax(line.start, line.end, what, prose, tuple((a, b) for _, a, b in titles if (a, b) not in prose))

    rule.__name__ = what.replace(" ", "_")
    return rule


def span_rule(pattern: str, what: str | Callable[[re.Match], str], prose: Callable[[re.Match], Iterable[tuple[int, int]]] | None = None) -> Rule:
    """A rule for syntax inside a line (outside code): every match of ``pattern``; ``prose`` gives the
    stretches of a match (offsets in the line) that are text."""
    regex = re.compile(pattern)

    def rule(lines: Lines) -> Iterator[Syntax]:
        for line in lines.prose():
            code = [m.span() for m in _CODE_SPAN.finditer(line.text)] if "`" in line.text else []
            for match in regex.finditer(line.text):
                if any(a <= match.start() < b for a, b in code):
                    continue  # inside inline code: code, kept as such
                inner = tuple((line.start + a, line.start + b) for a, b in (prose(match) if prose else ()))
                name = what(match) if callable(what) else what
                yield Syntax(line.start + match.start(), line.start + match.end(), name, inner)

    rule.__name__ = (what if isinstance(what, str) else pattern[:20]).replace(" ", "_")
    return rule


# Attribute values a site's translators translate: a title, alternative text, a caption... A `label`,
# `header` or `text` of one word ("npm", "Go", "beta") names a thing and is kept.
_PROSE_ATTRIBUTE = re.compile(r"""(?<![\w-])(title|alt|caption|description|summary|aria-label|placeholder|content|cta|heading|subtitle|tagline|label|header|text)\s*=\s*(?:"([^"\n]*)"|'([^'\n]*)')""")
_ALWAYS_PROSE = {"title", "alt", "caption", "description", "summary", "aria-label", "placeholder", "content", "cta", "heading", "subtitle", "tagline"}
_LETTER = re.compile(r"[^\W\d_]")


# Attribute values a translator may translate: any but those that name code (a class, a path, a slot, a
# type) or hold no word (a number, a colour)
_ATTRIBUTE_VALUE = re.compile(r"""((?<![\w-])([\w:-]+)\s*=\s*(["']))([^"'\n]*)(\3)""")
_PROSE_NAMES = {*_ALWAYS_PROSE, "label", "header", "text"}
_CODE_NAMES = {"class", "classname", "id", "src", "href", "slot", "type", "value", "lang", "language", "style", "rel", "target", "for", "key", "ref"}
_LETTERS = re.compile(r"[^\W\d_]{2,}")


def prose_values_hidden(markup: str) -> str:
    """``markup`` (a tag, a shortcode) with the attribute values a translator may translate as "…": what a
    translation keeps."""

    def hidden(match: re.Match) -> str:
        name, value = match.group(2).lower(), match.group(4)
        prose = name in _PROSE_NAMES or (name not in _CODE_NAMES and _LETTERS.search(value) is not None and "/" not in value)
        return f"{match.group(1)}…{match.group(5)}" if prose else match.group()

    return _ATTRIBUTE_VALUE.sub(hidden, markup)


def prose_attributes(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Offsets of the attribute values in ``text[start:end]`` that are prose (``title="Some title"``)."""
    found = []
    for match in _PROSE_ATTRIBUTE.finditer(text, start, len(text) if end is None else end):
        group = 2 if match.group(2) is not None else 3
        value = match.group(group)
        if not _LETTER.search(value) or (match.group(1) not in _ALWAYS_PROSE and not is_prose_label(value)):
            continue
        found.append((match.start(group), match.end(group)))
    return found


# Template and attribute syntax of every toolchain: Hugo shortcodes, Liquid and Jinja tags and
# expressions, include lines, MDX comments, attribute lists and anchors, MyST roles. Whatever the
# dialect, these are never translated (their prose attributes aside).
_BRACES = re.compile(
    r"\{\{<.*?>\}\}|\{\{%.*?%\}\}|\{%.*?%\}|\{\{.*?\}\}|\{\*.*?\*\}|\{/\*.*?\*/\}"
    r"|\{[ \t]*#[\w:.-]+(?:[ \t]+[^{}\n]*)?\}|\{[^{}\n]*\}"
)


def _brace_kind(match: re.Match) -> str:
    token = match.group()
    if token.startswith(("{{<", "{{%")):
        return "shortcode"
    if token.startswith("{%"):
        return "template tag"
    if token.startswith("{{"):
        return "template expression"
    if token.startswith("{*"):
        return "include"
    if token.startswith("{/*"):
        return "comment"
    if re.match(r"\{[ \t]*#", token):
        return "heading anchor"
    if re.fullmatch(r"\{[\w-]+\}", token) and match.string[match.end() : match.end() + 1] == "`":
        return "role"
    if re.match(r"\{[ \t]*(?::|\.[\w-]|[\w-]+=)", token):
        return "attribute list"
    return "expression"  # MDX's JavaScript; elsewhere text in braces, kept as it is but no syntax a translation must keep


braces = span_rule(_BRACES.pattern, _brace_kind, lambda m: prose_attributes(m.string, m.start(), m.end()))
_LONG_SHORTCODE = re.compile(r"\{\{<(?:(?!>\}\}).){0,2000}?>\}\}|\{\{%(?:(?!%\}\}).){0,2000}?%\}\}", re.S)


def long_shortcodes(lines: Lines) -> Iterator[Syntax]:
    """Shortcodes written over several lines (``{{< figure\n  src="..." >}}``), outside code."""
    text, code = lines.text, [(line.start, line.end) for line in lines if line.in_code]
    for match in _LONG_SHORTCODE.finditer(text):
        if "\n" in match.group() and not any(a <= match.start() <= b for a, b in code):
            yield Syntax(match.start(), match.end(), "shortcode", tuple(prose_attributes(text, match.start(), match.end())))


@dataclass(frozen=True)
class Dialect:
    """A documentation toolchain's Markdown: its rules, how to recognise a project, and how the parser sees a page."""

    name: str
    title: str  # "MkDocs (Material, pymdownx)"
    project_files: tuple[str, ...] = ()  # files whose presence in a folder above the page names the toolchain
    rules: tuple[Rule, ...] = ()
    # The text Markdown is parsed from: the page with container syntax made plain Markdown (MkDocs'
    # indented admonition bodies dedented, MyST's directive fences blanked). Same lines, same order;
    # each line's text a suffix of the page's line, so offsets map back.
    parse_view: Callable[[str, Lines], str] | None = None
    front_matter_keys: tuple[str, ...] = ()  # front matter values that are prose, beyond the config's
    expressions: bool = False  # `{...}` is code (MDX's JavaScript) that a translation keeps, not text in braces

    def scan(self, text: str, lines: Lines | None = None) -> list[Syntax]:
        """Every syntax of the page, in order, none inside another."""
        lines = lines or Lines(text)
        found = sorted((s for rule in (*self.rules, long_shortcodes, braces) for s in rule(lines)), key=lambda s: (s.start, -s.end))
        kept: list[Syntax] = []
        for syntax in found:
            if kept and syntax.start < kept[-1].end:
                continue  # inside (or overlapping) syntax already found: the outer one wins
            kept.append(syntax)
        return kept

    def view(self, text: str, lines: Lines | None = None) -> str:
        """The text Markdown is parsed from (``parse_view``), ``lines`` being ``text``'s when already made."""
        return self.parse_view(text, lines or Lines(text)) if self.parse_view else text
