"""One settings tree: shipped defaults < user file < environment < command line (``--set key=value``)."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from newsgraph.errors import ConfigError, Errors

ENV_PREFIX = "NEWSGRAPH_"
USER_FILE = "newsgraph.toml"
# newsgraph variables that name folders rather than settings: the models folder and the local model cache
NOT_SETTINGS = frozenset({"NEWSGRAPH_MODELS", "NEWSGRAPH_CACHE"})


class Settings(BaseModel):
    """Settings of an extraction run. Every field can come from any layer of the tree."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    lang: str = Field(default="auto", description="auto (metadata, then detection) or a language code.")
    model: Path | None = Field(default=None, description="A spaCy pipeline folder to use instead of the shipped one.")
    fast: bool = Field(
        default=False,
        description="German: run the CNN pipeline (de_newsgraph) instead of the default one-pass encoder pipeline "
        "(faster, less accurate).",
    )
    device: Literal["cpu", "cuda"] = Field(
        default="cpu", description="Where the encoder runs: cpu, or cuda (needs onnxruntime-gpu and a GPU)."
    )
    accurate: bool = Field(
        default=False,
        description="Kept from when the encoder was opt-in: German's default is the encoder pipeline and English, "
        "French and Italian run the encoder NER by default now; with a model of one's own (or an accurate_model) it "
        "replaces that pipeline's NER with the encoder NER.",
    )
    accurate_model: Path | None = Field(
        default=None,
        description="An ONNX encoder folder for the encoder pipeline, or (with accurate) a torch encoder NER that "
        "replaces the CNN pipeline's NER (default: the shipped models/de_e5_onnx).",
    )
    accurate_onnx: bool = Field(
        default=False,
        description="Kept so old settings files load: without an accurate_model the shipped ONNX encoder "
        "(models/de_e5_onnx, onnxruntime, no torch) always runs now.",
    )
    max_bytes: int = Field(default=10_000_000, gt=0, description="Input files larger than this are rejected (.jsonl: each line).")
    max_chars: int = Field(
        default=150_000, gt=0,
        description="Articles longer than this (characters) become an error record: memory grows with the length "
        "(150,000 characters of news text: about 1.2 GB at peak).",
    )
    max_tokens: int = Field(
        default=30_000, gt=0,
        description="Articles with more tokens than this (words and punctuation marks) become an error record "
        "(a run of punctuation is one token per character).",
    )
    article_timeout: float = Field(
        default=300, ge=0,
        description="Seconds one article may take in the NLP stage before it becomes an error record (0: no limit; "
        "enforced where signals work: the local engine on Unix, not Dask worker threads or Windows).",
    )
    batch_size: int = Field(default=64, gt=0, description="Articles per NLP batch.")
    on_error: Literal["skip", "fail"] = Field(default="skip", description="skip bad inputs, or stop at the first.")
    formats: list[str] = Field(default_factory=lambda: ["graphml", "json"], description="Graph formats to write.")
    languages: list[str] = Field(
        default_factory=lambda: ["de", "en", "fr", "it"], description="Languages language detection chooses from."
    )
    workers: int = Field(
        default=1, gt=0, description="NLP worker processes (local engine), or LocalCluster workers (dask engine)."
    )
    engine: Literal["local", "dask"] = Field(
        default="local", description='Where the NLP stage runs: local processes, or a Dask cluster ("newsgraph[dask]").'
    )
    scheduler: str | None = Field(
        default=None, description="Dask scheduler address (tcp://host:8786); unset: a LocalCluster of `workers`."
    )
    result_cache: bool = Field(
        default=True,
        description="Keep finished articles in OUT/newsgraph-cache.sqlite; re-runs and resumed runs skip them.",
    )


def _explain(error: ValidationError, source: str) -> ConfigError:
    problems = []
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"]) or "?"
        if item["type"] == "extra_forbidden":
            problems.append(Errors.E006.format(key=key, known=", ".join(Settings.model_fields)))
        else:
            problems.append(Errors.E002.format(key=key, message=item["msg"], value=item.get("input")))
    return ConfigError(Errors.E001.format(source=source, problems="; ".join(problems)))


def _parse_value(key: str, text: str) -> Any:
    """Command-line and environment values are text; lists are comma-separated."""
    field = Settings.model_fields.get(key)
    if field is not None and "list" in str(field.annotation):
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def read_user_file(path: Path) -> dict[str, Any]:
    """The ``[newsgraph]`` table (or the top level) of a TOML settings file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(Errors.E004.format(path=path, error=e)) from e
    table = data.get("newsgraph", data)
    if not isinstance(table, dict):
        raise ConfigError(Errors.E005.format(path=path))
    return table


def read_environment(env: Mapping[str, str]) -> dict[str, Any]:
    """Settings from ``NEWSGRAPH_<KEY>`` variables (``NEWSGRAPH_MODELS`` and ``NEWSGRAPH_CACHE`` are folders,
    not settings)."""
    values = {}
    for name, text in env.items():
        if name.startswith(ENV_PREFIX) and name not in NOT_SETTINGS:
            key = name[len(ENV_PREFIX):].lower()
            values[key] = _parse_value(key, text)
    return values


def parse_overrides(pairs: Iterable[str]) -> dict[str, Any]:
    """``key=value`` strings from ``--set``."""
    values = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(Errors.E003.format(pair=pair))
        values[key.strip()] = _parse_value(key.strip(), text.strip())
    return values


def load_settings(
    *, file: Path | None = None, env: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """Merge the layers into validated settings.

    Args:
        file: A TOML settings file; without it ``./newsgraph.toml`` is read when present.
        env: Environment variables (default: ``os.environ``).
        overrides: Command-line values (highest precedence).

    Raises:
        ConfigError: a value is invalid or a key unknown; the message names the layer and the key.
    """
    layers: list[tuple[str, dict[str, Any]]] = []
    path = file if file is not None else Path(USER_FILE)
    if file is not None or path.is_file():
        layers.append((str(path), read_user_file(path)))
    layers.append(("environment", read_environment(os.environ if env is None else env)))
    layers.append(("command line", dict(overrides or {})))
    settings = Settings()
    for source, values in layers:
        try:
            settings = Settings.model_validate({**settings.model_dump(), **values})
        except ValidationError as e:
            raise _explain(e, source) from e
    return settings


def settings_from_options(options: Mapping[str, Any]) -> Settings:
    """Validated settings from keyword options of the library API (defaults below them)."""
    try:
        return Settings(**options)
    except ValidationError as e:
        raise _explain(e, "options") from e
