"""Export: write the translated issue with exactly the source's structure.

Every character outside a segment is copied unchanged; each segment is replaced by its target
(or kept as source when it has none). Front-matter values are re-quoted for YAML.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from .document import Document, Segment

_LANG_SUFFIX = re.compile(r"\.(?P<lang>[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?)$")


def _yaml_value(segment: Segment, text: str) -> str:
    """``text`` written so that YAML reads it back as ``text`` in the source's quote style."""
    if segment.yaml_quote == '"':
        return text.replace("\\", "\\\\").replace('"', '\\"')
    if segment.yaml_quote == "'":
        return text.replace("'", "''")
    try:
        if yaml.safe_load(f"k: {text}") == {"k": text}:
            return text
    except yaml.YAMLError:
        pass
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(document: Document) -> str:
    """The document's text with every translated segment put in place."""
    pieces, cursor = [], 0
    text = document.text
    for segment in document.segments:
        pieces.append(text[cursor : segment.start])
        target = segment.target if segment.target is not None else segment.source
        if segment.yaml_quote and target != segment.source:
            pieces.append(_yaml_value(segment, " ".join(target.split())))
        elif segment.yaml_quote:
            pieces.append(text[segment.start : segment.end])
        else:
            pieces.append(target)
        cursor = segment.end
    pieces.append(text[cursor:])
    return ("\ufeff" if document.bom else "") + "".join(pieces)


def output_path(source: Path, src: str, tgt: str, out_dir: Path | None) -> Path:
    """`issue-05.en.md` -> `issue-05.pt.md`; `notes.txt` -> `notes.pt.txt`; in ``out_dir`` if given."""
    stem = source.stem
    match = _LANG_SUFFIX.search(stem)
    if match and match["lang"].lower().split("-")[0].split("_")[0] == src:
        stem = stem[: match.start()]
    name = f"{stem}.{tgt}{source.suffix or '.md'}"
    return (out_dir or source.parent) / name
