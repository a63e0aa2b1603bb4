"""Plain Markdown (CommonMark and GitHub's): no toolchain syntax beyond what every dialect keeps
(``{...}``, ``{%...%}``, ``{{...}}``, ``{*...*}`` constructs, kept verbatim)."""
from pipeline.document.dialects.base import Dialect

MARKDOWN = Dialect("markdown", "Markdown (CommonMark, GitHub)")
