"""Importing a project's term list (TBX, CSV/TSV, Markdown) into a glossary file (fast, offline)."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import UserError
from pipeline.terms.glossary import Glossary
from pipeline.terms.term_import import Conflict, Term, read_terms, write_glossary

TBX = """\
<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en">
  <martifHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></martifHeader>
  <text><body>
    <termEntry id="c1">
      <descrip type="definition">A list of values.</descrip>
      <langSet xml:lang="en"><tig><term>array</term></tig></langSet>
      <langSet xml:lang="pt-BR"><tig><term>array</term></tig></langSet>
    </termEntry>
    <termEntry id="c2">
      <langSet xml:lang="en">
        <ntig><termGrp><term>event handler</term></termGrp></ntig>
        <tig><term>event listener</term></tig>
      </langSet>
      <langSet xml:lang="pt-BR">
        <tig><term>tratador de eventos</term>
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
        <tig><term>manipulador de eventos</term></tig>
      </langSet>
    </termEntry>
    <termEntry id="c3">
      <langSet xml:lang="en"><tig><term>only English</term></tig></langSet>
    </termEntry>
  </body></text>
</martif>
"""
TBX_TERMS = [
    Term("array", "array", "A list of values."),
    Term("event handler", "manipulador de eventos"),
    Term("event listener", "manipulador de eventos"),
]

CSV = """\
English,Portuguese,Notes
machine learning,aprendizado de máquina,
"rows, columns","linhas, colunas","a ""quoted"" note"

dataset,conjunto de dados,plural: conjuntos
"""
CSV_TERMS = [
    Term("machine learning", "aprendizado de máquina"),
    Term("rows, columns", "linhas, colunas", 'a "quoted" note'),
    Term("dataset", "conjunto de dados", "plural: conjuntos"),
]

TSV = "tokenizer\ttokenizador\nGPU\tGPU\tkept as is\n"
TSV_TERMS = [Term("tokenizer", "tokenizador"), Term("GPU", "GPU", "kept as is")]

MARKDOWN_TABLE = """\
# Glossário

Um parágrafo com | um cano.

```md
| not | a table |
|-----|---------|
| code | código |
```

| Termo original | Sugestão | Nota |
| -------------- | -------- | ---- |
| browser        | navegador |     |
| a \\| b        | a ou b   | pipe escaped |
| `render`       | renderizar |   |

| Outra | Tabela |
|-------|--------|
| other | outra  |

| Termo original | Sugestão | Nota |
| --- | --- | --- |
| server | servidor | continues the first table |
"""
MARKDOWN_TABLE_TERMS = [
    Term("browser", "navegador"),
    Term("a | b", "a ou b", "pipe escaped"),
    Term("`render`", "renderizar"),
    Term("server", "servidor", "continues the first table"),
]

MARKDOWN_LIST = """\
## Traduções

- bug: erro
* **class component** — componente de classe
- `key` = chave
1. package -> pacote
| siblings | irmãos |
- **Não** traduza IDs de títulos: eles quebram os links.

## Conteúdo que não deve ser traduzido

- array
- `props`
- UI

## Outros

- something without a translation
"""
MARKDOWN_LIST_TERMS = [
    Term("bug", "erro"),
    Term("class component", "componente de classe"),
    Term("key", "chave"),
    Term("package", "pacote"),
    Term("siblings", "irmãos"),
    Term("array", "array"),
    Term("props", "props"),
    Term("UI", "UI"),
]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("terms.tbx", TBX, TBX_TERMS),
        ("terms.csv", CSV, CSV_TERMS),
        ("terms.tsv", TSV, TSV_TERMS),
        ("terms.txt", TSV, TSV_TERMS),
        ("GLOSSARY.md", MARKDOWN_TABLE, MARKDOWN_TABLE_TERMS),
        ("GLOSSARY.md", MARKDOWN_LIST, MARKDOWN_LIST_TERMS),
        ("terms.csv", "\ufeffsource;target\nweights;pesos\n", [Term("weights", "pesos")]),
        ("terms.csv", "Source term,Target term\nlayer,camada\n", [Term("layer", "camada")]),
        ("terms.csv", "layer,camada\n", [Term("layer", "camada")]),  # no header
        ("terms", TBX, TBX_TERMS),  # no extension: the content decides
    ],
)
def test_read_terms_per_format(tmp_path: Path, name: str, text: str, expected: list[Term]) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert read_terms(path, "en", "pt") == expected


def tbx(*languages: str) -> str:
    sets = "".join(f'<langSet xml:lang="{lang}"><tig><term>t-{lang}</term></tig></langSet>' for lang in languages)
    return f'<martif type="TBX"><text><body><termEntry>{sets}</termEntry></body></text></martif>'


@pytest.mark.parametrize(
    ("languages", "src", "tgt", "expected"),
    [
        (("en", "pt-BR"), None, None, [Term("t-en", "t-pt-BR")]),  # one target: no need to name it
        (("EN-us", "pt_br"), "en", "PT", [Term("t-EN-us", "t-pt_br")]),  # case, '_' and primary subtag
        (("en", "fr", "pt-BR"), "en", "pt", [Term("t-en", "t-pt-BR")]),
        (("en", "pt-PT", "pt-BR"), "en", "pt-br", [Term("t-en", "t-pt-BR")]),  # exact wins over primary
        (("pt-BR", "en"), "pt", "en", [Term("t-pt-BR", "t-en")]),
    ],
)
def test_tbx_languages(tmp_path: Path, languages, src, tgt, expected) -> None:
    path = tmp_path / "t.tbx"
    path.write_text(tbx(*languages), encoding="utf-8")
    assert read_terms(path, src, tgt) == expected


@pytest.mark.parametrize(
    ("languages", "src", "tgt", "message"),
    [
        (("en", "fr", "pt-BR"), "en", None, "several target languages (fr, pt-BR): pass tgt"),
        (("en", "pt-PT", "pt-BR"), "en", "pt", "several languages match target 'pt'"),
        (("en", "fr"), "en", "pt", "no target language 'pt' (languages in the file: en, fr)"),
        (("de", "fr"), None, None, "which language is the source?"),
    ],
)
def test_tbx_language_errors_name_the_choices(tmp_path: Path, languages, src, tgt, message) -> None:
    path = tmp_path / "t.tbx"
    path.write_text(tbx(*languages), encoding="utf-8")
    with pytest.raises(UserError, match="^" + str(path).replace("\\", "\\\\") + ": .*") as error:
        read_terms(path, src, tgt)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("name", "content", "where"),
    [
        ("bad.tbx", "this is not XML", ":1: not valid XML"),
        ("bad.tbx", "<martif><text><body>\n<termEntry>\n</body></martif>", ":3: not valid XML"),
        ("v3.tbx", '<tbx xmlns="urn:iso:std:iso:30042:ed-2"/>', ": not a TBX 2"),
        ("one.csv", "source,target\nlayer,camada\nlonely\n", ":3: one cell ('lonely')"),
        ("many.csv", "a,b,c,d\n", ":1: 4 cells"),
        ("empty.csv", "a,\n", ":1: one cell"),
        ("blank.tsv", "x\t\ty\n", ":1: empty target"),
        ("open.csv", 'a,"b\nc\n', ":1: the target spans several lines"),
        ("bytes.csv", b"a,b\nc,\xff\n", ":2: not valid UTF-8 (byte 0xff)"),
        ("utf16.tsv", "a\tb\n".encode("utf-16"), ": the file is UTF-16"),
        ("nothing.csv", "\n\n", ": no terms found"),
        ("header-only.csv", "source,target\n", ": no terms found"),
        ("prose.md", "# Title\n\nJust prose.\n", ": no terms found"),
        ("empty.tbx", '<martif type="TBX"><text><body/></text></martif>', ": no terms found"),
        ("missing.csv", None, ": no such file"),
        ("folder.md", "dir", ": is a directory"),
    ],
)
def test_malformed_input_is_a_user_error_naming_the_file(tmp_path: Path, name, content, where) -> None:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError) as error:
        read_terms(path, "en", "pt")
    message = str(error.value)
    assert message.startswith(f"{path}{where}"), message
    assert "\n" not in message


# ------------------------------------------------------------------ writing --

EXISTING = (
    "# en-pt glossary\n"
    "machine learning\taprendizado de máquina\ttranslators also keep it in titles\n"
    "\n"
    "# Models\n"
    "dataset\tconjunto de dados\n"
    "US\tEUA\n"
)


def test_merge_keeps_existing_lines_skips_duplicates_and_reports_conflicts(tmp_path: Path) -> None:
    path = tmp_path / "en-pt.tsv"
    path.write_bytes(EXISTING.encode("utf-8"))
    terms = [
        Term("dataset", "conjunto de dados"),  # same target: skipped
        Term("Machine Learning", "aprendizado de máquina"),  # covered by the case-insensitive entry
        Term("machine learning", "aprendizagem automática"),  # another target: a conflict
        Term("us", "nós"),  # would clash with "US" (lower-case sources match any case)
        Term("tokenizer", "tokenizador", "a note; with gender: x"),
        Term("GPU", "GPU"),  # kept as is: pins the name
        Term("tokenizer", "tokenizador"),  # repeated in the import: skipped
        Term("tokenizer", "segmentador"),  # conflicts with the import's own earlier term
    ]
    result = write_glossary(terms, path, src="en", tgt="pt", origin="React docs GLOSSARY.md")
    assert result.added == (Term("tokenizer", "tokenizador", "a note; with gender: x"), Term("GPU", "GPU"))
    assert result.skipped == (terms[0], terms[1], terms[6])
    assert result.conflicts == (
        Conflict(terms[2], "aprendizado de máquina", f"{path}:2"),
        Conflict(terms[3], "EUA", f"{path}:6"),
        Conflict(terms[7], "tokenizador", "React docs GLOSSARY.md (earlier in this import)"),
    )
    assert result.summary.endswith("2 added, 3 already there, 3 conflicts")
    text = path.read_bytes().decode("utf-8")
    assert text.startswith(EXISTING)  # byte for byte
    assert text[len(EXISTING):] == (
        "\n# Imported from React docs GLOSSARY.md\n"
        "tokenizer\ttokenizador\tfrom React docs GLOSSARY.md; a note, with gender: x\n"
        "GPU\tGPU\tfrom React docs GLOSSARY.md\n"
    )
    assert "aprendizagem" not in text and "nós" not in text and "segmentador" not in text


def test_merge_keeps_crlf_bom_and_a_missing_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "en-pt.tsv"
    original = "\ufeff# comment\r\ndataset\tconjunto de dados".encode("utf-8")
    path.write_bytes(original)
    write_glossary([Term("layer", "camada")], path, src="en", tgt="pt", origin="x")
    data = path.read_bytes()
    assert data.startswith(original)
    assert data[len(original):] == b"\r\n\r\n# Imported from x\r\nlayer\tcamada\tfrom x\r\n"


def test_nothing_new_leaves_the_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "en-pt.tsv"
    path.write_text(EXISTING, encoding="utf-8")
    before = path.stat().st_mtime_ns
    result = write_glossary([Term("dataset", "conjunto de dados")], path, src="en", tgt="pt", origin="x")
    assert result.added == () and path.stat().st_mtime_ns == before
    missing = tmp_path / "en-fr.tsv"
    write_glossary([], missing, src="en", tgt="fr", origin="x")
    assert not missing.exists()


@pytest.mark.parametrize(
    ("term", "message"),
    [
        (Term("a\tb", "x"), "the source contains a tab"),
        (Term("a\nb", "x"), "the source contains a tab or line break"),
        (Term("a", "x\ty"), "the target contains a tab"),
        (Term("a", " "), "empty target"),
        (Term("#hashtag", "x"), "starting with '#' is a comment"),
    ],
)
def test_terms_the_format_cannot_hold_are_refused(tmp_path: Path, term: Term, message: str) -> None:
    path = tmp_path / "en-pt.tsv"
    path.write_text(EXISTING, encoding="utf-8")
    with pytest.raises(UserError, match=message):
        write_glossary([Term("layer", "camada"), term], path, src="en", tgt="pt", origin="x")
    assert path.read_text(encoding="utf-8") == EXISTING  # nothing written, not even the good term


@pytest.mark.parametrize(
    ("name", "existing", "message"),
    [
        ("pt-en.tsv", None, "is not the en-pt glossary"),
        ("en-pt.tsv", "a\tb\nA\tc\n", ":2: conflicting entries"),  # a glossary that does not load
        ("en-pt.tsv", b"a\t\xff\n", "not valid UTF-8"),
    ],
)
def test_bad_destination_is_a_user_error(tmp_path: Path, name, existing, message) -> None:
    path = tmp_path / name
    if existing is not None:
        path.write_bytes(existing if isinstance(existing, bytes) else existing.encode("utf-8"))
    with pytest.raises(UserError, match=message) as error:
        write_glossary([Term("layer", "camada")], path, src="en", tgt="pt", origin="x")
    assert str(path) in str(error.value)


def test_round_trip_every_format_loads_with_the_glossary_loader(tmp_path: Path) -> None:
    sources = {"terms.tbx": TBX, "terms.csv": CSV, "terms.tsv": TSV, "list.md": MARKDOWN_LIST}
    directory = tmp_path / "glossaries"
    directory.mkdir()
    (directory / "keep.txt").write_text("BERT\n", encoding="utf-8")
    (directory / "en-pt.tsv").write_text(EXISTING, encoding="utf-8")
    imported = []
    for name, text in sources.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        terms = read_terms(tmp_path / name, "en", "pt")
        result = write_glossary(terms, directory / "en-pt.tsv", src="en", tgt="pt", origin=name)
        imported += result.added
    glossary = Glossary.load(directory, "en", "pt")
    loaded = {t.source: t for t in glossary.terms}
    for term in imported:
        assert loaded[term.source].target == term.target
        assert loaded[term.source].note.startswith("from ")
    assert loaded["array"].keep and loaded["BERT"].keep and loaded["dataset"].target == "conjunto de dados"
    assert [(m.text, m.pinned) for m in glossary.find("The event handler of the array")] == [
        ("event handler", "manipulador de eventos"),
        ("array", "array"),
    ]
    backward = {t.source: t.target for t in Glossary.load(directory, "pt", "en").terms}
    assert backward["linhas, colunas"] == "rows, columns"


_TEXT = st.text(alphabet="aAbB é;:-", min_size=1, max_size=6)  # tabs and "#" have their own tests


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.builds(Term, _TEXT, _TEXT, st.sampled_from(["", "gender: x", "case-sensitive", "a; b"]))))
def test_the_merged_glossary_always_loads_or_nothing_is_written(tmp_path: Path, terms: list[Term]) -> None:
    path = tmp_path / "en-pt.tsv"
    path.write_text(EXISTING, encoding="utf-8")
    try:
        result = write_glossary(terms, path, src="en", tgt="pt", origin="x")
    except UserError:
        assert path.read_text(encoding="utf-8") == EXISTING
        return
    assert path.read_text(encoding="utf-8").startswith(EXISTING)
    assert len(result.added) + len(result.skipped) + len(result.conflicts) == len(terms)
    loaded = {(t.source, t.target) for t in Glossary.load(tmp_path, "en", "pt").terms}
    assert {(t.source.strip(), t.target.strip()) for t in result.added} <= loaded


GUIDE = """# Guia de tradução

- **Consistency**: keep the same words everywhere in the docs.
- Use the active voice: "Execute o comando".

| Original | Tradução |
| --- | --- |
| build/build time | build/tempo de build |
| template | \\- |
| frontend/backend | \\- |
| server side rendering (SSR) | renderização no lado do servidor (SSR) |
| render | renderizar (verb), renderizado (noun) |
| I/O | E/S |
| Style | Use sentence case (e.g., "Guia rápido") everywhere in titles |
"""


def test_a_translators_guide_gives_its_table_of_terms_as_glossary_entries(tmp_path: Path) -> None:
    """Real guides (Astro's, React's, OpenTelemetry's) mark a kept term with \\-, give alternatives with a slash
    and grammar in parentheses, and surround the table with prose lists and other tables."""
    path = tmp_path / "guide.md"
    path.write_text(GUIDE, encoding="utf-8")
    assert [(t.source, t.target, t.note) for t in read_terms(path, "en", "pt")] == [
        ("build", "build", "also: tempo de build"),
        ("template", "template", ""),
        ("frontend", "frontend", ""),
        ("server side rendering", "renderização no lado do servidor", ""),
        ("render", "renderizar", "also: renderizado"),
        ("I/O", "E/S", ""),
    ]


def test_a_projects_own_glossary_is_used_beside_the_shipped_one_and_wins(tmp_path: Path) -> None:
    from pipeline.config import load_config
    from pipeline.document.segment import segment
    from pipeline.terms.glossary import glossary_for
    from pipeline.terms.protect import protect

    (tmp_path / ".git").mkdir()
    (tmp_path / "glossaries").mkdir()
    page = tmp_path / "docs" / "en" / "body.md"
    page.parent.mkdir(parents=True)
    page.write_text("Send a request body with your machine learning model.\n", encoding="utf-8")
    result = write_glossary([Term("request body", "corpo da requisição"), Term("machine learning", "ML")], tmp_path / "glossaries" / "en-pt.tsv", src="en", tgt="pt", origin="site terms")
    assert len(result.added) == 2
    glossary = glossary_for(load_config(), "en", "pt", page=page)
    pinned = {t.source: t.target for t in glossary.terms}
    assert pinned["request body"] == "corpo da requisição" and pinned["machine learning"] == "ML"  # the project's wins
    assert "deep learning" in pinned  # the shipped glossary is still there
    document = segment(page.read_text(encoding="utf-8"), src_lang="en")
    protect(document, glossary)
    assert {s.target for s in document.segments[0].spans if s.target} >= {"corpo da requisição", "ML"}
    assert "request body" not in {t.source for t in glossary_for(load_config(), "en", "pt").terms}  # no page: the shipped one only
