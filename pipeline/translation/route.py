"""Translation: route each segment's masked text through an engine (or a pivot) and restore it.

Identical masked texts in an issue are translated once. When an engine loses a placeholder the
segment is recovered (markup-free sentence and each marked stretch translated separately, then
re-attached) and flagged so the back-check shows it to a reviewer.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from pipeline.config import Config
from pipeline.document.record import Document, Segment, SpanKind
from pipeline.document.verify import verify
from pipeline.errors import UserError
from pipeline.lang.detect import LETTER
from pipeline.terms import impose as terms
from pipeline.terms.protect import ATOMIC_TOKEN, GARBLED, TOKEN, closing_token, recased, unmask
from pipeline.translation import hub
from pipeline.translation.engines import Engine, create_engine


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
        needs = [self._needed(direct, src, tgt)]
        if pivot not in (src, tgt):
            needs.append(f"{self._needed(self._engine_for(src, pivot), src, pivot)} then {self._needed(self._engine_for(pivot, tgt), pivot, tgt)} through {pivot}")
        why = "HF_HUB_OFFLINE is set" if hub.offline_by_choice() else "the Hugging Face Hub cannot be reached" if hub.offline() else "the Hugging Face Hub does not have it"
        raise UserError(
            f"no engine available for {src}->{tgt}: it needs {' or '.join(needs)}; what is missing is not here ({why}):"
            f" get one with `pipeline models pull {src}-{tgt}` while online, or set translate.engines.\"{src}-{tgt}\" or marian.models.\"{src}-{tgt}\" in the config"
        )

    def copies_only(self, src: str, tgt: str) -> bool:
        """Whether every hop of the pair's route is the identity engine, which keeps every byte."""
        return all(hop.engine.name == "identity" for hop in self.route(src, tgt))

    def _needed(self, engine: Engine, src: str, tgt: str) -> str:
        """What serving the pair takes: the engine's model, named as the user can fetch it."""
        if engine.supports(src, tgt):
            return f"{src}->{tgt} on {engine.name}, which is here,"
        try:
            model = engine.model_id(src, tgt).split(":", 1)[-1]
        except UserError:
            return f"a {engine.name} model for {src}->{tgt}"
        a_path = model.startswith((".", "~", os.sep)) or model.count("/") > 1
        return f"{model} (no such directory)" if a_path and not os.path.isdir(os.path.expanduser(model)) else model

    def prefetch(self, src: str, tgt: str) -> None:
        """Let the engines that translate ``src`` into ``tgt`` load their models while the translations asked before that
        run (an engine with a ``prefetch`` method does; the others load when asked); no route is an error only when asked."""
        try:
            route = self.route(src, tgt)
        except UserError:
            return
        for hop in route:
            if prefetch := getattr(hop.engine, "prefetch", None):
                prefetch(hop.src, hop.tgt)

    def in_flight(self, src: str, tgt: str) -> int:
        """How many chunks ``translate_documents`` sends the pair's engines at once: the least any hop takes
        (an engine's ``in_flight``: one, unless it is safe and faster to call from several threads)."""
        return min((getattr(hop.engine, "in_flight", 1) for hop in self.route(src, tgt)), default=1)

    def run(self, route: list[Hop], texts: list[str]) -> list[str]:
        for hop in route:
            if texts:
                texts = hop.engine.translate(texts, hop.src, hop.tgt)
        return texts


def model_id(route: list[Hop]) -> str:
    return " > ".join(hop.engine.model_id(hop.src, hop.tgt) for hop in route)


def translate(document: Document, tgt: str, engines: Engines, passes: Sequence[str] | None = None) -> Counter[str]:
    """Fill ``target`` and ``origin`` of every masked segment that has no target yet; returns how many
    segments each pass translated.

    ``passes`` (default: the config's ``translate.term_passes``) are tried in turn: the first on every
    segment, each next one only on the segments whose translation still lacks a pinned glossary term, imposing just those terms
    ("inline": written in the source text, "placeholder": opaque). A later pass's output is kept only
    where it lacks fewer terms; the determiner before an imposed term is made to agree with it.
    """
    passes = passes or engines.config.translate.term_passes
    route = engines.route(document.src_lang, tgt)
    origin = model_id(route)
    pending = [s for s in document.segments if s.target is None]
    before = {id(s): list(s.flags) for s in pending}
    kept_from = dict.fromkeys(map(id, pending), "free")  # segment -> the pass whose output it keeps
    free_first = passes[0] == "free"
    if free_first:
        _translate_pass(pending, route, engines, origin)
        todo = [s for s in pending if terms.missing(s)]
    else:  # terms imposed from the start: segments without terms are translated as they are
        _translate_pass([s for s in pending if not terms.terms(s)], route, engines, origin)
        todo = [s for s in pending if terms.terms(s)]
    for style in passes[1:] if free_first else passes:
        if style == "free" or not todo:
            continue
        imposed = {id(s): terms.missing(s) if s.target is not None else terms.terms(s) for s in todo}
        copies = [terms.constrained(s, imposed[id(s)], style) for s in todo]
        _translate_pass(copies, route, engines, origin)
        for segment, copy in zip(todo, copies):
            copy.target = terms.agree(copy.target, imposed[id(segment)], tgt)
            if segment.target is None or len(terms.missing(segment, copy.target)) < len(terms.missing(segment)):
                segment.target, segment.origin, segment.flags = copy.target, copy.origin, before[id(segment)] + copy.flags
                kept_from[id(segment)] = style
        todo = [s for s in todo if terms.missing(s)]
    for segment in pending:  # where the glossary gives a term's gender, the determiner before it follows the glossary
        if segment.target is not None:
            segment.target = terms.agree(segment.target, [s for s in segment.spans if s.kind is SpanKind.TERM and s.grammar], tgt)
    verify(pending)
    return Counter(kept_from.values())


def _translate_pass(pending: list[Segment], route: list[Hop], engines: Engines, origin: str) -> None:
    """Translate the masked text of ``pending`` segments once, restoring markup (recovering lost markup)."""
    unique = list(dict.fromkeys(s.masked for s in pending))
    outputs = dict(zip(unique, map(recased, engines.run(route, unique))))  # "XQ2" is the Xq2 that was sent
    failed: list[tuple[Segment, list[str]]] = []
    for segment in pending:
        result = unmask(outputs[segment.masked], segment.placeholders)
        if result.problems and (repaired := _refill_empty_pairs(outputs[segment.masked], segment)):
            segment.flag("placeholders", "warning", "the engine moved a one-word link or emphasis out of its markup; the word before it was put back inside: check it", "; ".join(result.problems))
            result = repaired
        if result.problems:
            failed.append((segment, result.problems))
        else:
            text = _capitalized(result.text, outputs[segment.masked], segment.source, route[-1].tgt)
            segment.target, segment.origin = _line_breaks_inside(text, segment.source), origin
            _no_garbled_placeholder(segment)
    if failed:
        _recover(failed, route, engines, origin)


NO_CAPITAL_AT_START = frozenset({"ka"})  # a cased script whose sentences start in lower case (Georgian prose)
_URL_START = re.compile(r"(?:[a-z][\w+.-]*://|www\.|mailto:)", re.IGNORECASE)


def _capitalized(text: str, output: str, source: str, tgt: str) -> str:
    """``text`` (the restored ``output``) with its first letter upper-cased where the source starts with a capital and
    the engine lower-cased it ("# Tools" -> "ferramentas"); not when the translation starts with markup, a placeholder
    (a code span, a name kept as it is) or a URL, nor into a language whose sentences start in lower case."""
    start, lead = source.lstrip(), output.lstrip()
    if tgt in NO_CAPITAL_AT_START or not start[:1].isupper() or not lead[:1].islower():
        return text
    if GARBLED.match(lead) or _URL_START.match(lead):
        return text
    at = len(text) - len(text.lstrip())
    if text[at : at + 1] != lead[:1] or text[at].upper() == text[at] or len(text[at].upper()) != 1:
        return text  # the restored text does not start with the engine's word (or that letter has no single capital)
    return text[:at] + text[at].upper() + text[at + 1 :]


_EDGE_BREAK = re.compile(r"\A[ \t]*(\n[ \t]*)|[ \t]*(\n[ \t]*)\Z")


def _line_breaks_inside(text: str, source: str) -> str:
    """``text`` with a line break the engine moved to an end of the sentence put back inside it, at the space
    nearest to where the source had it: at an end, it would end the markup around the sentence too
    (``*foo\\nbar*`` read back as ``*barra foo\\n*``, no emphasis)."""
    edge = _EDGE_BREAK.search(text)
    if not edge or _EDGE_BREAK.search(source) or "\n" not in source:
        return text
    line_break = edge.group(1) or edge.group(2)
    body = text[: edge.start()] + text[edge.end() :]
    spaces = [m.start() for m in re.finditer(" ", body)]
    if not spaces:
        return text
    wanted = source.index("\n") / len(source) * len(body)
    at = min(spaces, key=lambda position: abs(position - wanted))
    return body[:at] + line_break + body[at + 1 :]


def translate_in_chunks(document: Document, tgt: str, engines: Engines, size: int, done: Callable[[list[Segment]], None]) -> None:
    """``translate`` ``size`` distinct source texts at a time, handing each chunk's segments to ``done``.

    Chunks are cut over all the document's distinct sources, pending or not, so a run resumed from
    what ``done`` stored sends the engine exactly the batches an uninterrupted run sends.
    """
    translate_documents([document], tgt, engines, size, lambda pieces: done(pieces[0][1]), in_flight=1)


Pieces = list[tuple[Document, list[Segment]]]  # segments of a chunk, by document (in the documents' order)


def translate_documents(documents: Sequence[Document], tgt: str, engines: Engines, size: int, done: Callable[[Pieces], None], in_flight: int | None = None) -> None:
    """``translate`` the pending segments of ``documents`` (one source language) into ``tgt`` together,
    ``size`` distinct source texts at a time, handing each chunk's segments to ``done`` by document.

    Chunks are cut over the distinct sources of all the documents, pending or not, so a run resumed
    from what ``done`` stored sends the engine exactly the batches an uninterrupted run sends; a
    source in several documents is translated once per distinct masked text. ``in_flight`` chunks are
    translated at once (default: what the route's engines take, ``Engines.in_flight``), each chunk
    handed to ``done`` on this thread as it is finished; an error stops the chunks not begun.
    """
    if not documents:
        return
    groups: dict[str, list[tuple[int, Segment]]] = {}
    for number, document in enumerate(documents):
        for segment in document.segments:
            groups.setdefault(segment.source, []).append((number, segment))
    sources = list(groups)
    chunks = []
    for start in range(0, len(sources), size):
        pending = [(n, s) for source in sources[start : start + size] for n, s in groups[source] if s.target is None]
        if pending:
            chunks.append(pending)
    first = documents[0]

    def run(chunk: list[tuple[int, Segment]]) -> Pieces:
        translate(replace(first, segments=[s for _, s in chunk]), tgt, engines)
        return [(documents[n], [s for m, s in chunk if m == n]) for n in sorted({n for n, _ in chunk})]

    width = min(len(chunks), in_flight or engines.in_flight(first.src_lang, tgt))
    if width <= 1:
        for chunk in chunks:
            done(run(chunk))
        return
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    with ThreadPoolExecutor(width, thread_name_prefix="chunk") as pool:
        waiting, running = iter(chunks), set()
        try:
            for chunk in waiting:
                running.add(pool.submit(run, chunk))
                if len(running) < width:
                    continue
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    done(future.result())
            for future in running:
                done(future.result())
        except BaseException:
            for future in running:
                future.cancel()
            raise


_ONE_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _refill_empty_pairs(output: str, segment: Segment):
    """Engines often move a one-word link text just before its (now empty) markup pair:
    `um ZZA4 método ZZB4` -> `um método ZZA4 ZZB4`. Put that word back; None if that is not it."""
    for key in segment.placeholders:
        token = key.strip()
        closer = closing_token(token)
        if closer is None:
            continue
        inner = re.search(rf"{token}(?!\d)(.*?){closer}(?!\d)", segment.masked)[1]
        empty = re.compile(rf"({_ONE_WORD.pattern})\s+({token})\s*({closer})(?!\d)")
        if _ONE_WORD.fullmatch(inner.strip()) and empty.search(output):
            output = empty.sub(r"\2 \1 \3", output, count=1)
    result = unmask(output, segment.placeholders)
    return None if result.problems else result


def _recover(failed: list[tuple[Segment, list[str]]], route: list[Hop], engines: Engines, origin: str) -> None:
    """Cut each failed segment at its markup pairs, translate the pieces apart, re-attach markup.

    Pieces lose some context, so the segment is flagged for review, but the markup comes back
    exactly once and in order, and no text is dropped or repeated.
    """
    plans = []
    requests: list[str] = []
    for segment, problems in failed:
        pair_keys = sorted((k for k in segment.placeholders if not ATOMIC_TOKEN.fullmatch(k.strip())), key=len, reverse=True)
        pieces = re.split("(" + "|".join(map(re.escape, pair_keys)) + ")", segment.masked) if pair_keys else [segment.masked]
        plan: list[str | tuple[int, str, str]] = []
        for index, piece in enumerate(pieces):
            if index % 2:
                plan.append(segment.placeholders[piece])
            elif LETTER.search(ATOMIC_TOKEN.sub("", piece)):
                lead, trail = piece[: len(piece) - len(piece.lstrip())], piece[len(piece.rstrip()) :]
                plan.append((len(requests), lead, trail))
                requests.append(piece.strip())
            else:
                plan.append(unmask(piece, _atomic_in(piece, segment.placeholders)).text)
        plans.append((segment, problems, plan))
    outputs = [recased(output) for output in engines.run(route, requests)]
    for segment, problems, plan in plans:
        text = []
        for part in plan:
            if isinstance(part, str):
                text.append(part)
                continue
            number, lead, trail = part
            atomic = _atomic_in(requests[number], segment.placeholders)
            restored = unmask(outputs[number], atomic)
            if restored.problems:  # still lost: keep the words, spans where the engine garbled them, or after them
                text_now = _restored(outputs[number], atomic)
                restored.text = text_now + "".join(f" {value}" for value in atomic.values() if value.strip() not in text_now)
            text.append(lead + " ".join(restored.text.split()) + trail)
        first = outputs[plan[0][0]] if plan and isinstance(plan[0], tuple) else ""
        segment.target, segment.origin = _capitalized("".join(text), first, segment.source, route[-1].tgt), origin
        segment.flag("placeholders", "warning", "the engine lost inline markup; the sentence was translated in pieces around it: check the wording", "; ".join(problems))
    for segment, _ in failed:
        _no_garbled_placeholder(segment)


_GARBLED_AND_SPACE = re.compile(rf"([ \t]?)({GARBLED.pattern})", GARBLED.flags)


def _no_garbled_placeholder(segment: Segment) -> None:
    """No placeholder, however the engine garbled it, reaches an output: one standing for a span the
    translation lacks ("Xqq3" for a name) is that span again, any other is removed; either way flagged."""
    if (found := GARBLED.findall(segment.target or "")) and not GARBLED.search(segment.source):
        segment.target = _restored(segment.target, segment.placeholders).strip()  # line breaks stay
        segment.flag("placeholders", "error", "the engine garbled a piece of markup or a name into a made-up word; it was put back from the source or removed: check the sentence against the source", ", ".join(found))


def _restored(text: str, placeholders: dict[str, str]) -> str:
    """``text`` with each garbled placeholder replaced by the atomic span it stands for, when ``text``
    lacks that span, and removed otherwise."""
    values = {int(m[2]): value for key, value in placeholders.items() if (m := TOKEN.fullmatch(key.strip())) and ATOMIC_TOKEN.fullmatch(key.strip())}

    def replace(match: re.Match) -> str:
        value = values.get(int(re.search(r"\d+", match[2])[0]))
        if value is None or value.strip() in text:
            return ""
        return match[1] + value.strip()

    return _GARBLED_AND_SPACE.sub(replace, text)


def _atomic_in(text: str, placeholders: dict[str, str]) -> dict[str, str]:
    """The atomic placeholders (keys with their glue spaces) that occur in ``text``."""
    tokens = set(ATOMIC_TOKEN.findall(text))
    return {key: value for key, value in placeholders.items() if key.strip() in tokens}
