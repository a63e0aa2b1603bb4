"""Engines, registered by name; ``create_engine`` builds one from the config."""
from __future__ import annotations

from ..config import Config
from ..errors import UserError
from .base import Engine

ENGINE_NAMES = ("marian", "bergamot", "identity")


def create_engine(name: str, config: Config) -> Engine:
    """A new engine instance for ``name``, set up from ``config``."""
    if name == "marian":
        from .marian import MarianEngine

        return MarianEngine(**config.marian.model_dump())
    if name == "bergamot":
        from .bergamot import BergamotEngine

        return BergamotEngine(threads=config.bergamot.threads, postprocess=config.bergamot.postprocess)
    if name == "identity":
        from .identity import IdentityEngine

        return IdentityEngine()
    raise UserError(f"unknown engine {name!r}: choose one of {', '.join(ENGINE_NAMES)}")


__all__ = ["ENGINE_NAMES", "Engine", "create_engine"]
