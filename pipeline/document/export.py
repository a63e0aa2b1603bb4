"""Export: write the translated issue with exactly the source's structure.

Every character outside a segment is copied unchanged; each segment is replaced by its target
(or kept as source when it has none). Front-matter values are re-quoted for YAML.

Bilingual mode (the NLP Newsletter PT-BR translators' convention) also keeps each translated
source block as an HTML comment after its translation, so reviewers and later editors see the
original next to it; ``--`` inside the comment is written ``-&#45;`` so the comment cannot end early.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from pipeline.document.record import Document, Segment

_LANG_SUFFIX = re.compile(r"\.(?P<lang>[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?)$")
_COMMENT_DASHES = re.compile("--")


def _yaml_value(segment: Segment, text: str) -> str:
    """``text`` written so that YAML (or TOML) reads it back as ``text`` in the source's quote style."""
    if segment.yaml_quote == '"':
        return text.replace("\\", "\\\\").replace('"', '\\"')
    if segment.yaml_quote == "'":
        return text.replace("'", "''")
    if segment.yaml_quote == "toml'":  # a TOML literal string cannot hold a straight apostrophe
        return text.replace("'", "\u2019")
    try:
        if yaml.safe_load(f"k: {text}") == {"k": text}:
            return text
    except yaml.YAMLError:
        pass
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _without_quote(text: str, quote: str) -> str:
    """``text`` (prose inside ``quote``-quoted syntax) with that quote made typographic, which ends nothing."""
    if quote == "'":
        return text.replace("'", "\u2019")
    pieces = text.split('"')
    return "".join(piece + ("\u201c" if number % 2 == 0 else "\u201d") for number, piece in enumerate(pieces[:-1])) + pieces[-1]


def _source_comments(document: Document) -> dict[int, str]:
    """Offset -> comment holding the source of each body block that has a translated segment."""
    comments: dict[int, str] = {}
    text = document.text
    for block in document.blocks:
        if not block.translatable or block.kind == "front_matter":
            continue
        if not any(block.start <= s.start < block.end and s.target is not None and s.target != s.source for s in document.segments):
            continue
        source = text[block.start : block.end].rstrip()
        line_end = text.find("\n", block.start + len(source))  # after the block's last line, before blank ones
        point = line_end + 1 if line_end != -1 else len(text)
        comment = f"<!-- {_COMMENT_DASHES.sub('-&#45;', source)} -->"
        newline = "\r\n" if text[line_end - 1 : line_end] == "\r" else "\n"
        comments[point] = f"{newline}{comment}{newline}" if line_end != -1 else f"{newline * 2}{comment}"
    return comments


def render(document: Document, *, bilingual: bool = False) -> str:
    """The document's text with every translated segment put in place (and, bilingual, its source)."""
    text = document.text
    comments = _source_comments(document) if bilingual else {}
    points = sorted(comments)
    pieces: list[str] = []
    cursor = 0

    def copy(until: int) -> None:  # the source bytes up to ``until``, with comments due there
        nonlocal cursor
        while points and points[0] <= until:
            point = points.pop(0)
            pieces.append(text[cursor:point] + comments[point])
            cursor = point
        pieces.append(text[cursor:until])
        cursor = until

    previous_end = -1
    for segment in document.segments:
        copy(segment.start)
        target = segment.target if segment.target is not None else segment.source
        if segment.yaml_quote and target != segment.source:
            pieces.append(_yaml_value(segment, " ".join(target.split())))
        elif segment.yaml_quote:
            pieces.append(text[segment.start : segment.end])
        else:
            if segment.quote and segment.quote in target:
                target = _without_quote(target, segment.quote)
            if segment.start == previous_end and target != segment.source and document.src_lang in _UNSPACED_LANGUAGES and _needs_space(next((p for p in reversed(pieces) if p), "")[-1:], target[:1]):
                target = " " + target  # sentences the source wrote without a space between (Chinese), translated into a spaced script
            pieces.append(target)
        cursor = previous_end = segment.end
    copy(len(text))
    return ("\ufeff" if document.bom else "") + "".join(pieces)


def output_path(source: Path, src: str, tgt: str, out_dir: Path | None) -> Path:
    """`issue-05.en.md` -> `issue-05.pt.md`; `notes.txt` -> `notes.pt.txt`; in ``out_dir`` if given."""
    stem = source.stem
    match = _LANG_SUFFIX.search(stem)
    if match and match["lang"].lower().split("-")[0].split("_")[0] == src:
        stem = stem[: match.start()]
    name = f"{stem}.{tgt}{source.suffix or '.md'}"
    return (out_dir or source.parent) / name


_UNSPACED_LANGUAGES = {"zh", "ja", "ko", "th", "lo", "km", "my"}  # scripts whose sentences follow each other without a space
_UNSPACED = re.compile(r"[\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def _needs_space(before: str, after: str) -> bool:
    """Whether two sentences written side by side need a space: neither end is a space or an unspaced (CJK) character."""
    return bool(before) and bool(after) and not _UNSPACED.match(before) and not _UNSPACED.match(after)
