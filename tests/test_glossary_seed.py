"""Every shipped glossary entry is attested in the NLP Newsletter corpus (skipped without it).

Evidence, per entry, in the same issue N:
* keep term: it occurs in ``issue-N.en.md`` and verbatim in at least one human translation of N;
* pair term: its source occurs in ``issue-N.en.md`` and its target in ``issue-N.LANG.md``.

"Occurs" uses the glossary's own matcher and compliance counting (case and whole-word rules,
URLs never count). Translations are read without ``<!-- ... -->`` comments (the PT-BR files keep
the English source there) and without link targets, so English that the translator did not
write is never taken as evidence.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from pipeline.terms.glossary import Glossary, Term, check_compliance, entries

ROOT = Path(__file__).resolve().parent.parent
GLOSSARIES = ROOT / "glossaries"
CORPUS = ROOT.parent / "shared" / "corpus" / "nlp-newsletter"
MIN_KEEP = 100
MIN_TRANSLATED = {"pt": 30, "zh": 30}

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")


@lru_cache(maxsize=None)
def corpus() -> dict[str, dict[str, str]]:
    """issue number -> language -> readable text."""
    issues: dict[str, dict[str, str]] = {}
    for path in sorted(CORPUS.glob("issue-*.*.md")):
        issue, lang, _ = path.name.split(".")
        text = _LINK_TARGET.sub("]", _COMMENT.sub(" ", path.read_text(encoding="utf-8")))
        issues.setdefault(issue, {})[lang] = text
    return issues


@pytest.fixture(scope="module", autouse=True)
def need_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")


def by_file() -> dict[str, list[Term]]:
    files: dict[str, list[Term]] = {}
    for term in entries(GLOSSARIES):
        files.setdefault(Path(term.origin.rsplit(":", 1)[0]).name, []).append(term)
    return files


def attested(term: Term, langs: set[str] | None) -> bool:
    """Some issue has the source in English and the pinned form in a translation (of ``langs``)."""
    matcher = Glossary([term])
    for texts in corpus().values():
        matches = matcher.find(texts.get("en", ""))
        for lang, text in texts.items():
            if lang != "en" and (langs is None or lang in langs):
                if any(not check_compliance([m], text) for m in matches):
                    return True
    return False


def test_every_keep_term_is_attested() -> None:
    keep = by_file()["keep.txt"]
    missing = [f"{t.origin}: {t.source}" for t in keep if not attested(t, None)]
    assert not missing, "keep terms without corpus evidence:\n" + "\n".join(missing)
    assert len(keep) >= MIN_KEEP


@pytest.mark.parametrize("name", sorted(p.name for p in GLOSSARIES.glob("*.tsv")))
def test_every_pair_entry_is_attested(name: str) -> None:
    assert name.startswith("en-"), f"{name}: the corpus pairs English originals with translations"
    lang = name.removesuffix(".tsv").removeprefix("en-")
    terms = by_file().get(name, [])
    if not any(lang in texts for texts in corpus().values()):
        assert terms == [], f"{name}: no {lang} translation in the corpus to attest entries against"
    missing = [f"{t.origin}: {t.source} -> {t.target}" for t in terms if not attested(t, {lang})]
    assert not missing, f"{name}: entries without corpus evidence:\n" + "\n".join(missing)


@pytest.mark.parametrize(("lang", "minimum"), sorted(MIN_TRANSLATED.items()))
def test_pair_files_have_enough_translated_terms(lang: str, minimum: int) -> None:
    translated = [t for t in by_file()[f"en-{lang}.tsv"] if t.target != t.source]
    assert len(translated) >= minimum

