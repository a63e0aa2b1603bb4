"""How well does the back-check see what a reviewer must fix? Measured on a frozen, judged set.

``bench/qe/pairs.jsonl`` holds (source, translation) segment pairs of the six corpus issues, en->pt:
240 machine translations and 120 human PT-BR ones, frozen as text (``bench/qe_freeze.py``), and
``bench/qe/judgements/*.tsv`` a reader's judgement of each: ``fix`` (with its kinds), ``minor`` or
``ok``. The bench runs the full back-check on them (the pt->en engine makes the back-translations)
and reports:

- recall and precision of "needs a fix" (an error-severity finding) overall, per kind and per
  split: issues 1-3 are the development issues the checks were tuned on, 4-6 are held out;
- errors injected into segments judged ok (a clause or phrase omitted, negation added or
  removed, a number changed in digits or words, a name or term swapped for another one of the
  same issue, a phrase doubled, the sentence left in English, an English word left inside the
  sentence) and the share of each caught as an error, plus the share of the clean ok segments
  with an error: with the back-check's severities for every pair (what the checks can see), and
  in practice (machine output judged by the back-check, human translations by the gate's
  configs/ci.toml, where most meaning checks are warnings);
- for every human translation of the corpus, every error the gate (`pipeline check`) reports,
  with its judgement from ``bench/qe/gate_judgements.tsv`` (true, intentional or false), and how
  many of the human pairs judged to need a serious fix (meaning, omission, addition, untranslated,
  term or markup; not grammar alone) the gate fails;
- how far a second, independent reader agrees with the judgements on a sample of 60 pairs
  (``bench/qe/second_reader.tsv``).

    python -m bench.qe              # writes bench/qe.json
    python -m bench.qe --no-gate    # without the gate run (a minute faster)
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import sys
from collections import Counter, defaultdict
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import load_config
from pipeline.document.record import Document, Segment, Span, SpanKind
from pipeline.quality.backcheck import backcheck
from pipeline.quality.checks.form import prose
from pipeline.quality.checks.meaning import _QUOTED, names
from pipeline.quality.gate import with_measured_severities
from pipeline.translation.route import Engines

HERE = Path(__file__).with_name("qe")
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "nlp-newsletter"
RESULTS = Path(__file__).with_name("qe.json")
DEV = {"issue-01", "issue-02", "issue-03"}
GATE = with_measured_severities(load_config(Path(__file__).resolve().parent.parent / "configs" / "ci.toml"), "pt")  # as `pipeline check` rates pt
KINDS = ("meaning", "omission", "addition", "grammar", "untranslated", "term", "markup")
# A fix a reader of the published issue would be misled by, or lose content to; the gate must fail it.
# Fixes of grammar alone (a typo, an agreement, a clumsy phrase) leave the meaning intact.
SERIOUS = {"meaning", "omission", "addition", "untranslated", "term", "markup"}
_WORD = re.compile(r"[^\W\d_]+")
_MARKUP = re.compile(r"[\[\]()`*_<>]|https?://")


@dataclass
class Pair:
    """A judged pair and what the back-check made of it."""

    record: dict
    verdict: str
    kinds: list[str]
    note: str
    segment: Segment = field(init=False)

    def __post_init__(self) -> None:
        r = self.record
        spans = [Span(**{**s, "kind": SpanKind(s["kind"])}) for s in r["spans"]]
        self.segment = Segment(0, "qe", 0, len(r["source"]), r["source"], spans, masked=r["masked"], placeholders=r["placeholders"], target=r["target"])

    @property
    def serious(self) -> bool:
        return self.verdict == "fix" and bool(SERIOUS & set(self.kinds))

    @property
    def split(self) -> str:
        return "dev" if self.record["issue"] in DEV else "held-out"

    def errors(self, segment: Segment | None = None, gate: bool = False) -> set[tuple[str, str]]:
        """The error findings on the segment (or a damaged copy): as the back-check rates them, or with ``gate`` as
        `pipeline check` rates a human translation (configs/ci.toml's severities, titles kept in the original)."""
        segment = segment or self.segment
        return {(f.check, f.message) for f in segment.flags if (self.gate_severity(f, segment) if gate and self.record["origin"] == "human" else f.severity) == "error"}

    def gate_severity(self, flag, segment: Segment) -> str:
        if flag.check in ("untranslated", "language") and kept_title(self, segment):
            return GATE.gate.kept_titles
        return GATE.backcheck.severities.get(flag.check, flag.severity)


def load() -> list[Pair]:
    judged = {}
    for path in sorted((HERE / "judgements").glob("*.tsv")):
        for row in csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"):
            judged[row["id"]] = row
    pairs = []
    for line in (HERE / "pairs.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        row = judged[record["id"]]
        pairs.append(Pair(record, row["verdict"], [k.strip() for k in row["kinds"].split(",") if k.strip()], row["note"]))
    return pairs


def checked(engines: Engines) -> tuple[list[Pair], list[Pair], list[Pair]]:
    """The judged pairs back-checked with the default configuration: all, the machine ones, the human ones."""
    pairs = load()
    run_backcheck(pairs, engines)
    return pairs, [p for p in pairs if p.record["origin"] == "mt"], [p for p in pairs if p.record["origin"] == "human"]


def run_backcheck(pairs: list[Pair], engines: Engines, segments: list[Segment] | None = None) -> None:
    """The back-check, with the default configuration, of each pair's segment (or of ``segments``, one per pair)."""
    segments = segments or [p.segment for p in pairs]
    for index, segment in enumerate(segments):
        segment.index = index
    backcheck(Document("", src_lang="en", segments=segments), "pt", engines, load_config().backcheck)


def kept_title(pair: Pair, segment: Segment) -> bool:
    """What `pipeline check` calls a kept title: a heading or bold/italic title line of the source copied verbatim."""
    from pipeline.quality.gate import _TITLE_LINE

    if " ".join(segment.target.split()).casefold() != " ".join(segment.source.split()).casefold():
        return False
    path = CORPUS / f"{pair.record['issue']}.en.md"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return any(segment.source in line and _TITLE_LINE.match(line) for line in lines)


# -- injected errors: each returns a damaged target, or None when it does not apply ---------------

_VERBS = re.compile(
    r"(?<![\w-])(é|são|foi|foram|pode|podem|tem|têm|está|estão|permite|permitem|mostra|mostram|ajuda|ajudam|usa|usam|inclui|incluem|oferece|"
    r"fornece|apresenta|parece|funciona|deve|devem|precisa|[a-zà-ú]{3,}(?:ou|aram|eram|iram))(?![\w-])"
)
_PT_NUMBERS = {"dois": "três", "duas": "três", "três": "quatro", "quatro": "cinco", "cinco": "seis", "seis": "sete", "sete": "oito", "oito": "nove", "nove": "dez", "dez": "doze", "vinte": "trinta", "cem": "mil", "mil": "cem"}


def _plain(pair: Pair) -> bool:
    """A target whose words can be moved without touching markup."""
    return not _MARKUP.search(pair.segment.target)


def omit(pair: Pair, rng: random.Random, issue: dict) -> str | None:
    """A clause between commas, else a phrase of two to four words with a content word, taken out."""
    target = pair.segment.target
    clauses = [m for m in re.finditer(r",([^,.;:]{8,60}),", target) if len(m[1].split()) >= 2 and not _MARKUP.search(m[1])]
    if clauses:
        m = rng.choice(clauses)
        return target[: m.start()] + "," + target[m.end() :]
    if not _plain(pair):
        return None
    words = list(re.finditer(r"[^\W\d_]+", target))
    spans = [(a, b) for a in range(1, len(words)) for b in range(a + 2, min(a + 5, len(words)) + 1) if b - a >= 2 and any(len(w[0]) > 5 for w in words[a:b])]
    if len(words) < 6 or not spans:
        return None
    a, b = rng.choice(spans)
    return " ".join((target[: words[a].start()] + target[words[b - 1].end() :]).split())


def negate(pair: Pair, rng: random.Random, issue: dict) -> str | None:
    target = pair.segment.target
    if found := list(re.finditer(r"(?<![\w-])não\s+", target)):
        m = rng.choice(found)
        return target[: m.start()] + target[m.end() :]
    if verbs := list(_VERBS.finditer(target)):
        m = rng.choice(verbs)
        return target[: m.start()] + "não " + target[m.start() :]
    return None


def change_number(pair: Pair, rng: random.Random, issue: dict) -> str | None:
    target = pair.segment.target
    words = [m for m in re.finditer(r"[^\W\d_]+", target) if m[0].casefold() in _PT_NUMBERS]
    digits = [m for m in re.finditer(r"(?<![\w/.-])\d+(?![\w/])", target) if not re.search(re.escape(m[0]), "".join(pair.segment.placeholders.values()))]
    if not words and not digits:
        return None
    m = rng.choice(words + digits)
    if m in words:
        new = _PT_NUMBERS[m[0].casefold()]
    else:
        position = rng.randrange(len(m[0]))
        new = m[0][:position] + str((int(m[0][position]) + rng.randint(1, 8)) % 10) + m[0][position + 1 :]
    return target[: m.start()] + new + target[m.end() :]


def swap_name(pair: Pair, rng: random.Random, issue: dict) -> str | None:
    """A name or pinned term of the sentence replaced by another one of the same issue."""
    target, segment = pair.segment.target, pair.segment
    own = [n for n in dict.fromkeys(names(segment.source, "en")) if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", target)]
    own += [s.target for s in segment.spans if s.kind == SpanKind.TERM and s.target and s.target in target]
    others = [n for n in issue[pair.record["issue"]] if n not in segment.source and n not in target]
    if not own or not others:
        return None
    old, new = rng.choice(own), rng.choice(others)
    return re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", new, target, count=1)


def double(pair: Pair, rng: random.Random, issue: dict) -> str | None:
    target = pair.segment.target
    words = [m for m in re.finditer(r"[^\W\d_]+(?:-[^\W\d_]+)*", target) if not _MARKUP.search(target[max(0, m.start() - 2) : m.end() + 2])]
    if len(words) < 4:
        return None
    first = rng.randrange(len(words) - 2)
    last = min(len(words) - 1, first + rng.randrange(3))
    if any(target[words[i].end() : words[i + 1].start()].strip() for i in range(first, last)):
        last = first  # a phrase without punctuation inside
    phrase = target[words[first].start() : words[last].end()]
    return target[: words[last].end()] + " " + phrase + target[words[last].end() :]


def left_in_english(pair: Pair, rng: random.Random, issue: dict) -> str | None:
    return pair.segment.source


def english_word(pair: Pair, rng: random.Random, issue: dict) -> str | None:
    """One Portuguese content word replaced by an English content word of the source."""
    from pipeline.lang import lexicon

    source = [w for w in _WORD.findall(_QUOTED.sub(" ", pair.segment.source)) if w.islower() and len(w) > 3 and lexicon.zipf(w, "en") >= 4 and w not in lexicon.common_words("en")]
    target = [m for m in _WORD.finditer(pair.segment.target) if m[0].islower() and len(m[0]) > 3 and m[0] not in lexicon.common_words("pt") and lexicon.known(m[0], "pt") and not lexicon.known(m[0], "en")]
    target = [m for m in target if not _MARKUP.search(pair.segment.target[max(0, m.start() - 2) : m.end() + 2])]
    if not source or not target:
        return None
    m, word = rng.choice(target), rng.choice(source)
    return pair.segment.target[: m.start()] + word + pair.segment.target[m.end() :]


INJECTIONS = {
    "omission": omit,
    "negation": negate,
    "number": change_number,
    "swapped name/term": swap_name,
    "duplication": double,
    "sentence in English": left_in_english,
    "English word left": english_word,
}


def issue_names(pairs: list[Pair]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for pair in pairs:
        found[pair.record["issue"]] += names(prose(pair.segment.source, pair.segment), "en") + [s.target for s in pair.segment.spans if s.kind == SpanKind.TERM and s.target]
    return {issue: sorted(set(n)) for issue, n in found.items()}


# -- measurements ---------------------------------------------------------------------------------


def rates(pairs: list[Pair], gate: bool = False) -> dict:
    """Recall and precision of "needs a fix" (an error finding), per kind of fix."""
    fix = [p for p in pairs if p.verdict == "fix"]
    flagged = [p for p in pairs if p.errors(gate=gate)]
    hit = [p for p in fix if p.errors(gate=gate)]
    result = {
        "pairs": len(pairs),
        "fix": len(fix),
        "flagged": len(flagged),
        "recall": round(len(hit) / len(fix), 3) if fix else None,
        "precision": round(len(hit) / len(flagged), 3) if flagged else None,
        "ok flagged": round(sum(1 for p in pairs if p.verdict == "ok" and p.errors(gate=gate)) / max(1, sum(p.verdict == "ok" for p in pairs)), 3),
        "minor flagged": round(sum(1 for p in pairs if p.verdict == "minor" and p.errors(gate=gate)) / max(1, sum(p.verdict == "minor" for p in pairs)), 3),
        "recall by kind": {},
    }
    for kind in KINDS:
        of_kind = [p for p in fix if p.kinds and p.kinds[0] == kind]
        if of_kind:
            result["recall by kind"][kind] = f"{sum(1 for p in of_kind if p.errors(gate=gate))}/{len(of_kind)}"
    return result


def serious_failing(human: list[Pair]) -> dict:
    """How many human pairs judged to need a serious fix (``SERIOUS``) the gate fails, and the ones it lets pass."""
    serious = [p for p in human if p.serious]
    failing = [p for p in serious if p.errors(gate=True)]
    return {
        "failing": len(failing),
        "serious": len(serious),
        "passed by the gate": [{"id": p.record["id"], "kinds": p.kinds, "note": p.note} for p in serious if p not in failing],
    }


def precision_by_check(pairs: list[Pair]) -> dict[str, str]:
    """For each check, how many of the segments it flags (as an error) were judged to need a fix."""
    flagged: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        for check in {c for c, _ in pair.errors()}:
            flagged[check].append(pair)
    return {check: f"{sum(p.verdict == 'fix' for p in hits)}/{len(hits)}" for check, hits in sorted(flagged.items())}


def damaged_copies(pairs: list[Pair], makers: dict, engines: Engines, seed: int = 13) -> list[tuple[str, Pair, Segment]]:
    """Each ok segment damaged once per kind of ``makers`` that applies to it, as (kind, pair, back-checked copy)."""
    rng = random.Random(seed)
    issue = issue_names(pairs)
    damaged: list[tuple[str, Pair, Segment]] = []
    for kind, make in makers.items():
        for pair in (p for p in pairs if p.verdict == "ok"):
            target = make(pair, rng, issue)
            if target is None or target == pair.segment.target:
                continue
            copy = deepcopy(pair.segment)
            copy.target, copy.back, copy.flags, copy.scores, copy.checked, copy.lang = target, None, [], {}, None, None
            damaged.append((kind, pair, copy))
    run_backcheck([p for _, p, _ in damaged], engines, [d for _, _, d in damaged])
    return damaged


def inject(pairs: list[Pair], engines: Engines, seed: int = 13) -> dict:
    """Damage each ok segment once per applicable kind; a catch is a new error finding."""
    clean = [p for p in pairs if p.verdict == "ok"]
    damaged = damaged_copies(pairs, INJECTIONS, engines, seed)
    caught: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_origin: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_gate: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    in_practice: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    examples: dict[str, list[dict]] = defaultdict(list)
    for kind, pair, copy in damaged:
        new = pair.errors(copy) - pair.errors()
        for counts in (caught[kind], by_origin[f"{kind} ({pair.record['origin']})"]):
            counts[0] += bool(new)
            counts[1] += 1
        practical = bool(pair.errors(copy, gate=True) - pair.errors(gate=True))
        in_practice[kind][0] += practical
        in_practice[kind][1] += 1
        if pair.record["origin"] == "human":
            by_gate[kind][0] += practical
            by_gate[kind][1] += 1
        if not new and len(examples[kind]) < 3:
            examples[kind].append({"id": pair.record["id"], "clean": pair.segment.target, "damaged": copy.target, "back": copy.back})
    return {
        "clean ok segments": len(clean),
        "clean flagged": round(sum(1 for p in clean if p.errors()) / max(1, len(clean)), 3),
        "clean flagged in practice": round(sum(1 for p in clean if p.errors(gate=True)) / max(1, len(clean)), 3),
        "caught": {kind: {"caught": c, "injected": n, "rate": round(c / n, 3)} for kind, (c, n) in caught.items()},
        "caught in practice (machine: back-check, human: gate)": {kind: f"{c}/{n}" for kind, (c, n) in sorted(in_practice.items())},
        "caught by origin": {kind: f"{c}/{n}" for kind, (c, n) in sorted(by_origin.items())},
        "caught as errors by the gate (human)": {kind: f"{c}/{n}" for kind, (c, n) in sorted(by_gate.items())},
        "clean flagged by origin": {
            origin: f"{sum(1 for p in clean if p.record['origin'] == origin and p.errors())}/{sum(1 for p in clean if p.record['origin'] == origin)}" for origin in ("mt", "human")
        },
        "missed examples": examples,
    }


def gate(config) -> list[dict]:
    """Every error `pipeline check` reports on the corpus' human translations, with its judgement."""
    from pipeline.config import CI_CONFIG
    from pipeline.quality.gate import check_pair, find_pairs

    judged = {}
    if (HERE / "gate_judgements.tsv").exists():
        for row in csv.DictReader((HERE / "gate_judgements.tsv").open(encoding="utf-8"), delimiter="\t"):
            judged[(row["file"], int(row["line"]), row["check"])] = row
    ci = load_config(CI_CONFIG)
    engines = Engines(ci)
    rows = []
    for source, translation in find_pairs(Path(os.path.relpath(CORPUS)), "en"):  # paths as ../shared/... in the report
        result = check_pair(source, translation, ci, engines)
        errors = [f for f in result.findings if f.severity == "error"]
        for finding in errors:
            row = judged.get((translation.name, finding.line, finding.check), {})
            rows.append({"file": translation.name, "line": finding.line, "check": finding.check, "message": finding.message, "judgement": row.get("judgement", "unjudged"), "note": row.get("note", "")})
        if not errors:
            rows.append({"file": translation.name, "line": 0, "check": "", "message": "passes", "judgement": "", "note": ""})
    return rows


def flagged_share(machine: list[Pair], engines: Engines) -> dict:
    """How much of the machine output carries a flag (any severity): on the judged machine pairs, and on every
    segment of the six corpus issues translated and back-checked as `pipeline translate` does; with the
    reasons the summary gives (each flagged segment once, by its most likely problem)."""
    from pipeline.quality.checks import ranked
    from pipeline.run import segmented
    from pipeline.translation.route import translate

    config = load_config()
    result = {"judged machine pairs": f"{sum(1 for p in machine if p.segment.flags)}/{len(machine)}"}
    if not CORPUS.is_dir():
        return result
    segments = []
    for path in sorted(CORPUS.glob("issue-*.en.md")):
        document = segmented(path.read_text(encoding="utf-8"), path.name, None, "pt", config, engines)
        translate(document, "pt", engines)
        backcheck(document, "pt", engines, config.backcheck)
        segments += document.segments
    flagged = [s for s in segments if s.flags]
    result.update({
        "six issues: segments": len(segments),
        "six issues: flagged": len(flagged),
        "six issues: share flagged": round(len(flagged) / len(segments), 3),
        "six issues: share with an error": round(sum(1 for s in segments if any(f.severity == "error" for f in s.flags)) / len(segments), 3),
        "six issues: flags per flagged segment": round(sum(len(s.flags) for s in flagged) / max(1, len(flagged)), 2),
        "six issues: summary reasons": dict(Counter(ranked(s.flags)[0].check for s in flagged).most_common()),
    })
    return result


def second_reader(pairs: list[Pair]) -> dict | None:
    """Agreement of a second, independent reader with the judgements on a sample (bench/qe/second_reader.tsv):
    on "needs a fix" (fix against minor or ok), as raw agreement and Cohen's kappa, and the verdicts side by side."""
    path = HERE / "second_reader.tsv"
    if not path.exists():
        return None
    first = {p.record["id"]: p.verdict for p in pairs}
    second = {row["id"]: row["verdict"] for row in csv.DictReader(path.open(encoding="utf-8"), delimiter="\t")}
    both = [(first[i] == "fix", second[i] == "fix") for i in second if i in first]
    agree = sum(a == b for a, b in both) / len(both)
    p_first, p_second = sum(a for a, _ in both) / len(both), sum(b for _, b in both) / len(both)
    chance = p_first * p_second + (1 - p_first) * (1 - p_second)
    return {
        "pairs": len(both),
        "agreement on needs a fix": round(agree, 3),
        "kappa": round((agree - chance) / (1 - chance), 3) if chance < 1 else None,
        "verdicts (first, second)": dict(Counter(f"{first[i]}/{second[i]}" for i in second if i in first)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-gate", action="store_true", help="skip the gate run on the corpus' human translations")
    args = parser.parse_args()
    if not (HERE / "pairs.jsonl").exists():
        print(f"no judged set at {HERE}", file=sys.stderr)
        return 1
    config = load_config()
    engines = Engines(config)
    pairs, machine, human = checked(engines)
    results = {
        "machine": {"all": rates(machine), "dev": rates([p for p in machine if p.split == "dev"]), "held-out": rates([p for p in machine if p.split == "held-out"])},
        "human": {"all": rates(human), "dev": rates([p for p in human if p.split == "dev"]), "held-out": rates([p for p in human if p.split == "held-out"])},
        "human (gate severities)": {"all": rates(human, gate=True)},
        "serious human defects failing the gate": serious_failing(human),
        "precision by check (machine)": precision_by_check(machine),
        "machine output flagged": flagged_share(machine, engines),
        "precision by check (human)": precision_by_check(human),
        "injected": {"all": inject(pairs, engines), "held-out": inject([p for p in pairs if p.split == "held-out"], engines)},
        "missed fixes (machine, held-out)": [
            {"id": p.record["id"], "kinds": p.kinds, "note": p.note} for p in machine if p.split == "held-out" and p.verdict == "fix" and not p.errors()
        ],
        "false alarms (ok/minor with an error)": [
            {"id": p.record["id"], "verdict": p.verdict, "errors": sorted(m for _, m in p.errors())} for p in pairs if p.verdict != "fix" and p.errors()
        ],
    }
    if (reader := second_reader(pairs)) is not None:
        results["second reader"] = reader
    if not args.no_gate and CORPUS.is_dir():
        results["gate errors on human translations"] = gate(config)
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    report(results)
    print(f"wrote {RESULTS}")
    return 0


def report(results: dict) -> None:
    for origin in ("machine", "human", "human (gate severities)"):
        for split, r in results[origin].items():
            print(f"{origin:8} {split:9} recall {r['recall']} precision {r['precision']} (fix {r['fix']}/{r['pairs']}, flagged {r['flagged']}; ok flagged {r['ok flagged']}, minor flagged {r['minor flagged']}) by kind {r['recall by kind']}")
    serious = results["serious human defects failing the gate"]
    print(f"human pairs judged to need a serious fix that the gate fails: {serious['failing']} of {serious['serious']}")
    print("precision by check (machine):", results["precision by check (machine)"])
    print("machine output flagged:", results["machine output flagged"])
    print("precision by check (human):", results["precision by check (human)"])
    for split, injected in results["injected"].items():
        rates_ = ", ".join(f"{k} {v['caught']}/{v['injected']} ({v['rate']:.0%})" for k, v in injected["caught"].items())
        print(f"injected ({split}): {rates_}; clean ok flagged {injected['clean flagged']:.1%} of {injected['clean ok segments']}")
        print(f"  by origin: {injected['caught by origin']}; clean flagged {injected['clean flagged by origin']}")
        print(f"  as errors of the gate (human pairs): {injected['caught as errors by the gate (human)']}")
        print(f"  in practice (machine: back-check, human: gate): {injected['caught in practice (machine: back-check, human: gate)']}; clean flagged {injected['clean flagged in practice']:.1%}")
    if "second reader" in results:
        print("second reader:", results["second reader"])
    gate_rows = results.get("gate errors on human translations", [])
    for row in gate_rows:
        print(f"gate {row['file']}:{row['line']} {row['check']} [{row['judgement']}] {row['message'][:150]}")
    if gate_rows:
        print("gate judgements:", dict(Counter(r["judgement"] for r in gate_rows if r["check"])))


if __name__ == "__main__":
    sys.exit(main())
