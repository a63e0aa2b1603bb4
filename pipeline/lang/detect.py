"""Language identification: langdetect (seeded, deterministic) checked against the script.

langdetect samples n-grams at random over seven trials, a few milliseconds a call. Most texts
need none of that: read over all of their n-grams at once (naive Bayes on langdetect's own
profiles, a fraction of a millisecond) they are clearly one language; langdetect's sampling is
asked only when that reading is not clear.
"""
from __future__ import annotations

import itertools
import json
import operator
import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import cache
from pipeline.errors import UserError

if TYPE_CHECKING:
    import numpy as np

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
LETTER = re.compile(r"[^\W\d_]")  # a letter of any script

MIN_LETTERS = 20  # below this langdetect is unreliable; callers get None
CLEAR_MARGIN = 10.0  # nats (a likelihood ratio of e^10) by which a reading must beat every other language
READ_CHARS = 3000  # the profile reading looks at this much text: plenty to tell a language


def count_letters(text: str) -> int:
    return len(LETTER.findall(text))


def _normalise(code: str) -> str:
    return {"zh-cn": "zh", "zh-tw": "zh"}.get(code, code)


def script_language(text: str) -> str | None:
    """The language a non-Latin script implies when it dominates the letters, else None."""
    letters = count_letters(text) or 1
    if len(_KANA.findall(text)) / letters > 0.05:
        return "ja"
    for pattern, lang, share in ((_HAN, "zh", 0.15), (_HANGUL, "ko", 0.3), (_CYRILLIC, "ru", 0.3), (_ARABIC, "ar", 0.3)):
        if len(pattern.findall(text)) / letters > share:
            return lang
    return None


class Profiles:
    """langdetect's 55 language profiles as its ``Detector`` reads them (``langlist``, ``word_lang_prob_map``,
    ``seed``), from a compact copy kept in the user's cache directory: opened in a few milliseconds where
    parsing the 55 JSON profiles takes 0.3 s. Each n-gram's probabilities are computed as langdetect computes
    them (its count over the profile's number of n-grams of that length), so detection is identical."""

    seed = 0  # DetectorFactory.seed: langdetect's sampling is deterministic

    def __init__(self, langlist: list[str], grams: list[str], rows: np.ndarray, columns: np.ndarray, counts: np.ndarray, n_words: np.ndarray):
        self.langlist = langlist
        self.word_lang_prob_map = _GramRows(grams, rows, columns, counts, n_words)


class _GramRows(Mapping):
    """n-gram -> [P(n-gram | language) for each language], from the profiles' counts (a sparse matrix)."""

    def __init__(self, grams: list[str], rows: np.ndarray, columns: np.ndarray, counts: np.ndarray, n_words: np.ndarray):
        self._index = {gram: i for i, gram in enumerate(grams)}
        self._rows, self._columns, self._counts, self._n_words = rows, columns, counts, n_words

    def __getitem__(self, gram: str) -> list[float]:
        import numpy as np

        i = self._index[gram]
        start, end = self._rows[i], self._rows[i + 1]
        row = np.zeros(self._n_words.shape[0])
        columns = self._columns[start:end]
        row[columns] = self._counts[start:end] / self._n_words[columns, len(gram) - 1]
        return row.tolist()

    def __contains__(self, gram: object) -> bool:
        return gram in self._index

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


@lru_cache(maxsize=1)
def _profiles() -> Profiles:
    """The profiles from the cache, built there from langdetect's own files the first time (or if unreadable)."""
    import numpy as np

    path = cache.directory() / f"langdetect-{metadata.version('langdetect')}-profiles.npz"
    try:
        with np.load(path, allow_pickle=False) as cached:
            return Profiles(json.loads(str(cached["langlist"])), json.loads(str(cached["grams"])), cached["rows"], cached["columns"], cached["counts"], cached["n_words"])
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
        pass  # no cache yet, or a damaged one: it is written again
    langlist, grams, arrays = _read_profiles()
    cache.write(path, lambda into: np.savez(into, langlist=json.dumps(langlist), grams=json.dumps(grams, ensure_ascii=False), **arrays))
    return Profiles(langlist, grams, **arrays)


def _read_profiles() -> tuple[list[str], list[str], dict[str, np.ndarray]]:
    """langdetect's profile files, in the order its factory reads them: the languages, the 1- to 3-grams and, per
    gram, the languages that have it with their counts, and each language's number of 1-, 2- and 3-grams."""
    import numpy as np
    from langdetect import detector_factory

    langlist, n_words, by_gram = [], [], {}
    directory = Path(detector_factory.PROFILES_DIRECTORY)
    for name in os.listdir(directory):
        if name.startswith(".") or not (directory / name).is_file():
            continue
        profile = json.loads((directory / name).read_text(encoding="utf-8"))
        for gram, count in profile["freq"].items():
            if 1 <= len(gram) <= 3:
                by_gram.setdefault(gram, []).append((len(langlist), count))
        langlist.append(profile["name"])
        n_words.append(profile["n_words"])
    grams = list(by_gram)
    cells = [cell for gram in grams for cell in by_gram[gram]]
    return langlist, grams, {
        "rows": np.cumsum([0] + [len(by_gram[gram]) for gram in grams], dtype=np.int64),
        "columns": np.array([column for column, _ in cells], dtype=np.int16),
        "counts": np.array([count for _, count in cells], dtype=np.int64),
        "n_words": np.array(n_words, dtype=np.int64),
    }


@lru_cache(maxsize=None)
def _log_row(gram: str) -> np.ndarray:
    """log P(gram | language) for every langdetect profile, smoothed as langdetect smooths it."""
    import numpy as np
    from langdetect.detector import Detector

    smoothing = Detector.ALPHA_DEFAULT / Detector.BASE_FREQ
    return np.log(np.asarray(_profiles().word_lang_prob_map[gram], dtype=np.float64) + smoothing)


def profile_reading(text: str) -> list[tuple[str, float]]:
    """Languages by the log-likelihood of every n-gram of ``text`` under their langdetect profile, best first.

    The n-grams are langdetect's own (its text cleaning and normalisation); empty when it finds none.
    """
    import numpy as np

    factory = _profiles()
    grams = _ngrams(text[:READ_CHARS], factory.word_lang_prob_map)
    if not grams:
        return []
    totals = np.sum([_log_row(gram) for gram in grams], axis=0)
    scores: dict[str, float] = {}
    for lang, total in zip(factory.langlist, totals.tolist()):
        code = _normalise(lang)
        scores[code] = max(total, scores.get(code, float("-inf")))
    return sorted(scores.items(), key=lambda kv: -kv[1])


_SPACES = re.compile(" {2,}")
_LATIN_RANGE = re.compile("[A-z]")  # langdetect's own test: 'A' <= ch <= 'z'
_NON_LATIN = re.compile("[\u0300-\u1dff\u1f00-\U0010ffff]")  # from U+0300, Latin Extended Additional aside


def _ngrams(text: str, known: dict) -> list[str]:
    """The 1- to 3-grams of ``text`` that langdetect's profiles know, as langdetect extracts them (URLs and
    e-mail addresses out, its normalisation, no grams inside all-capital words), in a tighter loop than its own."""
    from langdetect.detector import Detector
    from langdetect.utils.ngram import NGram

    text = _SPACES.sub(" ", NGram.normalize_vi(Detector.MAIL_RE.sub(" ", Detector.URL_RE.sub(" ", text))))
    if len(_LATIN_RANGE.findall(text)) * 2 < len(_NON_LATIN.findall(text)):
        text = _LATIN_RANGE.sub("", text)  # Latin letters inside non-Latin text are names
    grams, capital, found = " ", False, []
    for ch in text:
        ch = _normal(ch)
        last = grams[-1]
        if last == " ":
            grams, capital = " ", False
            if ch == " ":
                continue
        elif len(grams) >= 3:
            grams = grams[1:]
        grams += ch
        capital = (capital or last.isupper()) if ch.isupper() else False
        if capital:
            continue
        for n in range(1, min(3, len(grams)) + 1):
            gram = grams[-n:]
            if gram != " " and gram in known:
                found.append(gram)
    return found


@lru_cache(maxsize=None)
def _normal(ch: str) -> str:
    from langdetect.utils.ngram import NGram

    return NGram.normalize(ch)


def clearly_in(text: str, langs: set[str]) -> bool:
    """True when the profile reading of ``text`` puts one of ``langs`` first, CLEAR_MARGIN ahead of every other language.

    A fast path: False means "not clear", not "no".
    """
    reading = profile_reading(text)
    if not reading or reading[0][0] not in langs:
        return False
    rival = next((score for lang, score in reading if lang not in langs), float("-inf"))
    return reading[0][1] - rival >= CLEAR_MARGIN


def language_candidates(text: str) -> list[tuple[str, float]]:
    """langdetect's guesses for ``text`` with their probabilities, best first (empty if it has none)."""
    from langdetect import LangDetectException

    try:
        return [(_normalise(guess.lang), guess.prob) for guess in _detect_langs(text[:20000])]
    except LangDetectException:
        return []


def _detect_langs(text: str) -> list:
    """langdetect's ``detect_langs`` on the cached profiles."""
    detector = _detector_class()(_profiles())
    detector.append(text)
    return detector.get_probabilities()


@lru_cache(maxsize=1)
def _detector_class() -> type:
    """langdetect's ``Detector``, twice as fast: each sampled n-gram multiplies the 55 language probabilities by the
    same factors in a loop run in C, and the n-grams are those ``_extract_ngrams`` finds, extracted by ``_ngrams``, so
    every result is langdetect's own."""
    from langdetect.detector import Detector

    class FasterDetector(Detector):
        def _extract_ngrams(self):
            return _ngrams(self.text, self.word_lang_prob_map)

        def _update_lang_prob(self, prob, word, alpha):
            if word is None or word not in self.word_lang_prob_map:
                return False
            prob[:] = map(operator.mul, prob, map(operator.add, itertools.repeat(alpha / self.BASE_FREQ), _row(word)))
            return True

    return FasterDetector


@lru_cache(maxsize=None)
def _row(gram: str) -> tuple[float, ...]:
    return tuple(_profiles().word_lang_prob_map[gram])


def detect_language(text: str) -> str | None:
    """Best guess of the language of ``text``, or None when there is too little to tell.

    CJK text mixed with many English terms is still CJK: the script decides before langdetect,
    which counts Latin-letter words and would call such text English.
    """
    if count_letters(text) < MIN_LETTERS:
        return None
    by_script = script_language(text)
    if by_script in ("zh", "ja", "ko"):
        return by_script
    reading = profile_reading(text)
    if len(reading) > 1 and reading[0][1] - reading[1][1] >= CLEAR_MARGIN:
        return reading[0][0]
    from langdetect import LangDetectException

    try:
        best = _detect_langs(text[:20000])[0]
    except LangDetectException:
        return by_script
    return _normalise(best.lang)


@dataclass(frozen=True)
class LanguageTag:
    """A language as the user wrote it (BCP 47, normalised: "pt-BR") and the language models know it by ("pt")."""

    tag: str
    lang: str


@lru_cache(maxsize=256)
def language_tag(text: str) -> LanguageTag:
    """``pt-BR``, ``pt_br``, ``PT``, ``zh-Hant``: the tag normalised and its language; a UserError otherwise.

    Tags read before come from the cache: importing langcodes takes about 30 ms, which every command that names a
    language would otherwise pay."""
    written = text.strip().replace("_", "-")
    path = cache.directory() / f"langcodes-{metadata.version('langcodes')}-tags.json"
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if not isinstance(known, dict):
        known = {}
    if isinstance(found := known.get(written), list) and len(found) == 2:
        return LanguageTag(*found)
    import langcodes

    try:
        tag = langcodes.standardize_tag(written)
        language = langcodes.Language.get(tag)
    except (ValueError, langcodes.LanguageTagError):
        language = None
    if language is None or not language.is_valid() or not language.language:
        raise UserError(f"{text.strip()!r} is not a language tag: use a code such as pt, pt-BR, zh-CN or en")
    known[written] = [tag, language.language]
    cache.write(path, lambda into: into.write_text(json.dumps(known, ensure_ascii=False), encoding="utf-8"))
    return LanguageTag(tag, language.language)


# NAME.LANG.md: the naming convention of issues and their translations (``issue-05.pt-BR.md``)
TAGGED_NAME = re.compile(r"^(?P<name>.+)\.(?P<lang>[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?)(?P<ext>\.(?:md|markdown|txt))$")


def tagged_language(name: str) -> str | None:
    """The language a file name is tagged with (``issue-05.en.md``: "en", ``issue-05.pt-BR.md``: "pt"), or None."""
    match = TAGGED_NAME.match(name)
    return re.split(r"[-_]", match["lang"])[0].lower() if match else None
