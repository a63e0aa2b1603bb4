"""Fingerprints of what a result was computed from, so that a re-run can reuse it when nothing changed.

Every fingerprint covers this pipeline's own code: any change to it invalidates what older code stored.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path


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
