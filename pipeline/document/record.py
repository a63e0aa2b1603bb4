"""The one record that flows through the pipeline: a Document of blocks and Segments.

Each stage reads segments and fills in its own fields; nothing else carries state between
stages. Offsets are character offsets into ``Document.text`` (the decoded source, BOM removed).
Every character that is not inside a segment is copied to the output unchanged, which is what
makes the identity round trip byte-exact.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

# Placeholder shapes chosen by measurement on the real en<->pt engine (docs/placeholders.md,
# 1,072 corpus sentences): `Xq1` reads as a proper noun and came back exactly once in 99.3% (en->pt)
# and 99.6% (pt->en) of sentences; `ZZA1 ... ZZB1` was the best pair (~90%), and the rest is
# caught by recovery in translation/route.py. tests/test_protect.py re-measures a sample.
ATOMIC = "Xq{n}"
OPEN = "ZZA{n}"
CLOSE = "ZZB{n}"
PREFIXES = tuple(shape.format(n="") for shape in (ATOMIC, OPEN, CLOSE))
TOKEN = re.compile(rf"(?<![^\W\d_])({'|'.join(PREFIXES)})(\d+)(?!\d)")  # also what segment keeps verbatim
ATOMIC_TOKEN = re.compile(rf"{PREFIXES[0]}\d+")



class SpanKind(str, Enum):
    """How a piece of inline markup inside a segment is carried through translation."""

    ATOMIC = "atomic"  # copied verbatim: URL, code span, image, HTML, escape, math
    OPEN = "open"  # opening markup whose inner text is translated: "[", "**"
    CLOSE = "close"  # the matching closing markup: "](https://...)", "**"
    TERM = "term"  # a glossary term, restored in its pinned target form


@dataclass
class Span:
    """Markup inside a segment, offsets relative to ``Segment.source``."""

    start: int
    end: int
    kind: SpanKind
    text: str  # the original markup (or the term as written in the source)
    pair: int | None = None  # OPEN/CLOSE spans of one pair share this id
    target: str | None = None  # TERM spans: the pinned form to write in the translation
    forms: tuple[str, ...] = ()  # TERM spans: other forms the translation may have instead (plural, variants)
    grammar: str = ""  # TERM spans: gender and number of the pinned form where the glossary gives them ("f", "mp")
    syntax: str = ""  # ATOMIC spans that are a dialect's syntax: what it is ("heading anchor"), which must come back unchanged


@dataclass
class Flag:
    """Something doubtful about a segment, with the check that raised it."""

    check: str
    severity: Literal["error", "warning"]
    message: str
    evidence: str = ""


@dataclass
class Segment:
    """One sentence (or front-matter value) sent to an engine, and everything learnt about it."""

    index: int
    block: str  # path of the block it sits in, e.g. "list[3]/item[2]/paragraph[1]"
    start: int  # offsets of the source text in Document.text
    end: int
    source: str
    spans: list[Span] = field(default_factory=list)
    quote: str = ""  # prose inside a quoted title or attribute (`alt="..."`): that quote, which the translation may not hold
    yaml_quote: str = ""  # front-matter values: the quote style to re-escape for ('"', "'", "plain"; "toml'" a TOML literal string)
    # protect
    masked: str | None = None
    placeholders: dict[str, str] = field(default_factory=dict)  # placeholder -> original span
    # translate
    target: str | None = None
    origin: str | None = None  # "engine:model" that produced the target, "memory", or "review:<who>"
    # back-check
    back: str | None = None  # the target translated back into the source language
    scores: dict[str, float] = field(default_factory=dict)  # "bleu", "chrf" of back vs source
    lang: str | None = None  # detected language of the target (None: too short to tell)
    flags: list[Flag] = field(default_factory=list)
    checked: str | None = None  # fingerprint of what the back-check judged (None: not judged yet)
    # review
    status: Literal["new", "flagged", "approved", "edited", "rejected"] = "new"

    @property
    def id(self) -> str:
        """Stable id: hash of the source text and where it sits."""
        digest = hashlib.sha1(f"{self.block}\x00{self.source}".encode()).hexdigest()
        return f"s{self.index:04d}-{digest[:8]}"

    def flag(self, check: str, severity: Literal["error", "warning"], message: str, evidence: str = "") -> None:
        self.flags.append(Flag(check, severity, message, evidence))


def line_of(text: str, offset: int) -> int:
    """1-based line number of ``offset`` in ``text``."""
    return text.count("\n", 0, offset) + 1


@dataclass
class Block:
    """A structural unit of the source (heading, paragraph, table cell, code, front matter...)."""

    kind: str
    path: str
    start: int
    end: int
    translatable: bool


@dataclass
class Document:
    """A source issue: its text, structure and segments."""

    text: str
    name: str = "<stdin>"
    bom: bool = False
    src_lang: str | None = None
    blocks: list[Block] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # things segmentation left untouched, and why
    dialect: str = "markdown"  # the documentation toolchain whose syntax segmentation kept (document/dialects)

    def to_dict(self) -> dict:
        """Plain data (what ``json`` writes); shallow, unlike ``dataclasses.asdict``, which is slow on a whole issue."""
        segments = [{**vars(s), "spans": [vars(p) for p in s.spans], "flags": [vars(f) for f in s.flags]} for s in self.segments]
        return {**vars(self), "blocks": [vars(b) for b in self.blocks], "segments": segments}

    @classmethod
    def from_dict(cls, data: dict) -> Document:
        """The Document ``to_dict`` gave."""
        segments = [
            Segment(**{**s, "spans": [Span(**{**p, "kind": SpanKind(p["kind"])}) for p in s["spans"]], "flags": [Flag(**f) for f in s["flags"]]})
            for s in data["segments"]
        ]
        return cls(**{**data, "blocks": [Block(**b) for b in data["blocks"]], "segments": segments})
