"""The cached word lists give wordfreq's own frequencies and lists, and a run does not import wordfreq."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from wordfreq import top_n_list, zipf_frequency

from pipeline.lang import wordlists

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "nlp-newsletter"
TRICKY = [
    "It’s", "it's", "n't", "don't", "L'approche", "L’approche", "qu'un", "d'heure", "c'est-à-dire", "aujourd'hui",
    "Self-supervised", "Focar-se", "-x", "e-", "Straße", "ﬁnal", "naïve", "İstanbul", "2010s", "GPT-3", "300",
    "modelo", "Modelo", "MODELO", "ação", "acao", "reasoning", "Transformers", "'quote'", "word.", "", "日本語", "x@y",
    "1", "1.4", "1,000", "2.4.1", "2010", "1985", "2045", "0042", "2010s", "1st", "12-em-1", "seq2seq", "Node.js", "dair.ai", "90's", "a,b", "x²",
]


def _words() -> list[str]:
    words = set(TRICKY)
    for path in sorted(CORPUS.glob("issue-0[1-2].*.md")):  # more words where the corpus is beside the repository
        text = path.read_text(encoding="utf-8")
        words |= set(re.findall(r"\S+", text)) | set(re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", text))
    return sorted(words)


@pytest.mark.parametrize("lang", ["en", "pt", "fr"])
def test_frequencies_and_lists_are_wordfreqs(lang):
    for word in _words() + top_n_list(lang, 1500):
        assert wordlists.zipf(word, lang) == zipf_frequency(word, lang), word
    assert wordlists.top(lang, 3000) == top_n_list(lang, 3000)
    for length in (1, 4, 9, 15):
        expected = [(word, rank) for rank, word in enumerate(top_n_list(lang, 60_000)) if len(word) == length]
        assert wordlists.top_of_length(lang, 60_000, length) == expected
    assert wordlists.word_list(lang) is not None  # read from the cache, not from wordfreq


def test_languages_without_a_list():
    assert not wordlists.available("zh")  # segmented scripts are judged by script
    assert not wordlists.available("xx")
    assert wordlists.zipf("modelo", "xx") == 0.0 and wordlists.top("xx", 10) == []


def test_an_unwritable_or_damaged_cache_still_gives_wordfreqs_values(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path / "file"))  # cannot be a directory
    wordlists.word_list.cache_clear()
    assert wordlists.word_list("es") is None
    assert wordlists.zipf("modelo", "es") == zipf_frequency("modelo", "es") > 0
    assert wordlists.top_of_length("es", 500, 6) == [(w, r) for r, w in enumerate(top_n_list("es", 500)) if len(w) == 6]
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path / "cache"))
    wordlists.word_list.cache_clear()
    assert wordlists.word_list("es") is not None
    [cached] = (tmp_path / "cache").glob("wordfreq-*-es.v*.sqlite")
    cached.write_bytes(b"not a database" * 100)
    wordlists.word_list.cache_clear()
    assert wordlists.zipf("modelo", "es") == zipf_frequency("modelo", "es")  # built again
    assert cached.read_bytes().startswith(b"SQLite format 3")
    wordlists.word_list.cache_clear()


def test_a_run_reads_the_cache_without_importing_wordfreq():
    script = (
        "import sys\nfrom pipeline.lang import lexicon\n"
        "assert lexicon.known('modelo', 'pt') and not lexicon.known('modelx', 'pt') and lexicon.common_words('en')\n"
        "lexicon.suggestion('lingauem', 'pt')\nprint('wordfreq' in sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)  # builds the cache where the session has none yet
    done = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    assert done.stdout.strip() == "False"
