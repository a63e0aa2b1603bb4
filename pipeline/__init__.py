"""Translate newsletter issues with open neural MT, keeping their Markdown structure, and show a
reviewer what must be fixed.

    import pipeline

    result = pipeline.translate("Thank you for reading this issue.", to="pt")
    print(result.text)                                   # the translated Markdown
    for segment in result.segments:                      # each sentence, its translation and flags
        print(segment.source, "->", segment.target, [flag.message for flag in segment.flags])

    gate = pipeline.check("Thank you for reading.", "Obrigado por ler.", src="en", to="pt")
    print(gate.passed, [finding.message for finding in gate.findings])

    nlp = pipeline.Pipeline()                            # load once (config, models, memory), call many times
    nlp.translate_file("issue-05.en.md", to="pt-BR", out="translated/")

The command line (``pipeline translate``, ``check``, ``review``...) runs on the same ``Pipeline``.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the modules load on first use: `import pipeline` stays fast
    from pipeline.quality.findings import PairResult
    from pipeline.run import Pipeline, Translation

__all__ = ["Pipeline", "Translation", "check", "translate", "translate_file"]


def translate(text: str, to: str, src: str | None = None, *, engine: str | None = None, config: str | Path | None = None, memory: str | Path | None = None, backcheck: bool = True) -> Translation:
    """Translate a Markdown (or plain) ``text`` into ``to`` ("pt", "pt-BR", "zh-CN"...).

    ``src`` is detected when not given; ``engine`` forces one engine (marian, ctranslate2, bergamot,
    identity); ``config`` is a TOML file (default configs/default.toml); ``memory`` the translation
    memory file. The result has ``.text`` (the translated document), ``.src``, ``.segments`` (each
    with ``target``, ``scores`` and ``flags``) and ``.report`` (the JSON report as a dict, None
    without ``backcheck``). Models load once per (config, memory, engine) in a process.
    """
    from pipeline.errors import api_errors  # (imported on use: `import pipeline` loads nothing else)

    with api_errors():
        return _pipeline(config, memory, engine).translate(text, to, src, backcheck=backcheck)


def translate_file(path: str | Path, to: str, src: str | None = None, *, out: str | Path | None = None, overwrite: bool = False, bilingual: bool = False, engine: str | None = None, config: str | Path | None = None, memory: str | Path | None = None, backcheck: bool = True) -> Translation:
    """Translate the issue at ``path`` and write it as ``pipeline translate`` does: ``NAME.TO.md`` next to
    it (an existing file there is an error unless ``overwrite``) or in the directory ``out``, with its
    report ``NAME.TO.report.json``. Returns what ``translate`` returns, with ``.output``."""
    from pipeline.errors import api_errors  # (imported on use: `import pipeline` loads nothing else)

    with api_errors():
        return _pipeline(config, memory, engine).translate_file(path, to, src, out=out, overwrite=overwrite, bilingual=bilingual, backcheck=backcheck)


def check(source: str | Path, translation: str | Path, src: str | None = None, to: str | None = None, *, config: str | Path | None = None, engine: str | None = None) -> PairResult:
    """The quality gate (``pipeline check``) on ``translation`` of ``source``, each a text or a
    ``pathlib.Path`` to read. Returns ``.passed`` (no error) and ``.findings`` (check, severity,
    message and line of each), with the gate's configuration (configs/ci.toml) unless ``config``."""
    from pipeline.config import CI_CONFIG
    from pipeline.errors import api_errors  # (imported on use: `import pipeline` loads nothing else)

    with api_errors():
        return _pipeline(config or CI_CONFIG, None, engine).check(source, translation, src, to)


@lru_cache(maxsize=8)
def _pipeline(config: str | Path | None, memory: str | Path | None, engine: str | None) -> Pipeline:
    from pipeline.run import Pipeline

    return Pipeline(config, memory, engine)


def __getattr__(name: str):
    if name in ("Pipeline", "Translation"):
        from pipeline import run

        return getattr(run, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
