"""Portuguese agreement: determiners and adjectives agree with their noun in gender and number.

The readings are Apertium's (``pipeline.lang.morphology``): a pair is flagged only where the analyser knows
both words and the reading is certain. A noun of both genders ("guia"; "grama" and "capital", one noun of
each) or numbers never disagrees in that feature; the determiner or adjective must show the feature
unambiguously; a word that may be a verb or an adverb there, a capitalised word, a word beside markup, a
code span, italics or an English word, and an adjective after a prepositional complement ("extração de
modelos aplicado") or a coordination are left alone. Two kinds of word the analyser lacks are read from their
ending: regular adjectives ("recursivo") and nouns in -ção and -dade ("tokenização"). Without the analyser the
check says nothing.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.document.record import Segment, SpanKind
from pipeline.lang import lexicon, morphology
from pipeline.lang.morphology import Reading
from pipeline.quality.checks.form import _markup, _whole_word
from pipeline.quality.checks.meaning import _PT_WORD, _QUOTED, _URL
from pipeline.quality.checks.registry import Context, Finding, check

_HOLE = "¤"  # what stands for markup, code, italics, quotes, URLs and English terms in the text read
_DETERMINING = {"det", "predet", "adj"}  # the readings of a determiner that carry its gender and number
_NOUN_PHRASE = _DETERMINING | {"num", "detnt"}  # the words a noun phrase may start with
_ADJECTIVAL = {"adj", "vblex"}  # an adjective, or a verb's participle (the vblex readings must all be <pp>)
_FINITE = {"pri", "pii", "ifi", "pmp", "fti", "cni", "prs", "pis", "fts", "imp"}  # tenses and moods of a finite verb form
_COORDINATION = {"e", "ou", "nem"}
_OF = {"de", "do", "da", "dos", "das"}
# Nouns whose gender in these texts is not (only) the analyser's: "a modelo" is a fashion model, a machine learning
# model is "o modelo"; Brazilian "o console" is European "a consola".
_GENDER_HERE = {"modelo": "m", "console": "m"}
# Platforms, masculine as places and networks in Brazilian Portuguese ("no Twitter", "no GitHub"); companies
# (Google, Microsoft) are left out: "a Google" (a empresa) is as common as "o Google".
_PLATFORMS = dict.fromkeys(("Twitter", "YouTube", "GitHub", "GitLab", "Reddit", "LinkedIn", "Instagram", "WhatsApp", "Telegram", "Discord", "Slack", "Mastodon"), "m")
_PLATFORM = re.compile(rf"(?<![\w-])(\w+) (?:{_HOLE} )?({'|'.join(_PLATFORMS)})(?![\w-])")  # a link may open between them
_NOT_HEADS = {"vez", "vezes"}  # "uma vez implantado" (once deployed), "às vezes"
_GENDERED = re.compile(r"[oa]s?$")  # an adjective whose ending shows its gender (the analyser has "ímpar" masculine only)
# Regular adjectives the analyser lacks ("recursivo"): their ending gives gender and number.
_REGULAR_ADJECTIVE = re.compile(r"(?:iv|ic|ári|óri|os)(o|a)(s?)$")
_FEMININE_NOUN = re.compile(r"(?:ção|ções|dade|dades)$")  # and nouns the analyser lacks with these endings
Features = tuple[set[str], set[str]]  # genders and numbers


@check("agreement", "error", "determiners agree with their noun in gender and number (Portuguese)")
def agreement(segment: Segment, context: Context) -> Iterable[Finding]:
    if context.tgt != "pt" or not morphology.available():
        return
    text = _readable(segment)
    words = list(_PT_WORD.finditer(text))
    readings = morphology.analyses(w[0] for w in words)
    seen = set()
    for message, phrase in [*_disagreements(text, words, [readings[w[0]] for w in words]), *_counted(text), *_on_platforms(_readable(segment, terms=False))]:
        if phrase not in seen:
            seen.add(phrase)
            yield message, phrase


_COUNTED = re.compile(rf"(?<![\w-])(o|a|do|da|no|na|ao|à|pelo|pela|um|uma|num|numa|dum|duma) (?:{_HOLE} )?(\d+) ([^\W\d_]+)", re.I)


def _counted(text: str) -> Iterable[Finding]:
    """A singular determiner before a count of two or more and its plural noun: "uma lista da 10 avanços"."""
    for match in _COUNTED.finditer(text):
        noun = morphology.analyses([match[3]])[match[3]]
        if int(match[2]) >= 2 and noun and all(r.pos == "n" and r.number == "pl" for r in noun):
            phrase = f"{match[1]} {match[2]} {match[3]}"
            yield f"'{phrase}': the determiner does not agree with the noun", phrase


def _on_platforms(text: str) -> Iterable[Finding]:
    """A feminine determiner before a platform's name: "seguir-nos na [Twitter]"."""
    for match in _PLATFORM.finditer(text):
        found = morphology.analyses([match[1].casefold()])[match[1].casefold()]
        if _determiner(found) and _disagree(_features(found, _DETERMINING), ({_PLATFORMS[match[2]]}, {"sg"})):
            phrase = f"{match[1]} {match[2]}"
            yield f"'{phrase}': the determiner does not agree with the noun", phrase


def _readable(segment: Segment, terms: bool = True) -> str:
    """The target with everything that is not Portuguese prose replaced by a hole, one space between words (and,
    with ``terms``, the glossary's terms kept as the source writes them)."""
    text = segment.target or ""
    for piece in _markup(segment):
        text = text.replace(piece, f" {_HOLE} ")
    for span in segment.spans if terms else ():
        if span.kind == SpanKind.TERM and span.target in (None, span.text):  # a term kept as the source writes it
            text = _whole_word(span.text).sub(_HOLE, text)
    return " ".join(_QUOTED.sub(f" {_HOLE} ", _URL.sub(f" {_HOLE} ", text)).split())  # a line break is a space


def _disagreements(text: str, words: list[re.Match], readings: list[frozenset[Reading]]) -> Iterable[Finding]:
    def spaced(i: int) -> bool:  # words i and i + 1 are one space apart: nothing between them
        return i + 1 < len(words) and text[words[i].end() : words[i + 1].start()] == " "

    def hole_after(i: int) -> bool:  # markup, code, italics, a quote or an English word comes next
        gap = text[words[i].end() : words[i + 1].start()] if i + 1 < len(words) else text[words[i].end() :]
        return gap.lstrip().startswith(_HOLE) or (spaced(i) and _english(words[i + 1][0]))

    for i in range(len(words) - 1):
        if not spaced(i) or not words[i + 1][0].islower():
            continue
        first, second = words[i][0], words[i + 1][0]
        if _determiner(readings[i]):
            noun = i + 1
            if _adjective(readings[noun]) and spaced(noun) and words[noun + 1][0].islower() and _nominal(words[noun + 1][0], readings[noun + 1]):
                noun += 1  # "um novo modelo": the determiner goes with the noun after the adjective
            features = _nominal(words[noun][0], readings[noun], adjective=noun == i + 1)  # "no matemática": an adjective as a noun
            if features is None or hole_after(noun) or _english(words[noun][0]) or _maybe_verb(readings, i, noun):
                continue
            phrase, determiner = text[words[i].start() : words[noun].end()], _features(readings[i], _DETERMINING)
            if spaced(noun) and (compound := _nominal(words[noun + 1][0], readings[noun + 1])) and not _disagree(determiner, compound):
                continue  # "dos meta campos": the determiner goes with the second noun
            if _disagree(determiner, features):
                yield f"'{phrase}': the determiner does not agree with the noun", phrase
            elif noun == i + 2 and (right := _adjective_disagrees(second, readings[i + 1], features)) is not None:
                yield f"'{second} {words[noun][0]}': the adjective does not agree with the noun{right}", f"{second} {words[noun][0]}"
        elif first.islower() and first.casefold() not in _NOT_HEADS and (features := _nominal(first, readings[i])) and not any(r.pos == "adj" for r in readings[i]):
            if any(r.pos.startswith("vb") and "pp" not in r.tags for r in readings[i]) and not (i and spaced(i - 1) and _determiner(readings[i - 1])):
                continue  # "pode ser usadas", "guia rápido": a verb, unless a determiner makes it a noun
            if _english(first) or _english(second):
                continue
            if _after_complement(text, words, readings, i, features):
                heads = _heads_of_complement(text, words, readings, i)  # "sumarização de textos abstrato": with none of them
                if heads is None and _coordinated_singular(text, words, readings, i, features):
                    heads = []  # "X e sumarização abstrato": a singular adjective goes with the last noun alone
                if heads is None or any(_adjective_disagrees(second, readings[i + 1], head) is None for head in heads):
                    continue
            if (right := _adjective_disagrees(second, readings[i + 1], features)) is not None:
                yield f"'{first} {second}': the adjective does not agree with the noun{right}", f"{first} {second}"


def _nominal(word: str, readings: frozenset[Reading], adjective: bool = False) -> Features | None:
    """The genders and numbers of a noun (or, with ``adjective``, of an adjective used as one); None for another word.
    A word the analyser lacks is a noun only with a feminine ending that has no exception ("tokenização")."""
    if not readings:
        ending = _FEMININE_NOUN.search(word.casefold())
        return ({"f"}, {"pl" if ending[0].endswith("s") else "sg"}) if ending and not _english(word) else None
    if _noun(readings) or (adjective and _adjective(readings)):
        return _noun_features(readings)
    return None


def _features(readings: frozenset[Reading], kinds: set[str]) -> Features:
    """Genders and numbers of the readings of ``kinds`` (a contraction's determiner included: "no", "à")."""
    chosen = [r for r in readings if r.pos in kinds]
    return {r.gender for r in chosen}, {r.number for r in chosen}


def _noun_features(readings: frozenset[Reading]) -> Features:
    """All genders and numbers the word has as a noun (or a noun-like adjective: "o capital")."""
    genders, numbers = set(), set()
    for r in readings:
        if r.pos in ("n", "adj") and not r.joined:
            genders.add(_GENDER_HERE.get(r.lemma, r.gender) if r.pos == "n" else r.gender)
            numbers.add(r.number)
    nouns = {r.lemma for r in readings if r.pos == "n"}
    ending = lexicon.pt_gender(next(iter(nouns))) if len(nouns) == 1 and not nouns & set(_GENDER_HERE) else None
    if ending and ending not in genders:
        genders.add(ending)  # the analyser's gender against the ending's ("cancelamento" feminine): either may be
    return genders, numbers


def _disagree(mine: Features, theirs: Features) -> bool:
    """Whether a feature that both words show with certainty differs: one gender (number) for ``mine``, and
    ``theirs`` known, never "mf" ("sp"), and without that value."""
    for values, others, either in ((mine[0], theirs[0], "mf"), (mine[1], theirs[1], "sp")):
        if len(values) == 1 and not values & {either, ""} and others and not others & {either, ""} and not values <= others:
            return True
    return False


def _determiner(readings: frozenset[Reading]) -> bool:
    """A word that is a determiner, not also a preposition ("a") or an adverb (readings as a verb are rare: "sua")."""
    return any(r.pos == "det" for r in readings) and not any(r.pos in ("pr", "adv", "preadv", "cnjcoo", "cnjsub") and not r.joined for r in readings)


def _noun(readings: frozenset[Reading]) -> bool:
    """A noun, perhaps also an adjective or a verb form, nothing else ("apenas", "mais" are not)."""
    return any(r.pos == "n" for r in readings) and all(r.pos in ("n", "adj") or r.pos.startswith("vb") for r in readings) and not any(r.joined for r in readings)


def _adjective(readings: frozenset[Reading]) -> bool:
    """Only an adjective or a participle: not also a noun, a finite verb or an adverb ("dados", "junto", "mesmo")."""
    return bool(readings) and all(r.pos == "adj" or (r.pos.startswith("vb") and "pp" in r.tags) for r in readings) and not any(r.joined for r in readings)


def _maybe_verb(readings: list[frozenset[Reading]], det: int, noun: int) -> bool:
    """The determiner may be a pronoun and the noun a verb form it goes with: "o guia" (guides him), "um pergunta"
    (one asks). Not after a preposition, where only a noun can follow ("a um pergunta")."""
    verbs = [r for r in readings[noun] if r.pos.startswith("vb")]
    pronouns = [r for r in readings[det] if r.pos == "prn" and not r.joined]
    if not verbs or not pronouns or noun != det + 1:
        return False
    if det and any(r.pos == "pr" and not r.joined for r in readings[det - 1]) and all(_FINITE & set(v.tags) for v in verbs):
        return False
    for pronoun in pronouns:
        if "pro" in pronoun.tags:
            return True  # a clitic before any verb form
        if any("p3" in v.tags and v.number in (pronoun.number, "sp") for v in verbs):
            return True  # a subject before a verb of its person and number
    return False


def _after_complement(text: str, words: list[re.Match], readings: list[frozenset[Reading]], noun: int, features: Features) -> bool:
    """The noun ends a prepositional complement ("extração de modelos", "funcionalidades do pacote") or follows a
    coordination ("pesquisa e tradução"), or markup comes before it: the adjective after it may go with another noun.
    "a" is a preposition here unless it agrees with the noun as its article ("A informação armazenadas")."""
    k = noun - 1
    while k >= 0 and text[words[k].end() : words[k + 1].start()] == " ":
        word = readings[k]
        article = any(r.pos == "det" for r in word) and not _disagree(_features(word, {"det"}), features)
        if any("<pr>" in r.joined or (r.pos == "pr" and not article) for r in word) or words[k][0].casefold() in _COORDINATION:
            return True
        if not word or (any(r.pos == "n" for r in word) and not any(r.pos == "det" for r in word)):
            return True  # "frameworks web baseados", "agregação padrão baseada": the adjective may go with the first noun
        if not any(r.pos in _NOUN_PHRASE for r in word):
            break  # the noun phrase starts after this word
        k -= 1
    gap = text[words[k].end() : words[k + 1].start()] if k >= 0 else text[: words[0].start()]
    return gap.rstrip().endswith(_HOLE)


def _coordinated_singular(text: str, words: list[re.Match], readings: list[frozenset[Reading]], noun: int, features: Features) -> bool:
    """The noun comes right after "e"/"ou" and it and the adjective after it are singular: an adjective for both
    coordinated nouns would be plural, so this one goes with the last noun alone ("perguntas e sumarização abstrato")."""
    if noun < 1 or words[noun - 1][0].casefold() not in _COORDINATION or text[words[noun - 1].end() : words[noun].start()] != " ":
        return False
    adjective = readings[noun + 1] if noun + 1 < len(readings) else frozenset()
    return features[1] == {"sg"} and bool(adjective) and {r.number for r in adjective} == {"sg"}


def _heads_of_complement(text: str, words: list[re.Match], readings: list[frozenset[Reading]], noun: int) -> list[Features] | None:
    """The features of every noun a chain of "de" complements hangs on ("Sistema" and "extração" in "Sistema de
    extração de modelos"), when the phrase is that simple: nouns joined by "de" (or its contraction), each perhaps
    after a determiner; None otherwise (another preposition, a coordination, markup: the head is not known)."""
    heads, k = [], noun - 1
    while True:
        if k >= 1 and text[words[k].end() : words[k + 1].start()] == " " and _determiner(readings[k]) and words[k][0].casefold() not in _OF:
            k -= 1  # "de um modelo"
        if k < 1 or words[k][0].casefold() not in _OF or text[words[k - 1].end() : words[k].start()] != " ":
            if k >= 0 and (words[k][0].casefold() in _COORDINATION or any(r.pos == "pr" for r in readings[k])):
                return None  # "pesquisa e edição de textos", "para o uso de": the chain goes on beyond what is read
            return heads or None
        head = words[k - 1][0]
        if not _noun(readings[k - 1]) or (features := _nominal(head, readings[k - 1])) is None:
            return None
        heads.append(features)
        k -= 2


def _adjective_disagrees(adjective: str, readings: frozenset[Reading], noun: Features) -> str | None:
    """Where the adjective certainly disagrees with the noun: " ('right form')", or "" when no form is found; else None."""
    genders, numbers = noun
    if readings:
        if not _adjective(readings):
            return None
        mine = _features(readings, _ADJECTIVAL)
        if not _GENDERED.search(adjective.casefold()):
            mine = ({"mf"}, mine[1])
    elif (regular := _REGULAR_ADJECTIVE.search(adjective.casefold())) and lexicon.known(adjective, "pt"):
        mine = ({"m" if regular[1] == "o" else "f"}, {"pl" if regular[2] else "sg"})  # "recursivo": not in the analyser
    else:
        return None
    if not _disagree(mine, (genders, numbers)):
        return None
    gender = next(iter(genders)) if len(genders) == 1 and genders <= {"m", "f"} else next(iter(mine[0]))
    number = next(iter(numbers)) if len(numbers) == 1 and numbers <= {"sg", "pl"} else next(iter(mine[1]))
    right = _inflected(adjective.casefold(), readings, gender, number)
    return f" ('{right}')" if right else ""


def _inflected(adjective: str, readings: frozenset[Reading], gender: str, number: str) -> str | None:
    """The adjective in ``gender`` and ``number``, as the analyser (or, for a word it lacks, the word list) knows it."""
    regular = [re.sub(r"(?:o|a|os|as)$", "", adjective) + gender.replace("m", "o").replace("f", "a") + ("s" if number == "pl" else "")] if gender in ("m", "f") else []
    candidates = [c for c in dict.fromkeys([*regular, *sorted(lexicon.inflections(adjective, "pt"))]) if c != adjective]
    if not readings:
        return next((c for c in candidates if lexicon.zipf(c, "pt") > 0), None)
    lemmas = {r.lemma for r in readings}
    found = morphology.analyses(candidates)
    for candidate in candidates:
        for r in found[candidate]:
            if r.lemma in lemmas and r.gender in (gender, "mf") and r.number in (number, "sp") and (r.pos == "adj" or "pp" in r.tags):
                return candidate
    return None


def _english(word: str) -> bool:
    return lexicon.foreign(word, "en", "pt")
