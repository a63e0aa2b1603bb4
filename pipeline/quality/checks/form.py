"""Form checks on a translated segment, in the spirit of Translate Toolkit's pofilter: markup, URLs,
numbers, length, language... each a small function registered in ``registry.CHECKS``. Checks are
model-free: the back-translation, when there is one, was made by the back-check stage before they run.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Iterable

from pipeline.document.dialects.base import prose_values_hidden
from pipeline.document.record import Segment, Span, SpanKind
from pipeline.document.segment import MAY_HAVE_MARKUP, parse_alone
from pipeline.lang import lexicon
from pipeline.lang.detect import MIN_LETTERS, clearly_in, count_letters, language_candidates, script_language
from pipeline.lang.sentences import split_sentences
from pipeline.quality.checks.registry import Context, Finding, check
from pipeline.terms import impose as terms

NON_LATIN = {"zh": "zh", "ja": "ja", "ko": "ko", "ru": "ru", "uk": "ru", "ar": "ar"}  # tgt -> script_language code
LONG_ENOUGH = 60  # letters from which langdetect's best guess is trusted at 0.8
CONFUSABLE = {"pt": {"es", "gl", "ca", "it"}, "es": {"pt", "gl", "ca"}, "fr": {"ca"}, "zh": {"ja", "ko"}, "ru": {"uk", "bg", "mk"}}


# -- helpers ---------------------------------------------------------------------------------


_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_HAN_OR_KANA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"'`]+[^\s<>()\[\]\"'`.,;:!?]")
_NUMBER = re.compile(r"\d+(?:[.,\u202f\u00a0 ]\d{3})*(?![\d])")
_TERMINAL = re.compile(r"[.!?…。！？:：;；।॥؟۔።]['\"”’)\]」』*_]*(?:\s*[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d]+)*$")  # an emoji may follow
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»")
_FOREIGN = re.compile(r"(?<![*\w])\*(?=\S)[^*\n]+?(?<=\S)\*(?![*\w])|(?<![_\w])_(?=\S)[^_\n]+?(?<=\S)_(?![_\w])|\[[^\]\n]*\]\([^)\s]*\)")


def _markup(segment: Segment) -> list[str]:
    """Texts of the segment's markup spans (atomic and pair ends), longest first."""
    return sorted({s.text for s in segment.spans if s.kind != SpanKind.TERM and s.text.strip()}, key=len, reverse=True)


def prose(text: str, segment: Segment, terms: bool = False) -> str:
    """``text`` with the segment's markup (and, with ``terms``, its glossary terms) blanked out."""
    forms = tuple(sorted({form for s in segment.spans if s.kind == SpanKind.TERM for form in (s.text, s.target or s.text)})) if terms else ()
    return _prose(text, tuple(_markup(segment)), forms)


@lru_cache(maxsize=8192)
def _prose(text: str, markup: tuple[str, ...], terms: tuple[str, ...]) -> str:
    for piece in markup:
        text = text.replace(piece, " ")
    for form in terms:
        text = _term(form).sub(" ", text)
    return " ".join(text.split())


@lru_cache(maxsize=4096)
def _term(form: str) -> re.Pattern:
    return re.compile(re.escape(form), re.I)


@lru_cache(maxsize=4096)
def _whole_word(word: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.I)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _size(text: str) -> int:
    """Length of prose in comparable units: CJK characters count as two letters."""
    return count_letters(text) + len(_HAN_OR_KANA.findall(text))


def _common_words(text: str, src: str, tgt: str) -> int:
    """Words that would be translated: not names or acronyms ("Raffel et al. 2020" has none), capitalised common
    words of a title ("Visualizing Text Generation") included unless the target language uses them too ("Blog",
    "Demo"); CJK counts by character."""

    def title_word(w: str) -> bool:
        return w[1:].islower() and lexicon.zipf(w, src) >= lexicon.COMMON_ZIPF and lexicon.zipf(w, tgt) < lexicon.COMMON_ZIPF

    words = [w for w in _words(text) if len(w) > 2 and (w[:1].islower() or title_word(w))]
    return len(words) + len(_HAN_OR_KANA.findall(text)) // 2


# -- the checks ------------------------------------------------------------------------------


@check("empty", "error", "the translation is empty although the source has words")
def empty(segment: Segment, context: Context) -> Iterable[Finding]:
    if count_letters(prose(segment.source, segment)) and not segment.target.strip():
        yield "the translation is empty", ""


_EMPHASIS = {"bold", "italics", "strikethrough"}


@lru_cache(maxsize=8192)
def localized(url: str, *langs: str) -> str:
    """``url`` with what a site changes to link to its page in another language taken out: a language
    segment of the path (/en/, /pt-br/, en-US/), a language subdomain (en.wikipedia.org), a language
    parameter (hl=en), and the anchor, which follows the translated heading ("#minor-changes" ->
    "#minor-änderungen"). Two links with the same result lead to the same page in ``langs``."""
    tags = "|".join(re.escape(lang) for lang in langs)
    url = url.replace("&amp;", "&").split("#", 1)[0]
    url = re.sub(rf"(?i)(?<=/)(?:{tags})(?:[-_][a-z]{{2,4}})?(?:/|$)", "", url)
    url = re.sub(rf"(?i)^((?:https?:)?//)(?:{tags})(?:-[a-z]{{2,4}})?\.", r"\1", url)
    return re.sub(rf"(?i)([?&](?:hl|lang|langId|locale)=)(?:{tags})(?:[-_][a-z]{{2,4}})?", r"\1", url).rstrip("/")


def _localized_markup(found: Counter[tuple[str, str]], src: str, tgt: str) -> Counter[tuple[str, str]]:
    return Counter({(kind, localized(value, src, tgt) if kind in ("link to", "image") else value): n for (kind, value), n in found.items()})


@check("markup", "error", "every link, image, code span and inline HTML of the source is in the translation")
def markup(segment: Segment, context: Context) -> Iterable[Finding]:
    have, want = inline_markup(segment.target), inline_markup(segment.source)
    if want - have:  # a link to the page in the translation's language, or to a translated heading, is the same link
        lost = _localized_markup(want, context.src, context.tgt) - _localized_markup(have, context.src, context.tgt)
        want = Counter({(kind, value): n for (kind, value), n in want.items() if kind not in ("link to", "image") or (kind, localized(value, context.src, context.tgt)) in lost})
    for (kind, value), count in sorted((want - have).items()):
        if kind not in _EMPHASIS:
            yield f"{kind} {value}: missing or broken in the translation ({have[(kind, value)]} of {count})", value


@check("extra-markup", "warning", "no link, code or emphasis added, and emphasis kept as in the source")
def extra_markup(segment: Segment, context: Context) -> Iterable[Finding]:
    have, want = inline_markup(segment.target), inline_markup(segment.source)
    for (kind, value), count in sorted((have - want).items()):
        yield f"{kind} {value}".strip() + f": {count} more in the translation than in the source", value or kind
    for (kind, value), count in sorted((want - have).items()):
        if kind in _EMPHASIS:
            yield f"{kind}: {count} fewer in the translation than in the source", kind


_INLINE_KINDS = {"link_open": "link to", "image": "image", "code_inline": "code", "strong_open": "bold", "em_open": "italics", "s_open": "strikethrough", "html_inline": "HTML"}


@lru_cache(maxsize=8192)
def inline_markup(text: str) -> Counter[tuple[str, str]]:
    """The inline markup of ``text`` as Markdown parses it: link/image targets, code, HTML, emphasis counts."""
    found: Counter[tuple[str, str]] = Counter()
    if not MAY_HAVE_MARKUP.search(text):  # most sentences: no need to parse
        return found
    tokens = [t for block in parse_alone(text) if block.children for t in block.children] if text.strip() else []
    for token in tokens:
        if kind := _INLINE_KINDS.get(token.type):
            value = token.attrGet("href") or token.attrGet("src") or (token.content if token.type == "code_inline" else prose_values_hidden(token.content) if token.type == "html_inline" else "")
            if token.type == "link_open" and token.markup in ("linkify", "autolink"):
                kind = "bare URL"  # "[text]https://..." is not the link it was, even if linkify finds the URL
            found[(kind, str(value))] += 1
    return found


@check("urls", "error", "every URL of the source is in the translation")
def urls(segment: Segment, context: Context) -> Iterable[Finding]:
    written = {localized(u, context.src, context.tgt) for u in _URL.findall(segment.target)}
    for url, count in Counter(_URL.findall(segment.source)).items():
        if segment.target.count(url) < count and localized(url, context.src, context.tgt) not in written:
            yield f"URL {url} is missing from the translation", url


@check("glossary", "error", "glossary terms are translated as the glossary pins them (its names are the names check's)")
def glossary(segment: Segment, context: Context) -> Iterable[Finding]:
    lacking: dict[str, list[Span]] = {}
    for span in terms.missing(segment):  # names are the names check's
        lacking.setdefault(span.target, []).append(span)
    for pinned, spans in lacking.items():
        forms = dict.fromkeys([pinned, *spans[0].forms])
        found = sum(terms.count(form, segment.target) for form in forms)
        also = f" (or {' / '.join(repr(f) for f in list(forms)[1:])})" if len(forms) > 1 else ""
        yield f"glossary: {spans[0].text!r} must be translated as {pinned!r}{also} (found {found} of {len(spans)})", pinned


@check("untranslated", "error", "the translation is a copy of the source")
def untranslated(segment: Segment, context: Context) -> Iterable[Finding]:
    source, whole = prose(segment.source, segment, terms=True), prose(segment.source, segment)
    if source and len(_words(whole)) >= 2 and _common_words(whole, context.src, context.tgt) and source.casefold() == prose(segment.target, segment, terms=True).casefold():
        yield "the translation is the source text, untranslated", source[:80]


@check("length", "warning", "the translation's length is in the usual range for the pair")
def length(segment: Segment, context: Context) -> Iterable[Finding]:
    source = prose(segment.source, segment)
    if len(_words(source)) < context.thresholds.min_words or not segment.target.strip():
        return
    ratio = _size(prose(segment.target, segment)) / max(1, _size(source))
    low, high = context.thresholds.length_ratio
    if not low <= ratio <= high:
        yield f"the translation is {ratio:.2f}x the source's length (expected {low}-{high})", f"{ratio:.2f}"


_UNSPACED_TARGETS = {"zh", "ja", "ko"}


@check("truncated", "warning", "a source that ends a sentence is not cut off in the translation")
def truncated(segment: Segment, context: Context) -> Iterable[Finding]:
    source, target = prose(segment.source, segment), prose(segment.target, segment)
    if context.tgt in _UNSPACED_TARGETS and re.search(r"list_item|heading|table", segment.block):
        return  # Chinese, Japanese and Korean list items, headings and cells often end without a full stop
    if len(_words(source)) >= context.thresholds.min_words and _TERMINAL.search(source) and target and not _TERMINAL.search(target):
        yield "the source ends a sentence but the translation stops without final punctuation", target[-40:]


_WORD_LOOP = re.compile(r"(?<!\w)((?:[^\W_]+\W+){1,6}?)\1{2,}", re.I)
_CHAR_LOOP = re.compile(r"([\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]{1,8}?)\1{2,}")


def _loops(text: str) -> set[str]:
    found = {m[1].strip().lower() for m in _WORD_LOOP.finditer(text + " ")}
    found |= {m[1] for m in _CHAR_LOOP.finditer(text)}
    return {f for f in found if f}


@check("repetition", "error", "no word or phrase repeated in a loop (a typical hallucination)")
def repetition(segment: Segment, context: Context) -> Iterable[Finding]:
    for loop in sorted(_loops(prose(segment.target, segment)) - _loops(prose(segment.source, segment))):
        yield f"{loop!r} repeats three or more times in a row", loop


@check("sentences", "warning", "the translation has as many sentences as the source (one more is fine)")
def sentences(segment: Segment, context: Context) -> Iterable[Finding]:
    source, target = prose(segment.source, segment), prose(segment.target, segment)
    if not target:
        return
    have, want = len(split_sentences(target, context.tgt)), len(split_sentences(source, context.src))
    if have < want or have > want + 1:
        yield f"the translation has {have} sentence(s), the source {want}", f"{have}/{want}"


@check("language", "error", "the translation is in the target language")
def language(segment: Segment, context: Context) -> Iterable[Finding]:
    words = telling_words(segment)
    found = judge_language(words, context.tgt)
    # on a few words langdetect names odd languages ("plateforme de blogging gratuite": da); trust
    # it there only for the source language (left untranslated) or a script it cannot confuse
    enough = count_letters(words) >= LONG_ENOUGH or len(_words(words)) >= 6
    if found not in (None, context.tgt) and (found == context.src or enough or script_language(words)):
        yield f"the translation looks like {found}, not {context.tgt}", prose(segment.target, segment, terms=True)[:80]


def telling_words(segment: Segment) -> str:
    """The words of the target that tell its language.

    Left out: markup and glossary terms, italics and link texts (where translators keep terms in
    the original), URLs, quotations (titles quoted in the original) and capitalised words (names,
    acronyms).
    """
    text = prose(_FOREIGN.sub(" ", segment.target), segment, terms=True)
    return " ".join(w for w in _words(_URL.sub(" ", _QUOTED.sub(" ", text))) if not w[:1].isupper())


@check("backtranslation", "warning", "the back-translation is close enough to the source (chrF)")
def backtranslation(segment: Segment, context: Context) -> Iterable[Finding]:
    chrf = segment.scores.get("chrf")
    if chrf is not None and chrf < context.thresholds.min_chrf:
        yield f"back-translation chrF {chrf:.1f} is below {context.thresholds.min_chrf:g}", segment.back or ""


# -- language ------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def judge_language(text: str, tgt: str) -> str | None:
    """``tgt`` when ``text`` reads as it, the language it clearly is otherwise, None when too short to tell.

    Short texts are judged by script only (a zh target with no Han characters is not zh);
    longer ones by langdetect, which must name a clear winner; close relatives of ``tgt``
    (pt/es/gl...) count as ``tgt`` since langdetect confuses them on a sentence.
    """
    letters = count_letters(text)
    if letters < 2:
        return None
    script = script_language(text)
    if tgt in NON_LATIN:
        if script == NON_LATIN[tgt] or (tgt == "zh" and script == "ja" and not re.search(r"[\u3040-\u30ff]{2}", text)):
            return tgt
        if tgt == "ja" and script == "zh":
            return tgt  # Japanese written in kanji alone ("基本機能", "2008年8月6日") reads as Chinese
        if script is None and letters < MIN_LETTERS:
            return None  # a name or two left in Latin letters is normal in a zh/ru translation
        return script or _latin_language(text)
    if script is not None:
        return script
    if letters < MIN_LETTERS:
        return None
    if clearly_in(text, {tgt, *CONFUSABLE.get(tgt, ())}):
        return tgt
    candidates = dict(language_candidates(text))
    best = max(candidates, key=candidates.get, default=None)
    if best is None or candidates.get(tgt, 0) >= 0.2 or best in CONFUSABLE.get(tgt, ()) or candidates[best] < 0.8:
        return tgt
    if letters < LONG_ENOUGH and candidates[best] < 0.99:
        return tgt  # on a short sentence langdetect often names a neighbour: trust only certainty
    return best


def _latin_language(text: str) -> str:
    candidates = language_candidates(text)
    return candidates[0][0] if candidates else "Latin-script text"

