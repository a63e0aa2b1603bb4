"""Engines, registered by name; ``create_engine`` builds one from the config."""
from __future__ import annotations

from pipeline.config import Config
from pipeline.errors import UserError
from pipeline.translation.engines.base import Engine

ENGINE_NAMES = ("marian", "ctranslate2", "bergamot", "identity")
FACTORIES: dict[str, str] = {}  # engine name -> "module:callable", called with the config (``register_engine``)


def register_engine(name: str, factory: str) -> None:
    """Let ``create_engine`` build ``name`` by calling ``factory`` ("package.module:callable") with the config.
    A name, not an object, so that a process elsewhere (a Ray worker) can build the same engine."""
    FACTORIES[name] = factory


def build_from(factory: str, config: Config) -> Engine:
    """The engine ``factory`` ("module:callable") makes from ``config``."""
    from importlib import import_module

    module, _, attribute = factory.partition(":")
    return getattr(import_module(module), attribute)(config)


def create_engine(name: str, config: Config) -> Engine:
    """A new engine instance for ``name``, set up from ``config``."""
    if name in FACTORIES:
        return build_from(FACTORIES[name], config)
    if name == "marian":
        from pipeline.translation.engines.marian import MarianEngine

        return MarianEngine(**config.marian.model_dump())
    if name == "ctranslate2":
        from pipeline.translation.engines.ctranslate2 import CTranslate2Engine

        marian, ct2 = config.marian, config.ctranslate2
        return CTranslate2Engine(
            models=marian.models,
            model_template=marian.model_template,
            target_tokens=marian.target_tokens,
            allow_pickle=marian.allow_pickle,
            beam_size=ct2.beam_size,
            batch_tokens=ct2.batch_tokens,
            max_batch_size=ct2.max_batch_size,
            device=ct2.device,
            num_threads=ct2.threads,
            compute_type=ct2.compute_type,
            cache_dir=str(config.resolve(ct2.cache_dir)) if ct2.cache_dir else None,
        )
    if name == "bergamot":
        from pipeline.translation.engines.bergamot import BergamotEngine

        return BergamotEngine(threads=config.bergamot.threads, postprocess=config.bergamot.postprocess)
    if name == "identity":
        from pipeline.translation.engines.identity import IdentityEngine

        return IdentityEngine()
    raise UserError(f"unknown engine {name!r}: choose one of {', '.join(ENGINE_NAMES)}")


__all__ = ["ENGINE_NAMES", "FACTORIES", "Engine", "build_from", "create_engine", "register_engine"]
