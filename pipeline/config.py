"""Configuration: a TOML file validated by pydantic; unknown keys and wrong types are errors."""
from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from pipeline.errors import UserError

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "configs" / "default.toml"
CI_CONFIG = DEFAULT_CONFIG.with_name("ci.toml")  # what `pipeline check` and `pipeline.check` read by default
SHIPPED_GLOSSARIES = DEFAULT_CONFIG.parent.parent / "glossaries"
PROJECT_CONFIG = "pipeline.toml"  # a project's own settings, at its root; it marks the project's home
MEMORY_FOLDER = ".pipeline"  # the project's memory folder, beside its pipeline.toml or .git
APP_NAME = "newsletter-pipeline"  # the user data directory's name (platformdirs)
Inputs = Iterable["str | Path | None"]  # a run's input files or folders; None or "-" is stdin


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SegmentConfig(_Section):
    front_matter_keys: list[str] = ["title", "excerpt"]
    # The documentation toolchain whose syntax is kept (document/dialects): "auto" finds it from the
    # project's files above each page (mkdocs.yml, astro.config.mjs...), or a name: markdown, mkdocs,
    # docusaurus, starlight, vitepress, hugo, jekyll, myst, mdx.
    dialect: str = "auto"
    code_comments: bool = False  # translate the comments of fenced code blocks (--code-comments); code never
    max_input_mb: float = Field(5.0, gt=0)


class MarianConfig(_Section):
    models: dict[str, str] = {}
    model_template: str | None = "Helsinki-NLP/opus-mt-{src}-{tgt}"
    target_tokens: dict[str, str] = {}
    beam_size: int = Field(4, ge=1)
    batch_tokens: int = Field(4096, ge=16)
    max_batch_size: int = Field(64, ge=1)
    device: str = "auto"
    allow_pickle: bool = False  # load pickle-only weights (pytorch_model.bin), which can run code


class BergamotConfig(_Section):
    threads: int | None = Field(None, ge=1)
    postprocess: bool = False


class CTranslate2Config(_Section):
    """The ctranslate2 engine runs the models the marian section names (models, template, target tokens)."""

    compute_type: Literal["auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32"] = "auto"
    device: Literal["auto", "cpu", "cuda"] = "auto"
    beam_size: int = Field(4, ge=1)
    batch_tokens: int = Field(4096, ge=16)
    max_batch_size: int = Field(64, ge=1)
    threads: int | None = Field(None, ge=1)
    cache_dir: str | None = None  # where conversions go; default: next to the model (or beside the HF cache)


class TranslateConfig(_Section):
    engines: dict[str, str] = {"default": "marian"}  # "src-tgt" (or "default") -> engine name
    pivot: str = "en"
    glossary_dir: str | None = "glossaries"
    # How glossary terms reach the engine, pass after pass (python -m bench.glossary_compliance): "free" (left in
    # the text, translated in context), then for segments whose output lacks a pinned term, that term imposed
    # "inline" (its pinned form written in the source) or as a "placeholder" (opaque, restored after).
    term_passes: list[Literal["free", "inline", "placeholder"]] = Field(["free", "placeholder"], min_length=1)


class MemoryConfig(_Section):
    # Relative to the config's project root. Unset (or set in a shipped config): the input's project
    # home's .pipeline/memory.sqlite, else the user data directory's (Config.memory_choice).
    path: str | None = None
    commit_every: int = Field(32, ge=1)  # distinct source segments translated between two commits
    fuzzy: float = Field(75.0, ge=0, le=100)  # a reviewed translation of a sentence this similar (percent) is offered


@dataclass(frozen=True)
class Thresholds:
    """The numbers the checks compare against, for one language pair."""

    min_chrf: float  # back-translation chrF below this is flagged
    length_ratio: tuple[float, float]  # target/source prose length outside this is flagged
    min_words: int  # untranslated / length checks ignore sources with fewer words


class PairThresholds(_Section):
    """Per-pair overrides of the back-check thresholds; unset fields keep the section's value."""

    min_chrf: float | None = Field(None, ge=0, le=100)
    length_ratio: tuple[float, float] | None = None
    min_words: int | None = Field(None, ge=1)


class BackcheckConfig(_Section):
    enabled: bool = True
    min_chrf: float = Field(30.0, ge=0, le=100)
    length_ratio: tuple[float, float] = (0.5, 2.0)
    min_words: int = Field(3, ge=1)
    encoder: bool = True  # the meaning similarity of source and translation (multilingual sentence encoder) and its "meaning" check
    # check name -> severity override (names checked by quality.checks); "off" silences a check. Unset, the
    # gate uses the severities measured per language (quality/checks/measured.json, python -m bench.gate_calibration)
    severities: dict[str, Literal["error", "warning", "off"]] = {}
    pairs: dict[str, PairThresholds] = {}  # "src-tgt" -> overrides

    def thresholds(self, src: str, tgt: str) -> Thresholds:
        values = {"min_chrf": self.min_chrf, "length_ratio": tuple(self.length_ratio), "min_words": self.min_words}
        if override := self.pairs.get(f"{src}-{tgt}"):
            values.update(override.model_dump(exclude_none=True))
        return Thresholds(**values)


def _regex(value: str) -> str:
    import re

    try:
        re.compile(value)
    except re.error as error:
        raise ValueError(f"{value!r} is not a valid regular expression: {error}") from None
    return value


Regex = Annotated[str, AfterValidator(_regex)]


class UrlRule(_Section):
    """A declared localization of links: a source URL matching ``pattern`` may be ``replacement`` in the translation.

    ``pattern`` is a regular expression searched in the source URL; ``replacement`` a regular
    expression (``\\1``... name the pattern's groups, ``{tgt}`` the target language) that a URL of
    the translation must match in full. ``languages``: the target languages it applies to (none: all).
    """

    pattern: Regex
    replacement: Regex
    reason: str = Field(min_length=1)
    languages: list[str] = []

    def allows(self, source_url: str, target_url: str, tgt: str) -> bool:
        """Whether this rule lets ``target_url`` stand for ``source_url`` in a ``tgt`` translation."""
        import re

        if self.languages and tgt not in self.languages:
            return False
        match = re.search(self.pattern, source_url)
        if not match:
            return False
        wanted = re.sub(r"\\(\d)", lambda m: re.escape(match.group(int(m[1])) or ""), self.replacement).replace("{tgt}", re.escape(tgt))
        return re.fullmatch(wanted, target_url) is not None


class OmissionRule(_Section):
    """A declared adaptation: a source block matching ``pattern`` (a regular expression searched in
    its text) may have no counterpart in a translation into ``languages`` (none: all)."""

    pattern: Regex
    reason: str = Field(min_length=1)
    languages: list[str] = []

    def allows(self, source_text: str, tgt: str) -> bool:
        import re

        return (not self.languages or tgt in self.languages) and re.search(self.pattern, source_text) is not None


class GateConfig(_Section):
    """`pipeline check`: which findings fail the build (severities and thresholds are [backcheck]'s)."""

    fail_on: Literal["error", "warning", "never"] = "error"
    source_lang: str = "en"  # the source of NAME.SRC.md <-> NAME.TGT.md pairs (--all, --changed)
    backtranslate: bool = True  # when an engine for the reverse pair is available
    kept_titles: Literal["error", "warning"] = "warning"  # untranslated/language flags on a title copied verbatim
    # a source block with no counterpart in the translation, and a translation block with none in the source;
    # unset: the severity measured for the language (as for the checks)
    missing: Literal["error", "warning"] | None = None
    extra: Literal["error", "warning"] | None = None
    url_rules: list[UrlRule] = []  # declared localized links: not findings, listed as suppressed with their reason
    # target languages whose translations may turn a link into a numbered reference "[3]" with the URL
    # in a reference list ("[3] Title: https://..."); "*" = every language
    numbered_references: list[str] = []
    omissions: list[OmissionRule] = []  # source blocks an adaptation may drop: listed as suppressed with their reason
    # toolchain syntax a translation may drop (pattern searched in the piece as written): Astro's pages ask
    # translators to remove their <DontEditWarning /> component; listed as suppressed with their reason
    syntax_omissions: list[OmissionRule] = []


class RunConfig(_Section):
    """Where the engines run: in this process, or in the actors of a Ray cluster (``--ray``)."""

    executor: Literal["local", "ray"] = "local"
    ray_address: str | None = None  # "auto", "HOST:6379", "ray://HOST:10001"; unset: a local Ray (or $RAY_ADDRESS)
    workers: int | None = Field(None, ge=1)  # engine actors per language pair; unset: the cluster's CPUs (GPUs)
    max_restarts: int = Field(3, ge=0)  # how often Ray restarts a dead engine actor (and retries its batch)


class Config(_Section):
    segment: SegmentConfig = SegmentConfig()
    translate: TranslateConfig = TranslateConfig()
    backcheck: BackcheckConfig = BackcheckConfig()
    memory: MemoryConfig = MemoryConfig()
    marian: MarianConfig = MarianConfig()
    bergamot: BergamotConfig = BergamotConfig()
    ctranslate2: CTranslate2Config = CTranslate2Config()
    gate: GateConfig = GateConfig()
    run: RunConfig = RunConfig()
    source: Path | None = None  # the file it was read from; relative paths resolve against it

    def engine_for(self, src: str, tgt: str) -> str:
        return self.translate.engines.get(f"{src}-{tgt}", self.translate.engines.get("default", "marian"))

    def memory_path(self, override: str | Path | None = None, inputs: Inputs = ()) -> Path:
        """The translation memory file for a run on ``inputs`` (see ``memory_choice``)."""
        return self.memory_choice(override, inputs)[0]

    def memory_choice(self, override: str | Path | None = None, inputs: Inputs = ()) -> tuple[Path, str]:
        """The memory file and why: ``override`` (--memory), else $PIPELINE_MEMORY, else memory.path of a
        user's own config, else the first input's project home, else the user data directory."""
        if override:
            return Path(override).resolve(), "from --memory"
        if chosen := os.environ.get("PIPELINE_MEMORY"):
            return Path(chosen).resolve(), "from $PIPELINE_MEMORY"
        if self.memory.path and not self.shipped:
            return self.resolve(self.memory.path), f"memory.path of {self.source or 'the config'}"
        if (first := first_input(inputs)) is not None and (home := project_home(first)) is not None:
            return home / MEMORY_FOLDER / "memory.sqlite", home_reason(home)
        return user_data_dir() / "memory.sqlite", "user data directory"

    @property
    def shipped(self) -> bool:
        """Whether this is one of the configs shipped with the pipeline (configs/default.toml, ci.toml)."""
        return self.source is not None and self.source in (DEFAULT_CONFIG, CI_CONFIG)

    def resolve(self, path: str) -> Path:
        """A path from the config, relative to its project root: a pipeline.toml's own folder, else the
        parent of the config's folder (configs/default.toml: the checkout); no file: the current one."""
        if self.source is None:
            root = Path.cwd()
        else:
            root = self.source.parent if self.source.name == PROJECT_CONFIG else self.source.parent.parent
        return (root / path).resolve()


def project_home(path: str | Path) -> Path | None:
    """The nearest folder at or above ``path`` that has a pipeline.toml or a .git: its project's home."""
    path = Path(path).resolve()
    start = path if path.is_dir() else path.parent
    for folder in (start, *start.parents):
        if (folder / PROJECT_CONFIG).is_file() or (folder / ".git").exists():
            return folder
    return None


def home_reason(home: Path) -> str:
    """Why a setting comes from the project at ``home``: "project home /x (has .git)"."""
    return f"project home {home} (has {PROJECT_CONFIG if (home / PROJECT_CONFIG).is_file() else '.git'})"


def first_input(inputs: Inputs) -> Path | None:
    """The first input that is a file or folder (not stdin: None or "-")."""
    return next((Path(p) for p in inputs if p is not None and str(p) != "-"), None)


def project_config(inputs: Inputs) -> Path | None:
    """The pipeline.toml of the first input's project home, if it has one."""
    home = project_home(first) if (first := first_input(inputs)) is not None else None
    return home / PROJECT_CONFIG if home is not None and (home / PROJECT_CONFIG).is_file() else None


def user_data_dir() -> Path:
    """The user's data directory for the pipeline (platformdirs: ~/.local/share/newsletter-pipeline)."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def prepare_memory_folder(path: Path) -> Path:
    """Create the folder of the memory file ``path``; a new .pipeline/ folder gets a .gitignore of
    ``*``, so that the memory is never committed by accident. Returns ``path``."""
    folder = path.parent
    if folder.name == MEMORY_FOLDER and not folder.exists():
        try:
            folder.mkdir(parents=True)
            (folder / ".gitignore").write_text("*\n", encoding="utf-8")
        except FileExistsError:  # another process made it first
            pass
        except OSError as error:
            raise UserError(f"cannot create the memory folder {folder}: {error.strerror}") from None
    return path


def load_config(path: Path | None = None) -> Config:
    """Read and validate a config file; every problem becomes a one-line UserError."""
    path = path or DEFAULT_CONFIG
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"config file {path} does not exist: pass an existing file to --config") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read config {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"config {path} is not valid TOML: {error}") from None
    if path.name == PROJECT_CONFIG and isinstance(section := data.setdefault("translate", {}), dict):
        # a project's settings keep the shipped glossary unless they name one (its glossaries/ adds to it)
        section.setdefault("glossary_dir", str(SHIPPED_GLOSSARIES))
    try:
        return Config(**data, source=path.resolve())
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise UserError(f"config {path}: {where}: {first['msg']} ({error.error_count()} problem(s) in all)") from None
