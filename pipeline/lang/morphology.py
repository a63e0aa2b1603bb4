"""Portuguese morphology from Apertium's analyser (Debian's apertium-por-cat, read by lttoolbox's lt-proc).

``analyses(words)`` gives each word every reading the analyser knows ("guia": the noun of both genders and
two forms of "guiar"), an empty set for a word it does not know. One lt-proc runs per process in null-flush
mode (``-z``) and answers every batch; each word is asked once. Without lt-proc or the analyser file
``available()`` is False and every word is unknown. ``PIPELINE_PT_ANALYSER`` names another analyser file.
"""
from __future__ import annotations

import atexit
import os
import re
import select
import shutil
import subprocess
import threading
from collections.abc import Iterable
from typing import NamedTuple

ENV = "PIPELINE_PT_ANALYSER"
DEBIAN_ANALYSER = "/usr/share/apertium/apertium-por-cat/por-cat.automorf.bin"
_ASKABLE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")  # letters, hyphenated parts: nothing the stream format escapes
_UNIT = re.compile(r"\^((?:[^$\\]|\\.)*)\$")
_SPLIT = re.compile(r"(?<!\\)/")
_PART = re.compile(r"(?<!\\)\+(?=[^<>]*(?:<|$))")  # "em<pr>+o<det>...": the "+" between the parts of a contraction
_GENDERS = {"m", "f", "mf", "nt"}
_NUMBERS = {"sg", "pl", "sp"}
_BATCH = 200  # words written before their answers are read: both stay well under a pipe's buffer
_TIMEOUT_S = 10.0


class Reading(NamedTuple):
    """One analysis of a word: of "no", lemma "o", pos "det", gender "m", number "sg", joined "em<pr>"."""

    lemma: str  # casefolded
    pos: str  # Apertium's first tag: n, adj, det, prn, pr, vblex, adv, ...
    gender: str  # m, f, mf (either), nt, or "" where the reading has none
    number: str  # sg, pl, sp (either), or ""
    tags: tuple[str, ...]  # every tag of the part: ("vblex", "pri", "p3", "sg")
    joined: str = ""  # the parts of a contraction before this one: "em<pr>" for "no", "de<pr>" for "dos"


def path() -> str:
    """The analyser file: ``$PIPELINE_PT_ANALYSER``, else Debian's."""
    return os.environ.get(ENV) or DEBIAN_ANALYSER


def available() -> bool:
    """Whether lt-proc and the analyser file are there (and the analyser has not failed in this process)."""
    return _analyser() is not None


def analyses(words: Iterable[str]) -> dict[str, frozenset[Reading]]:
    """Every reading of each word, asked of the analyser in one batch for the words not asked before."""
    words = set(words)
    analyser = _analyser()
    if analyser is None:
        return {w: frozenset() for w in words}
    return analyser.analyse(words)


def reset() -> None:
    """Forget the analysers and their answers (the next call looks for the analyser again)."""
    with _LOCK:
        for analyser in _ANALYSERS.values():
            if analyser is not None:
                analyser.close()
        _ANALYSERS.clear()


def parse(unit: str) -> frozenset[Reading]:
    """The readings of one lt-proc answer ``^surface/analysis/...$`` (none for ``^word/*word$``)."""
    analyses = _SPLIT.split(unit)[1:]
    readings = set()
    for analysis in analyses:
        if analysis.startswith("*"):
            return frozenset()
        *before, last = _PART.split(analysis)
        tags = tuple(re.findall(r"<([^<>]+)>", last))
        if not tags:
            continue
        gender = next((t for t in tags if t in _GENDERS), "")
        number = next((t for t in tags if t in _NUMBERS), "")
        readings.add(Reading(last.split("<", 1)[0].casefold(), tags[0], gender, number, tags, "+".join(before)))
    return frozenset(readings)


class _Analyser:
    """One lt-proc -z process, with the answers it gave."""

    def __init__(self, file: str):
        self.file, self.known, self.process, self.pid = file, {}, None, None

    def analyse(self, words: set[str]) -> dict[str, frozenset[Reading]]:
        with _LOCK:
            new = sorted(w for w in words if w not in self.known)
            for word in (w for w in new if not _ASKABLE.fullmatch(w)):
                self.known[word] = frozenset()
            asked = [w for w in new if w not in self.known]
            try:
                for start in range(0, len(asked), _BATCH):
                    batch = asked[start : start + _BATCH]
                    for word, answer in zip(batch, self._ask(batch)):
                        unit = _UNIT.fullmatch(answer.strip())
                        self.known[word] = parse(unit[1]) if unit and _SPLIT.split(unit[1])[0] == word else frozenset()
            except (OSError, ValueError, subprocess.SubprocessError):
                self.close()
                _ANALYSERS[self.file] = None  # failed: unavailable for the rest of the process
                return {w: self.known.get(w, frozenset()) for w in words}
            if len(self.known) > 500_000:
                self.known.clear()
            return {w: self.known.get(w, frozenset()) for w in words}

    def _ask(self, words: list[str]) -> list[str]:
        if self.process is None or self.pid != os.getpid() or self.process.poll() is not None:
            self.process = subprocess.Popen(["lt-proc", "-z", self.file], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            self.pid = os.getpid()
        self.process.stdin.write(b"".join(w.encode() + b"\0" for w in words))
        self.process.stdin.flush()
        answers, pending, fd = [], b"", self.process.stdout.fileno()
        while len(answers) < len(words):
            if not select.select([fd], [], [], _TIMEOUT_S)[0]:
                raise subprocess.TimeoutExpired("lt-proc", _TIMEOUT_S)
            chunk = os.read(fd, 65536)
            if not chunk:
                raise OSError("lt-proc stopped")
            *done, pending = (pending + chunk).split(b"\0")
            answers += [a.decode("utf-8", "replace") for a in done]
        return answers[: len(words)]

    def close(self) -> None:
        if self.process is not None and self.pid == os.getpid():
            self.process.kill()
            self.process.wait()
        self.process = None


_LOCK = threading.RLock()
_ANALYSERS: dict[str, _Analyser | None] = {}


def _analyser() -> _Analyser | None:
    file = path()
    with _LOCK:
        if file not in _ANALYSERS:
            _ANALYSERS[file] = _Analyser(file) if shutil.which("lt-proc") and os.path.isfile(file) else None
        return _ANALYSERS[file]


atexit.register(reset)
