"""Issues with translations in a memory, for the review app and report tests."""
from __future__ import annotations

from pathlib import Path

from pipeline.config import load_config
from pipeline.document.record import Flag
from pipeline.document.segment import segment
from pipeline.memory.store import Memory
from pipeline.quality.backcheck import backcheck
from pipeline.terms.protect import protect

XSS = '<script>window.__xss=1</script> and <img src=x onerror="window.__xss=2">'
ISSUE = f"""# Weekly notes

The new dataset is available at https://example.org/data for everyone.

Our team released version 2 of the tool this week.

Beware of {XSS} in this sentence.

Thanks for reading the newsletter today.
"""
# Hand-made translations; the second drops its URL, so the back-check flags it.
TRANSLATIONS = {
    "Weekly notes": "Notas semanais",
    "The new dataset is available at https://example.org/data for everyone.": "O novo conjunto de dados está disponível para todos.",
    "Our team released version 2 of the tool this week.": "A nossa equipa lançou a versão 2 da ferramenta esta semana.",
    f"Beware of {XSS} in this sentence.": 'Cuidado com <script>window.__xss=1</script> e <img src=x onerror="window.__xss=2"> nesta frase.',
    "Thanks for reading the newsletter today.": "Obrigado por ler o boletim hoje.",
}
URL_SOURCE = "The new dataset is available at https://example.org/data for everyone."


def hand_translated(folder: Path, memory: Path) -> Path:
    """Write ISSUE to ``folder`` and store TRANSLATIONS, back-checked without a model, in ``memory``."""
    path = folder / "notes.en.md"
    path.write_text(ISSUE, encoding="utf-8")
    document = segment(ISSUE, name=str(path), src_lang="en")
    protect(document)
    for seg in document.segments:
        seg.target, seg.origin = TRANSLATIONS[seg.source], "test:hand"
    backcheck(document, "pt", None, load_config().backcheck)
    with Memory(memory) as store:
        store.remember(document, "pt")
    return path


def flagged_by_hand(folder: Path, memory: Path, flags: dict[int, list[Flag]], backs: dict[int, str] | None = None) -> Path:
    """Write ISSUE to ``folder`` and store TRANSLATIONS with the given flags (and back-translations) by segment index."""
    path = folder / "notes.en.md"
    path.write_text(ISSUE, encoding="utf-8")
    document = segment(ISSUE, name=str(path), src_lang="en")
    protect(document)
    for seg in document.segments:
        seg.target, seg.origin, seg.flags, seg.back = TRANSLATIONS[seg.source], "test:hand", flags.get(seg.index, []), (backs or {}).get(seg.index)
    with Memory(memory) as store:
        store.remember(document, "pt")
    return path


def drop_url(issue: Path, memory: Path, url: str) -> tuple[str, str]:
    """Remove ``url`` from the stored machine translation that has it and re-check it; (source, original target)."""
    config = load_config()
    document = segment(issue.read_text(encoding="utf-8"), name=str(issue), src_lang="en")
    protect(document)
    with Memory(memory) as store:
        store.recall(document, "pt", None)
        changed = next(s for s in document.segments if s.target and url in s.target)
        model, original = store.entry("en", "pt", changed.source).model, changed.target
        changed.target = original.replace(url, "").replace("  ", " ")
        backcheck(document, "pt", None, config.backcheck)
        store.remember(document, "pt", [changed], model=model)
    return changed.source, original
