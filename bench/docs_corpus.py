"""Build a corpus of real documentation pages and their human translations from local git mirrors.

`python -m bench.docs_corpus --mirror NAME=GITDIR ... [--out DIR] [--pages N] [--seed 0]`

Reads bare git directories (HEAD only, through `git ls-tree` and `git cat-file --batch`; nothing else
is needed besides the standard library) and writes, OUTSIDE this repository (default
`../docs-corpus` next to the repository root):

    <out>/<project>/en/<relpath>          English page, bytes exactly as in git
    <out>/<project>/<lang>/<relpath>      its human translation, same relative path
    <out>/<project>/config/<repo path>    files that reveal the toolchain (astro.config.*, mkdocs.yml,
                                          hugo.yaml, next.config.js, package.json, ...)
    <out>/<project>/terms/<repo path>     term lists / glossaries / translator guides found in the repo
    <out>/<project>/licence/<name>        top-level LICENSE* file(s), when the repo has one
    <out>/<project>/manifest.json         repository, commit, toolchain, licence, pages (split, languages)

Projects (NAME for --mirror):
    astro          withastro/docs                     Starlight (MDX), src/content/docs/<lang>/
    react          reactjs/react.dev (English) plus   MDX (Next.js), src/content/
    react-pt       reactjs/pt-br.react.dev (pt-br, same paths; a page counts as translated only
                   when its bytes differ from English)
    opentelemetry  open-telemetry/opentelemetry.io    Hugo, content/<lang>/
    gtfs           MobilityData/gtfs.org              MkDocs Material, docs/<lang>/, config/<lang>/mkdocs.yml
    mongoz         dymmond/mongoz                     MkDocs Material, docs/<lang>/

Selection, deterministic for a given --seed: a page is a .md/.mdx file under the English tree whose
translation exists at the same relative path, differs byte-wise from English, and neither file is over
60 KB (nor missing from the mirror's object store). Up to --pages English pages that have a Portuguese
translation ("pt-br" for astro/react, "pt" elsewhere) are chosen (sorted, then shuffled with
random.Random(seed)); a project without Portuguese gets the English pages with the most translations.
Every other language keeps up to --pages pages, taken first from those chosen pages, then filled with
its other translated pages (whose English side is then written too, marked "core": false). English
pages alternate between the "tune" and "heldout" splits in that seeded order.

FastAPI's and VitePress's own documentation are reserved for an independent evaluation: they must NOT
be added to this corpus (nor used for tuning anything).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT.parent / "docs-corpus"
MAX_BYTES = 60 * 1024
PAGE_EXTS = (".md", ".mdx")
RESERVED = re.compile(r"fastapi|vitepress", re.IGNORECASE)  # independent evaluation, never in this corpus


@dataclass(frozen=True)
class Project:
    name: str
    repository: str  # owner/name of the English repository
    toolchain: str
    root: str  # "src/content/docs/" : language trees are <root><lang>/
    en: str = "en"
    pt: str = "pt"
    # React: the English tree is <root> of one repo and pt-br the same <root> of another
    split_repos: dict = field(default_factory=dict)


PROJECTS = {
    "astro": Project("astro", "withastro/docs", "starlight", "src/content/docs/", pt="pt-br"),
    "react": Project("react", "reactjs/react.dev", "mdx", "src/content/", pt="pt-br",
                     split_repos={"pt-br": ("react-pt", "reactjs/pt-br.react.dev")}),
    "opentelemetry": Project("opentelemetry", "open-telemetry/opentelemetry.io", "hugo", "content/"),
    "gtfs": Project("gtfs", "MobilityData/gtfs.org", "mkdocs", "docs/"),
    "mongoz": Project("mongoz", "dymmond/mongoz", "mkdocs", "docs/"),
}
LANG_DIR = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
CONFIG_NAME = re.compile(r"^(astro\.config\.[cm]?[jt]s|mkdocs\.ya?ml|hugo\.(ya?ml|toml|json)|"
                         r"docusaurus\.config\.[cm]?[jt]s|next\.config\.[cm]?js)$")
CONFIG_TOP = re.compile(r"^(package\.json|config\.(toml|ya?ml|json))$")  # only at top level or config/
TERMS_NAME = re.compile(r"glossar|terminolog|(^|[-_.])terms?([-_.]|$)|^translat(ion|ing)s?([-_.]|$)|"
                        r"localization", re.IGNORECASE)
TERMS_DIR = re.compile(r"(^|/)(i18n-guides|\.cspell|prh)/", re.IGNORECASE)
TERMS_EXTS = (".md", ".mdx", ".txt", ".yml", ".yaml", ".json", ".csv", ".tsv", ".po")
SKIP_DIRS = re.compile(r"(^|/)(\.github|\.claude|node_modules|scripts|layouts|tests?|examples)/")


class Git:
    """One bare git directory, read at HEAD."""

    def __init__(self, gitdir: str):
        self.dir = gitdir
        self.env = {**os.environ, "GIT_NO_LAZY_FETCH": "1", "GIT_TERMINAL_PROMPT": "0"}
        self.head = self._run("rev-parse", "HEAD").decode().strip()
        self._present: dict[str, bool] = {}
        self.tree: dict[str, tuple[str, int]] = {}  # path -> (blob sha, size)
        for entry in self._run("ls-tree", "-r", "-l", "-z", self.head).split(b"\0"):
            if not entry:
                continue
            meta, path = entry.split(b"\t", 1)
            _mode, kind, sha, size = meta.split()
            if kind == b"blob":
                # ls-tree prints the size as "BAD" for a blob the mirror does not hold
                self.tree[path.decode("utf-8", "surrogateescape")] = (sha.decode(), int(size) if size.isdigit() else 0)
                if not size.isdigit():
                    self._present[sha.decode()] = False

    def _run(self, *args: str, data: bytes | None = None) -> bytes:
        return subprocess.run(["git", "-C", self.dir, *args], input=data, capture_output=True,
                              env=self.env, check=True).stdout

    def present(self, shas) -> dict[str, bool]:
        """Which blobs the object store actually holds (some mirrors lack large/binary ones)."""
        todo = sorted({s for s in shas if s not in self._present})
        if todo:
            out = self._run("cat-file", "--batch-check", data="\n".join(todo).encode() + b"\n")
            for line in out.decode().splitlines():
                parts = line.split()
                self._present[parts[0]] = parts[-1] != "missing"
        return {s: self._present[s] for s in shas}

    def read(self, shas) -> dict[str, bytes]:
        """Contents of many blobs through one `git cat-file --batch`."""
        shas = sorted(set(shas))
        if not shas:
            return {}
        out = self._run("cat-file", "--batch", data="\n".join(shas).encode() + b"\n")
        blobs, pos = {}, 0
        while pos < len(out):
            nl = out.index(b"\n", pos)
            header = out[pos:nl].split()
            pos = nl + 1
            if header[-1] == b"missing":
                continue
            size = int(header[2])
            blobs[header[0].decode()] = out[pos:pos + size]
            pos += size + 1
        return blobs


def languages(git: Git, root: str, en: str) -> list[str]:
    dirs = {p[len(root):].split("/", 1)[0] for p in git.tree if p.startswith(root) and p.count("/") > root.count("/")}
    return sorted(d for d in dirs if d != en and LANG_DIR.match(d))


def pages_under(git: Git, prefix: str) -> dict[str, tuple[str, int]]:
    return {p[len(prefix):]: v for p, v in git.tree.items() if p.startswith(prefix) and p.endswith(PAGE_EXTS)}


def licences(git: Git) -> list[str]:
    return sorted(p for p in git.tree if "/" not in p and re.match(r"(licen[cs]e|copying)", p, re.IGNORECASE))


def config_files(git: Git) -> list[str]:
    found = []
    for p in git.tree:
        if SKIP_DIRS.search(p):
            continue
        name = PurePosixPath(p).name
        parent = str(PurePosixPath(p).parent)
        if CONFIG_NAME.match(name) or (CONFIG_TOP.match(name) and (parent == "." or parent.startswith("config"))):
            found.append(p)
    return sorted(found)


def terms_files(git: Git, content_root: str, glossary_trees: list[str]) -> list[str]:
    """Glossaries, term/word lists and translator guides. Under the content root only pages named like
    a glossary count, and only in glossary_trees (the English and Portuguese trees)."""
    found = []
    for p in git.tree:
        if SKIP_DIRS.search(p) or not p.lower().endswith(TERMS_EXTS):
            continue
        name = PurePosixPath(p).name
        if p.startswith(content_root):
            if any(p.startswith(t) for t in glossary_trees) and re.search(r"glossar", name, re.IGNORECASE):
                found.append(p)
        elif TERMS_NAME.search(name) or TERMS_DIR.search(p):
            found.append(p)
    return sorted(found)


def _repo_of(git: Git, gits: dict[str, Git], sources: list[tuple[str, str]]) -> str:
    return next(repo for key, repo in sources if gits[key] is git)


def build_project(name: str, gits: dict[str, Git], out: Path, n_pages: int, seed: int) -> dict:
    spec = PROJECTS[name]
    en_git = gits[name]
    problems: list[str] = []
    en_tree = spec.root if spec.split_repos else f"{spec.root}{spec.en}/"
    en_pages = pages_under(en_git, en_tree)

    # language -> (git, prefix); React's pt-br lives in another repo, same root
    lang_trees: dict[str, tuple[Git, str]] = {}
    if spec.split_repos:
        for lang, (key, _repo) in spec.split_repos.items():
            if key not in gits:
                raise SystemExit(f"{name}: needs --mirror {key}=GITDIR as well")
            lang_trees[lang] = (gits[key], spec.root)
    else:
        for lang in languages(en_git, spec.root, spec.en):
            lang_trees[lang] = (en_git, f"{spec.root}{lang}/")

    # valid[lang] = {relpath: blob sha of the translation}
    en_ok = {rel for rel, (_s, size) in en_pages.items() if size <= MAX_BYTES}
    big = len(en_pages) - len(en_ok)
    present_en = en_git.present([en_pages[r][0] for r in en_ok])
    missing_en = sorted(r for r in en_ok if not present_en[en_pages[r][0]])
    en_ok -= set(missing_en)
    valid: dict[str, dict[str, str]] = {}
    stats: dict[str, dict[str, int]] = {}
    for lang, (git, prefix) in sorted(lang_trees.items()):
        tr = pages_under(git, prefix)
        common = sorted(set(tr) & set(en_pages))
        same = [r for r in common if tr[r][0] == en_pages[r][0]]
        too_big = [r for r in common if tr[r][0] != en_pages[r][0] and (tr[r][1] > MAX_BYTES or r not in en_ok)]
        cand = [r for r in common if r in en_ok and tr[r][0] != en_pages[r][0] and tr[r][1] <= MAX_BYTES]
        present = git.present([tr[r][0] for r in cand])
        ok = {r: tr[r][0] for r in cand if present[tr[r][0]]}
        stats[lang] = {"same_path": len(common), "untranslated_identical": len(same),
                       "too_big_or_english_unusable": len(too_big), "missing_blob": len(cand) - len(ok),
                       "usable": len(ok)}
        if ok:
            valid[lang] = ok
    if big:
        problems.append(f"{big} English pages over {MAX_BYTES} bytes skipped: "
                        + ", ".join(sorted(r for r, (_s, n) in en_pages.items() if n > MAX_BYTES)))
    if missing_en:
        problems.append(f"{len(missing_en)} English pages missing from the mirror's object store")

    rng = random.Random(seed)
    pt = spec.pt if spec.pt in valid else None
    core: list[str] = []
    basis = []
    if pt:
        pool = sorted(valid[pt])
        rng.shuffle(pool)
        core = pool[:n_pages]
        basis.append(f"{len(core)} pages with a '{pt}' translation")
    if len(core) < n_pages:  # no (or too little) Portuguese: English pages with the most translations
        count = {r: sum(r in v for v in valid.values()) for r in en_ok if r not in core}
        pool = sorted(r for r in count if count[r])
        rng.shuffle(pool)
        pool.sort(key=lambda r: -count[r])  # stable: seeded order among equal counts
        extra = pool[:n_pages - len(core)]
        core += extra
        if extra:
            basis.append(f"{len(extra)} English pages with the most translations")
    basis = "; then ".join(basis) or "nothing translated"

    order = list(core)  # English pages in split order
    chosen: dict[str, list[str]] = {}
    for lang in sorted(valid):
        if lang == pt:
            chosen[lang] = sorted(r for r in core if r in valid[lang])
            continue
        first = [r for r in core if r in valid[lang]][:n_pages]
        rest = sorted(set(valid[lang]) - set(first))
        rng.shuffle(rest)
        picked = first + rest[:max(0, n_pages - len(first))]
        for r in picked:
            if r not in order:
                order.append(r)
        chosen[lang] = sorted(picked)
    split = {r: ("tune" if i % 2 == 0 else "heldout") for i, r in enumerate(order)}

    # write
    final = out / name
    if final.exists() and not (final / "manifest.json").exists() and any(final.iterdir()):
        raise SystemExit(f"{final} exists, is not empty and has no manifest.json: not overwriting it")
    pdir = out / f".{name}.partial"  # built here, then moved into place, so a failure leaves no half corpus
    if pdir.exists():
        shutil.rmtree(pdir)
    pdir.mkdir(parents=True)

    def put(dest: Path, data: bytes) -> None:
        dest = dest.resolve()
        if not dest.is_relative_to(pdir.resolve()):
            raise SystemExit(f"refusing to write outside {pdir}: {dest}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)

    blobs = en_git.read([en_pages[r][0] for r in order])
    for r in order:
        put(pdir / spec.en / r, blobs[en_pages[r][0]])
    for key in dict.fromkeys(k for k, g in gits.items() if any(g is t[0] for t in lang_trees.values())):
        git = gits[key]
        items = [(lang, r) for lang, rels in chosen.items() if lang_trees[lang][0] is git for r in rels]
        data = git.read([valid[lang][r] for lang, r in items])
        for lang, r in items:
            put(pdir / lang / r, data[valid[lang][r]])

    sources = [(name, spec.repository)] + [(key, repo) for key, repo in spec.split_repos.values()]
    repos = {}
    configs, terms, lic = [], [], []
    for key, repo in sources:
        git = gits[key]
        repos[repo] = {"mirror": key, "commit": git.head, "licence": licences(git)}
        if spec.split_repos:
            trees = [spec.root]
        else:
            trees = [f"{spec.root}{spec.en}/"] + ([f"{spec.root}{pt}/"] if pt else [])
        wanted = {"config": config_files(git) if key == name else [],
                  "terms": terms_files(git, spec.root, trees), "licence": licences(git)}
        data = git.read([git.tree[p][0] for ps in wanted.values() for p in ps])
        for kind, paths in wanted.items():
            for p in paths:
                sha = git.tree[p][0]
                if sha not in data:
                    problems.append(f"{repo}:{p} missing from the object store, not copied")
                    continue
                sub = p if kind != "licence" or key == name else f"{repo.replace('/', '+')}/{p}"
                put(pdir / kind / sub, data[sha])
                rec = {"path": f"{kind}/{sub}", "repository": repo, "source_path": p, "bytes": len(data[sha])}
                {"config": configs, "terms": terms, "licence": lic}[kind].append(rec)

    manifest = {
        "project": name,
        "toolchain": spec.toolchain,
        "repository": spec.repository,
        "commit": en_git.head,
        "licence": repos[spec.repository]["licence"][0] if repos[spec.repository]["licence"] else None,
        "repositories": repos,
        "english_tree": f"{spec.repository}:{en_tree}",
        "language_trees": {l: f"{_repo_of(g, gits, sources)}:{p}" for l, (g, p) in sorted(lang_trees.items())},
        "selection": {"seed": seed, "pages_per_language": n_pages, "max_bytes": MAX_BYTES,
                      "core_basis": basis, "portuguese": pt},
        "language_stats": stats,
        "counts": {"en": len(order), **{l: len(v) for l, v in chosen.items()},
                   "tune": sum(1 for r in order if split[r] == "tune"),
                   "heldout": sum(1 for r in order if split[r] == "heldout")},
        "pages": [{"path": r, "split": split[r], "core": r in core, "bytes": en_pages[r][1],
                   "languages": sorted(l for l, v in chosen.items() if r in v)} for r in sorted(order)],
        "config": configs,
        "terms": terms,
        "licence_files": lic,
        "problems": problems,
    }
    put(pdir / "manifest.json", (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
    if final.exists():
        shutil.rmtree(final)
    pdir.rename(final)
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.docs_corpus", description=__doc__.split("\n\n")[0])
    ap.add_argument("--mirror", action="append", default=[], metavar="NAME=GITDIR",
                    help=f"one of {', '.join(PROJECTS)}, react-pt (pt-br.react.dev, with react)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default ../docs-corpus)")
    ap.add_argument("--pages", type=int, default=40, help="pages per project and per language (default 40)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    mirrors: dict[str, str] = {}
    for item in args.mirror:
        key, sep, gitdir = item.partition("=")
        if not sep or key not in {*PROJECTS, "react-pt"}:
            ap.error(f"--mirror {item!r}: expected NAME=GITDIR with NAME in {', '.join(PROJECTS)}, react-pt")
        if RESERVED.search(key) or RESERVED.search(gitdir):
            ap.error("FastAPI and VitePress docs are reserved for an independent evaluation")
        mirrors[key] = gitdir
    if not mirrors:
        ap.error("give at least one --mirror NAME=GITDIR")
    out = args.out.resolve()
    if out == REPO_ROOT or out.is_relative_to(REPO_ROOT):
        ap.error(f"--out must be outside the repository ({REPO_ROOT})")

    gits = {k: Git(v) for k, v in mirrors.items()}
    for name in PROJECTS:
        if name not in gits:
            continue
        m = build_project(name, gits, out, args.pages, args.seed)
        langs = ", ".join(f"{l} {n}" for l, n in m["counts"].items() if l not in ("tune", "heldout"))
        print(f"{name}: {m['commit'][:12]} {langs}; tune {m['counts']['tune']} heldout {m['counts']['heldout']}; "
              f"terms {len(m['terms'])}; problems {len(m['problems'])}")
    if "react-pt" in gits and "react" not in gits:
        print("react-pt given without react: ignored", file=sys.stderr)
    print(f"written under {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
