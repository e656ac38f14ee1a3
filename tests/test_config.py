"""The settings tree: defaults < user file < environment < command line; errors name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgraph.config import Settings, load_settings, parse_overrides, settings_from_options
from newsgraph.errors import ConfigError


def test_defaults() -> None:
    settings = load_settings(env={}, file=None)
    assert settings == Settings()


def test_layers_override_in_order(tmp_path: Path) -> None:
    user = tmp_path / "newsgraph.toml"
    user.write_text('[newsgraph]\nbatch_size = 8\nlang = "de"\nformats = ["gexf"]\n', encoding="utf-8")
    env = {"NEWSGRAPH_BATCH_SIZE": "16", "NEWSGRAPH_MODELS": "/ignored", "NEWSGRAPH_LANGUAGES": "de,fr"}
    settings = load_settings(file=user, env=env, overrides=parse_overrides(["batch_size=32"]))
    assert settings.batch_size == 32  # command line beats environment beats file
    assert settings.lang == "de" and settings.formats == ["gexf"]  # from the file
    assert settings.languages == ["de", "fr"]  # list from a comma-separated variable


def test_folder_variables_are_not_settings() -> None:
    # regression: NEWSGRAPH_CACHE (the encoder cache) was read as an unknown setting "cache"
    env = {"NEWSGRAPH_MODELS": "/models", "NEWSGRAPH_CACHE": "/cache", "NEWSGRAPH_ACCURATE": "true"}
    settings = load_settings(file=None, env=env)
    assert settings.accurate is True and settings.accurate_model is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"overrides": {"batch_size": "zero"}}, "command line: batch_size"),
        ({"overrides": {"colour": "blue"}}, "unknown setting 'colour'"),
        ({"env": {"NEWSGRAPH_ON_ERROR": "maybe"}}, "environment: on_error"),
    ],
)
def test_errors_name_the_layer_and_key(kwargs: dict, message: str) -> None:
    kwargs.setdefault("env", {})
    with pytest.raises(ConfigError, match=message):
        load_settings(**kwargs)


def test_bad_user_file(tmp_path: Path) -> None:
    user = tmp_path / "bad.toml"
    user.write_text("batch_size = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.toml: cannot read settings file"):
        load_settings(file=user, env={})


def test_set_needs_key_value() -> None:
    with pytest.raises(ConfigError, match="--set key=value"):
        parse_overrides(["batch_size"])


def test_library_options_are_validated() -> None:
    assert settings_from_options({"lang": "de"}).lang == "de"
    with pytest.raises(ConfigError, match="max_bytes"):
        settings_from_options({"max_bytes": -1})
