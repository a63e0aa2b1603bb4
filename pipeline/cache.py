"""The pipeline's own cache: tables derived from installed packages, kept compact for a fast start.

``$PIPELINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/newsletter-pipeline`` (``~/.cache`` by default). Every file is
named after the package version it comes from and written whole or not at all; one that cannot be read is
built again, and where nothing can be written the tables are read from the packages on every start.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def directory() -> Path:
    return Path(os.environ.get("PIPELINE_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsletter-pipeline")


def write(path: Path, fill: Callable[[Path], None]) -> bool:
    """``fill`` a new file that then replaces ``path`` in one step (never half written); False where the cache
    cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
        os.close(handle)
    except OSError:
        return False
    try:
        fill(Path(name))
        os.replace(name, path)
        return True
    except OSError:
        return False
    finally:
        if os.path.exists(name):
            os.unlink(name)
