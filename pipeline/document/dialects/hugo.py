"""Hugo: shortcodes ``{{< ... >}}`` and ``{{% ... %}}`` (their ``title``, ``alt``, ``caption`` props are
prose), ``{#id}`` anchors, and TOML front matter between ``+++`` lines (read by segmentation)."""
from pipeline.document.dialects.base import Dialect

HUGO = Dialect(
    "hugo", "Hugo",
    project_files=("hugo.toml", "hugo.yaml", "hugo.json", "config/_default/hugo.*", "config/_default/config.*", "config.toml"),
    front_matter_keys=("description", "linkTitle"),
)
