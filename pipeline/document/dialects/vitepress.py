"""VitePress: ``::: tip Title`` containers, ``<<< @/file`` includes, ``[[toc]]``, Vue components,
``{{ expressions }}``, emoji shortcodes and ``{#id}`` anchors."""
from pipeline.document.dialects.base import Dialect, line_rule
from pipeline.document.dialects.mdx import ASIDE, components
from pipeline.document.dialects.mkdocs import EMOJI

VITEPRESS = Dialect(
    "vitepress", "VitePress",
    project_files=(".vitepress/config.js", ".vitepress/config.ts", ".vitepress/config.mjs", ".vitepress/config.mts"),
    front_matter_keys=("description",),
    rules=(ASIDE, line_rule(r"[ \t]*<<<[ \t]+\S.*", "include line"), line_rule(r"[ \t]*\[\[toc\]\][ \t]*", "table of contents"), components, EMOJI),
)
