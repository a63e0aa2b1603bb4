"""Human translations into the memory: a published translation aligned to its source, pair by pair.

The volunteers' translations of past issues are the best material there is. ``adopt`` aligns one to
its source (the gate's aligner) and stores every sentence paired one to one as reviewed text, with
the file as its origin; a later `pipeline translate` of that source publishes it. What could not be
paired sentence for sentence (merged or split paragraphs, adapted or dropped parts) is reported, never
guessed. Storing again is a no-op; a sentence already reviewed with another text is a conflict.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Config
from pipeline.document.dialects import page_dialect
from pipeline.document.record import line_of
from pipeline.document.segment import segment
from pipeline.errors import UserError
from pipeline.files import read_source
from pipeline.lang.detect import tagged_language
from pipeline.memory.context import contexts
from pipeline.memory.store import Memory
from pipeline.quality.align import align


@dataclass
class Adopted:
    """What ``adopt`` did with one human translation."""

    src: str
    tgt: str
    stored: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)  # sources already reviewed with another text
    differing: dict[str, list[str]] = field(default_factory=dict)  # sources the file translates in several ways: each kept at its place
    placed: dict[tuple[int, int], str] = field(default_factory=dict)  # (start, end) of a stored source sentence -> its human text
    unpaired: list[tuple[int, str]] = field(default_factory=list)  # (source line, text) not paired one to one


def adopt(translation: Path, source: Path, memory: Memory, config: Config, reviewer: str, src: str | None = None, tgt: str | None = None) -> Adopted:
    """Align ``translation`` to ``source`` and store its sentence pairs in ``memory`` as ``reviewer``'s text."""
    src = src or tagged_language(source.name)
    tgt = tgt or tagged_language(translation.name)
    keys, limit = tuple(config.segment.front_matter_keys), config.segment.max_input_mb
    dialect = page_dialect(config.segment.dialect, source)
    source_doc = segment(read_source(source, limit), name=str(source), src_lang=src, front_matter_keys=keys, dialect=dialect)
    translation_doc = segment(read_source(translation, limit), name=str(translation), src_lang=tgt, front_matter_keys=keys, dialect=dialect)
    if source_doc.src_lang == translation_doc.src_lang:
        raise UserError(f"{translation} and {source} are both in '{source_doc.src_lang}': give the source with --source, and --from/--to if the names do not say")
    alignment = align(source_doc, translation_doc)
    sentences = {s.source for s in source_doc.segments}
    result = Adopted(source_doc.src_lang, translation_doc.src_lang)
    pairs, places = [], []
    by_position = {(s.start, s.end): c for s, c in zip(source_doc.segments, contexts(source_doc))}
    for unit in alignment.document.segments:
        line = line_of(source_doc.text, unit.start)
        if unit.target is None:
            result.unpaired.append((line, unit.source))
        elif unit.source in sentences and unit.target.strip() and "\n\n" not in unit.target.strip() and (unit.start, unit.end) in by_position:  # one paragraph for one sentence
            pairs.append((unit.source, unit.target))
            places.append(by_position[(unit.start, unit.end)])
            result.placed[(unit.start, unit.end)] = unit.target
        else:
            result.unpaired.append((line, unit.source))
    result.stored, result.unchanged, result.conflicts, result.differing = memory.store_human(result.src, result.tgt, pairs, reviewer, f"human:{translation.name}", places)
    return result
