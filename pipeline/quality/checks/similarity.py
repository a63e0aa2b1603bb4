"""The meaning check: the multilingual sentence encoder's similarity of source and translation.

The back-check stores the cosine of the source's and the translation's prose in
``segment.scores["similarity"]`` (``pipeline.lang.encoder``: for the languages the model was trained
on, with or without a back-translation). It is a coarse signal (python -m bench.encoder_eval): it
sees gross errors (another sentence's translation, a misaligned or outdated block, half of a
sentence gone) and barely ranks the finer ones (ROC AUC 0.51 for "needs a fix" on the judged en->pt
machine translations), so it flags only what lies below nearly every correct translation, as a
warning. A verbatim copy scores 1.0: it is the untranslated check's, and says nothing here. Combined
with a low back-translation chrF or a missing number or name it caught no judged fix that the
error checks did not already catch, so it stands alone.
"""
from __future__ import annotations

from collections.abc import Iterable

from pipeline.document.record import Segment
from pipeline.quality.checks.form import prose
from pipeline.quality.checks.registry import Context, Finding, check

# Below these, correct human translations are rare (read on the "tune" pages of the Astro documentation, 12 of
# its languages; python -m bench.encoder_eval): what scores lower is mostly the translation of another block or
# of an older version of the source, and text unrelated to the source scores about 0. Between 0.35 and 0.5 about
# half of what lies there is a correct translation (short fragments, free renderings: "Nest multiple layouts" /
# "Anida varias plantillas" 0.37), in every language; no judged en->pt pair scores below 0.48.
# zh: the model reads Traditional Chinese poorly (correct zh-TW translations: median 0.61, against 0.78 for
# zh-CN, and down to 0.3), and both are "zh" here.
LOW = 0.35
LOW_BY_LANGUAGE = {"zh": 0.25}


def usual(tgt: str) -> float:
    """The similarity below which a translation into ``tgt`` is flagged."""
    return LOW_BY_LANGUAGE.get(tgt.replace("_", "-").split("-")[0].lower(), LOW)


@check("meaning", "warning", "the translation says what the source says (sentence-encoder similarity of the two, 16 languages)")
def low_similarity(segment: Segment, context: Context) -> Iterable[Finding]:
    similarity = segment.scores.get("similarity")
    if similarity is None:
        return
    source, target = prose(segment.source, segment), prose(segment.target, segment)
    if len(source.split()) < context.thresholds.min_words or source.casefold() == target.casefold():
        return  # too short to judge; a copy is the untranslated check's, and its 1.0 says nothing
    if similarity < (low := usual(context.tgt)):
        yield f"the translation may not say what the source says (meaning similarity {similarity:.2f}; a translation into {context.tgt} usually scores {low:g} or more)", target[:80]
