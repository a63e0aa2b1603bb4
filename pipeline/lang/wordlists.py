"""wordfreq's word lists, read from a copy in the pipeline's cache.

Importing wordfreq and unpacking a language's list costs about 0.25 s per process; the copy (one SQLite
file per language, built from wordfreq the first time) opens in a millisecond and is read word by word.
A word is looked up as wordfreq tokenizes it where that is plain (Latin letters and digits in a language
wordfreq only case-folds: split at hyphens and after a French elision, "’" read as "'", digit sequences
as wordfreq estimates them), and its frequency computed as wordfreq computes it,
so every value is wordfreq's own; any other word, and every word when the cache is unusable, is asked
of wordfreq itself.
"""
from __future__ import annotations

import array
import bisect
import math
import re
import sqlite3
import threading
import unicodedata
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from pipeline import cache

_SEGMENTED = {"zh", "ja", "ko"}  # wordfreq needs jieba or MeCab to read these: judged by script, not by word
_L = "a-zß-öø-ÿ\u0100-\u024f"  # Latin letters, case-folded
# One wordfreq token each (Unicode word boundaries): letters joined by "'" or "." ("it's", "node.js"), letters and
# digits ("seq2seq", "2010s"), a number ("1.4", "1,000").
_ONE_TOKEN = re.compile(rf"[{_L}]+(?:['.][{_L}]+)*|[{_L}0-9]*[0-9][{_L}0-9]*|[0-9]+(?:[.,][0-9]+)*")
_ELISION = re.compile(rf"[{_L}]{{1,2}}'(?=[aehiouyáéíóúàèìòùâêîôûåïöœ])")  # "l'", "qu'": a token of their own
_MULTI_DIGIT = re.compile(r"[0-9][0-9.,]+")
_PLAIN = {"script": "Latn", "tokenizer": "regex", "normal_form": "NFC", "remove_marks": False, "dotless_i": False, "diacritics_under": None, "transliteration": None, "lookup_transliteration": None}
_UNSEEN = 1e-9  # wordfreq's frequency at Zipf 0, the floor it gives unseen words


class WordList:
    """One language's list: each word's frequency band in centibels below 1 (wordfreq's unit) and its rank."""

    def __init__(self, connection: sqlite3.Connection, plain: bool):
        self._connection, self.plain = connection, plain
        self._lock = threading.Lock()  # back-check threads read it too

    def centibels(self, word: str) -> int | None:
        with self._lock:
            row = self._connection.execute("SELECT centibels FROM words WHERE word = ?", (word,)).fetchone()
        return row[0] if row else None

    def top(self, count: int) -> list[str]:
        """The ``count`` most frequent words, in wordfreq's order."""
        with self._lock:
            return [word for (word,) in self._connection.execute("SELECT word FROM words WHERE rank < ? ORDER BY rank", (count,))]

    def top_of_length(self, count: int, length: int) -> list[tuple[str, int]]:
        """The words of ``length`` characters among the ``count`` most frequent, with their ranks, in wordfreq's order."""
        with self._lock:
            row = self._connection.execute("SELECT words, ranks FROM by_length WHERE length = ?", (length,)).fetchone()
        if row is None:
            return []
        ranks = array.array("i", row[1])
        kept = bisect.bisect_left(ranks, count)
        return list(zip(row[0].split("\n", kept)[:kept], ranks[:kept]))


SCHEMA = 3  # in the file name: a file of another layout is never read


def _path(lang: str) -> Path:
    return cache.directory() / f"wordfreq-{metadata.version('wordfreq')}-{lang}.v{SCHEMA}.sqlite"


def _fill(lang: str, path: Path) -> None:
    from wordfreq import get_frequency_list, top_n_list
    from wordfreq.language_info import get_language_info

    info = get_language_info(lang)
    plain = all(info.get(key) == value for key, value in _PLAIN.items())
    bands = get_frequency_list(lang)
    ranks = {word: rank for rank, word in enumerate(top_n_list(lang, sum(map(len, bands))))}  # digit sequences have none
    rows = ((word, centibels, ranks.get(word)) for centibels, band in enumerate(bands) for word in band)
    with sqlite3.connect(path) as connection:
        connection.executescript("CREATE TABLE about (key TEXT PRIMARY KEY, value); CREATE TABLE words (word TEXT PRIMARY KEY, centibels INTEGER, rank INTEGER) WITHOUT ROWID;")
        connection.executemany("INSERT OR IGNORE INTO words VALUES (?, ?, ?)", rows)
        connection.execute("CREATE INDEX by_rank ON words (rank)")
        # Each length's ranked words in one row (spelling suggestions read thousands at a time): joined by newlines,
        # their ranks packed.
        by_length: dict[int, tuple[list[str], array.array]] = {}
        for word, rank in connection.execute("SELECT word, rank FROM words WHERE rank IS NOT NULL ORDER BY rank"):
            same_length, their_ranks = by_length.setdefault(len(word), ([], array.array("i")))
            same_length.append(word)
            their_ranks.append(rank)
        connection.execute("CREATE TABLE by_length (length INTEGER PRIMARY KEY, words TEXT, ranks BLOB)")
        connection.executemany("INSERT INTO by_length VALUES (?, ?, ?)", [(length, "\n".join(words), packed.tobytes()) for length, (words, packed) in by_length.items()])
        connection.executemany("INSERT INTO about VALUES (?, ?)", [("plain", int(plain)), ("complete", 1)])
    connection.close()


_OPENING = threading.Lock()


@lru_cache(maxsize=None)
def word_list(lang: str) -> WordList | None:
    """The cached list of ``lang`` (built on first use), or None without a list or a usable cache."""
    if not available(lang):
        return None
    with _OPENING:
        connection = cache.sqlite(_path(lang), lambda into: _fill(lang, into))
    if connection is None:
        return None
    plain = connection.execute("SELECT value FROM about WHERE key = 'plain'").fetchone()
    return WordList(connection, bool(plain and plain[0]))


@lru_cache(maxsize=None)
def available(lang: str) -> bool:
    """Whether wordfreq has a word list for ``lang`` that can be read word by word."""
    if lang in _SEGMENTED:
        return False
    if _path(lang).exists():
        return True
    from wordfreq import available_languages

    return lang in available_languages()


def _tokens(word: str) -> list[str] | None:
    """``word`` as wordfreq tokenizes it in a plain Latin language, or None where that takes wordfreq's tokenizer."""
    tokens = []
    for part in unicodedata.normalize("NFC", word).casefold().split("-"):
        while elided := _ELISION.match(part):  # "'" only: "l’" is not split off
            tokens.append(elided[0][:-1])  # wordfreq drops the apostrophe
            part = part[elided.end():]
        part = part.replace("’", "'")
        if not _ONE_TOKEN.fullmatch(part):
            return None
        tokens.append(part)
    return tokens


def _digit_frequency(token: str) -> float:
    """wordfreq's estimate of how often a token's digit sequences are these digits: Benford's law, and a model of
    how often each year is written for 4 digits (``wordfreq.numbers``, whose constants these are)."""

    def benford(digits: str) -> float:
        return [0.009, 0.300, 0.175, 0.124, 0.096, 0.078, 0.066, 0.057, 0.050, 0.045][int(digits[0])] / 10 ** (len(digits) - 1)

    def year(digits: str) -> float:
        value, peak = int(digits), -1.9185
        log = peak - 0.0083 * (2019 - value) if value <= 2019 else peak if value <= 2039 else peak - 0.2 * (value - 2039)
        return 10.0**log + 0.1 * benford(digits)

    frequency = 1.0
    for sequence in _MULTI_DIGIT.findall(token):
        for digits in re.findall("[0-9]+", sequence):
            frequency *= year(digits) if len(digits) == 4 else benford(digits)
    return frequency


def zipf(word: str, lang: str) -> float:
    """wordfreq's ``zipf_frequency(word, lang)`` (0 for a language without a list)."""
    if not available(lang):
        return 0.0
    words = word_list(lang)
    tokens = _tokens(word) if words is not None and words.plain else None
    if tokens is None:
        from wordfreq import zipf_frequency

        return zipf_frequency(word, lang)
    one_over = 0.0
    for token in tokens:
        smashed = _MULTI_DIGIT.sub(lambda match: re.sub("[0-9]", "0", match[0]), token)  # "2010s": "0000s"
        centibels = words.centibels(smashed)
        if centibels is None:
            return 0.0
        frequency = 10 ** (-centibels / 100)
        if smashed != token:
            frequency *= _digit_frequency(token)
        one_over += 1.0 / frequency  # frequencies combined as wordfreq combines them, to the last bit
    frequency = max(1.0 / one_over, _UNSEEN)
    frequency = round(frequency, math.floor(-math.log(frequency, 10)) + 3)  # wordfreq's three significant digits
    return round(math.log(frequency, 10) + 9, 2)


def top_of_length(lang: str, count: int, length: int) -> list[tuple[str, int]]:
    """The words of ``length`` characters among wordfreq's ``top_n_list(lang, count)``, with their ranks there."""
    words = word_list(lang)
    if words is None:
        return [(word, rank) for rank, word in enumerate(top(lang, count)) if len(word) == length]
    return words.top_of_length(count, length)


def top(lang: str, count: int) -> list[str]:
    """wordfreq's ``top_n_list(lang, count)`` (empty for a language without a list)."""
    if not available(lang):
        return []
    words = word_list(lang)
    if words is None:
        from wordfreq import top_n_list

        return top_n_list(lang, count)
    return words.top(count)
