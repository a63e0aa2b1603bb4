"""Documentation dialects: the toolchain syntax that translation keeps, one module per toolchain.

``DIALECTS`` is the table (name -> Dialect). A page's dialect is the one named (``--dialect``, the
config's ``segment.dialect``), else the one whose project file sits in the nearest folder above the
page (``mkdocs.yml``, ``docusaurus.config.js``, ``astro.config.mjs``, ``.vitepress/``, ``hugo.toml``,
``_config.yml``, ``conf.py``...), else plain Markdown (MDX for ``.mdx`` files).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pipeline.document.dialects.base import Dialect, Lines, Syntax
from pipeline.document.dialects.hugo import HUGO
from pipeline.document.dialects.jekyll import JEKYLL
from pipeline.document.dialects.markdown import MARKDOWN
from pipeline.document.dialects.mdx import DOCUSAURUS, MDX, STARLIGHT
from pipeline.document.dialects.mkdocs import MKDOCS
from pipeline.document.dialects.myst import MYST
from pipeline.document.dialects.vitepress import VITEPRESS
from pipeline.errors import UserError

# In the order a folder is searched: where one folder holds the files of two toolchains (a Jupyter
# Book's _config.yml next to its _toc.yml), the more specific comes first.
DIALECTS: dict[str, Dialect] = {d.name: d for d in (MARKDOWN, MKDOCS, DOCUSAURUS, STARLIGHT, VITEPRESS, MYST, HUGO, JEKYLL, MDX)}

__all__ = ["DIALECTS", "Dialect", "Lines", "Syntax", "detect_dialect", "dialect_named", "dialect_for", "page_dialect"]


def dialect_named(name: str) -> Dialect:
    """The dialect called ``name`` ("auto" is not a dialect: see ``dialect_for``); else a one-line error."""
    try:
        return DIALECTS[name.strip().lower()]
    except KeyError:
        raise UserError(f"unknown dialect {name!r}: choose auto or one of {', '.join(DIALECTS)}") from None


def detect_dialect(path: Path) -> Dialect | None:
    """The toolchain of the nearest folder above ``path`` that has a project file, up to the repository's root."""
    return _toolchain_above(path.resolve().parent)


@lru_cache(maxsize=256)
def _toolchain_above(folder: Path) -> Dialect | None:
    """``detect_dialect`` for the pages of ``folder``: looked up once per folder and process (a run asks for every
    page, and its project files are globbed one and two folders down in each folder above)."""
    for candidate in (folder, *folder.parents):
        for dialect in DIALECTS.values():
            if any(next(candidate.glob(pattern), None) is not None for pattern in dialect.project_files):
                return dialect
        if (candidate / ".git").exists():
            break
    return None


def page_dialect(setting: str | None, name: str | Path | None) -> Dialect:
    """The dialect of the page called ``name`` (a file name; "<stdin>"-like names are no file) for the
    config's or command line's ``setting``."""
    path = Path(name) if name is not None and not str(name).startswith("<") else None
    return dialect_for(setting, path)


def dialect_for(name: str | None, path: Path | None) -> Dialect:
    """The dialect of a page: ``name`` unless it is "auto" or empty, else detected from ``path``'s project."""
    if name and name.strip().lower() != "auto":
        return dialect_named(name)
    detected = detect_dialect(path) if path is not None else None
    if detected is not None:
        return detected
    return MDX if path is not None and path.suffix.lower() == ".mdx" else MARKDOWN
