"""Which language pairs can be translated here, and how: `pipeline models` and `pipeline models pull`."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.config import Config
from pipeline.errors import UserError
from pipeline.lang.detect import language_tag
from pipeline.translation import hub
from pipeline.translation.route import Engines

_OPUS = re.compile(r"^Helsinki-NLP/opus-mt-([a-zA-Z]+)-([a-zA-Z]+)$")


@dataclass(frozen=True)
class Pair:
    src: str
    tgt: str
    how: str  # "embedded", "cached", "local", "via en"
    model: str


def cached_opus_models() -> list[tuple[str, str, str]]:
    """(src, tgt, repo id) of every OPUS-MT model in the Hugging Face cache."""
    from huggingface_hub import scan_cache_dir

    try:
        repos = scan_cache_dir().repos
    except Exception:  # noqa: BLE001 - no cache yet, or an unreadable one: nothing cached
        return []
    found = []
    for repo in repos:
        if repo.repo_type == "model" and (match := _OPUS.match(repo.repo_id)):
            found.append((match[1], match[2], repo.repo_id))
    return sorted(found)


def pairs(config: Config) -> list[Pair]:
    """Every pair served without a download: embedded engines, configured local models, cached
    OPUS-MT models, and the pairs they make through the pivot language."""
    engines = Engines(config)
    direct: dict[tuple[str, str], Pair] = {}
    from pipeline.translation.engines.bergamot import DIRECTIONS

    for src, tgt in DIRECTIONS:  # the embedded engine's own models
        direct[src, tgt] = Pair(src, tgt, "embedded", engines.get("bergamot").model_id(src, tgt))
    for key, spec in config.marian.models.items():
        src, _, tgt = key.partition("-")
        direct.setdefault((src, tgt), Pair(src, tgt, "local" if "/" in spec and not _OPUS.match(spec) else "configured", spec))
    for src, tgt, repo in cached_opus_models():
        if src.islower() and tgt.islower():
            direct.setdefault((src, tgt), Pair(src, tgt, "cached", repo))
    pivot = config.translate.pivot
    through = {}
    for (a, b), first in direct.items():
        for (c, d), second in direct.items():
            if b == pivot == c and a != d and (a, d) not in direct:
                through.setdefault((a, d), Pair(a, d, f"via {pivot}", f"{first.model} > {second.model}"))
    return sorted([*direct.values(), *through.values()], key=lambda p: (p.src, p.tgt))


def pull(pair: str, config: Config) -> list[str]:
    """Download what ``SRC-TGT`` needs into the Hugging Face cache (the direct OPUS-MT model, else the
    two through the pivot); returns the repo ids fetched. Needs the hub."""
    src, sep, tgt = pair.partition("-")
    if not sep or not src or not tgt:
        raise UserError(f"{pair!r}: give a pair as SRC-TGT, e.g. en-fr")
    src, tgt = language_tag(src).lang, language_tag(tgt).lang
    if hub.offline_by_choice():
        raise UserError("HF_HUB_OFFLINE is set: unset it to download models")
    if not hub.reachable(hub.endpoint()):
        raise UserError(f"the Hugging Face Hub ({hub.endpoint()}) cannot be reached: pull models on a machine with network, then copy its cache (~/.cache/huggingface)")
    template = config.marian.model_template or "Helsinki-NLP/opus-mt-{src}-{tgt}"
    wanted = [template.format(src=src, tgt=tgt)]
    if hub.on_hub(wanted[0]) is not True:
        pivot = config.translate.pivot
        wanted = [template.format(src=a, tgt=b) for a, b in ((src, pivot), (pivot, tgt)) if config.engine_for(a, b) in ("marian", "ctranslate2")]
        missing = [repo for repo in wanted if hub.on_hub(repo) is not True]
        if missing or pivot in (src, tgt):
            raise UserError(f"the Hugging Face Hub has no model for {src}->{tgt}" + (f" nor {', '.join(missing)} to go through {pivot}" if missing else ""))
    from huggingface_hub import snapshot_download

    for repo in wanted:
        snapshot_download(repo, allow_patterns=["*.json", "*.spm", "*.txt", "*.model", "*.safetensors", "*.vocab", "*.yml"])
    return wanted
