"""The pipeline's own cache: tables derived from installed packages, kept compact for a fast start.

``$PIPELINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/newsletter-pipeline`` (``~/.cache`` by default). Every file is
named after the package version it comes from and written whole or not at all; one that cannot be read is
built again, and where nothing can be written the tables are read from the packages on every start.

``fingerprint``: a digest of what a result was computed from, so that a re-run can reuse it when nothing
changed. Every fingerprint covers this pipeline's own code: any change to it invalidates what older code stored.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from functools import lru_cache
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


def sqlite(path: Path, fill: Callable[[Path], None]) -> sqlite3.Connection | None:
    """The SQLite file at ``path`` opened read-only (for any thread), built by ``fill`` first where it is missing,
    damaged or incomplete (``fill`` ends by adding a ``complete`` row to an ``about`` table); None where it cannot be
    built."""
    connection = _complete(path)
    if connection is None and write(path, fill):
        connection = _complete(path)
    return connection


def _complete(path: Path) -> sqlite3.Connection | None:
    if not path.exists():
        return None
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    except sqlite3.Error:
        return None
    try:
        if connection.execute("SELECT value FROM about WHERE key = 'complete'").fetchone():
            return connection
    except sqlite3.Error:
        pass  # not a database, or not one of ours
    connection.close()
    return None


def in_chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    """``items`` ``size`` at a time: what one ``IN (...)`` query binds (SQLite allows a few hundred variables)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@lru_cache(maxsize=1)
def _code() -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(*parts) -> str:
    """A digest of ``parts`` (anything JSON can write) and of the pipeline's code."""
    data = json.dumps([_code(), *parts], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:32]
