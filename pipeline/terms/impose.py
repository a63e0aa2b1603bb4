"""Glossary terms in a translation: which pinned terms it lacks, the constrained forms of a segment
for another pass, and the agreement of the words just before a term the engine did not choose.

Translation is free first: terms are left in the text and the engine translates them in context.
``missing`` says which pinned terms the output lacks (any listed or inflected form counts);
``constrained`` gives the segment again with just those terms imposed, written inline in the
source text or as opaque placeholders; ``agree`` fixes the determiner before an imposed term
("o redes neurais" -> "as redes neurais", "an paper" -> "a paper").
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from pipeline.document.record import Segment, Span
from pipeline.lang import lexicon
from pipeline.terms.protect import mask, translatable


def terms(segment: Segment) -> list[Span]:
    """The segment's glossary terms that the engine translates (names are kept as they are)."""
    return [span for span in segment.spans if translatable(span)]


def missing(segment: Segment, target: str | None = None) -> list[Span]:
    """The pinned terms ``target`` (default: the segment's) has fewer times than the source has them."""
    text = segment.target if target is None else target
    if text is None:
        return []
    by_form: dict[str, list[Span]] = {}
    for span in terms(segment):
        by_form.setdefault(span.target, []).append(span)
    lacking = []
    for pinned, spans in by_form.items():
        forms = dict.fromkeys([pinned, *(f for s in spans for f in s.forms)])
        if sum(count(form, text) for form in forms) < len(spans):
            lacking += spans
    return lacking


def count(form: str, text: str) -> int:
    """Whole-word occurrences of ``form`` in ``text``, whitespace runs as one space; case is ignored
    for a lower-case form (it may open a sentence), kept for one with capitals."""
    return len(_occurrences(form).findall(text))


@lru_cache(maxsize=4096)
def _occurrences(form: str) -> re.Pattern:
    """Whole-word ``form``; in any case when only its first letter may be a capital ("Privacidade" opening a sentence)."""
    flags = re.I if form[1:] == form[1:].lower() else 0
    pattern = r"\s+".join(map(re.escape, form.split()))
    return re.compile(rf"(?<![\w-]){pattern}(?![\w-])", flags)


def constrained(segment: Segment, spans: list[Span], style: str) -> Segment:
    """A copy of ``segment`` to translate again with ``spans`` imposed: "inline" writes their pinned
    form in the source text, "placeholder" makes each an opaque placeholder for it."""
    copy = replace(segment, spans=list(segment.spans), target=None, origin=None, flags=[])
    mask(copy, frozenset((s.start, s.end) for s in spans), inline=style == "inline")
    return copy


# -- agreement before an imposed term -------------------------------------------------------------

# Portuguese determiners and contractions by (masculine, feminine) x (singular, plural).
_PT_SERIES = [
    ("o", "a", "os", "as"), ("um", "uma", "uns", "umas"), ("do", "da", "dos", "das"), ("no", "na", "nos", "nas"),
    ("ao", "à", "aos", "às"), ("pelo", "pela", "pelos", "pelas"), ("num", "numa", "nuns", "numas"),
    ("dum", "duma", "duns", "dumas"), ("este", "esta", "estes", "estas"), ("esse", "essa", "esses", "essas"),
    ("aquele", "aquela", "aqueles", "aquelas"), ("deste", "desta", "destes", "destas"), ("desse", "dessa", "desses", "dessas"),
    ("neste", "nesta", "nestes", "nestas"), ("nesse", "nessa", "nesses", "nessas"), ("seu", "sua", "seus", "suas"),
    ("nosso", "nossa", "nossos", "nossas"), ("outro", "outra", "outros", "outras"), ("algum", "alguma", "alguns", "algumas"),
    ("nenhum", "nenhuma", "nenhuns", "nenhumas"), ("todo", "toda", "todos", "todas"),
]
_PT_FORMS = {form: (series, slot) for series in _PT_SERIES for slot, form in enumerate(series)}
_SLOT = {"ms": 0, "fs": 1, "mp": 2, "fp": 3}


def grammar(span: Span, lang: str) -> str:
    """Gender and number of a term's pinned form ("fs", "mp"), from the glossary or its head word; "" if unknown."""
    if lang != "pt":
        return ""
    head = span.target.split()[0]
    gender = span.grammar[:1] if span.grammar[:1] in ("m", "f") else lexicon.pt_gender(head)
    number = "p" if "p" in span.grammar else lexicon.pt_number(head)
    return f"{gender}{number}" if gender else ""


def agree(text: str, spans: list[Span], lang: str) -> str:
    """``text`` with the determiner right before each of ``spans``' pinned forms made to agree with it."""
    for span in spans:
        for form, wanted in _forms_with_grammar(span, lang):
            text = _before(text, form, lambda word, w=wanted: _agreeing(word, w, lang))
    return text


def disagreements(text: str, spans: list[Span], lang: str) -> list[str]:
    """Each determiner in ``text`` right before a term's pinned form that does not agree with it ("o redes neurais")."""
    found = []

    def note(word: str, wanted: str, form: str) -> None:
        if _agreeing(word, wanted, lang) not in (None, word):
            found.append(f"{word} {form}")

    for span in spans:
        for form, wanted in _forms_with_grammar(span, lang):
            _before(text, form, lambda word, w=wanted, f=form: note(word, w, f))
    return found


def _forms_with_grammar(span: Span, lang: str) -> list[tuple[str, str]]:
    """The term's pinned form and its other forms, each with what a determiner before it must agree with."""
    forms = [span.target, *span.forms]
    if lang == "pt":
        base = grammar(span, lang)
        return [(form, base[:1] + lexicon.pt_number(form.split()[0])) for form in forms] if base else []
    return [(form, form) for form in forms] if lang == "en" else []  # "a" or "an": what the form starts with


def _agreeing(word: str, wanted: str, lang: str) -> str | None:
    return _pt_agreeing(word, wanted) if lang == "pt" else _en_article(word, wanted)


def _before(text: str, form: str, fix) -> str:
    occurrence = _occurrences(form)

    def repl(match: re.Match) -> str:
        word = match[1]
        fixed = fix(word.casefold())
        if fixed is None or fixed == word.casefold():
            return match[0]
        fixed = fixed[:1].upper() + fixed[1:] if word[:1].isupper() else fixed
        return fixed + match[0][len(word) :]

    return re.sub(rf"(?<![\w-])([^\W\d_]+)(\s+[\[*_]*)(?=(?:{occurrence.pattern}))", repl, text, flags=occurrence.flags)  # "O [edição](...)" too


def _pt_agreeing(word: str, wanted: str) -> str | None:
    if word not in _PT_FORMS:
        return None
    series, slot = _PT_FORMS[word]
    if word == "a" and wanted[0] == "m":
        return None  # "a" may be the preposition ("aplicado a"): "o" or "ao" cannot be told apart
    return series[_SLOT[wanted]]


def _en_article(word: str, following: str) -> str | None:
    if word not in ("a", "an"):
        return None
    return "an" if re.match(r"[aeiou]", following, re.I) and not re.match(r"(?i)u[nk]?[iy]|eu|one|use", following) else "a"
