"""Sentence splitting: pySBD where it supports the language, punctuation rules elsewhere."""
from __future__ import annotations

import re
from functools import lru_cache

import pysbd
from pysbd.languages import LANGUAGE_CODES

# A terminator (optionally followed by closing quotes/brackets), then space and a sentence start;
# or a CJK full-width terminator, which needs no space after it.
_RULE_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[¿¡]?[^\W\d_a-z])|(?<=[。！？])[”’」』)]*\s*(?=\S)")
_ABBREVIATIONS = {
    "pt": {"sr", "sra", "srta", "dr", "dra", "prof", "profa", "p.ex", "etc", "ex", "cf", "vs", "n", "nº", "pág", "fig", "eq"},
    "tr": {"dr", "prof", "doç", "vb", "vs", "bkz", "örn", "no", "sn"},
}
_LAST_WORD = re.compile(r"([\w.º]+)\.$")
_MAY_END_SENTENCE = re.compile(r"[.!?…。！？]")


@lru_cache(maxsize=None)
def _segmenter(lang: str) -> pysbd.Segmenter:
    return pysbd.Segmenter(language=lang, clean=False)


def _pysbd_spans(text: str, lang: str) -> list[tuple[int, int]] | None:
    spans, cursor = [], 0
    # processor().process(), not segment(): segment() also locates each sentence with a regex of
    # its own (re-compiled per sentence), which is what the find below does for a fraction of the cost.
    for sentence in _segmenter(lang).processor(text).process():
        piece = sentence.strip()
        if not piece:
            continue
        start = text.find(piece, cursor)
        if start < 0:  # pySBD altered the text; let the rules decide instead
            return None
        spans.append((start, start + len(piece)))
        cursor = start + len(piece)
    return spans


def _rule_spans(text: str, lang: str) -> list[tuple[int, int]]:
    abbreviations = _ABBREVIATIONS.get(lang, set())
    spans, start = [], 0
    for boundary in _RULE_BOUNDARY.finditer(text):
        before = text[start : boundary.start()]
        last_word = _LAST_WORD.search(before)
        if last_word and (last_word.group(1).lower() in abbreviations or len(last_word.group(1)) == 1):
            continue
        spans.append((start, boundary.start()))
        start = boundary.end()
    spans.append((start, len(text)))
    return spans


def split_sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``, whitespace-trimmed, in order."""
    if not _MAY_END_SENTENCE.search(text.rstrip()[:-1]):
        spans = [(0, len(text))]
    else:
        spans = (_pysbd_spans(text, lang) if lang in LANGUAGE_CODES else None) or _rule_spans(text, lang)
    trimmed = []
    for start, end in spans:
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        if end - trail > start + lead:
            trimmed.append((start + lead, end - trail))
    return trimmed
