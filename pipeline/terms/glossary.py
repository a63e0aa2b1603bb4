"""Terminology control: glossary files, the term matcher, compliance checks and the linter.

A glossary directory holds hand-edited, diff-reviewed files:

``keep.txt``
    Do-not-translate terms (product, library, model, data set and person names), one per line,
    optionally followed by ``<TAB>notes``. They apply to every language pair; the pinned target
    of a keep term is the text exactly as matched (so ``GPUs`` stays ``GPUs``).
``SRC-TGT.tsv``
    One file per language pair: ``source<TAB>target[<TAB>notes]``. Loading the reverse pair
    (``pt`` -> ``en`` from ``en-pt.tsv``) swaps the columns; when several sources share one
    target (``neural network``/``neural networks`` -> ``神经网络``) the first line wins there.

Lines starting with ``#`` and blank lines are ignored. Notes are ``;``-separated items; an item
that is exactly one of ``case-sensitive``, ``case-insensitive``, ``whole-word`` or ``substring``
is a flag, everything else is free text. Defaults, derived from the side being matched: a term
with an upper-case letter is case-sensitive, an all-lower-case one is not; every term is
whole-word. Explicit flags apply in both directions.

Matching rules (``Glossary.find``):

* one compiled alternation, longest source first: at any position the longest term wins, and
  matches never overlap (leftmost match first, as a regex scan does);
* a word boundary means "not next to a letter, digit or underscore"; CJK characters never count
  as word characters, so ``BERT模型`` matches ``BERT`` and CJK terms match inside CJK text;
* excluded ranges (the caller's, plus URLs, e-mail addresses and ``X1X``/``ZXQ1``-style
  placeholders found in the text) are hard separators: no match overlaps one and their edges
  count as word boundaries, so a term glued to a placeholder (``X1XBERTX2X``) still matches;
* plurals: a whole-word keep term also matches with a trailing English plural (``s``, or
  ``es`` after s/x/z/ch/sh), since its pinned form is the matched text (``CNN`` -> ``CNNs``).
  Pair terms do not: their target is singular, so plurals are separate entries.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pipeline.config import Config
from pipeline.errors import UserError
from pipeline.lang.lexicon import inflections

KEEP_FILE = "keep.txt"
FLAGS = ("case-sensitive", "case-insensitive", "whole-word", "substring")

# Word characters for boundaries: \w minus CJK (ideographs, kana, hangul, full-width forms).
_CJK = "\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f"
_WORD = f"[^\\W{_CJK}]"
_IS_WORD = re.compile(_WORD)
_CJK_CHAR = re.compile(f"[{_CJK}]")
# Boundaries as (before, right after the first character; after). A class with CJK ranges takes a millisecond to
# compile, and a glossary has a hundred boundaries: where no term has a CJK character, the text is scanned with its
# CJK characters blanked to _BLANK (no word character), and plain \w boundaries mean the same.
_BOUNDARIES = {True: (rf"(?<!{_WORD}[\s\S])", rf"(?!{_WORD})"), False: (r"(?<!\w[\s\S])", r"(?!\w)")}
_BLANK = "\x00"
_AUTO_EXCLUDE = re.compile(
    r"(?:https?|ftp)://\S+|www\.\S+"  # URLs with a scheme or www.
    r"|\b[\w-]+(?:\.[\w-]+)+/\S*"  # bare host/path: github.com/dair-ai
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail
    r"|X\d+X|ZXQ(?:\d+|[A-Z])Z?|ZZ[A-Z]\d+"  # placeholders: X1X, ZXQ1, ZXQ1Z, ZXQA, ZZQ1
)
_OPENERS = frozenset(" \t\n*_\"'“‘([")
_PAIR_FILE = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})\.tsv$")


class GlossaryError(UserError):
    """A glossary file that cannot be loaded; the message is ``path:line: reason``."""


@dataclass(frozen=True)
class Term:
    """One glossary entry, oriented for the direction it was loaded in."""

    source: str
    target: str
    keep: bool  # do-not-translate: the pinned form is the matched text itself
    case_sensitive: bool
    whole_word: bool
    note: str  # free text from the notes column (flags removed)
    origin: str  # "file:line"
    forms: tuple[str, ...] = ()  # other acceptable forms of the target: listed ("also: ...") and inflected
    grammar: str = ""  # the target's gender and number where the glossary says it ("f", "mp"): for agreement


@dataclass(frozen=True)
class TermMatch:
    """A glossary term found in a sentence: ``text`` is ``sentence[start:end]``."""

    start: int
    end: int
    term: Term
    text: str
    sentence_start: bool = False  # only opening markup/quotes before it, or after ". "/"! "/"? "

    @property
    def pinned(self) -> str:
        """The form the translation must contain for this match.

        Keep terms: the matched text. Translated terms: the target, with its first letter
        upper-cased when the match opens a sentence and was capitalised although the glossary
        source is lower-case ("Fine-tuning is..." -> "Ajuste fino...").
        """
        if self.term.keep:
            return self.text
        return self._cased(self.term.target)

    @property
    def forms(self) -> tuple[str, ...]:
        """Other forms of the target the translation may contain instead (plural, listed variants)."""
        return tuple(self._cased(form) for form in self.term.forms) if not self.term.keep else ()

    def _cased(self, target: str) -> str:
        if self.sentence_start and self.text[:1].isupper() and self.term.source[:1].islower():
            return target[:1].upper() + target[1:]
        return target


@dataclass(frozen=True)
class LintProblem:
    """One finding of ``lint``; ``str()`` gives ``path:line: severity: message`` (line 0: whole file)."""

    path: str
    line: int
    severity: Literal["error", "warning"]
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class _Entry:
    """A parsed line, before it is oriented into a Term; flags are None unless explicit."""

    path: str
    line: int
    source: str
    target: str
    note: str
    case_sensitive: bool | None
    whole_word: bool | None
    keep: bool
    also: tuple[str, ...] = ()  # "also: ..." : other acceptable forms of the target column
    grammar: str = ""  # "gender: f", "number: plural" of the target column, as "f", "fp"...

    def term(self, reverse: bool = False, tgt: str = "") -> Term:
        """The entry oriented for a direction; ``tgt`` (the target language) adds the target's inflected forms.
        Listed forms and grammar describe the target column, so the reverse direction has neither."""
        source, target = (self.target, self.source) if reverse else (self.source, self.target)
        keep = self.keep or source == target
        listed = () if reverse or keep else self.also
        inflected = () if keep or not tgt else tuple(sorted(inflections(target, tgt)))
        return Term(
            source=source,
            target=target,
            keep=keep,
            case_sensitive=self.case_sensitive if self.case_sensitive is not None else source != source.lower(),
            whole_word=self.whole_word if self.whole_word is not None else True,
            note=self.note,
            origin=f"{self.path}:{self.line}",
            forms=tuple(dict.fromkeys(f for f in (*listed, *inflected) if f != target)),
            grammar="" if reverse else self.grammar,
        )


def _regex_parts(term: Term) -> tuple[str, str, bool, bool]:
    """The regex for a term as (first character, the rest, boundary before, boundary after).

    Any whitespace run in the source matches any whitespace run.
    """
    text = term.source
    words = text.split()
    rest = r"\s+".join([re.escape(words[0][1:]), *map(re.escape, words[1:])])
    if term.keep and term.whole_word and text[-1].isalpha():
        rest += "(?:es)?" if re.search(r"(?:[sxz]|[cs]h)$", text, re.IGNORECASE) else "s?"
    first = re.escape(text[0])
    if not term.case_sensitive:
        first, rest = f"(?i:{first})", f"(?i:{rest})"
    edges = [term.whole_word and bool(_IS_WORD.match(c)) for c in (text[0], text[-1])]
    return first, rest, *edges


def _alternation(terms: Sequence[Term], boundaries: tuple[str, str]) -> tuple[str, list[Term]]:
    """One regex for all terms, and the term behind each capturing group (group i -> [i - 1]).

    Terms are bucketed by first character, ``[bB](?:...)``, so the regex engine rejects a
    position with one character-class test instead of trying every term there. Inside a
    bucket the terms keep their longest-first order, and consecutive terms that need the
    same word boundaries share one pair of ``boundaries`` (before, after) (``(?:(a)|(b))`` +
    assertion backtracks into ``b`` exactly as separate alternatives would); this keeps the
    number of boundary assertions to a few per bucket.
    """
    buckets: dict[str, list[Term]] = {}
    for term in terms:
        buckets.setdefault(term.source[0].casefold(), []).append(term)
    parts, order = [], []
    for bucket in buckets.values():
        chars: set[str] = set()
        runs: list[tuple[tuple[bool, bool], list[str]]] = []
        for term in bucket:
            c = term.source[0]
            chars |= {c} if term.case_sensitive else {v for v in (c, c.lower(), c.upper()) if len(v) == 1}
            first, rest, before, after = _regex_parts(term)
            if not runs or runs[-1][0] != (before, after):
                runs.append(((before, after), []))
            runs[-1][1].append(f"((?<={first}){rest})")  # the bucket class consumed the first character
            order.append(term)
        body = "|".join(
            f"{boundaries[0] if before else ''}(?:{'|'.join(alts)}){boundaries[1] if after else ''}"
            for (before, after), alts in runs
        )
        parts.append(f"[{''.join(map(re.escape, sorted(chars)))}](?:{body})")
    return "|".join(parts) or r"(?!)", order


def _count(needle: str, haystack: str, case_sensitive: bool, whole_word: bool) -> int:
    """Non-overlapping occurrences of ``needle``, whitespace runs compared as one space."""
    needle, haystack = " ".join(needle.split()), " ".join(haystack.split())
    if not case_sensitive:
        needle, haystack = needle.casefold(), haystack.casefold()
    check_before = whole_word and bool(_IS_WORD.match(needle[:1]))
    check_after = whole_word and bool(_IS_WORD.match(needle[-1:]))
    count, i = 0, haystack.find(needle) if needle else -1
    while i >= 0:
        end = i + len(needle)
        if not (check_before and i and _IS_WORD.match(haystack[i - 1])) and not (
            check_after and _IS_WORD.match(haystack[end : end + 1])
        ):
            count += 1
            i = haystack.find(needle, end)
        else:
            i = haystack.find(needle, i + 1)
    return count


def _identity(source: str, case_sensitive: bool) -> tuple[str, bool]:
    """What a term matches: its exact text, or its case-folded text when case-insensitive."""
    return (source if case_sensitive else source.casefold(), case_sensitive)


def _opens_sentence(text: str, start: int) -> bool:
    """True when only whitespace, opening markup or quotes precede ``start``, back to the
    beginning of ``text`` or to a ``.``/``!``/``?`` followed by whitespace."""
    i = start
    while i > 0 and text[i - 1] in _OPENERS:
        i -= 1
    return i == 0 or (text[i - 1] in ".!?" and text[i].isspace())


def _stamp(path: Path) -> tuple[int, int] | None:
    """(modification time, size) of a file, None when there is none."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_mtime_ns, status.st_size


class Glossary:
    """The terms for one direction and a single compiled matcher over all of them."""

    def __init__(self, terms: Iterable[Term]):
        self.terms: tuple[Term, ...] = tuple(sorted(terms, key=lambda t: (-len(t.source), t.source)))
        self._cjk = any(_CJK_CHAR.search(t.source) or _BLANK in t.source for t in self.terms)
        pattern, self._by_group = _alternation(self.terms, _BOUNDARIES[self._cjk])
        self._regex = re.compile(pattern)

    @classmethod
    def load(cls, directory: Path, src: str, tgt: str) -> Glossary:
        """Keep terms plus the ``src``-``tgt`` pair file (or the reverse file, swapped).

        A missing pair file or ``keep.txt`` is fine; a pair entry overrides a keep entry whose
        source it matches (same text, or same text ignoring case when the pair entry is
        case-insensitive). Raises GlossaryError on a malformed file.
        """
        directory = Path(directory)
        if not directory.is_dir():
            raise GlossaryError(f"{directory}: glossary directory not found")
        files = (directory / KEEP_FILE, directory / f"{src}-{tgt}.tsv", directory / f"{tgt}-{src}.tsv")
        return cls._load(directory.resolve(), src, tgt, tuple(_stamp(path) for path in files))

    @classmethod
    @lru_cache(maxsize=16)
    def _load(cls, directory: Path, src: str, tgt: str, stamps: tuple) -> Glossary:
        """``load`` once per process for files as ``stamps`` saw them (a changed file is read again)."""
        forward, backward = directory / f"{src}-{tgt}.tsv", directory / f"{tgt}-{src}.tsv"
        if forward.is_file():
            pair_entries = _load_file(forward)
            _raise_first(_conflicts(pair_entries))
            pairs = [e.term(tgt=tgt) for e in pair_entries]
        else:
            pairs = [e.term(reverse=True, tgt=tgt) for e in _load_file(backward)]
        chosen: dict[tuple[str, bool], Term] = {}
        for term in pairs:  # first entry per source wins (reverse direction: several sources)
            chosen.setdefault(_identity(term.source, term.case_sensitive), term)
        keep: dict[tuple[str, bool], Term] = {}
        for term in (e.term() for e in _load_file(directory / KEEP_FILE)):
            if not any(_identity(term.source, cs) in chosen for cs in (True, False)):
                keep.setdefault(_identity(term.source, term.case_sensitive), term)
        return cls([*keep.values(), *chosen.values()])

    def find(self, text: str, exclude: Sequence[tuple[int, int]] = ()) -> list[TermMatch]:
        """Non-overlapping term matches in ``text``, left to right, longest term first.

        No match overlaps an ``exclude`` range or a URL, e-mail address or placeholder.
        """
        blocked = sorted((min(a, b), max(a, b)) for a, b in exclude)
        blocked += [m.span() for m in _AUTO_EXCLUDE.finditer(text)]
        matches: list[TermMatch] = []
        pos = 0
        for a, b in [*sorted(blocked), (len(text), len(text))]:
            if a > pos:
                matches += self._scan(text, pos, a)
            pos = max(pos, b)
        return matches

    def _scan(self, text: str, start: int, end: int) -> list[TermMatch]:
        piece = text[start:end]  # sliced so that the piece's edges count as word boundaries
        if not self._cjk and not piece.isascii():
            piece = _CJK_CHAR.sub(_BLANK, piece)  # one character for one: positions stay
        found = []
        for m in self._regex.finditer(piece):
            s, e = start + m.start(), start + m.end()
            found.append(TermMatch(s, e, self._by_group[m.lastindex - 1], text[s:e], _opens_sentence(text, s)))
        return found


def check_compliance(matches: list[TermMatch], target_text: str) -> list[str]:
    """One message per pinned form that the translation contains fewer times than it was matched.

    Case follows the term's own rule; whole-word terms are counted on word boundaries.
    """
    needed: Counter[tuple[str, bool, bool]] = Counter()
    first: dict[tuple[str, bool, bool], TermMatch] = {}
    for m in matches:
        key = (m.pinned, m.term.case_sensitive, m.term.whole_word)
        needed[key] += 1
        first.setdefault(key, m)
    problems = []
    for key, count in needed.items():
        pinned, case_sensitive, whole_word = key
        found = _count(pinned, target_text, case_sensitive, whole_word)
        if found < count:
            m = first[key]
            problems.append(
                f"glossary: {m.text!r} must be translated as {m.pinned!r} ({m.term.origin}): "
                f"expected {count}, found {found}"
            )
    return problems


def entries(directory: Path) -> list[Term]:
    """Every well-formed entry of every glossary file, in file order (malformed lines skipped)."""
    return [e.term() for path in _glossary_files(Path(directory)) for e in _read(path)[0]]


def show(directory: Path, term: str) -> list[Term]:
    """Every entry whose source or target equals ``term``, ignoring case."""
    key = term.strip().casefold()
    return [t for t in entries(directory) if key in (t.source.casefold(), t.target.casefold())]


def lint(directory: Path) -> list[LintProblem]:
    """Every problem in the glossary directory; never raises on bad files."""
    directory = Path(directory)
    if not directory.is_dir():
        return [LintProblem(str(directory), 0, "error", "glossary directory not found")]
    problems: list[LintProblem] = []
    parsed = {}
    for path in _glossary_files(directory):
        found, file_problems = _read(path)
        parsed[path.name] = found
        problems += file_problems
        problems += _duplicates(found) + (_conflicts(found) if path.name != KEEP_FILE else [])
        if path.name != KEEP_FILE and not _PAIR_FILE.match(path.name):
            message = "not named SRC-TGT.tsv (e.g. en-pt.tsv), so never loaded"
            problems.append(LintProblem(str(path), 0, "warning", message))
    keep = parsed.pop(KEEP_FILE, [])
    keep_by_source = {k.source.casefold(): k for k in keep}
    problems += _overlaps(keep, keep)
    for pair in parsed.values():
        problems += _overlaps(pair, pair) + _overlaps(keep, pair) + _overlaps(pair, keep)
        for e in pair:
            k = keep_by_source.get(e.source.casefold())
            if k and e.target != k.source:
                problems.append(LintProblem(
                    e.path, e.line, "warning",
                    f"{e.source!r} is a keep term ({k.path}:{k.line}) but translated as {e.target!r} here; "
                    "this entry wins",
                ))
    return sorted(problems, key=lambda p: (p.path, p.line))


def _glossary_files(directory: Path) -> list[Path]:
    return sorted(p for p in [directory / KEEP_FILE, *directory.glob("*.tsv")] if p.is_file())


def _load_file(path: Path) -> list[_Entry]:
    if not path.is_file():
        return []
    found, problems = _read(path)
    _raise_first(problems)
    return found


def _raise_first(problems: list[LintProblem]) -> None:
    for p in problems:
        if p.severity == "error":
            raise GlossaryError(f"{p.path}:{p.line}: {p.message}")


def _read(path: Path) -> tuple[list[_Entry], list[LintProblem]]:
    """Parse one file into entries plus the problems found on its lines (encoding included)."""
    keep = path.name == KEEP_FILE
    name = str(path)
    found: list[_Entry] = []
    problems: list[LintProblem] = []

    def problem(line: int, severity: Literal["error", "warning"], message: str) -> None:
        problems.append(LintProblem(name, line, severity, message))

    try:
        data = path.read_bytes()
    except OSError as exc:
        problem(0, "error", f"cannot read: {exc.strerror}")
        return found, problems
    if data.startswith(b"\xef\xbb\xbf"):
        problem(1, "warning", "UTF-8 byte-order mark; save without BOM")
        data = data[3:]
    raw_lines = data.split(b"\n")
    if raw_lines[-1] == b"":
        raw_lines.pop()
    crlf = [n for n, raw in enumerate(raw_lines, 1) if raw.endswith(b"\r")]
    if crlf:
        problem(crlf[0], "warning", f"CR line endings on {len(crlf)} line(s); use LF")
    for number, raw in enumerate(raw_lines, 1):
        try:
            line = raw.decode("utf-8").removesuffix("\r")
        except UnicodeDecodeError as exc:
            problem(number, "error", f"invalid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})")
            continue
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        entry = _parse_line(line, keep, lambda sev, msg, n=number: problem(n, sev, msg))
        if entry:
            source, target, note, case, whole = entry
            note, also, grammar = _grammar_items(note, lambda sev, msg, n=number: problem(n, sev, msg))
            found.append(_Entry(name, number, source, target, note, case, whole, keep=keep, also=also, grammar=grammar))
    return found, problems


def _parse_line(
    line: str, keep: bool, problem: Callable[[str, str], None]
) -> tuple[str, str, str, bool | None, bool | None] | None:
    """``(source, target, note, case_sensitive, whole_word)``, or None after reporting an error."""
    fields = line.split("\t")
    if line[-1].isspace() and line[-1] != "\t":
        problem("warning", "trailing whitespace")
    elif any(f != f.strip() for f in fields):
        problem("warning", "whitespace around a column")
    fields = [f.strip() for f in fields]
    if keep:
        fields.insert(1, fields[0])  # keep.txt: term[<TAB>notes]; the target is the term itself
        expected = "term<TAB>notes"
    else:
        expected = "source<TAB>target<TAB>notes"
    if len(fields) > 3:
        problem("error", f"too many columns ({len(fields) - (1 if keep else 0)}; expected {expected})")
        return None
    if len(fields) < 2:
        problem("error", f"missing target column (expected {expected}, tab-separated)")
        return None
    source, target, notes = (*fields, "")[:3]
    if not source:
        problem("error", "empty source")
        return None
    if not target:
        problem("error", "empty target")
        return None
    if len(fields) == 3 and not notes:
        problem("warning", "empty notes column; drop the trailing tab")
    items = [item.strip() for item in notes.split(";") if item.strip()]
    flags = {item.lower() for item in items if item.lower() in FLAGS}
    note = "; ".join(item for item in items if item.lower() not in FLAGS)
    for a, b in (("case-sensitive", "case-insensitive"), ("whole-word", "substring")):
        if {a, b} <= flags:
            problem("error", f"conflicting flags {a!r} and {b!r}")
            return None
    case = True if "case-sensitive" in flags else False if "case-insensitive" in flags else None
    whole = True if "whole-word" in flags else False if "substring" in flags else None
    return source, target, note, case, whole


_GENDERS = {"m": "m", "masculine": "m", "f": "f", "feminine": "f"}
_NUMBERS = {"singular": "", "sg": "", "plural": "p", "pl": "p"}


def _grammar_items(note: str, problem: Callable[[str, str], None]) -> tuple[str, tuple[str, ...], str]:
    """The note without its ``also:``, ``gender:`` and ``number:`` items, the forms listed, the grammar ("fp")."""
    rest, also, gender, number = [], [], "", ""
    for item in (i.strip() for i in note.split(";") if i.strip()):
        key, colon, value = item.partition(":")
        key, value = key.strip().lower(), value.strip()
        if colon and key == "also":
            also += [form.strip() for form in value.split(",") if form.strip()]
        elif colon and key == "gender":
            if value.lower() not in _GENDERS:
                problem("error", f"gender {value!r}: write m or f")
            gender = _GENDERS.get(value.lower(), "")
        elif colon and key == "number":
            if value.lower() not in _NUMBERS:
                problem("error", f"number {value!r}: write singular or plural")
            number = _NUMBERS.get(value.lower(), "")
        else:
            rest.append(item)
    return "; ".join(rest), tuple(also), gender + number


def _duplicates(found: list[_Entry]) -> list[LintProblem]:
    seen: dict[tuple, _Entry] = {}
    problems = []
    for e in found:
        key = (e.source, e.target, e.case_sensitive, e.whole_word)
        if key in seen:
            problems.append(LintProblem(e.path, e.line, "warning", f"duplicate of line {seen[key].line}"))
        seen.setdefault(key, e)
    return problems


def _conflicts(found: list[_Entry]) -> list[LintProblem]:
    """Same source (ignoring case unless both entries are case-sensitive), different targets."""
    problems = []
    earlier: dict[str, list[Term]] = {}
    for e in found:
        b = e.term()
        for a in earlier.get(b.source.casefold(), []):
            if a.target != b.target and (a.source == b.source or not (a.case_sensitive and b.case_sensitive)):
                problems.append(LintProblem(
                    e.path, e.line, "error",
                    f"conflicting entries for {b.source!r}: {b.target!r} here, {a.target!r} at {a.origin}",
                ))
                break
        earlier.setdefault(b.source.casefold(), []).append(b)
    return problems


def _overlaps(inner: list[_Entry], outer: list[_Entry]) -> list[LintProblem]:
    """Warn where a term of ``inner`` occurs inside a longer term of ``outer``."""
    problems = []
    for big in outer:
        for small in inner:
            if len(small.source) >= len(big.source) or small.source.casefold() == big.source.casefold():
                continue
            term = small.term()
            if _count(term.source, big.source, term.case_sensitive, term.whole_word):
                problems.append(LintProblem(
                    big.path, big.line, "warning",
                    f"{small.source!r} ({small.path}:{small.line}) occurs inside {big.source!r}; "
                    "the longer term wins where both match",
                ))
    return problems


def project_glossary_dir(page: Path | None, src: str, tgt: str) -> Path | None:
    """The ``glossaries/`` folder of the project ``page`` belongs to: the nearest folder above the page (up to
    the repository's root) that has one with a file for the pair (``SRC-TGT.tsv``, ``TGT-SRC.tsv``, ``keep.txt``;
    any ``*-TGT.tsv`` where ``src`` is not known yet)."""
    if page is None:
        return None
    for folder in (page.resolve().parent, *page.resolve().parent.parents):
        candidate = folder / "glossaries"
        names = (f"{src}-{tgt}.tsv", f"{tgt}-{src}.tsv", KEEP_FILE) if src else (KEEP_FILE,)
        if any((candidate / name).is_file() for name in names) or (not src and any(candidate.glob(f"*-{tgt}.tsv"))):
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def glossary_for(config: Config, src: str, tgt: str, copy_only: bool = False, page: Path | None = None) -> Glossary | None:
    """The glossary for the pair: the config's, with the terms of the page's own project (its ``glossaries/``
    folder, as ``pipeline glossary import`` writes it) winning over it for the same source; none for a
    ``copy_only`` route (the identity engine keeps every byte) or where neither exists."""
    if copy_only:
        return None
    shipped = Glossary.load(config.resolve(config.translate.glossary_dir), src, tgt) if config.translate.glossary_dir else None
    own = project_glossary_dir(page, src, tgt)
    if own is None or (config.translate.glossary_dir and own.resolve() == config.resolve(config.translate.glossary_dir)):
        return shipped
    project = Glossary.load(own, src, tgt)
    if shipped is None:
        return project
    sources = {_identity(term.source, term.case_sensitive) for term in project.terms}
    return Glossary([*project.terms, *(term for term in shipped.terms if _identity(term.source, term.case_sensitive) not in sources)])
