"""Output layouts: where each page's translation goes, for every toolchain, in place and under --out."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.document.dialects import detect_dialect
from pipeline.document.layout import LAYOUT_HELP, LAYOUTS, translation_path
from pipeline.errors import UserError

PROJECT_FILES = {
    "mkdocs": ["mkdocs.yml"],
    "docusaurus": ["site/docusaurus.config.js"],
    "starlight": ["astro.config.mjs"],
    "vitepress": ["docs/.vitepress/config.mts"],
    "hugo": ["hugo.toml"],
    "jekyll": ["_config.yml"],
    "myst": ["myst.yml"],
    "markdown": [],
    "mdx": [],
}


def tree(tmp_path: Path, dialect: str, *pages: str) -> Path:
    """A repository in ``tmp_path`` with ``dialect``'s project files and the ``pages``."""
    (tmp_path / ".git").mkdir(exist_ok=True)
    for name in (*PROJECT_FILES[dialect], *pages):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# Title\n")
    return tmp_path


# (dialect, layout, root, page, src, tgt, expected in place, expected under out/)
CASES = [
    # suffix: the name tagged, beside the page; mirrored under out
    ("markdown", "suffix", "docs", "docs/guide/x.md", "en", "pt", "docs/guide/x.pt.md", "guide/x.pt.md"),
    ("markdown", "suffix", "docs", "docs/issue-05.en.md", "en", "pt", "docs/issue-05.pt.md", "issue-05.pt.md"),
    ("markdown", "suffix", "docs", "docs/x.EN.md", "en", "pt", "docs/x.pt.md", "x.pt.md"),
    ("markdown", "suffix", "docs", "docs/x.en-us.md", "en", "pt", "docs/x.en-us.pt.md", "x.en-us.pt.md"),
    ("markdown", "suffix", "docs", "docs/x.md", "en", "pt-BR", "docs/x.pt-BR.md", "x.pt-BR.md"),
    ("mdx", "suffix", "docs", "docs/a/x.mdx", "en", "pt", "docs/a/x.pt.mdx", "a/x.pt.mdx"),
    ("mkdocs", "suffix", "docs", "docs/en/x.md", "en", "pt", "docs/en/x.pt.md", "en/x.pt.md"),
    # folder: the source language folder renamed
    ("markdown", "folder", "docs", "docs/en/guide/x.md", "en", "pt", "docs/pt/guide/x.md", "pt/guide/x.md"),
    ("markdown", "folder", "docs/en", "docs/en/guide/x.md", "en", "pt", "docs/pt/guide/x.md", "guide/x.md"),
    ("markdown", "folder", "docs", "docs/EN/x.md", "en", "pt-BR", "docs/pt-BR/x.md", "pt-BR/x.md"),
    ("starlight", "folder", "src", "src/content/docs/en/x.mdx", "en", "pt-BR",
     "src/content/docs/pt-br/x.mdx", "content/docs/pt-br/x.mdx"),
    ("hugo", "folder", "content", "content/en/posts/x.md", "en", "pt", "content/pt/posts/x.md", "pt/posts/x.md"),
    ("mkdocs", "folder", "docs", "docs/en/guide/en/x.md", "en", "pt", "docs/pt/guide/en/x.md", "pt/guide/en/x.md"),
    # auto, mkdocs: language folder, else mkdocs-static-i18n's suffix
    ("mkdocs", "auto", "docs", "docs/en/guide/x.md", "en", "pt", "docs/pt/guide/x.md", "pt/guide/x.md"),
    ("mkdocs", "auto", "docs", "docs/guide/x.md", "en", "pt", "docs/guide/x.pt.md", "guide/x.pt.md"),
    ("mkdocs", "auto", "docs", "docs/x.en.md", "en", "pt-BR", "docs/x.pt-BR.md", "x.pt-BR.md"),
    # auto, docusaurus: the site's i18n tree
    ("docusaurus", "auto", "site", "site/docs/a/x.md", "en", "pt",
     "site/i18n/pt/docusaurus-plugin-content-docs/current/a/x.md",
     "i18n/pt/docusaurus-plugin-content-docs/current/a/x.md"),
    ("docusaurus", "auto", "site/docs", "site/docs/a/x.mdx", "en", "pt-BR",
     "site/i18n/pt-BR/docusaurus-plugin-content-docs/current/a/x.mdx", "a/x.mdx"),
    ("docusaurus", "auto", "site", "site/blog/2024-01-01-post.md", "en", "pt",
     "site/i18n/pt/docusaurus-plugin-content-blog/2024-01-01-post.md",
     "i18n/pt/docusaurus-plugin-content-blog/2024-01-01-post.md"),
    ("docusaurus", "auto", "site", "site/src/pages/about.md", "en", "pt",
     "site/i18n/pt/docusaurus-plugin-content-pages/about.md", "i18n/pt/docusaurus-plugin-content-pages/about.md"),
    ("docusaurus", "auto", "site", "site/versioned_docs/version-1.0/x.md", "en", "pt",
     "site/i18n/pt/docusaurus-plugin-content-docs/version-1.0/x.md",
     "i18n/pt/docusaurus-plugin-content-docs/version-1.0/x.md"),
    ("docusaurus", "auto", "site", "site/README.md", "en", "pt", "site/README.pt.md", "README.pt.md"),
    # auto, starlight: locale folder, root locale gets one
    ("starlight", "auto", "src/content/docs", "src/content/docs/en/guides/x.mdx", "en", "pt",
     "src/content/docs/pt/guides/x.mdx", "pt/guides/x.mdx"),
    ("starlight", "auto", "src/content/docs", "src/content/docs/guides/x.mdx", "en", "pt-BR",
     "src/content/docs/pt-br/guides/x.mdx", "pt-br/guides/x.mdx"),
    ("starlight", "auto", "src/content/docs/en", "src/content/docs/en/x.mdx", "EN", "pt",
     "src/content/docs/pt/x.mdx", "x.mdx"),
    # auto, vitepress: locale folder under the folder holding .vitepress/, root locale gets one
    ("vitepress", "auto", "docs", "docs/en/guide/x.md", "en", "pt", "docs/pt/guide/x.md", "pt/guide/x.md"),
    ("vitepress", "auto", "docs", "docs/guide/x.md", "en", "pt-BR", "docs/pt-BR/guide/x.md", "pt-BR/guide/x.md"),
    ("vitepress", "auto", "docs", "docs/index.md", "en", "pt", "docs/pt/index.md", "pt/index.md"),
    # auto, hugo: content/SRC, else translation by file name
    ("hugo", "auto", "content", "content/en/posts/x.md", "en", "pt-BR", "content/pt-br/posts/x.md", "pt-br/posts/x.md"),
    ("hugo", "auto", "content", "content/posts/x.md", "en", "pt", "content/posts/x.pt.md", "posts/x.pt.md"),
    ("hugo", "auto", "content", "content/posts/x.en.md", "en", "pt-BR", "content/posts/x.pt-br.md", "posts/x.pt-br.md"),
    # auto, other toolchains: suffix
    ("jekyll", "auto", ".", "_posts/en/2024-01-01-x.md", "en", "pt",
     "_posts/en/2024-01-01-x.pt.md", "_posts/en/2024-01-01-x.pt.md"),
    ("myst", "auto", "book", "book/en/intro.md", "en", "pt", "book/en/intro.pt.md", "en/intro.pt.md"),
    ("markdown", "auto", "docs", "docs/en/x.md", "en", "pt", "docs/en/x.pt.md", "en/x.pt.md"),
    ("mdx", "auto", "docs", "docs/en/x.mdx", "en", "pt", "docs/en/x.pt.mdx", "en/x.pt.mdx"),
]


@pytest.mark.parametrize(("dialect", "layout", "root", "page", "src", "tgt", "in_place", "under_out"), CASES)
def test_translation_path(tmp_path, dialect, layout, root, page, src, tgt, in_place, under_out):
    base = tree(tmp_path, dialect, page)
    if dialect not in ("markdown", "mdx"):
        assert detect_dialect(base / page).name == dialect  # the tree is the toolchain's
    assert translation_path(base / page, base / root, src, tgt, layout, dialect) == base / in_place
    out = base / "out"
    found = translation_path(base / page, base / root, src, tgt, layout, dialect, out)
    assert found == out / under_out
    assert ".." not in found.relative_to(out).parts


def test_two_index_pages_never_collide_under_out(tmp_path):
    base = tree(tmp_path, "markdown", "docs/a/index.md", "docs/b/index.md", "docs/index.md")
    found = {translation_path(base / p, base / "docs", "en", "pt", "suffix", "markdown", base / "out")
             for p in ("docs/a/index.md", "docs/b/index.md", "docs/index.md")}
    assert found == {base / "out/a/index.pt.md", base / "out/b/index.pt.md", base / "out/index.pt.md"}


def test_one_page_translated_alone(tmp_path):
    base = tree(tmp_path, "markdown", "notes.md")
    page = base / "notes.md"
    assert translation_path(page, page, "en", "pt", "suffix", "markdown") == base / "notes.pt.md"
    assert translation_path(page, page, "en", "pt", "suffix", "markdown", base / "o") == base / "o/notes.pt.md"


def test_out_may_be_the_translated_folder_when_names_differ(tmp_path):
    base = tree(tmp_path, "markdown", "docs/a/x.md")
    found = translation_path(base / "docs/a/x.md", base / "docs", "en", "pt", "suffix", "markdown", base / "docs")
    assert found == base / "docs/a/x.pt.md"


def test_relative_paths_stay_relative(tmp_path, monkeypatch):
    tree(tmp_path, "starlight", "src/content/docs/x.mdx")
    monkeypatch.chdir(tmp_path)
    page, root = Path("src/content/docs/x.mdx"), Path("src/content/docs")
    assert translation_path(page, root, "en", "pt", "auto", "starlight") == Path("src/content/docs/pt/x.mdx")
    assert translation_path(page, root, "en", "pt", "auto", "starlight", Path("out")) == Path("out/pt/x.mdx")
    assert translation_path(Path("src/content/../content/docs/x.mdx"), root, "en", "pt", "suffix", "starlight",
                            Path("out/")) == Path("out/x.pt.mdx")


@pytest.mark.parametrize(("layout", "root", "page", "src", "tgt", "out", "message"), [
    ("folder", "docs", "docs/guide/x.md", "en", "pt", None, "docs/guide/x.md: no 'en' language folder"),
    ("folder", "docs", "docs/en-us/x.md", "en", "pt", None, "choose the layout suffix or auto"),
    ("suffix", "docs", "docs/x.en.md", "en", "en", None, "source and target language are both en"),
    ("folder", "docs", "docs/en/x.md", "en", "EN", None, "source and target language are both EN"),
    ("folder", "docs/en", "docs/en/x.md", "en", "pt", "docs/en", "over the page itself"),
    ("suffix", "docs/a", "docs/x.md", "en", "pt", None, "not inside the translated folder"),
    ("suffix", "docs", "docs/x.md", "en", "../../etc", "out", "no language tag"),
    ("suffix", "docs", "docs/x.md", "en", "pt/x", None, "no language tag"),
    ("mirror", "docs", "docs/x.md", "en", "pt", None, "choose one of suffix, auto, folder"),
])
def test_errors_are_one_line(tmp_path, layout, root, page, src, tgt, out, message):
    base = tree(tmp_path, "markdown", page)
    with pytest.raises(UserError) as error:
        translation_path(base / page, base / root, src, tgt, layout, "markdown", base / out if out else None)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_every_layout_is_described():
    assert set(LAYOUT_HELP) == set(LAYOUTS) == {"suffix", "auto", "folder"}
