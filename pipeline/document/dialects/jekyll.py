"""Jekyll (Liquid, kramdown): ``{% tags %}``, ``{{ expressions }}``, ``{: .class}`` attribute lists; the
lines between ``{% raw %}``/``{% highlight %}``/``{% comment %}`` and their end tags are kept whole."""
from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.document.dialects.base import Dialect, Lines, Syntax

_OPEN = re.compile(r"\{%-?\s*(raw|highlight|comment)\b[^%]*-?%\}")


def verbatim_blocks(lines: Lines) -> Iterator[Syntax]:
    """From ``{% raw %}`` (``highlight``, ``comment``) to its end tag: nothing inside is prose."""
    text = lines.text
    for opening in _OPEN.finditer(text):
        closing = re.compile(r"\{%-?\s*end" + opening[1] + r"\s*-?%\}").search(text, opening.end())
        if closing:
            yield Syntax(opening.start(), closing.end(), f"{opening[1]} block")


JEKYLL = Dialect("jekyll", "Jekyll (Liquid, kramdown)", project_files=("_config.yml", "_config.yaml"), rules=(verbatim_blocks,), front_matter_keys=("description",))
