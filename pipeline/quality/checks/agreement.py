"""Portuguese agreement: determiners and adjectives agree with their noun in gender and number."""
from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.document.record import Segment
from pipeline.lang import lexicon
from pipeline.quality.checks.meaning import _PT_WORD, _QUOTED, _text
from pipeline.quality.checks.registry import Context, Finding, check

_STRONG_FEMININE = re.compile(r"(?:ção|ções|dade|dades|agem|agens|ise|ência|ância|eza|tude|eca|ecas)$")


@check("agreement", "error", "determiners agree with their noun in gender and number (Portuguese)")
def agreement(segment: Segment, context: Context) -> Iterable[Finding]:
    if context.tgt != "pt":
        return
    words = list(_PT_WORD.finditer(_QUOTED.sub(" ", _text(segment, "target", terms=False))))
    function_words = lexicon.common_words("pt") | _NOT_NOUNS
    for first, second in zip(words, words[1:]):
        det, noun = first[0].casefold(), second[0]
        if second.start() - first.end() != 1 or not noun[:1].islower() or noun.casefold() in function_words or len(noun) < 3:
            continue
        if det in ("o", "os"):
            bad = bool(_STRONG_FEMININE.search(noun)) or (det == "o" and lexicon.pt_number(noun) == "p")
        elif det in lexicon.PT_DETERMINERS:
            gender, number = lexicon.PT_DETERMINERS[det]
            bad = lexicon.pt_gender(noun) not in (None, gender) or (number == "s" and lexicon.pt_number(noun) == "p") or (number == "p" and det != "nos" and _singular_noun(noun))
        else:
            continue
        if bad and (lexicon.known(noun, "pt") or _STRONG_FEMININE.search(noun)):
            yield f"'{first[0]} {noun}': the determiner does not agree with the noun", f"{first[0]} {noun}"
    for index, (first, second) in enumerate(zip(words, words[1:])):
        if second.start() - first.end() != 1:
            continue
        before = words[index - 1][0].casefold() if index else ""
        if lexicon.pt_noun(first[0]) and not lexicon.pt_noun(second[0]):  # noun, then adjective
            if before in _COORDINATION or before in _PREPOSITIONS or second[0].casefold() in _NOT_ADJECTIVES:
                continue  # "pesquisa, edição e tradução tediosas", "um pacote para otimização chamado": another head
            noun, adjective, phrase = first[0], second[0].casefold(), f"{first[0]} {second[0]}"
            head = words[index - 2][0] if index >= 2 and before in _OF else None
        elif lexicon.pt_noun(second[0]) and not lexicon.pt_noun(first[0]) and first[0][:1].islower() and first[0].casefold() not in _NOT_ADJECTIVES:  # adjective, then noun
            noun, adjective, phrase, head = second[0], first[0].casefold(), f"{first[0]} {second[0]}", None
        else:
            continue
        if not _ADJECTIVE.search(adjective) or not lexicon.known(adjective, "pt"):
            continue
        gender, number = lexicon.pt_gender(noun), lexicon.pt_number(noun)
        wanted = _inflect(adjective, gender, number)
        if head and _inflect(adjective, lexicon.pt_gender(head), lexicon.pt_number(head)) == adjective:
            continue  # "conjunto de dados público": the adjective goes with the head
        if gender and wanted != adjective and lexicon.zipf(wanted, "pt") > 0:  # the right form is attested
            yield f"'{phrase}': the adjective does not agree with the noun ('{wanted}')", phrase


def _singular_noun(word: str) -> bool:
    """A Portuguese noun surely singular: known, and so is its plural ("domínio", "domínios"); "vírus" and "lápis" are not."""
    word = word.casefold()
    if word.endswith("s") or not lexicon.pt_noun(word) or not lexicon.known(word, "pt"):
        return False
    return lexicon.known(lexicon.pt_plural(word), "pt")


_OF = {"de", "do", "da", "dos", "das"}
_COORDINATION = {"e", "ou", "nem"}
_NOT_NOUNS = {"invés"} | {f"{p}{d}{e}" for p in ("d", "n") for d in ("ess", "est", "aquel") for e in ("e", "es", "a", "as")} | {"deles", "delas", "neles", "nelas"}  # "ao invés de", "um desses"
_PREPOSITIONS = {"para", "em", "por", "com", "sem", "sobre", "entre", "até", "contra"}
_NOT_ADJECTIVES = {"dado", "dada", "dados", "dadas", "chamado", "chamada", "chamados", "chamadas"}
_ADJECTIVE = re.compile(r"(?:ad|id|iv|ic|ári|óri|os|ont|ert|en|ux|eir)(?:o|a|os|as)$")


def _inflect(adjective: str, gender: str, number: str) -> str:
    """A Portuguese -o/-a adjective in the given gender and number (recursivo, f, p: recursivas)."""
    stem = re.sub(r"(?:o|a|os|as)$", "", adjective)
    return stem + ("o" if gender == "m" else "a") + ("s" if number == "p" else "")
