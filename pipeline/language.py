"""Language identification: langdetect (seeded, deterministic) checked against the script."""
from __future__ import annotations

import re

from langdetect import DetectorFactory, LangDetectException, detect_langs

DetectorFactory.seed = 0

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LETTER = re.compile(r"[^\W\d_]")

MIN_LETTERS = 20  # below this langdetect is unreliable; callers get None


def _normalise(code: str) -> str:
    return {"zh-cn": "zh", "zh-tw": "zh"}.get(code, code)


def script_language(text: str) -> str | None:
    """The language a non-Latin script implies when it dominates the letters, else None."""
    letters = len(_LETTER.findall(text)) or 1
    if len(_KANA.findall(text)) / letters > 0.05:
        return "ja"
    for pattern, lang, share in ((_HAN, "zh", 0.15), (_HANGUL, "ko", 0.3), (_CYRILLIC, "ru", 0.3), (_ARABIC, "ar", 0.3)):
        if len(pattern.findall(text)) / letters > share:
            return lang
    return None


def language_candidates(text: str) -> list[tuple[str, float]]:
    """langdetect's guesses for ``text`` with their probabilities, best first (empty if it has none)."""
    try:
        return [(_normalise(guess.lang), guess.prob) for guess in detect_langs(text[:20000])]
    except LangDetectException:
        return []


def detect_language(text: str) -> str | None:
    """Best guess of the language of ``text``, or None when there is too little to tell.

    CJK text mixed with many English terms is still CJK: the script decides before langdetect,
    which counts Latin-letter words and would call such text English.
    """
    if len(_LETTER.findall(text)) < MIN_LETTERS:
        return None
    by_script = script_language(text)
    if by_script in ("zh", "ja", "ko"):
        return by_script
    try:
        best = detect_langs(text[:20000])[0]
    except LangDetectException:
        return by_script
    return _normalise(best.lang)
