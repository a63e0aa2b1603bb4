"""Glossary files, matcher, compliance and lint (fast, offline)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import UserError
from pipeline.terms.glossary import Glossary, GlossaryError, LintProblem, Term, TermMatch, check_compliance, entries, lint, show

SHIPPED = Path(__file__).resolve().parent.parent / "glossaries"

KEEP = """\
# do-not-translate
BERT
AlBERTo
Hugging Face
GPU

spaCy
fastai
Transformer
"""

EN_PT = """\
# source\ttarget\tnotes
machine learning\taprendizado de máquina
dataset\tconjunto de dados\tpicked over "base de dados"
datasets\tconjuntos de dados
Face\tRosto
fine-tuning\tajuste fino\twhole-word; translator kept English with NT
US\tEUA
us\tnós\tcase-sensitive
Deep Learning\taprendizado profundo\tcase-insensitive
net\trede\tsubstring
Transformer\tTransformador
"""

EN_ZH = """\
neural network\t神经网络
neural networks\t神经网络
graph neural networks\t图神经网络
dataset\t数据集
"""


def write(directory: Path, name: str, text: str | bytes) -> Path:
    path = directory / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def gdir(tmp_path: Path) -> Path:
    write(tmp_path, "keep.txt", KEEP)
    write(tmp_path, "en-pt.tsv", EN_PT)
    write(tmp_path, "en-zh.tsv", EN_ZH)
    return tmp_path


def found(glossary: Glossary, text: str, **kwargs) -> list[tuple[str, str]]:
    return [(m.text, m.pinned) for m in glossary.find(text, **kwargs)]


def term(source: str, target: str | None = None, **kwargs) -> Term:
    fields = dict(keep=target is None, case_sensitive=source != source.lower(), whole_word=True, note="", origin="t:1")
    fields.update(kwargs)
    return Term(source, source if target is None else target, **fields)


# ------------------------------------------------------------------ loading --


def test_load_forward_keeps_comments_out_and_reads_all_columns(gdir: Path) -> None:
    g = Glossary.load(gdir, "en", "pt")
    by_source = {t.source: t for t in g.terms}
    assert "# source" not in by_source and "# do-not-translate" not in by_source
    assert by_source["dataset"] == Term(
        "dataset", "conjunto de dados", False, False, True, 'picked over "base de dados"', f"{gdir / 'en-pt.tsv'}:3", forms=("conjuntos de dados",)
    )
    assert by_source["fine-tuning"].note == "translator kept English with NT"
    assert by_source["BERT"].keep and by_source["BERT"].target == "BERT"
    assert by_source["BERT"].origin == f"{gdir / 'keep.txt'}:2"


def test_entries_give_other_forms_gender_and_number_and_inflections_are_derived(tmp_path: Path) -> None:
    write(tmp_path, "en-pt.tsv", "issue\tedição\tgender: f; sense: an issue of a newsletter\nneural networks\tredes neurais\tgender: f; number: plural; also: redes neuronais\n")
    forward = {t.source: t for t in Glossary.load(tmp_path, "en", "pt").terms}
    assert forward["issue"].grammar == "f" and forward["issue"].forms == ("edições",) and forward["issue"].note == "sense: an issue of a newsletter"
    assert forward["neural networks"].grammar == "fp" and forward["neural networks"].forms == ("redes neuronais", "rede neural")
    backward = {t.source: t for t in Glossary.load(tmp_path, "pt", "en").terms}
    assert backward["edição"].forms == ("issues",) and backward["edição"].grammar == ""  # the listed forms and grammar are the pt column's
    write(tmp_path, "en-pt.tsv", "issue\tedição\tgender: x\n")
    assert [p.message for p in lint(tmp_path)] == ["gender 'x': write m or f"]


def test_longest_terms_come_first(gdir: Path) -> None:
    lengths = [len(t.source) for t in Glossary.load(gdir, "en", "pt").terms]
    assert lengths == sorted(lengths, reverse=True)


def test_load_reverse_swaps_columns(gdir: Path) -> None:
    g = Glossary.load(gdir, "pt", "en")
    assert found(g, "Usamos aprendizado de máquina e conjuntos de dados com BERT.") == [
        ("aprendizado de máquina", "machine learning"),
        ("conjuntos de dados", "datasets"),
        ("BERT", "BERT"),
    ]


def test_reverse_with_shared_target_takes_first_line(gdir: Path) -> None:
    g = Glossary.load(gdir, "zh", "en")
    assert found(g, "图神经网络和神经网络，BERT模型") == [
        ("图神经网络", "graph neural networks"),
        ("神经网络", "neural network"),
        ("BERT", "BERT"),
    ]


def test_pair_entry_overrides_keep_entry_with_same_source(gdir: Path) -> None:
    g = Glossary.load(gdir, "en", "pt")
    assert [t for t in g.terms if t.source.casefold() == "transformer"] == [
        Term("Transformer", "Transformador", False, True, True, "", f"{gdir / 'en-pt.tsv'}:11", forms=("Transformadores",))
    ]
    zh = Glossary.load(gdir, "en", "zh")
    assert found(zh, "A Transformer model") == [("Transformer", "Transformer")]


def test_missing_pair_file_means_keep_terms_only(gdir: Path) -> None:
    g = Glossary.load(gdir, "en", "ru")
    assert g.terms and all(t.keep for t in g.terms)
    assert found(g, "Fine-tuning BERT") == [("BERT", "BERT")]


def test_missing_directory_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="glossary directory not found"):
        Glossary.load(tmp_path / "nope", "en", "pt")


def test_bom_and_crlf_are_tolerated_by_load(tmp_path: Path) -> None:
    write(tmp_path, "en-pt.tsv", b"\xef\xbb\xbfdataset\tconjunto de dados\r\nmodel\tmodelo\r\n")
    g = Glossary.load(tmp_path, "en", "pt")
    assert sorted((t.source, t.target) for t in g.terms) == [("dataset", "conjunto de dados"), ("model", "modelo")]


def test_keep_file_accepts_notes_column(tmp_path: Path) -> None:
    write(tmp_path, "keep.txt", "fastai\tcase-sensitive; the library is spelt lower-case\n")
    (t,) = Glossary.load(tmp_path, "en", "pt").terms
    assert t.case_sensitive and t.note == "the library is spelt lower-case"
    assert found(Glossary([t]), "fastai, not FastAI") == [("fastai", "fastai")]


# ----------------------------------------------------------------- matching --


def test_longest_match_first(gdir: Path) -> None:
    g = Glossary.load(gdir, "en", "pt")
    assert found(g, "Hugging Face and Face") == [("Hugging Face", "Hugging Face"), ("Face", "Rosto")]
    zh = Glossary.load(gdir, "en", "zh")
    assert found(zh, "graph neural networks beat neural networks") == [
        ("graph neural networks", "图神经网络"),
        ("neural networks", "神经网络"),
    ]


def test_multiword_terms_match_across_any_whitespace() -> None:
    g = Glossary([term("Hugging Face")])
    assert found(g, "Hugging\nFace and Hugging  Face") == [("Hugging\nFace", "Hugging\nFace"), ("Hugging  Face",) * 2]


def test_default_case_rules(gdir: Path) -> None:
    g = Glossary.load(gdir, "en", "pt")
    # lower-case source: any case; source with capitals: exact case
    assert found(g, "on MACHINE LEARNING") == [("MACHINE LEARNING", "aprendizado de máquina")]
    assert found(g, "Bert and bert and BERT") == [("BERT", "BERT")]
    assert found(g, "spacy or SpaCy or spaCy") == [("spaCy", "spaCy")]
    assert found(g, "FastAI") == [("FastAI", "FastAI")]  # lower-case keep term: any case, pinned as written


def test_explicit_case_flags(gdir: Path) -> None:
    g = Glossary.load(gdir, "en", "pt")
    assert found(g, "US and us and Us") == [("US", "EUA"), ("us", "nós")]
    assert found(g, "deep learning") == [("deep learning", "aprendizado profundo")]  # case-insensitive flag


def test_whole_word_boundaries(gdir: Path) -> None:
    g = Glossary.load(gdir, "en", "pt")
    assert found(g, "AlBERTo is not BERT; ALBERTo neither") == [("AlBERTo", "AlBERTo"), ("BERT", "BERT")]
    assert found(g, "BERT-based, (BERT), BERT's, BERT_x, BERT2") == [("BERT", "BERT")] * 3
    assert found(g, "datasetX dataset_ mydataset") == []


def test_substring_flag(gdir: Path) -> None:
    g = Glossary.load(gdir, "en", "pt")
    assert found(g, "subnetwork") == [("net", "rede")]


def test_cjk_neighbours_are_boundaries(gdir: Path) -> None:
    g = Glossary.load(gdir, "en", "zh")
    assert found(g, "使用BERT模型和GPU训练") == [("BERT", "BERT"), ("GPU", "GPU")]
    assert found(g, "数据集和dataset") == [("dataset", "数据集")]


def test_keep_terms_match_english_plurals_pair_terms_do_not() -> None:
    g = Glossary([term("GPU"), term("Transformer"), term("Torchmeta"), term("index"), term("dataset", "conjunto de dados")])
    assert found(g, "GPUs, Transformers, Torchmetas, indexes, datasets") == [
        ("GPUs", "GPUs"), ("Transformers", "Transformers"), ("Torchmetas", "Torchmetas"), ("indexes", "indexes"),
    ]
    assert found(g, "GPUss Transformerses") == []


def test_exclude_ranges(gdir: Path) -> None:
    g = Glossary.load(gdir, "en", "pt")
    text = "BERT and `BERT` and Hugging Face"
    code = (text.index("`"), text.rindex("`") + 1)
    assert found(g, text, exclude=[code]) == [("BERT", "BERT"), ("Hugging Face", "Hugging Face")]
    # a range that cuts a longer term off leaves what is outside it
    cut = (text.index("Face"), len(text))
    assert found(g, text, exclude=[cut]) == [("BERT", "BERT"), ("BERT", "BERT")]
    assert found(g, text, exclude=[(0, len(text))]) == []


def test_urls_emails_and_placeholders_are_never_matched(gdir: Path) -> None:
    g = Glossary.load(gdir, "en", "pt")
    assert found(g, "see https://github.com/google-research/bert/BERT and www.BERT.org") == []
    assert found(g, "huggingface.co/BERT or bert@BERT.ai") == []
    assert found(g, "ZXQ1 X12X ZXQ3Z ZZQ4") == []
    # a placeholder is a boundary: terms glued to one still match
    assert found(g, "X1XBERTX2X and ZXQ1 GPU") == [("BERT", "BERT"), ("GPU", "GPU")]


def test_sentence_start_capitalises_translated_terms(gdir: Path) -> None:
    g = Glossary.load(gdir, "en", "pt")
    assert found(g, "Machine learning is fun. Dataset first! **Dataset** is it") == [
        ("Machine learning", "Aprendizado de máquina"),
        ("Dataset", "Conjunto de dados"),
        ("Dataset", "Conjunto de dados"),
    ]
    # mid-sentence capitals (titles) and lower-case matches keep the glossary form
    assert found(g, "The Machine Learning book. machine learning") == [
        ("Machine Learning", "aprendizado de máquina"),
        ("machine learning", "aprendizado de máquina"),
    ]
    assert found(g, "e.g.Dataset") == [("Dataset", "conjunto de dados")]
    # a capitalised glossary source keeps the target as written
    assert found(g, "Deep learning rocks") == [("Deep learning", "aprendizado profundo")]
    first = g.find("Dataset")[0]
    assert first.sentence_start and first.start == 0


# --------------------------------------------------------------- compliance --


def test_compliance_counts_occurrences(gdir: Path) -> None:
    g = Glossary.load(gdir, "en", "pt")
    matches = g.find("BERT beats BERT on the dataset.")
    assert check_compliance(matches, "BERT vence BERT no conjunto de dados.") == []
    problems = check_compliance(matches, "BERT vence o modelo no conjunto de dados.")
    assert len(problems) == 1
    assert "'BERT'" in problems[0] and "expected 2, found 1" in problems[0] and "keep.txt:2" in problems[0]
    problems = check_compliance(matches, "BERT vence BERT nos dados.")
    assert len(problems) == 1 and "'conjunto de dados'" in problems[0] and "found 0" in problems[0]


def test_compliance_case_and_boundaries(gdir: Path) -> None:
    g = Glossary.load(gdir, "en", "pt")
    # case-insensitive term: the sentence-start capital is not required
    assert check_compliance(g.find("Dataset here."), "Aqui o conjunto de dados.") == []
    # case-sensitive keep term: exact, whole word
    assert check_compliance(g.find("BERT"), "bert") != []
    assert check_compliance(g.find("BERT"), "AlBERTo") != []
    assert check_compliance(g.find("BERT"), "用BERT模型") == []
    assert check_compliance([], "anything") == []


# ------------------------------------------------------------------- errors --


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("dataset", "missing target column"),
        ("dataset\tconjunto\tnote\textra", "too many columns"),
        ("\tconjunto", "empty source"),
        ("dataset\t ", "empty target"),
        ("dataset\tconjunto\tcase-sensitive; case-insensitive", "conflicting flags"),
        ("dataset\tbase de dados", "conflicting entries for 'dataset'"),
    ],
)
def test_malformed_pair_line_is_a_one_line_user_error(tmp_path: Path, line: str, reason: str) -> None:
    path = write(tmp_path, "en-pt.tsv", f"# header\ndataset\tconjunto de dados\n{line}\n")
    with pytest.raises(GlossaryError) as info:
        Glossary.load(tmp_path, "en", "pt")
    message = str(info.value)
    assert message.startswith(f"{path}:3: ") and reason in message and "\n" not in message
    assert isinstance(info.value, UserError) and info.value.exit_code == 2


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "keep.txt", b"BERT\nGPT\xff2\n")
    with pytest.raises(GlossaryError, match=rf"^{re.escape(str(path))}:2: invalid UTF-8 \(byte 0xff at column 4\)$"):
        Glossary.load(tmp_path, "en", "pt")


def test_keep_line_with_too_many_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "keep.txt", "BERT\tnote\textra\n")
    with pytest.raises(GlossaryError, match=rf"^{re.escape(str(path))}:1: too many columns"):
        Glossary.load(tmp_path, "en", "fr")


def test_reverse_load_reports_errors_of_the_reverse_file(tmp_path: Path) -> None:
    path = write(tmp_path, "en-pt.tsv", "ok\tcerto\nbroken\n")
    with pytest.raises(GlossaryError, match=rf"^{re.escape(str(path))}:2: missing target"):
        Glossary.load(tmp_path, "pt", "en")


# --------------------------------------------------------------------- lint --


def test_lint_reports_each_problem_kind(tmp_path: Path) -> None:
    write(tmp_path, "keep.txt", b"\xef\xbb\xbfBERT\r\nBERT\r\nGPU \r\nspaCy\r\nBERT base\r\nPyTorch\r\n")
    write(
        tmp_path,
        "en-pt.tsv",
        b"# header\n"
        b"dataset\tconjunto de dados\n"  # 2
        b"dataset\tbase de dados\n"  # 3 conflict
        b"model\tmodelo\n"  # 4
        b"model\tmodelo\n"  # 5 duplicate
        b"broken\n"  # 6 missing target
        b"a\tb\tc\td\n"  # 7 too many columns
        b"\tvazio\n"  # 8 empty source
        b"x\t\n"  # 9 empty target
        b"bad \xe9 byte\tx\n"  # 10 invalid UTF-8
        b"spaCy\tespaCy\n"  # 11 keep term translated
        b"language model\tmodelo de linguagem\n"  # 12 contains "model"
        b"y\tz\t\n"  # 13 empty notes
        b"w \tv\n"  # 14 whitespace around a column
        b"PyTorch library\tbiblioteca PyTorch\n",  # 15 contains keep term PyTorch
    )
    write(tmp_path, "portuguese.tsv", "a\tb\n")
    problems = lint(tmp_path)
    assert all(isinstance(p, LintProblem) for p in problems)
    got = {(Path(p.path).name, p.line, p.severity, p.message.split(" (")[0].split(";")[0]) for p in problems}
    keep, pt = "keep.txt", "en-pt.tsv"
    expected = {
        (keep, 1, "warning", "UTF-8 byte-order mark"),
        (keep, 1, "warning", "CR line endings on 6 line(s)"),
        (keep, 2, "warning", "duplicate of line 1"),
        (keep, 3, "warning", "trailing whitespace"),
        (keep, 5, "warning", "'BERT'"),
        (pt, 3, "error", "conflicting entries for 'dataset': 'base de dados' here, 'conjunto de dados' at " + str(tmp_path / pt) + ":2"),
        (pt, 5, "warning", "duplicate of line 4"),
        (pt, 6, "error", "missing target column"),
        (pt, 7, "error", "too many columns"),
        (pt, 8, "error", "empty source"),
        (pt, 9, "error", "empty target"),
        (pt, 10, "error", "invalid UTF-8"),
        (pt, 11, "warning", "'spaCy' is a keep term"),
        (pt, 12, "warning", "'model'"),
        (pt, 13, "warning", "empty notes column"),
        (pt, 14, "warning", "whitespace around a column"),
        (pt, 15, "warning", "'PyTorch'"),
        ("portuguese.tsv", 0, "warning", "not named SRC-TGT.tsv"),
    }
    assert got == expected
    assert str(problems[0]).startswith(f"{tmp_path / 'en-pt.tsv'}:3: error: conflicting entries")


def test_lint_never_raises(tmp_path: Path) -> None:
    assert [str(p) for p in lint(tmp_path / "missing")] == [f"{tmp_path / 'missing'}:0: error: glossary directory not found"]
    write(tmp_path, "en-pt.tsv", b"\xff\xfe\x00\x00\n\t\t\t\t\n")
    assert {p.severity for p in lint(tmp_path)} == {"error"}


def test_shipped_glossaries_lint_without_errors() -> None:
    errors = [str(p) for p in lint(SHIPPED) if p.severity == "error"]
    assert errors == []
    for pair in ("pt", "zh", "fr", "ru"):
        assert Glossary.load(SHIPPED, "en", pair).terms
        assert Glossary.load(SHIPPED, pair, "en").terms


def test_shipped_glossary_pins_hugging_face() -> None:
    g = Glossary.load(SHIPPED, "en", "pt")
    assert found(g, "Hugging Face released a dataset.") == [
        ("Hugging Face", "Hugging Face"),
        ("dataset", "conjunto de dados"),
    ]


# --------------------------------------------------------------------- show --


def test_show_finds_entries_by_source_or_target(gdir: Path) -> None:
    hits = show(gdir, "CONJUNTO DE DADOS")
    assert [(t.source, t.target, t.origin) for t in hits] == [("dataset", "conjunto de dados", f"{gdir / 'en-pt.tsv'}:3")]
    assert sorted(Path(t.origin).name for t in show(gdir, "transformer")) == ["en-pt.tsv:11", "keep.txt:9"]
    assert {t.source for t in show(gdir, "dataset")} == {"dataset"} and len(show(gdir, "dataset")) == 2
    assert show(gdir, "nothing") == []
    assert len(entries(gdir)) == KEEP.count("\n") - 2 + EN_PT.count("\n") - 1 + EN_ZH.count("\n")


# ------------------------------------------------------------------ property --

_TERMS = [
    term("BERT"), term("AlBERTo"), term("Hugging Face"), term("Face", "Rosto"), term("GPU"),
    term("neural network", "rede neural"), term("neural networks", "redes neurais"),
    term("network", "rede"), term("net", "rede", whole_word=False), term("数据集", "dataset"),
]
_GLOSSARY = Glossary(_TERMS)
_PIECES = ["BERT", "AlBERTo", "Hugging", "Face", " ", ". ", "neural", "network", "s", "net", "GPU", "数据集", "X1X",
           "ZXQ2", "https://x.io/BERT", "-", "a", "_", "\n", "é"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_PIECES), max_size=25).map("".join).flatmap(
        lambda text: st.tuples(
            st.just(text),
            st.lists(st.tuples(st.integers(-2, len(text) + 2), st.integers(-2, len(text) + 2)), max_size=4),
        )
    )
)
def test_matches_never_overlap_each_other_or_excluded_ranges(case: tuple[str, list[tuple[int, int]]]) -> None:
    text, exclude = case
    matches = _GLOSSARY.find(text, exclude=exclude)
    for m in matches:
        assert isinstance(m, TermMatch) and text[m.start:m.end] == m.text and m.start < m.end
        for a, b in exclude:
            lo, hi = min(a, b), max(a, b)
            assert m.end <= lo or m.start >= hi, (m, (a, b))
    for left, right in zip(matches, matches[1:]):
        assert left.end <= right.start


_WORD = r"[^\W\u2e80-\u9fff]"


def _reference(terms: list[Term], text: str) -> list[tuple[int, int, str]]:
    """Naive matcher: one regex per term, tried longest first at every position."""
    patterns = []
    for t in sorted(terms, key=lambda t: (-len(t.source), t.source)):
        body = r"\s+".join(map(re.escape, t.source.split()))
        if t.keep and t.whole_word and t.source[-1].isalpha():
            body += "(?:es)?" if re.search(r"([sxz]|[cs]h)$", t.source, re.I) else "s?"
        if t.whole_word and re.match(_WORD, t.source[0]):
            body = f"(?<!{_WORD})" + body
        if t.whole_word and re.match(_WORD, t.source[-1]):
            body += f"(?!{_WORD})"
        patterns.append((re.compile(body, 0 if t.case_sensitive else re.IGNORECASE), t.source))
    out, i = [], 0
    while i < len(text):
        for pattern, source in patterns:
            m = pattern.match(text, i)
            if m:
                out.append((m.start(), m.end(), source))
                i = m.end()
                break
        else:
            i += 1
    return out


_REF_TERMS = [
    term("BERT"), term("AlBERTo"), term("Hugging Face"), term("GPU"), term("index"), term("Face", "Rosto"),
    term("face", "cara"), term("neural network", "rede neural"), term("neural networks", "redes neurais"),
    term("network", "rede"), term("net", "rede", whole_word=False), term("数据集", "dataset"), term("数据", "data"),
    term("BERT base"), term("c++", "C++"), term("bert", "Bert", case_sensitive=True),
]
_REF_PIECES = ["BERT", "bert", "Al", "o", "s", "es", " ", "\n", "-", "é", "中", "Hugging", "Face", "face", "neural",
               "network", "net", "GPU", "index", "数据", "集", ".", "_", "2", "base", "c++"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_REF_PIECES), max_size=30).map("".join))
def test_compiled_matcher_agrees_with_naive_reference(text: str) -> None:
    got = [(m.start, m.end, m.term.source) for m in Glossary(_REF_TERMS).find(text)]
    assert got == _reference(_REF_TERMS, text)


_LATIN_TERMS = [t for t in _REF_TERMS if t.source.isascii()]  # matched without CJK-aware boundaries in the regex


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_REF_PIECES), max_size=30).map("".join))
def test_glossary_without_cjk_terms_still_matches_next_to_cjk_text(text: str) -> None:
    got = [(m.start, m.end, m.term.source) for m in Glossary(_LATIN_TERMS).find(text)]
    assert got == _reference(_LATIN_TERMS, text)


def test_english_term_glued_to_chinese_text_matches() -> None:
    assert [m.text for m in Glossary([term("BERT"), term("GPU")]).find("使用BERT模型和GPU。BERTs")] == ["BERT", "GPU", "BERTs"]
