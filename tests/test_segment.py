"""Segmentation: what becomes a segment, what stays markup, and how prose is split."""
from __future__ import annotations

import pytest

from pipeline.document.record import SpanKind
from pipeline.document.segment import segment
from pipeline.errors import UserError
from pipeline.lang.sentences import split_sentences
from pipeline.terms.protect import protect


def sources(text: str, lang: str = "en") -> list[str]:
    return [s.source for s in segment(text, src_lang=lang).segments]


def test_front_matter_only_configured_keys():
    text = '---\nlayout: post\ntitle: "A title here"\nauthor: Some Body\nexcerpt: Plain value here\ntags: [a, b]\n---\nBody text here.\n'
    document = segment(text, src_lang="en")
    assert [(s.block, s.source) for s in document.segments] == [
        ("front_matter/title", "A title here"), ("front_matter/excerpt", "Plain value here"), ("paragraph[1]", "Body text here.")
    ]


def test_code_html_and_comments_are_never_segments():
    text = "```\nprint('hello world')\n```\n\n    indented code line\n\n<div>\n<pre>preformatted text</pre>\n<script>var x = 'a script';</script>\n</div>\n\n<!-- a comment here -->\n\nProse here.\n"
    assert sources(text) == ["Prose here."]


def test_the_text_of_an_html_block_is_translated_between_its_tags():
    text = '<details>\n<summary>Click to see the <b>full</b> list</summary>\n\nThe list.\n\n</details>\n\n<p align="center" title="kept">A caption &amp; more.</p>\n'
    document = segment(text, src_lang="en")
    assert [s.source for s in document.segments] == ["Click to see the <b>full</b> list", "The list.", "A caption &amp; more."]
    first = document.segments[0]
    assert [(sp.text, sp.kind) for sp in first.spans] == [("<b>", SpanKind.OPEN), ("</b>", SpanKind.CLOSE)]


def test_headings_lists_quotes_tables_cells():
    text = "# Heading one\n\n- item one\n- item two\n\n> quoted text\n\n| Name | Notes |\n|---|---|\n| Small | Fast model. |\n"
    assert sources(text) == ["Heading one", "item one", "item two", "quoted text", "Name", "Notes", "Small", "Fast model."]


def test_link_text_translated_url_not():
    document = segment("Read the paper [here](https://arxiv.org/abs/2002.05715) today.\n", src_lang="en")
    protect(document)
    (seg,) = document.segments
    assert "arxiv" not in seg.masked and "here" in seg.masked
    assert [s.kind for s in seg.spans] == [SpanKind.OPEN, SpanKind.CLOSE]


def test_image_alt_translated_empty_image_atomic():
    document = segment("![Training curves](https://x.org/a.png) and ![](https://x.org/b.png) more.\n", src_lang="en")
    (seg,) = document.segments
    assert [s.kind for s in seg.spans] == [SpanKind.OPEN, SpanKind.CLOSE, SpanKind.ATOMIC]


def test_nested_markup_merges_into_one_pair():
    (seg,) = segment("See the [**new blog post**](http://x.y/z) now.\n", src_lang="en").segments
    assert [(s.kind, s.text) for s in seg.spans] == [(SpanKind.OPEN, "[**"), (SpanKind.CLOSE, "**](http://x.y/z)")]


def test_inline_code_bare_urls_emoji_math_and_issue_numbers_are_atomic():
    (seg,) = segment("Use `pip install x` from https://a.b/c or www.example.org 😉 with $x_i$ in #5 now.\n", src_lang="en").segments
    assert [s.text for s in seg.spans] == ["`pip install x`", "https://a.b/c", "www.example.org", "😉", "$x_i$", "#5"]


def test_jekyll_line_break_and_reference_list():
    text = "\\\\\nFirst of all, thanks.\n\n[1] A paper title: https://example.org/paper\n"
    document = segment(text, src_lang="en")
    assert [s.source for s in document.segments] == ["First of all, thanks.", "[1] A paper title: https://example.org/paper"]
    assert document.segments[1].spans[0].text == "https://example.org/paper"


def test_sentences_split_with_markup_kept_whole():
    text = "First sentence here. Second one has a [link. With a dot](https://u.v/w) inside. Third!\n"
    assert sources(text) == ["First sentence here.", "Second one has a [link. With a dot](https://u.v/w) inside.", "Third!"]


def test_sentence_rules_for_languages_without_pysbd():
    assert [("Olá, Sr. Silva. Tudo bem? Sim."[a:b]) for a, b in split_sentences("Olá, Sr. Silva. Tudo bem? Sim.", "pt")] == ["Olá, Sr. Silva.", "Tudo bem?", "Sim."]
    zh = "这是第一句。这是第二句！第三句？"
    assert [zh[a:b] for a, b in split_sentences(zh, "zh")] == ["这是第一句。", "这是第二句！", "第三句？"]
    ko = "첫 문장입니다. 두 번째 문장입니다."
    assert len(split_sentences(ko, "ko")) == 2


def test_source_language_detected():
    assert segment("Este é um boletim sobre processamento de linguagem natural e aprendizado de máquina.\n").src_lang == "pt"
    assert segment("这是一份关于自然语言处理和机器学习的简报，包含很多 BERT 和 Transformer 的内容。\n").src_lang == "zh"


def test_segment_ids_are_stable():
    text = "One sentence here. Another sentence there.\n"
    assert [s.id for s in segment(text, src_lang="en").segments] == [s.id for s in segment(text, src_lang="en").segments]


def test_a_leading_rule_without_yaml_is_markdown_not_front_matter():
    text = "---\n\nThe first paragraph is translated. It is no front matter.\n\n---\n\nThe last one too.\n"
    document = segment(text, src_lang="en")
    assert [s.source for s in document.segments][:1] == ["The first paragraph is translated."] and not any(b.kind == "front_matter" for b in document.blocks)
    with pytest.raises(UserError, match=r"issue.md: line 3: the front matter is not valid YAML"):
        segment("---\nlayout: post\ntitle: a: b\n---\nSome text of the issue here.\n", name="issue.md", src_lang="en")
    with pytest.raises(UserError, match=r"line 2: the front matter is not valid YAML"):
        segment("---\ntitle: [unclosed\n---\nText.\n", src_lang="en")


def test_a_github_alert_marker_is_never_translated():
    document = segment("> [!NOTE]\n> Useful information that users should know.\n", src_lang="en")
    assert [s.source for s in document.segments] == ["Useful information that users should know."]  # the marker stays as it is
    document = segment("> [!WARNING] Do not run this on a laptop.\n", src_lang="en")
    assert [(sp.text, sp.kind) for sp in document.segments[0].spans] == [("[!WARNING]", SpanKind.ATOMIC)]
