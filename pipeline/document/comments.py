"""The prose of the comments inside a fenced code block, for the opt-in ``--code-comments``.

Pure and self-contained: the caller hands over the code (the text between a fence's lines) and the
fence's info string; :func:`comment_prose` answers where each comment's prose lies. Code is never
translated, and neither are strings: a scanner per language family follows its strings (quotes
with escapes on one line; triple-quoted, template and raw strings, heredocs and block comments
across lines), so a marker inside a string is never a comment, and a Python docstring (a string)
is never translated.

Heuristics, for what a scanner cannot know:

* Prose is a comment's text without its marker (``#``, ``//``, ``/*``, ``<!--`` ...), without the
  spaces around it and without closing markers; each line of a block comment is prose of its own,
  without its leading `` * `` decoration.
* Skipped: comments without a letter (``# ----``); shebangs; encoding and editor lines
  (``-*- coding: utf-8 -*-``, ``vim:``); linters' and compilers' pragmas (``noqa``, ``type: ignore``,
  ``eslint-disable``, ``@ts-ignore``, ``fmt: off``, ...) and directives with no space after the
  marker (``//go:build``, ``//nolint:errcheck``); prompts (``# $ make``, ``# >>> f()``).
* Commented-out code is skipped: a comment that ends with ``;``, ``)``, ``{`` or ``}``, or holds an
  ``=``, or both ``(`` and ``)``, is code unless it has a run of three words of letters in a row,
  two of them three letters or longer (``# print(x)`` is code; ``# Returns the count (or None)``
  is prose).
* Transcripts: in a Python block with ``>>>`` prompts only the prompted lines are code (the rest is
  output); in a shell block with ``$`` prompts only prompted lines and ``#`` lines are. Info strings
  that name a console session (``console``, ``shell-session``, ``pycon``) are not code: ``[]``.
* Shell ``#`` starts a comment only at the start of a word (``${#a}``, ``url#frag`` are not);
  YAML, INI and conf ``#`` / ``;`` only after a space; YAML block scalars (``key: |``) are text.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

_LINE, _BLOCK, _STRING, _MULTI = range(4)


@dataclass(frozen=True)
class _Token:
    kind: int
    open: str  # regex of the opener (a whole string, for _STRING)
    close: str | Callable[[str], str] | None = None  # _BLOCK: searched; _MULTI: matched body+close
    deco: str | None = None  # regex of decoration at the start of each prose line
    stars: bool = False  # C-style block: `` * `` decoration, trailing ``*`` stripped


@dataclass(frozen=True)
class _Syntax:
    master: re.Pattern[str]
    tokens: tuple[_Token, ...]
    prompt: re.Pattern[str] | None = None  # a prompted line of a transcript: its code follows
    first_prompt: re.Pattern[str] | None = None  # a line that makes the block a transcript
    comment_line: re.Pattern[str] | None = None  # a line of a transcript that is a comment
    yaml: bool = False


@lru_cache(maxsize=256)
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.MULTILINE)


def _until(close: str, esc: str | None = "\\", double: str | None = None) -> str:
    """Body and close of a string: what is matched from a position inside it up to its end."""
    alts = [double] if double else []
    if esc:
        alts.append(re.escape(esc) + ".")
    alts.append(f"(?!{close})[^\\n{re.escape(esc) if esc else ''}]")
    return f"(?:{'|'.join(alts)})*{close}"


def _line(marker: str, deco: str | None = None) -> _Token:
    return _Token(_LINE, marker, deco=deco)


def _block(open_: str, close: str | Callable[[str], str], deco: str | None = None) -> _Token:
    return _Token(_BLOCK, open_, close, deco)


def _multi(open_: str, close: str | Callable[[str], str]) -> _Token:
    return _Token(_MULTI, open_, close)


def _str(q: str, esc: str | None = "\\", double: bool = False, before: str | None = None) -> _Token:
    """A string on one line, opened by ``q`` (after one of ``before``), up to its close or line end."""
    alts = [q + q] if double else []
    if esc:
        alts.append(re.escape(esc) + ".")
    alts.append(f"[^{q}\\n{re.escape(esc) if esc else ''}]")
    lead = f"(?<![^{before}])" if before else ""
    return _Token(_STRING, f"{lead}{q}(?:{'|'.join(alts)})*{q}?")


_STAR = r"[ \t]*\*+(?!\S)"
_C_BLOCK = _Token(_BLOCK, r"/\*", r"\*/", _STAR, stars=True)
_SLASHES = _line(r"(?<!\\)//+[/!]*")
_CHAR = _Token(_STRING, r"(?<![\w'])'(?:\\.[^'\n]{0,9}|[^\\'\n])'")
_DQ, _SQ, _BQ = _str('"'), _str("'"), _str("`")
_TRIPLE_DQ, _TRIPLE_SQ = _multi('"""', _until('"""')), _multi("'''", _until("'''"))
_TEMPLATE = _multi("`", _until("`"))
_HEREDOC = _multi(
    r"(?<![\w<)])<<-?[ \t]*['\"]?[A-Za-z_]\w*['\"]?",
    lambda t: r"[ \t]*" + re.escape(re.search(r"[A-Za-z_]\w*", t).group()) + r"[ \t]*$",
)
_HASH = _line("#+")
_SHELL_PROMPT = r"[ \t]*\$(?: |$)"


def _family(*tokens: _Token, **extra) -> dict:
    return {"tokens": tokens, **extra}


_FAMILIES: dict[str, dict] = {
    "python": _family(
        _TRIPLE_DQ, _TRIPLE_SQ, _DQ, _SQ, _HASH,
        prompt=r"[ \t]*(?:>>>|\.\.\.)(?: |$)", first_prompt=r"[ \t]*>>>(?: |$)",
    ),
    "shell": _family(
        _HEREDOC, _str("'", esc=None), _DQ, _line(r"(?<![^\s;|&(])#+"),
        prompt=_SHELL_PROMPT, first_prompt=_SHELL_PROMPT, comment_line=r"[ \t]*#",
    ),
    "powershell": _family(
        _multi('@"', r'^"@'), _multi("@'", r"^'@"), _block("<#", "#>"),
        _str("'", esc=None, double=True), _str('"', esc="`"), _HASH,
        prompt=r"PS[^>\n]*> ", first_prompt=r"PS[^>\n]*> ", comment_line=r"[ \t]*#",
    ),
    "yaml": _family(
        _str("'", esc=None, double=True, before=r"\s\[{,"), _str('"', before=r"\s\[{,"),
        _line(r"(?<!\S)#+"), yaml=True,
    ),
    "toml": _family(
        _TRIPLE_DQ, _multi("'''", _until("'''", esc=None)), _DQ, _str("'", esc=None), _HASH,
    ),
    "ruby": _family(_block(r"^=begin\b", r"^=end\b"), _DQ, _SQ, _HASH),
    "perl": _family(_block(r"^=[A-Za-z]\w*", r"^=cut\b"), _DQ, _SQ, _line(r"(?<!\$)#+")),
    "r": _family(_DQ, _SQ, _BQ, _line("#+'?")),
    "dockerfile": _family(_line(r"^[ \t]*#+")),
    "makefile": _family(_DQ, _SQ, _line(r"(?<!\\)#+")),
    "ini": _family(
        _str('"', before=r"\s=:,"), _str("'", before=r"\s=:,"), _line(r"(?<!\S)[;#]+"),
    ),
    "conf": _family(_str('"', before=r"\s=:,"), _str("'", before=r"\s=:,"), _line(r"(?<!\S)#+")),
    "js": _family(_C_BLOCK, _SLASHES, _DQ, _SQ, _TEMPLATE),
    "json5": _family(_C_BLOCK, _SLASHES, _DQ, _SQ),
    "c": _family(_C_BLOCK, _SLASHES, _DQ, _CHAR),
    "java": _family(_TRIPLE_DQ, _C_BLOCK, _SLASHES, _DQ, _CHAR),  # also Kotlin, Scala
    "groovy": _family(_TRIPLE_DQ, _TRIPLE_SQ, _C_BLOCK, _SLASHES, _DQ, _SQ),
    "csharp": _family(
        _TRIPLE_DQ, _multi('@"', _until('"', esc=None, double='""')), _C_BLOCK, _SLASHES, _DQ, _CHAR,
    ),
    "swift": _family(_TRIPLE_DQ, _C_BLOCK, _SLASHES, _DQ),
    "dart": _family(_TRIPLE_DQ, _TRIPLE_SQ, _C_BLOCK, _SLASHES, _DQ, _SQ),
    "go": _family(_multi("`", _until("`", esc=None)), _C_BLOCK, _SLASHES, _DQ, _CHAR),
    "rust": _family(
        _multi(r'\br#*"', lambda t: _until('"' + "#" * t.count("#"), esc=None)),
        _multi('"', _until('"')), _C_BLOCK, _SLASHES, _CHAR,
    ),
    "php": _family(_C_BLOCK, _SLASHES, _line(r"#+(?!\[)"), _DQ, _SQ),
    "hcl": _family(_HEREDOC, _C_BLOCK, _SLASHES, _HASH, _DQ),
    "proto": _family(_C_BLOCK, _SLASHES, _DQ, _SQ),
    "css": _family(_C_BLOCK, _DQ, _SQ),
    "scss": _family(_C_BLOCK, _line(r"(?<![:\\])//+"), _DQ, _SQ),
    "html": _family(_multi(r"<!\[CDATA\[", _until(r"\]\]>", esc=None)), _block("<!--", "-->")),
    "markdown": _family(_BQ, _block("<!--", "-->")),
    "mdx": _family(_BQ, _block("<!--", "-->"), _Token(_BLOCK, r"\{/\*", r"\*/\}", _STAR, True)),
    "sql": _family(
        _C_BLOCK, _line("--+"), _str("'", esc=None, double=True), _str('"', esc=None, double=True),
    ),
    "lua": _family(
        _block(r"--\[=*\[", lambda t: r"\]" + "=" * t.count("=") + r"\]"), _line("--+"),
        _multi(r"\[=*\[", lambda t: _until(r"\]" + "=" * t.count("=") + r"\]", esc=None)), _DQ, _SQ,
    ),
    "haskell": _family(
        _multi(r"\{-#", _until("#-}", esc=None)), _block(r"\{-", "-}", r"[ \t]*[|^](?!\S)"),
        _line(r"(?<![!#$%&*+./<=>?@\\^|~:])--+(?![!#$%&*+./<=>?@\\^|~:])", r"[ \t]*[|^](?!\S)"),
        _DQ, _CHAR,
    ),
    "latex": _family(_line(r"(?<!\\)%+")),
    "matlab": _family(
        _block(r"^[ \t]*%\{[ \t]*$", r"^[ \t]*%\}"),
        _str("'", esc=None, double=True, before=r"\s(\[{,;=:+*/<>&|~^-"),
        _str('"', esc=None, double=True), _line("%+"),
    ),
    "graphql": _family(_TRIPLE_DQ, _DQ, _HASH),
}

_ALIASES: dict[str, str] = {
    **dict.fromkeys(["python", "py", "python3", "py3", "ipython", "ipython3", "sage"], "python"),
    **dict.fromkeys(["bash", "sh", "shell", "zsh", "ksh", "fish"], "shell"),
    **dict.fromkeys(["powershell", "ps1", "pwsh", "ps", "psm1"], "powershell"),
    **dict.fromkeys(["yaml", "yml"], "yaml"),
    **dict.fromkeys(["ruby", "rb", "gemfile", "rake"], "ruby"),
    **dict.fromkeys(["perl", "pl", "pm"], "perl"),
    **dict.fromkeys(["r", "rscript", "splus"], "r"),
    **dict.fromkeys(["dockerfile", "docker", "containerfile"], "dockerfile"),
    **dict.fromkeys(["makefile", "make", "mk", "mak"], "makefile"),
    **dict.fromkeys(["ini", "cfg", "dosini", "editorconfig", "gitconfig"], "ini"),
    **dict.fromkeys(["conf", "config", "nginx", "apacheconf", "apache"], "conf"),
    "toml": "toml",
    **dict.fromkeys(
        ["javascript", "js", "jsx", "mjs", "cjs", "node", "typescript", "ts", "tsx", "mts", "cts"],
        "js",
    ),
    **dict.fromkeys(["json5", "jsonc"], "json5"),
    **dict.fromkeys(
        ["c", "h", "cpp", "c++", "cxx", "cc", "hpp", "hxx", "objective-c", "objc", "objectivec",
         "cuda", "arduino"], "c",
    ),
    **dict.fromkeys(["java", "kotlin", "kt", "kts", "scala", "sc"], "java"),
    **dict.fromkeys(["groovy", "gradle"], "groovy"),
    **dict.fromkeys(["csharp", "cs", "c#"], "csharp"),
    "swift": "swift",
    "dart": "dart",
    **dict.fromkeys(["go", "golang"], "go"),
    **dict.fromkeys(["rust", "rs"], "rust"),
    "php": "php",
    **dict.fromkeys(["hcl", "terraform", "tf"], "hcl"),
    **dict.fromkeys(["proto", "protobuf"], "proto"),
    "css": "css",
    **dict.fromkeys(["scss", "less", "sass"], "scss"),
    **dict.fromkeys(["html", "htm", "xhtml", "xml", "svg", "vue", "xsl", "xslt", "plist"], "html"),
    **dict.fromkeys(["markdown", "md"], "markdown"),
    "mdx": "mdx",
    **dict.fromkeys(
        ["sql", "mysql", "psql", "pgsql", "postgresql", "postgres", "plsql", "sqlite", "tsql"], "sql",
    ),
    "lua": "lua",
    **dict.fromkeys(["haskell", "hs"], "haskell"),
    **dict.fromkeys(["latex", "tex", "context"], "latex"),
    **dict.fromkeys(["matlab", "octave"], "matlab"),
    **dict.fromkeys(["graphql", "gql"], "graphql"),
}
# MyST and reST directives whose argument names the language: ```{code-block} python
_DIRECTIVES = {"code-block", "code", "sourcecode", "code-cell", "literalinclude", "highlight"}
_NAME = re.compile(r"\{?[ \t]*\.?(?:language-)?([\w+#-]*)")

_DIRECTIVE = re.compile(r"!\s*/|[a-z][\w.-]*:\S|\+build\b")  # right after a line marker
_PRAGMA = re.compile(
    r"(?i:noqa|nosec|nosonar|nolint|pragma|pylint:|mypy:|pyright:|ruff:|flake8:|isort:|yapf:)"
    r"|type:\s*ignore\b|type:\s*[\w.]+(?:\[[^\]]*\])*\s*$|fmt:\s*(?:on|off|skip)\b|pyre-|pytype:"
    r"|eslint-(?:disable|enable)|eslint\s+[\w/@-]+\s*:|jshint\s|jscs:|tslint:|@ts-|@flow\b|@jsx"
    r"|prettier-ignore|biome-ignore|deno-lint-ignore|dprint-ignore|(?:istanbul|c8|v8)\s+ignore"
    r"|webpack\w+:|@vite-ignore|sourceMappingURL=|<reference\s|clang-(?:format|tidy)|swiftlint:"
    r"|ktlint|noinspection\b|rubocop:|frozen_string_literal:|shellcheck\s|hadolint\s"
    r"|(?:syntax|escape)=|SPDX-License-Identifier:|cspell:|spell-checker:|markdownlint|-\*-"
    r"|vim?:|#(?:end)?region\b|<editor-fold|</editor-fold|@formatter:|go:\w|\.[A-Z]{4,}\b"
)
_ENCODING = re.compile(r"coding[:=]\s*[-\w.]+")
_PROMPT = re.compile(r"(?:>>>|\$|In \[\d*\]:|PS [^>]*>)(?:\s|$)")
_WORD = re.compile(r"[(\"']?([^\W\d_]+(?:['’-][^\W\d_]+)*)[,.:;!?)\"']*")


def comment_prose(code: str, info: str) -> list[tuple[int, int]]:
    """Offsets in ``code`` (the text between a fence's lines) of the prose of each comment, for the
    language that the fence's info string names (```python, ```js title="x.js",
    ```{code-block} python ...); [] for a language whose comment syntax is not known."""
    syntax = _syntax(_language(info))
    if syntax is None:
        return []
    out: list[tuple[int, int]] = []
    state: tuple[_Token, re.Pattern[str]] | None = None
    for a, b in _lines(code, syntax):
        i = a
        while True:
            if state is not None:
                token, close = state
                if token.kind == _BLOCK:
                    m = close.search(code, i, b)
                    _add(code, i, m.start() if m else b, token, out)
                else:
                    m = close.match(code, i, b)
                if m is None:
                    break
                i, state = m.end(), None
            m = syntax.master.search(code, i, b) if i < b else None
            if m is None:
                break
            token = syntax.tokens[int(m.lastgroup[1:])]
            i = m.end() if m.end() > m.start() else m.start() + 1
            if token.kind == _LINE:
                if not _DIRECTIVE.match(code, i, b):
                    _add(code, i, b, token, out)
                break
            if token.kind != _STRING:
                close = token.close if isinstance(token.close, str) else token.close(m.group())
                state = (token, _rx(close))
    return out


def _language(info: str) -> str:
    """The language an info string names, lower-cased: its first word, or a directive's argument."""
    words = info.split()
    if not words:
        return ""
    name = _NAME.match(words[0]).group(1).lower()
    if words[0].startswith("{") and name in _DIRECTIVES and name not in _ALIASES:
        return _NAME.match(words[1]).group(1).lower() if len(words) > 1 else ""
    return name


@cache
def _syntax(language: str) -> _Syntax | None:
    family = _FAMILIES.get(_ALIASES.get(language, ""))
    if family is None:
        return None
    tokens = family["tokens"]
    master = re.compile("|".join(f"(?P<t{n}>{t.open})" for n, t in enumerate(tokens)), re.MULTILINE)
    patterns = {k: _rx(family[k]) for k in ("prompt", "first_prompt", "comment_line") if k in family}
    return _Syntax(master, tokens, **patterns, yaml=family.get("yaml", False))


def _lines(code: str, syntax: _Syntax) -> list[tuple[int, int]]:
    """(start, end) of each line to scan: after a transcript's prompt, without program output."""
    spans, pos = [], 0
    while True:
        nl = code.find("\n", pos)
        spans.append((pos, len(code) if nl < 0 else nl))
        if nl < 0:
            break
        pos = nl + 1
    if syntax.first_prompt and any(syntax.first_prompt.match(code, a, b) for a, b in spans):
        kept = []
        for a, b in spans:
            if m := syntax.prompt.match(code, a, b):
                kept.append((m.end(), b))
            elif syntax.comment_line and syntax.comment_line.match(code, a, b):
                kept.append((a, b))
        spans = kept
    if syntax.yaml:
        spans = _without_block_scalars(code, spans)
    return spans


_BLOCK_SCALAR = re.compile(r"(?:^|[:-])[ \t]+[|>][1-9+-]*[ \t]*(?:#.*)?$")


def _without_block_scalars(code: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """YAML's lines without the text of block scalars (``key: |`` and the lines indented under it)."""
    kept, inside = [], None
    for a, b in spans:
        line = code[a:b]
        indent = len(line) - len(line.lstrip(" \t"))
        if inside is not None:
            if not line.strip() or indent > inside:
                continue
            inside = None
        kept.append((a, b))
        if _BLOCK_SCALAR.search(line):
            inside = indent
    return kept


def _add(code: str, a: int, b: int, token: _Token, out: list[tuple[int, int]]) -> None:
    """Append the prose of ``code[a:b]`` (a comment's text after its marker) when it is prose."""
    if token.deco and (m := _rx(token.deco).match(code, a, b)):
        a = m.end()
    while a < b and code[a].isspace():
        a += 1
    while b > a and code[b - 1].isspace():
        b -= 1
    if token.stars and code[b - 1 : b] == "*":
        c = b
        while c > a and code[c - 1] == "*":
            c -= 1
        if c == a or code[c - 1].isspace():
            b = c
            while b > a and code[b - 1].isspace():
                b -= 1
    if a < b and _is_prose(code[a:b]):
        out.append((a, b))


def _is_prose(text: str) -> bool:
    if not any(ch.isalpha() for ch in text):
        return False
    if _PRAGMA.match(text) or _ENCODING.search(text) or _PROMPT.match(text):
        return False
    return not _is_code(text)


def _is_code(text: str) -> bool:
    """Commented-out code: a sign of code and no run of three words, two of 3+ letters, in a row."""
    if not (text.endswith((";", ")", "{", "}")) or "=" in text or ("(" in text and ")" in text)):
        return False
    run = long = 0
    for part in text.split():
        m = _WORD.fullmatch(part)
        if m is None:
            run = long = 0
            continue
        run += 1
        long += len(m.group(1)) >= 3
        if run >= 3 and long >= 2:
            return False
    return True
