"""Back-check: translate each target back, score it against the source, judge its language, run the checks.

Reads ``target`` (and ``masked``/``placeholders``) of every segment and adds ``back``, ``scores``,
``lang``, ``flags`` and ``status``. Document-level results (corpus BLEU/chrF with their sacrebleu
signatures, the language of the whole translation) come back as a ``Summary``.

A segment whose ``checked`` fingerprint matches what it would be judged on now (its texts, the
thresholds, the severities, this code) keeps its scores, language and flags: a re-run of an
unchanged issue judges nothing again, and with ``stored`` it recomputes no document-level result.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property, lru_cache

from pipeline.cache import fingerprint
from pipeline.config import BackcheckConfig
from pipeline.document.record import PREFIXES, Document, Flag, Segment, SpanKind
from pipeline.errors import UserError
from pipeline.lang import encoder
from pipeline.lang.lexicon import load_dictionary
from pipeline.quality.checks import CHECKS, Context, run_checks
from pipeline.quality.checks.form import judge_language, prose, telling_words
from pipeline.terms.protect import TOKEN, unmask
from pipeline.translation.route import Engines, Hop, model_id

_SPACES = re.compile(r" {2,}")
# A placeholder as an engine may leave it in a back-translation: re-cased or with letters doubled
# ("zza1", "ZZZZA1", "Xqq3"), or glued to a word ("realizationZZA1"; then only in capitals, so that
# no word ending in "za" is taken for one).
_RESIDUE = re.compile(r"(?:(?<![^\W\d_])(?i:x{1,2}q{1,3}|z{1,4}[ab])|X{1,2}[Qq]{1,3}|Z{1,4}[AB])(\d+)(?!\d)")
_CODE = re.compile(rf"(?:{'|'.join(PREFIXES)})\d+(?!\d)")  # a placeholder as sent, glued to a word or not


@dataclass
class Summary:
    """What the back-check found about the whole translated document."""

    src: str
    tgt: str
    back_model: str | None = None  # engine that made the back-translations, None if skipped
    back_skipped: str | None = None  # why there is no back-translation
    scores: dict[str, float] = field(default_factory=dict)  # corpus "bleu", "chrf"
    signatures: dict[str, str] = field(default_factory=dict)
    lang: str | None = None  # language of the whole translation
    flags: list[Flag] = field(default_factory=list)  # document-level problems
    key: str | None = None  # fingerprint of every segment's judged inputs: what scores, lang and flags came from

    def results(self) -> dict:
        """The document-level results, as stored for a re-run."""
        return {"scores": self.scores, "signatures": self.signatures, "lang": self.lang, "flags": [asdict(f) for f in self.flags]}

    @property
    def passed(self) -> bool:
        return not self.flags


def tokenizer_for(lang: str) -> str:
    """sacrebleu tokenizer for text in ``lang``: zh, ja-mecab when installed, else 13a."""
    if lang == "zh":
        return "zh"
    if lang == "ja" and _mecab_available():
        return "ja-mecab"
    return "13a"


@lru_cache(maxsize=None)
def _mecab_available() -> bool:
    from sacrebleu.metrics import BLEU

    try:
        BLEU(tokenize="ja-mecab")
    except Exception:  # sacrebleu raises RuntimeError when mecab-python3/ipadic are missing
        return False
    return True


class Scorer:
    """Sentence BLEU (effective order) and chrF of hypotheses against their references as they come, and
    the corpus BLEU and chrF of all of them, with the signatures that say how they were computed.

    sacrebleu's statistics are extracted once per sentence and serve both levels: a sentence score is
    its own statistics, the corpus score their sum (what ``sentence_score``/``corpus_score`` compute).
    """

    def __init__(self, lang: str):
        self._tokenize = tokenizer_for(lang)
        self._bleu_stats: list = []
        self._chrf_stats: list = []

    @cached_property
    def _metrics(self) -> tuple:
        """sacrebleu's corpus BLEU, sentence BLEU and chrF, loaded by the first sentences scored (on the checks' thread,
        beside the engine), not by every command."""
        from sacrebleu.metrics import BLEU, CHRF

        # force: a hypothesis ending " ." is a placeholder removed before a full stop, not tokenized text
        return BLEU(tokenize=self._tokenize, force=True), BLEU(tokenize=self._tokenize, effective_order=True), CHRF()

    def sentences(self, hypotheses: list[str], references: list[str]) -> list[dict[str, float]]:
        """The scores of each hypothesis against its reference; they count towards the corpus scores."""
        if not hypotheses:
            return []
        bleu, sentence_bleu, chrf = self._metrics
        bleu_stats = bleu._extract_corpus_statistics(hypotheses, [references])
        chrf_stats = chrf._extract_corpus_statistics(hypotheses, [references])
        self._bleu_stats += bleu_stats
        self._chrf_stats += chrf_stats
        return [
            {"bleu": round(sentence_bleu._aggregate_and_compute([b]).score, 2), "chrf": round(chrf._aggregate_and_compute([c]).score, 2)}
            for b, c in zip(bleu_stats, chrf_stats)
        ]

    def corpus(self) -> tuple[dict[str, float], dict[str, str]]:
        """The corpus scores of every sentence scored so far and their signatures (empty when none was)."""
        if not self._bleu_stats:
            return {}, {}
        bleu, _, chrf = self._metrics
        corpus = {"bleu": round(bleu._aggregate_and_compute(self._bleu_stats).score, 2), "chrf": round(chrf._aggregate_and_compute(self._chrf_stats).score, 2)}
        return corpus, {"bleu": bleu.get_signature().format(), "chrf": chrf.get_signature().format()}


def remask(text: str, placeholders: dict[str, str]) -> str:
    """``text`` with the segment's markup and terms put back into their placeholders; a value that
    several keys share (the ``*`` opening and closing emphasis) takes them in turn, in source order."""
    keys: dict[str, list[str]] = {}
    for key, value in placeholders.items():
        if value.strip():
            keys.setdefault(value.strip(), []).append(key)
    for value, shared in sorted(keys.items(), key=lambda kv: len(kv[0]), reverse=True):
        first, *rest = text.split(value)
        text = first + "".join(shared[min(n, len(shared) - 1)] + part for n, part in enumerate(rest))
    return _SPACES.sub(" ", text).strip()


def scored_text(text: str) -> str:
    """Text as scored: placeholders gone, whitespace collapsed (markup is equal by construction)."""
    return " ".join(_CODE.sub(" ", text).split())


def _code(match: re.Match[str]) -> str:
    """The placeholder a ``_RESIDUE`` match stands for, as it was sent ("ZZZZa1" -> "ZZA1")."""
    letter = match[0][match.start(1) - match.start() - 1].casefold()
    return {"q": PREFIXES[0], "a": PREFIXES[1], "b": PREFIXES[2]}[letter] + str(int(match[1]))


def _canonical(output: str) -> str:
    """``output`` with every placeholder written as it was sent, apart from a word it was glued to."""
    return _RESIDUE.sub(lambda m: (" " if m.start() and output[m.start() - 1].isalnum() else "") + _code(m), output)


def without_placeholders(text: str, placeholders: dict[str, str]) -> str:
    """``text`` with each placeholder left in it, however garbled, replaced by the text of its span
    (``placeholders``' value), or dropped when the segment has none by that code; spaces collapsed."""
    values = {key.strip(): value.strip() for key, value in placeholders.items()}

    def put(match: re.Match[str]) -> str:
        value = values.get(_code(match), "")
        if value[:1].isalnum() and text[match.start() - 1 : match.start()].isalnum():
            value = " " + value  # "atXq1": "at https://..."
        return value + " " if value[-1:].isalnum() and text[match.end() : match.end() + 1].isalnum() else value

    return " ".join(_RESIDUE.sub(put, text).split())


def has_placeholders(text: str) -> bool:
    """Whether ``text`` holds a placeholder, however garbled."""
    return _RESIDUE.search(text) is not None


BACK_CHUNK = 32  # segments back-translated at a time: each is checked while the next one is translated
LAST_CHUNK = 8  # at most this many in the last chunk, whose checks are the only ones with no translation beside them


def _chunks(segments: list[Segment]) -> list[list[Segment]]:
    """``segments`` in chunks of ``BACK_CHUNK``, the last ones halving down to ``LAST_CHUNK`` or fewer (checking a chunk
    takes about a third of the time translating it back does: each is checked while the next, half as long, is translated)."""
    chunks, start = [], 0
    while start < len(segments):
        left = len(segments) - start
        size = BACK_CHUNK if left >= 2 * BACK_CHUNK else left if left <= LAST_CHUNK else -(-left // 2)
        chunks.append(segments[start : start + size])
        start += size
    return chunks


def reverse_route(engines: Engines | None, src: str, tgt: str, summary: Summary) -> list[Hop] | None:
    """The route that translates ``tgt`` back into ``src``, named in ``summary.back_model``; None, with the reason in
    ``summary.back_skipped``, when there is none."""
    if engines is None:
        summary.back_skipped = "no engine (model-free checks only)"
        return None
    try:
        route = engines.route(tgt, src)
    except UserError as error:
        summary.back_skipped = str(error)
        return None
    summary.back_model = model_id(route)
    return route


def back_translate(segments: list[Segment], route: list[Hop], engines: Engines, done: dict[str, str]) -> None:
    """Fill ``back`` of the segments that have a target and none yet; ``done`` holds the translations made so far
    (the same sentence is translated once)."""
    pending = _pending(segments)
    inputs = [remask(s.target, s.placeholders) for s in pending]
    fresh = list(dict.fromkeys(text for text in inputs if text not in done))
    done.update(zip(fresh, engines.run(route, fresh)))
    for segment, text in zip(pending, inputs):
        segment.back = _restore_leniently(done[text], in_source_language(segment))


def _pending(segments: list[Segment]) -> list[Segment]:
    return [s for s in segments if s.target is not None and s.back is None and s.target.strip()]


def in_source_language(segment: Segment) -> dict[str, str]:
    """The segment's placeholders with each glossary term in its source form: a back-translation
    compared with the source must not carry the pinned target-language term ("the small modelos de linguagem")."""
    source_form = {(s.target or s.text): s.text for s in segment.spans if s.kind == SpanKind.TERM}
    return {key: source_form.get(value, value) for key, value in segment.placeholders.items()}


def _restore_leniently(output: str, placeholders: dict[str, str]) -> str:
    """Placeholders back to their text, even when the engine repeated, dropped, re-cased ("XQ2"),
    doubled ("ZZZZA1") or glued some to a word ("realizationZZA1"): a back-translation is only read,
    by checks, scores and reviewers, who must never see a placeholder."""
    canonical = _canonical(output)
    found = {f"{m[1]}{int(m[2])}" for m in TOKEN.finditer(canonical)}
    restored = unmask(canonical, {k: v for k, v in placeholders.items() if k.strip() in found})
    if not restored.problems and not has_placeholders(restored.text):
        return restored.text
    return without_placeholders(output, placeholders)


def terms_of(segment: Segment) -> set[str]:
    """The glossary terms of a segment as the source writes them."""
    return {s.text for s in segment.spans if s.kind == SpanKind.TERM}


def check_key(segment: Segment, judged_by: str) -> str:
    """Fingerprint of everything the back-check judges a segment on, ``judged_by`` being the settings' fingerprint.

    Pairs are numbered within the segment, so the same sentence anywhere has the same key.
    """
    pairs: dict[int, int] = {}
    spans = [(s.start, s.end, s.kind.value, s.text, s.target, None if s.pair is None else pairs.setdefault(s.pair, len(pairs))) for s in segment.spans]
    return fingerprint(judged_by, segment.source, segment.masked, segment.placeholders, spans, segment.target, segment.back)


def backcheck(document: Document, tgt: str, engines: Engines | None, settings: BackcheckConfig, stored: Callable[[str], dict | None] = lambda key: None) -> Summary:
    """Back-translate (when ``engines`` has a reverse route), score, judge language and run every check.

    ``stored(key)`` gives the document-level ``Summary.results()`` kept for ``key``, if any.
    """
    src = document.src_lang
    load_dictionary(tgt)  # for the spelling check, while the engine works
    if settings.encoder:
        encoder.preload(src, tgt)  # for the meaning similarity, while the engine works
    summary = Summary(src, tgt)
    translated = [s for s in document.segments if s.target is not None]
    context = Context(src, tgt, settings.thresholds(src, tgt))
    judged_by = fingerprint(src, tgt, asdict(context.thresholds), settings.severities, settings.encoder)
    route = reverse_route(engines, src, tgt, summary)
    if route is None or not _pending(translated):  # every back-translation there: perhaps nothing to judge again
        keys = [check_key(segment, judged_by) for segment in translated]
        if all(s.checked == key for s, key in zip(translated, keys)) and (results := stored(fingerprint(keys))) is not None:
            return replace(summary, **{**results, "key": fingerprint(keys), "flags": [Flag(**f) for f in results["flags"]]})
    scorer, keys, done = Scorer(src), [], {}
    chunks = _chunks(translated) if route else [translated]
    # The engine translates a chunk back while a worker thread checks the previous one: the engine leaves the
    # interpreter free, so the checks cost next to nothing then.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="back-check") as checker:
        checking = None
        for chunk in chunks:
            if route is not None and engines is not None:
                try:
                    back_translate(chunk, route, engines, done)
                except UserError as error:  # the rest is checked without back-translation
                    summary.back_model, summary.back_skipped, route = None, str(error), None
            if checking is not None:
                keys += checking.result()
            checking = checker.submit(_check, chunk, context, judged_by, scorer, settings)
        keys += checking.result() if checking is not None else []
    summary.key = fingerprint(keys)
    summary.scores, summary.signatures = scorer.corpus()
    whole = " ".join(prose(s.target, s, terms=True) for s in translated)
    summary.lang = judge_language(whole, tgt)
    if summary.lang not in (None, tgt):
        summary.flags.append(Flag("language", "error", f"the translation as a whole reads as {summary.lang}, not {tgt}", whole[:80]))
    return summary


# What prose() leaves of markup the source does not share (a translation's localized link "](/fr/...)", <kbd>), and URLs:
# left in, they cost a correct human translation 0.08 of similarity (median of the 14% of Astro segments that have some)
_LEFTOVER = re.compile(r"\]\([^)\s]*\)?|<[^>\n]*>|[\[\]*`]|(?:https?://|www\.)\S+")


def meaning_text(text: str, segment: Segment) -> str:
    """What the sentence encoder compares: ``text``'s prose, markup, URLs and placeholders gone, glossary terms kept."""
    return " ".join(_LEFTOVER.sub(" ", without_placeholders(prose(text, segment), {})).split())


def _similarity(segments: list[Segment], context: Context, on: bool) -> None:
    """``scores["similarity"]``: the sentence encoder's cosine of source and target prose, one batch for ``segments``,
    with or without a back-translation; none for short sources (noise), languages the model lacks, or with ``on`` False."""
    measured, pairs = [], []
    for segment in segments:
        segment.scores = {name: value for name, value in segment.scores.items() if name != "similarity"}
        source = meaning_text(segment.source, segment) if on and segment.target else ""
        if len(source.split()) >= context.thresholds.min_words and (target := meaning_text(segment.target, segment)):
            measured.append(segment)
            pairs.append((source, target))
    for segment, value in zip(measured, encoder.similarities(pairs, context.src, context.tgt)):
        segment.scores["similarity"] = value


def _check(segments: list[Segment], context: Context, judged_by: str, scorer: Scorer, settings: BackcheckConfig) -> list[str]:
    """Score, judge the language of and check each segment not judged on the same inputs before; their keys."""
    keys = [check_key(segment, judged_by) for segment in segments]
    scored, sources, backs = [], [], []
    for segment in segments:
        markup = {key: value for key, value in in_source_language(segment).items() if value not in terms_of(segment)}
        reference = scored_text(remask(segment.source, markup))  # terms stay, in the source language on both sides
        if segment.back is not None and len(reference.split()) >= context.thresholds.min_words:  # shorter: noise
            scored.append(segment)
            sources.append(reference)
            backs.append(scored_text(remask(segment.back, markup)))
    for segment, sentence in zip(scored, scorer.sentences(backs, sources)):
        segment.scores = sentence
    _similarity(segments, context, settings.encoder)
    for segment, key in zip(segments, keys):
        if segment.checked == key:
            continue
        segment.lang = judge_language(telling_words(segment), context.tgt)  # what the language check judged: cached
        segment.flags = [f for f in segment.flags if f.check not in CHECKS] + run_checks(segment, context, settings.severities)
        segment.checked = key
        if segment.status in ("new", "flagged"):
            segment.status = "flagged" if segment.flags else "new"
    return keys
