"""The prose of comments inside fenced code blocks (pipeline/document/comments.py)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.document.comments import comment_prose


def prose(code: str, info: str) -> list[str]:
    return [code[a:b] for a, b in comment_prose(code, info)]


CASES = [
    # -- '#' languages
    ("python", "x = 1  # the count\n# A full line\n", ["the count", "A full line"]),
    ("py", 'color = "#fff"  # the colour\nurl = "http://x"\ns = \'a # b\\\' # c\'\n', ["the colour"]),
    ("python", 'def f():\n    """Doc # not a comment.\n\n    # nor this\n    """\n    # real\n',
     ["real"]),
    ("python", "s = '''x\n# inside\n'''  # after\n", ["after"]),
    ("python", ("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# fmt: off\nimport os  # noqa: F401\n"
                "x = f()  # type: ignore[attr]\n# pragma: no cover\n# pylint: disable=foo\n"), []),
    ("python", "# print(x)\n# x = compute(y)\n# Returns the count (or None)\n# ----\n#\n",
     ["Returns the count (or None)"]),
    ("python", "##   Several   spaces  \t\n", ["Several   spaces"]),
    ("python", ">>> x = 1  # set x\n# output, not a comment\n... y  # go on\n1\n", ["set x", "go on"]),
    ("python", "# $ pip install foo\n# >>> f()\n", []),
    ("bash", ('echo "a # b" \'c # d\'  # quoted markers\n'
              'echo ${#arr[@]} $# a#b  # length\n'),
     ["quoted markers", "length"]),
    ("sh", "#!/bin/sh\ncat <<EOF\n# inside a heredoc\nEOF\n# after it\n", ["after it"]),
    ("shell", "$ ls -l  # list files\n# Install it first\ntotal 0 # output\n",
     ["list files", "Install it first"]),
    ("zsh", "# shellcheck disable=SC2086\nls # plain\n", ["plain"]),
    ("yaml", 'key: value  # a note\nurl: "http://x/#y"  # quoted\nname: it\'s # still\ntag: a#b\n',
     ["a note", "quoted", "still"]),
    ("yml", "run: |\n  echo # a block scalar\n  more\nnext: 1 # after it\n", ["after it"]),
    ("toml", '[tool]\nx = "#1"  # the first\ns = """\n# in a string\n"""\n', ["the first"]),
    ("ruby", "puts \"#{x} # not\"  # interpolated\n=begin\nBlock text\n=end\n",
     ["interpolated", "Block text"]),
    ("r", "x <- '#'  # a hash\n#' Roxygen title\n", ["a hash", "Roxygen title"]),
    ("perl", "print $#array;  # last index\n", ["last index"]),
    ("dockerfile", "# syntax=docker/dockerfile:1\nFROM python  # not a comment\n# Install deps\n",
     ["Install deps"]),
    ("makefile", "all:  # build everything\n\techo '#'\n", ["build everything"]),
    ("ps1", '<#\n.SYNOPSIS\n  Does the thing\n#>\n$x = "a # b"  # trailing\n',
     ["Does the thing", "trailing"]),
    ("ini", "[s]\nkey = a;b  ; inline note\n; full line\n# hash line\n",
     ["inline note", "full line", "hash line"]),
    ("conf", "listen 80;  # the port\n", ["the port"]),
    # -- '//' and '/* */' languages
    ("javascript", 'const u = "http://x";  // the url\nconst s = \'// not\';\n', ["the url"]),
    ("js", "const t = `\n// in a template\n`;  // after\n", ["after"]),
    ("ts", "/**\n * Adds two numbers.\n *\n * Second line.\n */\nlet x = 1; /* inline */ // end\n",
     ["Adds two numbers.", "Second line.", "inline", "end"]),
    ("tsx", "// eslint-disable-next-line no-console\n// @ts-ignore\n// console.log(x);\n//\n", []),
    ("java", 'String s = """\n// text block\n""";  // done\nchar c = \'"\';  // quote\n',
     ["done", "quote"]),
    ("c++", '/* banner ***/\nchar c = \'/\'; // slash\n#include "a//b.h"\n', ["banner", "slash"]),
    ("go", "//go:build linux\n// Package x does things.\nvar s = `// raw`\n",
     ["Package x does things."]),
    ("rust", "fn f<'a>(s: &'a str) -> char { '/' } // the slash\n/// Doc line\nlet r = r#\"// raw\"#;\n",
     ["the slash", "Doc line"]),
    ("cs", 'var p = @"C:\\dir\\";  // a path\n', ["a path"]),
    ("kotlin", 'val s = "a // b" // kotlin note\n', ["kotlin note"]),
    ("php", "$x = 1; # hash comment\n#[Attr]\n// slashes\n", ["hash comment", "slashes"]),
    ("jsonc", '{"url": "http://x", // the url\n}\n', ["the url"]),
    ("css", 'a { color: #fff; /* the colour */ content: "/* no */"; }\n', ["the colour"]),
    ("scss", ".b { background: url(http://x/y.png); } // scss note\n", ["scss note"]),
    # -- markup
    ("html", "<!-- Hello there -->\n<p>Don't</p>\n<!--\n  Two\n  lines -->\n",
     ["Hello there", "Two", "lines"]),
    ("xml", "<![CDATA[ <!-- no --> ]]><!-- yes -->\n", ["yes"]),
    ("md", "Use `<!-- x -->` here\n<!-- a note -->\n", ["a note"]),
    ("mdx", "{/* An MDX note */}\n<!-- html -->\n", ["An MDX note", "html"]),
    # -- '--' and '%' languages
    ("sql", "SELECT '--x', 'it''s -- in' -- trailing\n/* block\n   two */\n",
     ["trailing", "block", "two"]),
    ("lua", '--[[ long\ncomment ]]\nprint("--") -- the end\ns = [[\n-- in a string\n]]\n',
     ["long", "comment", "the end"]),
    ("hs", "-- | Haddock doc\nf x = x --> y -- real\n{-# LANGUAGE GADTs #-}\n{- block -}\n",
     ["Haddock doc", "real", "block"]),
    ("latex", "50\\% done % a comment\n", ["a comment"]),
    ("matlab", "x = a' % transpose then comment\ns = 'it''s % in' % real\n%{\nBlock one\n%}\n",
     ["transpose then comment", "real", "Block one"]),
    # -- info strings
    ('python title="x.py"', "# titled\n", ["titled"]),
    ("js{1,3}", "// highlighted\n", ["highlighted"]),
    ("{code-block} python", "# myst\n", ["myst"]),
    ("{code-block} js\n", "// myst js\n", ["myst js"]),
    ("{python}", "# quarto\n", ["quarto"]),
    ("PYTHON", "# upper\n", ["upper"]),
    ("unknown-lang", "# comment\n", []),
    ("console", "$ ls  # list\n# root prompt\n", []),
    ("shell-session", "# prompt\n", []),
    ("", "# no info\n", []),
    ("{code-block}", "# no language\n", []),
]


@pytest.mark.parametrize(("info", "code", "expected"), CASES)
def test_comment_prose(info, code, expected):
    assert prose(code, info) == expected


def test_crlf_and_no_trailing_newline():
    assert prose("x = 1  # one\r\n# two", "python") == ["one", "two"]


ALPHABET = st.sampled_from(
    [*"#/*-!<>\"'`\n \t;=()%{}[]|\\$:@.aAzé字1_", "<!--", "-->", '"""', "--[[", "//", "/*", "*/"]
)
INFOS = st.sampled_from(["python", "bash", "yaml", "toml", "js", "c", "go", "rust", "csharp", "css",
                         "scss", "html", "mdx", "sql", "lua", "haskell", "latex", "matlab", "ps1",
                         "ini", "ruby", "perl", "dockerfile", "java", "php", "unknown"])


@given(st.lists(ALPHABET, max_size=120).map("".join), INFOS)
def test_offsets_are_sound(code, info):
    spans = comment_prose(code, info)
    previous = 0
    for a, b in spans:
        assert previous <= a < b <= len(code)
        assert any(ch.isalpha() for ch in code[a:b])
        previous = b


@given(st.text(max_size=200), INFOS)
def test_any_text(code, info):
    for a, b in comment_prose(code, info):
        assert 0 <= a < b <= len(code) and any(ch.isalpha() for ch in code[a:b])
