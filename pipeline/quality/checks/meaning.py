"""Checks that read meaning: what the translation says against what the source says.

Registered in the same family as the form checks (``checks.check``), each a small function with
a default severity and messages a reviewer understands. They compare the source with the
translation and, where the back-check made one, with the back-translation: content words of the
source with no counterpart in it (omission) and the reverse (addition), negation, numbers
written as digits or words, names, words doubled, source words left in the translation, words
the target language does not have, determiner/noun agreement and English word order in
Portuguese, and word senses known to go wrong in this domain.
"""
from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import regex
from rapidfuzz.distance import Levenshtein

from pipeline.document.record import Segment, SpanKind
from pipeline.lang import lexicon, morphology
from pipeline.quality.checks.form import prose
from pipeline.quality.checks.registry import Context, Finding, check

_URL = re.compile(r"(?:https?://|www\.)\S+")
_TOKEN = re.compile(r"[^\W_]+(?:['’.+-][^\W_]+)*")
_DIGITS = re.compile(r"\d+(?:[.,\u202f\u00a0 ]\d{3})*(?:[.,]\d+)?")
_NAME_SHAPE = re.compile(r"(?=\S*[A-Z]\S*[A-Z0-9])|(?=\S*\d)(?=\S*[A-Za-z])")  # NLP, PyTorch, GPT-2, T5
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»|\*[^*]+\*|_[^_]+_")
_PRIVATIVE = re.compile(r"(?:ad[oa]s?|id[oa]s?|ível|ável|íveis|áveis|^(?:vist|feit|abert|escrit|post|dit)[oa]s?)$")  # "não supervisionado": un-, non-, not a negated verb
_VERB_LIKE = re.compile(r"(?:ar|er|ir|ou|am|em|mos|ando|endo|indo|ado|ido|ada|ida)$")
# Translated acronyms: either form is the same name.
_ACRONYMS = {("en", "pt"): {"AI": "IA", "NLP": "PLN", "ML": "AM"}, ("en", "fr"): {"AI": "IA", "NLP": "TAL"}, ("en", "es"): {"AI": "IA", "NLP": "PLN"}}


def _text(segment: Segment, which: str, terms: bool = True) -> str:
    """Source or target prose: markup and URLs blanked, and glossary terms too unless ``terms`` is False
    (terms are the glossary check's, except where the checks compare words with the back-translation)."""
    return _URL.sub(" ", prose(getattr(segment, which) or "", segment, terms=terms))


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _content(tokens: Iterable[str], lang: str) -> list[str]:
    """The content words, hyphenated ones split into their parts (document-level: document, level)."""
    common = lexicon.common_words(lang)
    parts = [part for t in tokens for part in t.split("-")]
    return [t for t in parts if len(t) > 2 and t.casefold() not in common and not t.isdigit()]


# -- omission and addition, against the back-translation --------------------------------------


def _missing_runs(words: list[str], lang: str, present: set[str]) -> list[list[str]]:
    """Runs of consecutive content words of ``words`` whose stems are not in ``present``."""
    runs, run = [], []
    prefixes = {form[:5] for form in present if len(form) >= 5}
    for word in _content(words, lang):
        if lexicon.stem(word, lang) in present or word.casefold() in present or (len(word) >= 5 and word.casefold()[:5] in prefixes):
            if run:
                runs.append(run)
            run = []
        else:
            run.append(word)
    return runs + [run] if run else runs


def _stems(tokens: Iterable[str], lang: str) -> set[str]:
    """Stems and case-folded forms of ``tokens``, hyphenated words also as parts and joined (pre-trained: pretrained)."""
    forms = {form for t in tokens for form in (t, *t.split("-"), t.replace("-", ""))}
    return {lexicon.stem(f, lang) for f in forms} | {f.casefold() for f in forms}


_EMPTY_PAIR = re.compile(r"\[\s*\]|\*\*\s*\*\*|(?<!\*)\*\s+\*(?!\*)")


def _inside_pairs(segment: Segment) -> str:
    """The source's text inside links and emphasis."""
    opens = {s.pair: s.end for s in segment.spans if s.kind == SpanKind.OPEN}
    return " ".join(segment.source[opens[s.pair] : s.start] for s in segment.spans if s.kind == SpanKind.CLOSE and s.pair in opens)


def _rendered_terms(segment: Segment) -> str:
    """The source's glossary terms whose pinned translation the target has ("issue" where it says "edição"):
    translated, whatever the back-translation says."""
    target = (segment.target or "").casefold()
    return " ".join(s.text for s in segment.spans if s.kind == SpanKind.TERM and any(form and form.casefold() in target for form in (s.target, *s.forms)))


@check("omission", "error", "every content word of the source has a counterpart in the back-translation")
def omission(segment: Segment, context: Context) -> Iterable[Finding]:
    if segment.back is None:
        return
    source, back, target = _tokens(_text(segment, "source", terms=False)), _tokens(_URL.sub(" ", segment.back)), _tokens(_text(segment, "target", terms=False))
    present = _stems(back, context.src) | _stems(target, context.src) | _stems(_tokens(_rendered_terms(segment)), context.src)
    if _EMPTY_PAIR.search(segment.back):  # the reverse engine emptied a link or emphasis: its words are not judged
        present |= _stems(_tokens(_inside_pairs(segment)), context.src)
    runs = _missing_runs(source, context.src, present)
    lost = [w for run in runs for w in run]
    if any(len(run) >= 2 for run in runs) or len(lost) >= 3:  # measured on bench/qe: one word alone is a paraphrase as often as not
        words = ", ".join(f"'{' '.join(run)}'" for run in runs)
        yield f"{words} of the source has no counterpart in the translation (back-translation: “{segment.back.strip()[:100]}”)", " ".join(lost)


@check("addition", "warning", "the back-translation says nothing the source does not")
def addition(segment: Segment, context: Context) -> Iterable[Finding]:
    if segment.back is None:
        return
    source, back = _tokens(_text(segment, "source", terms=False)), _tokens(_URL.sub(" ", prose(segment.back, segment)))
    runs = _missing_runs(back, context.src, _stems(source, context.src))
    added = [w for run in runs for w in run]
    if any(len(run) >= 3 for run in runs) and len(added) >= max(3, 0.3 * len(_content(back, context.src))):
        words = ", ".join(f"'{' '.join(run)}'" for run in runs if len(run) >= 2)
        yield f"the translation adds {words or repr(' '.join(added))}, which the source does not say (back-translation: “{segment.back.strip()[:100]}”)", " ".join(added)


# -- negation ---------------------------------------------------------------------------------


def negations(text: str, lang: str) -> list[str]:
    """The negation cues of ``text`` ("not", "n't", "não"...)."""
    cues = lexicon.NEGATION.get(lang, set())
    tokens = _tokens(text)
    found = [t.casefold() for t, after in zip(tokens, tokens[1:] + [""]) if t.casefold() in cues and not _PRIVATIVE.search(after)]
    if lang == "en":
        found += ["n't" for _ in re.finditer(r"\w(?:n't|n’t)\b", text)]
        for _ in re.finditer(r"\bnot (?:only|just|merely)\b", text, re.I):
            found.remove("not")
    return found


@check("negation", "error", "the translation negates what the source negates, and nothing else")
def negation(segment: Segment, context: Context) -> Iterable[Finding]:
    if context.tgt not in lexicon.NEGATION or context.src not in lexicon.NEGATION or segment.back is None:
        return  # without a back-translation "unsupervised" -> "não supervisionado" cannot be told from an added "not"
    source, target, back = (negations(t, lang) for t, lang in ((_text(segment, "source"), context.src), (_text(segment, "target"), context.tgt), (segment.back, context.src)))
    if len(target) == len(source) or len(back) == len(source) or (len(target) > len(source)) != (len(back) > len(source)):
        return
    if len(target) < len(source):
        yield f"{', '.join(repr(c) for c in source)} in the source: the translation has {'no' if not target else 'fewer'} negation", " ".join(source)
    else:
        yield f"the translation negates ({', '.join(repr(c) for c in target)}) where the source does not", " ".join(target)


# -- numbers ----------------------------------------------------------------------------------


def number_values(text: str, lang: str) -> Counter[str]:
    """Numbers of ``text``, written as digits or as words, by value (1,000 = 1.000 = one thousand)."""
    found: Counter[str] = Counter()
    for match in _DIGITS.finditer(text):
        digits = re.sub(r"[.,\u202f\u00a0 ](?=\d{3}\b)", "", match[0]).replace(",", ".")
        found[re.sub(r"\.0+$", "", digits)] += 1  # TensorFlow 2 = 2.0
    words = lexicon.NUMBER_WORDS.get(lang, {})
    for token in _tokens(text):
        if (value := words.get(token.casefold())) is not None:
            found[str(value)] += 1
    return found


_REFERENCE = re.compile(r"\[\d+\]|^\s*\d+(?:\.\d+)+\s", re.M)  # "[12]" reference markers, "2.1" section numbers


def _number_difference(segment: Segment, context: Context) -> tuple[Counter, Counter]:
    source = number_values(_REFERENCE.sub(" ", _text(segment, "source")), context.src)
    target = number_values(_REFERENCE.sub(" ", _text(segment, "target")), context.tgt)
    return source - target, target - source


@check("wrong-number", "error", "no number of the source is changed into another one")
def wrong_number(segment: Segment, context: Context) -> Iterable[Finding]:
    if context.src not in lexicon.NUMBER_WORDS or context.tgt not in lexicon.NUMBER_WORDS:
        return  # numbers written in words cannot be read in this language: the numbers check reports what is missing
    missing, extra = _number_difference(segment, context)
    if missing and extra:
        yield f"the source says {', '.join(sorted(missing))} where the translation says {', '.join(sorted(extra))}", " ".join(sorted(extra))


@check("numbers", "warning", "every number of the source, in digits or words, is in the translation (1,000 = 1.000 = one thousand)")
def numbers(segment: Segment, context: Context) -> Iterable[Finding]:
    missing, extra = _number_difference(segment, context)
    if not extra:
        for number in sorted(missing):
            yield f"the number {number} of the source is not in the translation", number


# -- names ------------------------------------------------------------------------------------


def names(text: str, lang: str) -> list[str]:
    """Proper names and acronyms of a sentence: NLP, PyTorch, GPT-2, and capitalised words that are no common word.

    In a title-case line (most words capitalised) only acronyms and mixed shapes count.
    """
    tokens = [_POSSESSIVE.sub("", t) for t in _tokens(_QUOTED.sub(" ", text))]
    tokens = [t for t in tokens if not _DECADE.match(t) and "’" not in t and "'" not in t]
    capitalised = [t for t in tokens if t[:1].isupper()]
    title_case = len(capitalised) > 0.6 * len(tokens)
    found = []
    for token in tokens:
        if _NAME_SHAPE.match(token) and any(c.isalpha() for c in token):
            found.append(token)
        elif token[:1].isupper() and not title_case and len(token) > 2 and lexicon.zipf(token, lang) < lexicon.NAME_ZIPF:
            found.append(token)
    return found


@check("names", "error", "every name and acronym of the source is in the translation (not dropped, not swapped for another)")
def names_check(segment: Segment, context: Context) -> Iterable[Finding]:
    return [(message, evidence) for misspelt, message, evidence in _names(segment, context) if not misspelt]


@check("misspelt-name", "error", "names are spelt as in the source ('Timnit', not 'Timit')")
def misspelt_name(segment: Segment, context: Context) -> Iterable[Finding]:
    return [(message, evidence) for misspelt, message, evidence in _names(segment, context) if misspelt]


def _names(segment: Segment, context: Context) -> tuple[tuple[bool, str, str], ...]:
    """Each name of the source missing from the translation: (written with a letter or two wrong, message, evidence)."""
    translated_terms = " ".join(s.text for s in segment.spans if s.kind == SpanKind.TERM and s.target not in (None, s.text))
    kept = tuple(s.text for s in segment.spans if s.kind == SpanKind.TERM and s.target in (None, s.text))  # the glossary's names (keep.txt)
    return _missing_names(_text(segment, "source", terms=False), _text(segment, "target", terms=False), translated_terms, kept, context.src, context.tgt)


@lru_cache(maxsize=4096)
def _missing_names(source: str, target: str, translated_terms: str, kept: tuple[str, ...], src: str, tgt: str) -> tuple[tuple[bool, str, str], ...]:
    """What ``_names`` finds; cached, since the names and misspelt-name checks both ask."""
    return tuple(_find_missing_names(source, target, translated_terms, kept, src, tgt))


def _find_missing_names(source: str, target: str, translated_terms: str, kept: tuple[str, ...], src: str, tgt: str) -> Iterable[tuple[bool, str, str]]:
    translated = _ACRONYMS.get((src, tgt)) or {v: k for k, v in _ACRONYMS.get((tgt, src), {}).items()}
    latin = not re.search(r"[^\x00-\u024f\u1e00-\u1eff\s\W]", target)
    found = list(kept)
    if sum(1 for t in _tokens(target) if t[:1].islower()) >= 2:  # else a title or a list of names: only the glossary's names count
        found += [n for n in names(source, src) if n not in translated_terms and n not in _LANGUAGE_TAGS]
    wanted = Counter(n for n in found if latin or _NAME_SHAPE.match(n))
    have = {_folded(part) for t in _LATIN_TOKEN.findall(target) for part in (t, *t.split("-"))}  # Meetup-Machine: Meetup
    missing = [n for n in wanted if not ({_folded(n), _folded(n) + "s", _folded(n).removesuffix("s")} & have) and _folded(translated.get(n, "")) not in have and not _in(n, target)]
    new = [t for t in dict.fromkeys(_LATIN_TOKEN.findall(target)) if t not in source and t not in translated.values() and t not in _LANGUAGE_TAGS]
    misspelt = dict(_misspelt_common_names(source, [t for t in new if t[:1].isupper()], set(wanted) | have, src, tgt)) if latin else {}
    for name, word in misspelt.items():
        yield True, f"'{name}' is written '{word}' in the translation", word
    missing = [n for n in missing if not set(misspelt) & set(_tokens(n))]  # "Emmanuel Ameisen": its misspelt part is reported
    if not missing:
        return
    tokens = _tokens(target)
    extra = [t for t in new if t not in misspelt.values() and (t in names(target, tgt) or (t == tokens[0] and t[:1].isupper() and not lexicon.known(t, tgt)))]
    for name in missing:
        near = min((t for t in new if not t[:1].islower()), key=lambda e: Levenshtein.distance(name.casefold(), e.casefold()), default=None)
        if near is not None and _translated_form(name, near, src, tgt):
            continue  # "Metrics": "Metrici", a word of the target language, not a misspelt name
        if near is not None and len(name) >= 4 and Levenshtein.distance(name.casefold(), near.casefold()) <= max(1, len(name) // 5):
            yield True, f"'{name}' is written '{near}' in the translation", near
        elif len(extra) == 1 and len(missing) == 1:
            yield False, f"'{name}' of the source is '{extra[0]}' in the translation", extra[0]
        else:
            yield False, f"'{name}' of the source is missing from the translation", name


def _misspelt_common_names(source: str, new: list[str], seen: set[str], src: str, tgt: str) -> Iterable[tuple[str, str]]:
    """Names that are also common words ("Benjamin", "Emmanuel"), written with a letter or two wrong.

    Such a name is not looked for when missing (a sentence may well translate a capitalised word),
    but a word of the translation that is a word of neither language and one or two letters away
    from it is that name misspelt: "Benjammin", "Emmanual". Yields (name, as written).
    """
    for name in dict.fromkeys(t for t in _tokens(source) if t[:1].isupper() and len(t) >= 5):
        if name in seen or _folded(name) in seen:
            continue
        for word in new:
            if 0 < Levenshtein.distance(name.casefold(), word.casefold()) <= max(1, len(name) // 5) and not lexicon.known(word, tgt) and not lexicon.known(word, src) and not _translated_form(name, word, src, tgt):
                yield name, word
                break


def _translated_form(name: str, word: str, src: str = "en", tgt: str = "") -> bool:
    """The name as the target language writes or inflects it: other accents, another ending ("Telugu":
    "Telugo", "Metrics": "Metrici", "JavaScript": "JavaScriptu", "Generative": "Generativos"), word by
    word ("Astro Project": "Astro-Projekt"). Never an identifier in capitals ("REPLACEMENT")."""
    if name.isupper():
        return False
    names, words = re.split(r"[\s-]+", name), re.split(r"[\s-]+", word)
    return len(names) == len(words) and all(_inflected(n, w, src, tgt) for n, w in zip(names, words))


_ENDING = re.compile(r"a|e|i|u|y|s|es|em|om|ie|ów|owi|ami|ach|ов|а|у|ом|е")  # case and plural endings of names (pl, ru, cs...)
_VOWELS = re.compile(r"[aeiouáéíóúâêôãõàèìòù]{1,2}s?")


def _inflected(name: str, word: str, src: str, tgt: str) -> bool:
    # "Integrations", "Interoperability": a word, translated from its root into a word of the target ("Benjammin" is none)
    common = lexicon.zipf(name, src) >= 2 and (lexicon.known(word, tgt) or not lexicon.has_words(tgt))
    name, word = _unaccented(name.casefold()), _unaccented(word.casefold())
    same = len(os.path.commonprefix([name, word]))
    if word.startswith(name) and _ENDING.fullmatch(word[len(name) :]):
        return True  # a case or plural ending added: "JavaScriptu", "Dockera" ("Amant" for "Aman" is a misspelling)
    if same >= len(name) - 1 and _VOWELS.fullmatch(word[same:]):
        return True  # the last letter a vowel of the target language: "Telugo", "Metrici", "Propagatori" (not "Sashs")
    return common and same >= 5 and len(word) - same <= 6


def _unaccented(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


_LATIN_TOKEN = re.compile(r"[A-Za-z0-9À-ɏ]+(?:[.'’+-][A-Za-z0-9À-ɏ]+)*")  # names inside Chinese text too: "发布了mBART"


def _folded(name: str) -> str:
    """A name as compared: case and punctuation aside (TensorFlow = Tensorflow, GPT-2 = GPT2, fast.ai = fastai)."""
    return re.sub(r"[\W_]", "", name).casefold()


_POSSESSIVE = re.compile(r"['’]s$")
_DECADE = re.compile(r"^\d+(?:s|st|nd|rd|th|k|M|B)$")  # 2010s, 1st, 10k: numbers, not names
_LANGUAGE_TAGS = {"EN", "PT", "PT-BR", "FR", "ES", "ZH", "AR", "RU", "DE"}


def _noun_like(word: str) -> bool:
    """A Portuguese word that can be a noun: a noun ending or domain noun, or no verb ending ("usamos", "aplica")."""
    return lexicon.pt_noun(word) or not (_VERB_LIKE.search(word.casefold()) or word.casefold().endswith(("a", "e")))


def _in(name: str, text: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9-]){re.escape(name)}(?![A-Za-z0-9-])", text) is not None


# -- repetition, source words, spelling -------------------------------------------------------

# Words a language writes twice in a row by its grammar: "si vous vous intéressez" (a reflexive verb);
# German and Dutch relative pronouns before an article or pronoun ("die Regel, die die Daten prüft",
# "wenn Sie sie brauchen", "het feit dat dat werkt"); English "had had", "that that". The gate called
# each German "die die" an error on a docs site's human translations (61 of 61 wrong: issue 28).
_DOUBLED_OK = {  # words these languages repeat by grammar: relative pronouns, correlatives, reduplication
    "fr": {"vous", "nous", "soit"},
    "it": {"sia"},
    "de": {"die", "der", "das", "dem", "den", "des", "sie", "er", "es"},
    "nl": {"dat", "die"},
    "en": {"had", "that"},
    "bn": {"কখনও", "মাঝে", "ধীরে", "আলাদা"},
    "hi": {"कभी", "धीरे", "अलग", "साथ", "बार", "कुछ"},
}
# A word with its combining marks (Devanagari, Bengali... vowel signs), two words or more repeated in a row
_DOUBLED = regex.compile(r"(?<![\p{L}\p{M}\p{N}_-])((?:\p{L}\p{M}*+)++(?:[\s,]+(?:\p{L}\p{M}*+)++){0,3}?)\s+\1(?![\p{L}\p{M}\p{N}_-])")
_SEPARATOR = " \u2063 "  # stands for markup between two words: "de `x` de" is not a doubled "de"


@check("doubled", "error", "no word or phrase doubled in the translation that is single in the source")
def doubled(segment: Segment, context: Context) -> Iterable[Finding]:
    source = _text(segment, "source", terms=False).casefold()
    target = segment.target or ""
    for span in sorted((s for s in segment.spans if s.kind != SpanKind.TERM and s.text.strip()), key=lambda s: len(s.text), reverse=True):
        # code, images, HTML are not read as words; link and emphasis delimiters are read through ("le [le fichier")
        target = target.replace(span.text, _SEPARATOR if span.kind == SpanKind.ATOMIC else " ")
    target = " ".join(_URL.sub(_SEPARATOR, target).split())
    for match in _DOUBLED.finditer(target):
        phrase = match[1]
        if phrase.split()[0].casefold() in _DOUBLED_OK.get(context.tgt, ()):
            continue  # "der der", "sia ... sia": grammar ("Y y Z", "de A a B" differ in case: not matched)
        if f"{phrase} {phrase}".casefold() not in source:
            yield f"'{phrase}' is written twice in a row: '{match[0]}'", match[0]


@check("source-words", "error", "no word of the source left untranslated inside a translated sentence")
def source_words(segment: Segment, context: Context) -> Iterable[Finding]:
    if not (lexicon.has_words(context.src) and lexicon.has_words(context.tgt)):
        return
    target = _QUOTED.sub(" ", _text(segment, "target"))
    tokens = _tokens(target)
    if not any(lexicon.foreign(t, context.tgt, context.src) for t in tokens):
        return  # names, or a title kept in the original: the language check judges that
    source_tokens = _tokens(_text(segment, "source"))
    source = {t.casefold() for t in source_tokens}
    capitalised = [t for t in source_tokens if t[:1].isupper()]
    named = set() if len(capitalised) > 0.6 * len(source_tokens) else set(capitalised) - set(source_tokens[:1])  # names, unless a title
    left = [
        t for t in tokens
        if t.casefold() in source and len(t) > 2 and t not in named and not _NAME_SHAPE.match(t) and t.casefold() not in lexicon.LOANWORDS.get(context.tgt, ())
        and lexicon.foreign(t, context.src, context.tgt)
    ]
    if len(left) > len(tokens) / 2:
        return  # mostly the source's words: the untranslated and language checks'
    copied = _copied_runs(tokens, source)
    for word in dict.fromkeys(left):
        if word not in copied:
            yield f"'{word}' is left in {context.src} inside the translated sentence", word


def _copied_runs(tokens: list[str], source: set[str]) -> set[str]:
    """Tokens in runs of three or more source words copied together: a title or name kept in the original."""
    kept, run = set(), []
    for token in tokens + [""]:
        if token and token.casefold() in source:
            run.append(token)
            continue
        if len(run) >= 3:
            kept.update(run)
        run = []
    return kept


_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+")  # URLs and e-mail addresses, which may be cut in the prose


@check("spelling", "error", "every word of the translation is a word of the target language")
def spelling(segment: Segment, context: Context) -> Iterable[Finding]:
    if not lexicon.has_words(context.tgt):
        return
    source = _tokens(_text(segment, "source"))
    folded = {t.casefold() for t in source}
    addresses = " ".join(_ADDRESS.findall(segment.target or ""))
    terms = {t.casefold() for s in segment.spans if s.kind == SpanKind.TERM for form in (s.text, s.target or "") for t in _tokens(form)}
    for token in dict.fromkeys(_tokens(_QUOTED.sub(" ", _text(segment, "target", terms=False)))):  # "BERTologie", not "ologie"
        word = token.casefold()
        if not token[:1].islower() or token != word or len(token) < 4 or word in folded or "." in token or token in addresses or word in terms:
            continue  # names, code (camelCase), addresses, glossary terms and the source's own words
        if lexicon.known(word, context.tgt) or lexicon.known(word, context.src):
            continue
        fix = lexicon.suggestion(word, context.tgt)
        if fix is None or _cognate(word, source) or lexicon.spelled(token, context.tgt):
            continue  # the dictionary last: loading it takes a moment
        yield f"'{token}' is not a {context.tgt} word (did you mean '{fix}'?)", token


def _cognate(word: str, source: list[str]) -> bool:
    """A new word formed on a source word (tokenização from tokenization): not a misspelling."""
    return any(Levenshtein.normalized_similarity(word[:-2], s.casefold()[:-2]) >= 0.75 for s in source if len(s) > 5)


# -- Portuguese grammar -----------------------------------------------------------------------

_PT_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_PARTICIPLE = re.compile(r"(?:ad|id)[oa]s?$")
_BEFORE_NOUN = {"chamado", "chamada", "chamados", "chamadas", "determinado", "determinada", "referido", "referida", "suposto", "dado", "dada", "mencionado", "citado", "denominado", "considerado"}
_STRONG_NOUN = re.compile(r"(?:ção|ções|dade|dades|mento|mentos|dor|dores|tor|tores)$")


_FIELDS = r"ML|NLP|AI|IA|NLU|PLN|ML/NLP|NLP/ML|Deep Learning|Machine Learning|aprendizado de máquina|Data Science|ciência de dados|visão computacional|tradução automática|aprendizado por reforço"
_NOUN_THEN_FIELD = re.compile(rf"(?<![\w-])([A-Za-zà-ÿ][\w-]+) ({_FIELDS})(?![\w/-])")
_FIELD_THEN_NOUN = re.compile(rf"(?<![\w-])({_FIELDS}) ([A-Za-zà-ÿ][\w-]+)")
_ADJECTIVE_THEN_NAME = re.compile(r"(?<![\w-])([OoAa]s?) ([A-ZÀ-Ý][a-zà-ÿ]+) ((?=\S*[A-Z]\S*[A-Z0-9])[A-Z][\w.-]*\w)")  # "O Anotado GPT-2": a participle first
_NATIONALITY = re.compile(r"(?<![\w-])(Italiano|Grego|Alemão|Francês|Chinês|Japonês|Inglês|Espanhol|Português|Russo|Árabe|Coreano|Holandês|Brasileiro|Europeu|Americano) ((?=\S*[A-Z]\S*[A-Z0-9])[A-Z][\w-]*)")  # Italiano BERT


@check("word-order", "error", "no English word order in a Portuguese sentence ('cursos NLP', 'Python Cursos')")
def word_order(segment: Segment, context: Context) -> Iterable[Finding]:
    if context.src != "en" or context.tgt != "pt":
        return
    seen = set()
    for message, phrase in _english_order(segment, context):
        if phrase not in seen:
            seen.add(phrase)
            yield message, phrase


def _english_order(segment: Segment, context: Context) -> Iterable[Finding]:
    target = _QUOTED.sub(" ", prose(segment.target or "", segment))
    common = lexicon.common_words("pt")
    source_names = set(names(prose(segment.source, segment), context.src)) | {s.text for s in segment.spans if s.kind == SpanKind.TERM and s.target in (None, s.text)}
    for match in _NOUN_THEN_FIELD.finditer(target):
        noun = match[1]
        if re.match(r" [A-Z]", target[match.end() :]):
            continue  # "a organização Machine Learning Tokyo": a name
        if noun.casefold() not in common and noun not in source_names and _noun_like(noun) and lexicon.foreign(noun, "pt", "en"):
            yield f"'{match[0]}' is in English word order: '{noun} de {match[2]}'", match[0]
    for match in _FIELD_THEN_NOUN.finditer(target):
        if lexicon.pt_noun(match[2]) and not lexicon.foreign(match[2], "en", "pt"):
            yield f"'{match[0]}' is in English word order: '{match[2]} de {match[1]}'", match[0]
    for match in _NATIONALITY.finditer(target):
        yield f"'{match[0]}' is in English word order: '{match[2]} {match[1].lower()}'", match[0]
    words = list(_PT_WORD.finditer(target))
    for first, second in zip(words, words[1:]):
        if second.start() - first.end() != 1 or not lexicon.pt_noun(second[0]) or lexicon.foreign(second[0], "en", "pt"):
            continue
        name, noun = first[0], second[0]
        if name in source_names or (name[:1].isupper() and name.casefold() not in common and not lexicon.foreign(name, "pt", "en") and not lexicon.pt_noun(name) and not _VERB_LIKE.search(name.casefold())):
            yield f"'{name} {noun}' is in English word order: '{noun.lower()} {name}' or '{noun.lower()} do {name}'", f"{name} {noun}"
        elif name[:1].islower() and "-" in name and _PARTICIPLE.search(name) and name not in _BEFORE_NOUN and not lexicon.pt_noun(name):
            yield f"'{name} {noun}': in Portuguese the participle follows the noun ('{noun} {name}')", f"{name} {noun}"
        elif name[:1].islower() and _STRONG_NOUN.search(name) and name not in common:
            yield f"'{name} {noun}': two nouns side by side in English word order (in Portuguese the main noun comes first: '{noun.lower()} de ...' or '{noun.lower()} {name}')", f"{name} {noun}"
    for match in _ADJECTIVE_THEN_NAME.finditer(target):
        readings = morphology.analyses([match[2].casefold()])[match[2].casefold()]
        participle = _PARTICIPLE.search(match[2].casefold()) and match[2].casefold() not in _BEFORE_NOUN  # "Novo", "Grande" may go first
        if participle and readings and all(r.pos == "adj" or (r.pos.startswith("vb") and "pp" in r.tags) for r in readings):
            yield f"'{match[0]}' is in English word order: '{match[1]} {match[3]} {match[2]}'", match[0]
    for first, second in zip(words, words[1:]):
        name, noun = first[0], second[0]
        if second.start() - first.end() == 1 and name[:1].isupper() == noun[:1].isupper() and _two_nouns(name, noun) and not lexicon.foreign(name, "en", "pt") and not lexicon.foreign(noun, "en", "pt"):
            yield f"'{name} {noun}': two nouns side by side with nothing joining them, as English writes them ('{name} de {noun}'?)", f"{name} {noun}"


def _two_nouns(first: str, second: str) -> bool:
    """Two nouns, the Portuguese analyser says: the second only a noun, the first a noun that cannot be an adjective
    before it (as an adjective it would not agree: "componentes atenção"; "algoritmos" is only a noun)."""
    found = morphology.analyses((first.casefold(), second.casefold()))
    before, after = found[first.casefold()], found[second.casefold()]
    if not before or not after or any(r.joined for r in before | after) or not all(r.pos == "n" for r in after):
        return False
    if not any(r.pos == "n" for r in before) or not all(r.pos in ("n", "adj") for r in before):
        return False
    return not any(a.pos == "adj" and _agree(a, n) for a in before for n in after)


def _agree(a, b) -> bool:
    """Whether two readings may agree in gender and in number (either left open counts as agreeing)."""
    gender = a.gender in ("mf", "", b.gender) or b.gender in ("mf", "")
    return gender and (a.number in ("sp", "", b.number) or b.number in ("sp", ""))


# -- senses -----------------------------------------------------------------------------------


@check("wrong-sense", "error", "no word translated in a sense known to be wrong in this domain ('papers' -> 'papéis')")
def wrong_sense(segment: Segment, context: Context) -> Iterable[Finding]:
    source, target = segment.source, _QUOTED.sub(" ", segment.target or "")  # titles quoted in the original are not judged
    if " ".join(target.split()).casefold() == " ".join(segment.source.split()).casefold():
        return  # a title kept in the original: the untranslated check's
    for when, wrong, message in _senses(context.src, context.tgt):
        if when.search(source) and (found := wrong.search(target)):
            yield f"'{found[0]}': {message}", found[0]


@lru_cache(maxsize=None)
def _senses(src: str, tgt: str) -> list[tuple[re.Pattern, re.Pattern, str]]:
    return [(re.compile(w, re.I), re.compile(t, re.I), m) for w, t, m in lexicon.WRONG_SENSES.get((src, tgt), ())]


@check("false-friend", "error", "no source word translated by its false friend ('comprehensive' -> 'compreensível')")
def false_friend(segment: Segment, context: Context) -> Iterable[Finding]:
    source, target = segment.source, _QUOTED.sub(" ", segment.target or "")
    for word, friend, unless, message in _false_friends(context.src, context.tgt):
        if word.search(source) and not unless.search(source) and (found := friend.search(target)):
            yield f"'{found[0]}': {message}", found[0]


@lru_cache(maxsize=None)
def _false_friends(src: str, tgt: str) -> list[tuple[re.Pattern, re.Pattern, re.Pattern, str]]:
    return [(re.compile(w, re.I), re.compile(f, re.I), re.compile(u, re.I), m) for w, f, u, m in lexicon.FALSE_FRIENDS.get((src, tgt), ())]


# -- link and emphasis texts, quotation marks -------------------------------------------------

_UNSPACED = {"zh", "ja"}
_QUOTE_MARKS = re.compile(r"[“”\"«»„]")
_GLUED_LINK = re.compile(r"[^\W_]\[|\]\([^)\s]*\)[^\W_]")


@check("quotes", "error", "the quotation marks of the source are in the translation, and links are not glued to words")
def quotes(segment: Segment, context: Context) -> Iterable[Finding]:
    if context.tgt in _UNSPACED:
        return  # Chinese and Japanese quote and join words their own way
    source, target = prose(segment.source, segment), prose(segment.target or "", segment)
    want, have = len(_QUOTE_MARKS.findall(source)), len(_QUOTE_MARKS.findall(target))
    if have < want and want % 2 == 0:
        yield f"quotation marks lost: the source has {want}, the translation {have}", _QUOTE_MARKS.sub("", target)[:60]
    glued_source = len(_GLUED_LINK.findall(segment.source))
    for match in _GLUED_LINK.findall(segment.target or "")[glued_source:]:
        yield f"a link is glued to the word next to it: '{match[:40]}'", match


def _pair_texts(text: str, segment: Segment) -> dict[str, str]:
    """The text inside each link of ``text``, by the link's destination (``](url)``), as the segment's spans give them."""
    found = {}
    for span in segment.spans:
        if span.kind == SpanKind.CLOSE and span.text.startswith("](") and (end := text.find(span.text)) > 0:
            start = text.rfind("[", 0, end)
            if start >= 0:
                found[span.text] = text[start + 1 : end]
    return found


@check("link-text", "error", "a link's text says what the source's link text says (no words moved out of it)")
def link_text(segment: Segment, context: Context) -> Iterable[Finding]:
    if segment.back is None:
        return
    source, back, target = _pair_texts(segment.source, segment), _pair_texts(segment.back, segment), _pair_texts(segment.target or "", segment)
    for close, inner in source.items():
        if close not in back or close not in target or not back[close].strip():
            continue  # a lost link is the markup check's; an emptied one in the back-translation says nothing
        words = _content(_tokens(inner), context.src)
        kept = _stems(_tokens(back[close]), context.src)
        lost = [w for w in words if lexicon.stem(w, context.src) not in kept and w.casefold() not in kept]
        outside = _stems(_tokens(segment.back.replace(f"[{back[close]}{close}", " ")), context.src)
        lost = [w for w in lost if lexicon.stem(w, context.src) in outside or w.casefold() in outside]  # moved, not paraphrased
        if lost and len(lost) >= len(words) / 2:
            yield f"the link text “{inner}” reads “{target[close]}” in the translation: {', '.join(repr(w) for w in lost)} moved out of the link", target[close]
