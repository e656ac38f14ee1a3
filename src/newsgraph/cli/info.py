"""``newsgraph info``: versions, models found and the effective configuration."""

from __future__ import annotations

import json
import platform

import typer

from newsgraph.tools.info import collect_info


def info_cli(as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON.")) -> None:
    """Show versions, which pipeline runs German texts and on which device, the pipelines found and where
    (installed package, source checkout or $NEWSGRAPH_MODELS) and the effective settings."""
    info = collect_info()
    if as_json:
        typer.echo(json.dumps(info, indent=2, ensure_ascii=False))
        return
    typer.echo(f"newsgraph {info['newsgraph']}  (python {platform.python_version()}, spaCy {info['spacy']})")
    typer.echo(f"models folder: {info['models_dir']}")
    for lang, model in info["pipelines"].items():
        typer.echo(f"  {lang}: {model}")
    typer.echo(f"German runs: {info['german_pipeline']}")
    for lang, mode in info["runs"].items():
        if lang != "de":
            typer.echo(f"{lang} runs: {mode}")
    typer.echo(f"matrix products: {info['matrix_products']}")
    typer.echo("settings:")
    for key, value in info["settings"].items():
        typer.echo(f"  {key} = {value}")
