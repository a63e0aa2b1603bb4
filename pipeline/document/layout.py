"""Where a translated page goes: the output layout of a translated documentation tree.

``translation_path(page, root, src, tgt, layout, dialect, out)`` names the file of the ``tgt``
translation of ``page``, a file under the translated directory ``root`` (``root`` may be the page
itself). Three layouts:

- ``suffix``: the page's name tagged with the language, ``NAME.TGT.md`` (a ``NAME.SRC.md`` tag is
  replaced; the extension is kept), beside the page.
- ``folder``: a language folder. The outermost folder of the page's path, relative to its project
  (the nearest folder above with a toolchain's project file or ``.git``, else the folder above
  ``root``), that equals the source tag is replaced by the target tag: ``docs/en/guide/x.md`` ->
  ``docs/pt/guide/x.md``. A page with no such folder is an error.
- ``auto``: what the project already has, by toolchain (``dialect``):

  - mkdocs: ``docs/SRC/...`` -> ``docs/TGT/...`` (as ``folder``); else mkdocs-static-i18n's
    ``page.TGT.md`` beside the page.
  - docusaurus: in the site (the nearest folder above with ``docusaurus.config.*``),
    ``docs/...`` -> ``i18n/TGT/docusaurus-plugin-content-docs/current/...``, ``blog/...`` ->
    ``i18n/TGT/docusaurus-plugin-content-blog/...``, ``src/pages/...`` ->
    ``i18n/TGT/docusaurus-plugin-content-pages/...``, ``versioned_docs/version-V/...`` ->
    ``i18n/TGT/docusaurus-plugin-content-docs/version-V/...``.
  - starlight: ``src/content/docs/SRC/...`` -> ``src/content/docs/TGT/...``; a root-locale page
    ``src/content/docs/x.mdx`` -> ``src/content/docs/TGT/x.mdx``.
  - vitepress: ``<docs>/SRC/...`` -> ``<docs>/TGT/...``; a root-locale page ``<docs>/x.md`` ->
    ``<docs>/TGT/x.md``, where ``<docs>`` is the folder holding ``.vitepress/``.
  - hugo: ``content/SRC/...`` -> ``content/TGT/...``; else ``page.TGT.md`` (translation by name).
  - any other toolchain, or a page outside the folders above (a README beside the site): suffix.

  Starlight, VitePress and Hugo see a locale only in the first folder of their content folder,
  so only that folder is matched there.

With ``out``, the translation goes under ``out`` instead, at the in-place translation's path
relative to ``root`` (the tree mirrored, so two ``index.md`` never collide, with the language
folder replaced or the i18n tree built when they lie below ``root``); where that path leaves
``root`` (``root`` is ``docs/en`` itself, or a Docusaurus ``docs`` folder), at the page's own path
relative to ``root``. The result is never outside ``out``.

Language tags: the target tag is written as given (``pt-BR``), lower-cased for the folders and
names of Starlight and Hugo (``pt-br``: Astro's locale folders, Hugo's language keys); Docusaurus
keeps the locale's case (``i18n/pt-BR``). The source tag matches case-insensitively (``EN`` is
``en``; ``en-us`` is not). The page's own path is never returned: that is an error.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from pipeline.document.dialects import DIALECTS
from pipeline.errors import UserError

LAYOUTS = ("suffix", "auto", "folder")
LAYOUT_HELP = {
    "suffix": "NAME.TGT.md beside the page (or mirrored under --out)",
    "auto": "the toolchain's own i18n layout (language folders, Docusaurus i18n/), else suffix",
    "folder": "the page's SRC language folder replaced by TGT (docs/en/x.md -> docs/pt/x.md)",
}

_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*\Z")
_LOWER_CASE_TAGS = ("starlight", "hugo")
_DOCUSAURUS_PLUGINS = {"docs": "docusaurus-plugin-content-docs", "blog": "docusaurus-plugin-content-blog"}


def translation_path(
    page: Path, root: Path, src: str, tgt: str, layout: str, dialect: str, out: Path | None = None
) -> Path:
    """Where the translation of ``page`` (a file under the translated directory ``root``) into ``tgt`` goes."""
    if layout not in LAYOUTS:
        raise UserError(f"unknown layout {layout!r}: choose one of {', '.join(LAYOUTS)}")
    if not _TAG.match(tgt):
        raise UserError(f"target language {tgt!r} is no language tag (like pt or pt-BR)")
    if src.lower() == tgt.lower():
        raise UserError(f"{page}: source and target language are both {tgt}; name another target language")
    page_at, root_at = _absolute(page), _absolute(root)
    if root_at == page_at:
        root_at = page_at.parent  # one page translated: its folder is the tree
    if not _under(page_at, root_at):
        raise UserError(f"{page}: not inside the translated folder {root}")
    tag = tgt.lower() if dialect in _LOWER_CASE_TAGS else tgt
    target = _in_place(page_at, root_at, src, tag, layout, dialect)
    if out is None:
        found, shown = target, _like(page, target)
    else:
        if _under(target, root_at):
            below = target.relative_to(root_at)
        else:  # the language folder or i18n tree is above root: mirror the page's own place
            below = page_at.relative_to(root_at).parent / target.name
        found, shown = _absolute(out) / below, Path(os.path.normpath(out)) / below
    if found == page_at or (found.exists() and found.samefile(page_at)):
        raise UserError(f"{page}: the {layout} layout would write its {tgt} translation over the page itself; "
                        "choose another layout or output folder")
    return shown


def _in_place(page: Path, root: Path, src: str, tag: str, layout: str, dialect: str) -> Path:
    """The translation's path in the project itself (``page`` and ``root`` absolute)."""
    if layout == "suffix":
        return _suffixed(page, src, tag)
    if layout == "folder":
        swapped = _swap_folder(page, _project_of(page) or root.parent, src, tag)
        if swapped is None:
            raise UserError(f"{page}: no {src!r} language folder in its path for the folder layout; "
                            "choose the layout suffix or auto")
        return swapped
    if dialect == "mkdocs":
        return _swap_folder(page, _project_of(page) or root.parent, src, tag) or _suffixed(page, src, tag)
    if dialect == "docusaurus":
        return _docusaurus(page, src, tag)
    if dialect == "starlight":
        project = _project_of(page, "starlight")
        content = project / "src" / "content" / "docs" if project else _ancestor(page, ("src", "content", "docs"))
        return _locale_folder(page, content, src, tag, root_locale=True)
    if dialect == "vitepress":
        return _locale_folder(page, _project_of(page, "vitepress"), src, tag, root_locale=True)
    if dialect == "hugo":
        project = _project_of(page, "hugo")
        content = project / "content" if project else _ancestor(page, ("content",))
        return _locale_folder(page, content, src, tag, root_locale=False)
    return _suffixed(page, src, tag)


def _suffixed(page: Path, src: str, tag: str) -> Path:
    """``NAME.TGT.EXT`` beside the page, for ``NAME.EXT`` or ``NAME.SRC.EXT``."""
    stem = page.stem
    if stem.lower().endswith("." + src.lower()) and len(stem) > len(src) + 1:
        stem = stem[: -len(src) - 1]
    return page.with_name(f"{stem}.{tag}{page.suffix or '.md'}")


def _swap_folder(page: Path, base: Path, src: str, tag: str) -> Path | None:
    """``page`` with the outermost folder below ``base`` named ``src`` renamed ``tag``; None if none is."""
    folders = page.relative_to(base).parts[:-1]
    for number, folder in enumerate(folders):
        if folder.lower() == src.lower():
            return base.joinpath(*folders[:number], tag, *folders[number + 1 :], page.name)
    return None


def _locale_folder(page: Path, content: Path | None, src: str, tag: str, *, root_locale: bool) -> Path:
    """In ``content``, the first folder ``src`` -> ``tag``; else ``tag/...`` (root locale) or suffix."""
    if content is None or not _under(page, content):
        return _suffixed(page, src, tag)
    parts = page.relative_to(content).parts
    if len(parts) > 1 and parts[0].lower() == src.lower():
        return content.joinpath(tag, *parts[1:])
    return content.joinpath(tag, *parts) if root_locale else _suffixed(page, src, tag)


def _docusaurus(page: Path, src: str, tag: str) -> Path:
    """The page's place in the site's ``i18n/TGT/`` tree; suffix outside docs, blog and pages."""
    site = _project_of(page, "docusaurus")
    if site is None:
        return _suffixed(page, src, tag)
    parts = page.relative_to(site).parts
    i18n = site / "i18n" / tag
    if len(parts) > 1 and parts[0] == "docs":
        return i18n.joinpath(_DOCUSAURUS_PLUGINS["docs"], "current", *parts[1:])
    if len(parts) > 1 and parts[0] == "blog":
        return i18n.joinpath(_DOCUSAURUS_PLUGINS["blog"], *parts[1:])
    if len(parts) > 2 and parts[:2] == ("src", "pages"):
        return i18n.joinpath("docusaurus-plugin-content-pages", *parts[2:])
    if len(parts) > 2 and parts[0] == "versioned_docs":
        return i18n.joinpath(_DOCUSAURUS_PLUGINS["docs"], *parts[1:])
    return _suffixed(page, src, tag)


def _project_of(page: Path, dialect: str | None = None) -> Path | None:
    """The nearest folder above ``page`` with ``dialect``'s project file (any toolchain's, or ``.git``,
    when None); the search ends at the repository's root."""
    names = [DIALECTS[dialect]] if dialect else list(DIALECTS.values())
    for folder in page.parents:
        if any(next(folder.glob(pattern), None) is not None for d in names for pattern in d.project_files):
            return folder
        if (folder / ".git").exists():
            return None if dialect else folder
    return None


def _ancestor(page: Path, names: tuple[str, ...]) -> Path | None:
    """The nearest folder above ``page`` whose last path components are ``names``."""
    for folder in page.parents:
        if folder.parts[-len(names) :] == names:
            return folder
    return None


def _absolute(path: Path) -> Path:
    return Path(os.path.normpath(os.path.abspath(path)))


def _under(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _like(page: Path, target: Path) -> Path:
    """``target`` (absolute) relative to the working folder when ``page`` was given relative."""
    if page.is_absolute():
        return target
    try:
        return target.relative_to(_absolute(Path.cwd()))
    except ValueError:
        return target
