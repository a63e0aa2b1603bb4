"""Translation: route each segment's masked text through an engine (or a pivot) and restore it.

Identical masked texts in an issue are translated once. When an engine loses a placeholder the
segment is recovered (markup-free sentence and each marked stretch translated separately, then
re-attached) and flagged so the back-check shows it to a reviewer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .config import Config
from .document import Document, Segment
from .engines import Engine, create_engine
from .errors import UserError
from .protect import unmask


@dataclass(frozen=True)
class Hop:
    engine: Engine
    src: str
    tgt: str


class Engines:
    """Engine instances shared by every file and direction of a run, so models load once."""

    def __init__(self, config: Config, engine: str | None = None):
        self.config = config
        self.override = engine
        self._instances: dict[str, Engine] = {}
        self.calls = 0  # batches sent to engines, for "no wasted work" checks

    def get(self, name: str) -> Engine:
        if name not in self._instances:
            self._instances[name] = create_engine(name, self.config)
        return self._instances[name]

    def _engine_for(self, src: str, tgt: str) -> Engine:
        return self.get(self.override or self.config.engine_for(src, tgt))

    def route(self, src: str, tgt: str) -> list[Hop]:
        """The direct engine for the pair, else a pivot through the configured language."""
        if src == tgt:
            raise UserError(f"source and target language are both '{src}': pick another --to (or --from)")
        direct = self._engine_for(src, tgt)
        if direct.supports(src, tgt):
            return [Hop(direct, src, tgt)]
        pivot = self.config.translate.pivot
        if pivot not in (src, tgt):
            first, second = self._engine_for(src, pivot), self._engine_for(pivot, tgt)
            if first.supports(src, pivot) and second.supports(pivot, tgt):
                return [Hop(first, src, pivot), Hop(second, pivot, tgt)]
        raise UserError(
            f"no engine available for {src}->{tgt} ({direct.name} has no model for it, offline or not configured):"
            f' set translate.engines."{src}-{tgt}" or marian.models."{src}-{tgt}" in the config'
        )

    def run(self, route: list[Hop], texts: list[str]) -> list[str]:
        for hop in route:
            if texts:
                self.calls += 1
                texts = hop.engine.translate(texts, hop.src, hop.tgt)
        return texts


def model_id(route: list[Hop]) -> str:
    return " > ".join(hop.engine.model_id(hop.src, hop.tgt) for hop in route)


def translate(document: Document, tgt: str, engines: Engines) -> None:
    """Fill ``target`` and ``origin`` of every masked segment that has no target yet."""
    route = engines.route(document.src_lang, tgt)
    origin = model_id(route)
    pending = [s for s in document.segments if s.target is None]
    unique = list(dict.fromkeys(s.masked for s in pending))
    outputs = dict(zip(unique, engines.run(route, unique)))
    failed: list[tuple[Segment, list[str]]] = []
    for segment in pending:
        result = unmask(outputs[segment.masked], segment.placeholders)
        if result.problems:
            failed.append((segment, result.problems))
        else:
            segment.target, segment.origin = result.text, origin
    if failed:
        _recover(failed, route, engines, origin)


_PAIR_KEY = re.compile(r"\s?Z[AB]\d+\s?")


def _recover(failed: list[tuple[Segment, list[str]]], route: list[Hop], engines: Engines, origin: str) -> None:
    """Translate markup-free text and each marked stretch separately, then re-attach markup."""
    requests: list[str] = []
    plans = []
    for segment, problems in failed:
        masked = segment.masked
        flat = re.sub(r"\s{2,}", " ", _PAIR_KEY.sub(" ", masked)).strip()
        pairs = []
        for key, original in segment.placeholders.items():
            if key.strip().startswith("ZA"):
                close_key = next(k for k in segment.placeholders if k.strip() == "ZB" + key.strip()[2:])
                inner = masked[masked.index(key) + len(key) : masked.index(close_key)]
                pairs.append((original, segment.placeholders[close_key], _PAIR_KEY.sub(" ", inner).strip()))
        plans.append((segment, problems, len(requests), pairs))
        requests.append(flat)
        requests.extend(inner for _, _, inner in pairs)
    outputs = engines.run(route, requests)
    for segment, problems, first, pairs in plans:
        atomic = {k: v for k, v in segment.placeholders.items() if not k.strip().startswith(("ZA", "ZB"))}
        text = _restore_atomic(outputs[first], atomic)
        cursor = 0
        for offset, (opener, closer, _) in enumerate(pairs, start=1):
            inner = _restore_atomic(outputs[first + offset], atomic, append_missing=False).strip()
            at = text.lower().find(inner.lower(), cursor) if inner else -1
            if at < 0:
                text, at = f"{text} {opener}{inner}{closer}", len(text) + 1
                cursor = len(text)
            else:  # the next pair is searched from here on: it may sit inside this one
                text = text[:at] + opener + text[at : at + len(inner)] + closer + text[at + len(inner) :]
                cursor = at + len(opener)
        segment.target, segment.origin = text, origin
        segment.flag("placeholders", "warning", "the engine lost inline markup; it was re-attached by recovery: check its position", "; ".join(problems))


def _restore_atomic(output: str, atomic: dict[str, str], append_missing: bool = True) -> str:
    """Restore what came back of the atomic placeholders; append the missing ones if asked."""
    result = unmask(output, atomic)
    if not result.problems:
        return result.text
    text = output
    missing = []
    for key, original in atomic.items():
        token = key.strip()
        pattern = re.compile(rf"\s?{token[0]}\s?{token[1]}\s?{token[2:]}(?!\d)\s?", re.IGNORECASE)
        if len(pattern.findall(text)) >= 1:
            text = pattern.sub(lambda m: m[0].replace(m[0].strip(), original), text, count=1)
            text = pattern.sub(" ", text)
        else:
            missing.append(original)
    if append_missing and missing:
        text = f"{text.rstrip()} {' '.join(missing)}"
    return text
