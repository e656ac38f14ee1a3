"""The commands share one way to report a usage error (newsgraph.cli.common.usage_error)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from rich.console import Console

import newsgraph.cli
from newsgraph.cli.common import usage_error
from newsgraph.errors import ConfigError

CLI = Path(newsgraph.cli.__file__).parent


@pytest.mark.parametrize("path", sorted(p for p in CLI.glob("*.py") if p.name != "common.py"),
                         ids=lambda p: p.name)
def test_commands_exit_2_only_through_usage_error(path: Path) -> None:
    assert "Exit(2)" not in path.read_text(encoding="utf-8")


def test_usage_error_prints_the_message_and_exits_2() -> None:
    console = Console(record=True, width=200)
    with pytest.raises(typer.Exit) as caught:
        usage_error(ConfigError("--baseline: [x] is missing"), console)
    assert caught.value.exit_code == 2
    assert console.export_text() == "error: --baseline: [x] is missing\n"
