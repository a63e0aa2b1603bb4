"""Configuration: a TOML file validated by pydantic; unknown keys and wrong types are errors."""
from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import UserError

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "configs" / "default.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SegmentConfig(_Section):
    front_matter_keys: list[str] = ["title", "excerpt"]
    max_input_mb: float = Field(5.0, gt=0)


class MarianConfig(_Section):
    models: dict[str, str] = {}
    model_template: str | None = "Helsinki-NLP/opus-mt-{src}-{tgt}"
    target_tokens: dict[str, str] = {}
    beam_size: int = Field(4, ge=1)
    batch_tokens: int = Field(4096, ge=16)
    max_batch_size: int = Field(64, ge=1)
    device: str = "auto"


class BergamotConfig(_Section):
    threads: int | None = Field(None, ge=1)
    postprocess: bool = False


class TranslateConfig(_Section):
    engines: dict[str, str] = {"default": "marian"}  # "src-tgt" (or "default") -> engine name
    pivot: str = "en"
    glossary_dir: str | None = "glossaries"


class Config(_Section):
    segment: SegmentConfig = SegmentConfig()
    translate: TranslateConfig = TranslateConfig()
    marian: MarianConfig = MarianConfig()
    bergamot: BergamotConfig = BergamotConfig()
    source: Path | None = None  # the file it was read from; relative paths resolve against it

    def engine_for(self, src: str, tgt: str) -> str:
        return self.translate.engines.get(f"{src}-{tgt}", self.translate.engines.get("default", "marian"))

    def resolve(self, path: str) -> Path:
        """A path from the config, relative to the project root (the config's parent folder)."""
        root = self.source.parent.parent if self.source else Path.cwd()
        return (root / path).resolve()


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
    try:
        return Config(**data, source=path.resolve())
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise UserError(f"config {path}: {where}: {first['msg']} ({error.error_count()} problem(s) in all)") from None
