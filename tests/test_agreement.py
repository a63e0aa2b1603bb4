"""Portuguese agreement, read with Apertium's analyser: the errors the judged sets found are caught, and what a
reader would write (a noun of both genders, an implied noun, an adjective of an earlier head) is not flagged."""
from __future__ import annotations

import pytest
from test_checks import CONTEXT, translated

from pipeline.lang import morphology
from pipeline.quality.checks import run_checks

needs_analyser = pytest.mark.skipif(not morphology.available(), reason="no lt-proc with apertium-por-cat's analyser (apt-get install apertium-por-cat lttoolbox)")


def found(target: str, source: str = "A sentence.") -> list[str]:
    return [f.message for f in run_checks(translated(source, target), CONTEXT) if f.check == "agreement"]


@needs_analyser
@pytest.mark.parametrize(
    "target, phrase",
    [
        ("O biblioteca é rápida.", "O biblioteca"),
        ("Está no educação.", "no educação"),
        ("O redes neurais são profundas.", "O redes"),
        ("Um dos modelo é aberto.", "dos modelo"),
        ("Aplicados à redes neurais.", "à redes"),
        ("Gerando uma modelo mais genérico.", "uma modelo"),  # "a modelo" is a fashion model
        ("O modelo responde a um pergunta.", "um pergunta"),  # after a preposition "um" is no subject: "pergunta" is a noun
        ("Novas aulas serão postadas toda semanas.", "toda semanas"),
        ("Uma tarefa de pré-treino orientada à conhecimento.", "à conhecimento"),
    ],
)
def test_a_determiner_that_disagrees_is_caught(target, phrase):
    assert found(target) == [f"'{phrase}': the determiner does not agree with the noun"]


@needs_analyser
def test_an_adjective_that_disagrees_is_caught_with_its_right_form():
    assert found("São camadas recursivo.") == ["'camadas recursivo': the adjective does not agree with the noun ('recursivas')"]  # not in the analyser: a regular ending
    assert found("As camadas neural são boas.") == ["'camadas neural': the adjective does not agree with the noun ('neurais')"]
    assert found("Uma biblioteca prático.") == ["'biblioteca prático': the adjective does not agree with the noun ('prática')"]
    assert found("A informação armazenadas aqui.") == ["'informação armazenadas': the adjective does not agree with the noun ('armazenada')"]


@needs_analyser
@pytest.mark.parametrize(
    "target, source",
    [
        ("Um guia prático.", "A practical guide."),  # "guia": both genders
        ("Leia o guia do usuário e feche a guia do navegador.", "Read the user guide and close the browser tab."),
        ("Esses guias são bons.", "These guides are good."),
        ("Pague no caixa.", "Pay at the till."),  # "caixa": two nouns, one of each gender
        ("Uma grama de ouro.", "One gram of gold."),
        ("O capital cresce.", "Capital grows."),
        ("Use um simples `dict`.", "Use a plain `dict`."),  # a code span after the adjective
        ("Uma *continuous volumetric scene function* aqui.", "A *continuous volumetric scene function* here."),  # the implied "função"
        ("Há apenas dados.", "There is only data."),  # an adverb
        ("Sistema de extração de modelos aplicado.", "A model extraction system, applied."),  # the adjective of an earlier head
        ("As funcionalidades do pacote fornecidas.", "The package features provided."),
        ("Ele o guia bem.", "He guides him well."),  # "o": a pronoun before a verb
        ("Ela nos permite aprender.", "It lets us learn."),
        ("Através dos meta campos.", "Through the meta fields."),  # the determiner goes with the second noun
        ("Uma vez implantado, funciona.", "Once deployed, it works."),
        ("Erros aparecem no console.", "Errors show in the console."),  # Brazilian "o console"
        ("A biblioteca é rápida e as camadas são recursivas.", "The library is fast and the layers are recursive."),
    ],
)
def test_what_agrees_or_is_uncertain_is_not_flagged(target, source):
    assert found(target, source) == []


@needs_analyser
def test_the_analyser_reads_every_analysis_of_a_word():
    words = morphology.analyses(["guia", "no", "dict", "e-mail"])
    assert {(r.pos, r.gender, r.number) for r in words["guia"] if r.pos == "n"} == {("n", "mf", "sg")}
    assert any(r.pos == "vblex" for r in words["guia"])
    assert {(r.lemma, r.pos, r.gender, r.number, r.joined) for r in words["no"]} == {("o", "det", "m", "sg", "em<pr>")}
    assert words["dict"] == words["e-mail"] == frozenset()  # unknown, or not one word for the analyser


def test_without_the_analyser_the_check_says_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv(morphology.ENV, str(tmp_path / "missing.automorf.bin"))
    morphology.reset()
    try:
        assert not morphology.available()
        assert morphology.analyses(["biblioteca"]) == {"biblioteca": frozenset()}
        assert found("O biblioteca é rápida.") == []
    finally:
        monkeypatch.undo()
        morphology.reset()


@needs_analyser
@pytest.mark.parametrize(
    "source, target, phrase",
    [
        ("or follow us on [Twitter](https://twitter.com/x) for news", "ou seguir-nos na [Twitter](https://twitter.com/x) para notícias", "na Twitter"),
        ("a list of the [10 breakthroughs](https://x.org/l) they found", "uma lista da [10 avanços](https://x.org/l) que encontraram", "da 10 avanços"),
        ("tasks such as question answering and abstractive summarization", "tarefas como question answering e sumarização abstrato", "sumarização abstrato"),
    ],
)
def test_a_platform_a_count_and_a_coordinated_noun_disagree(source, target, phrase):
    assert [f.evidence for f in run_checks(translated(source, target), CONTEXT) if f.check == "agreement"] == [phrase]


@needs_analyser
@pytest.mark.parametrize(
    "target",
    ["siga-nos no Twitter", "a Google lançou um modelo", "os 10 melhores modelos", "no 2 de janeiro", "pesquisa e edição tediosas", "Sistema de extração de modelos aplicado"],
)
def test_their_correct_forms_are_silent(target):
    assert [f for f in run_checks(translated("Some source words here.", target), CONTEXT) if f.check == "agreement"] == []
