"""``newsgraph evaluate``: score the NER or the parser against a gold file."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from newsgraph.cli.common import usage_error
from newsgraph.config import parse_overrides, settings_from_options
from newsgraph.errors import NewsgraphError
from newsgraph.tools.evaluate import DEFAULT_MICRO_LABELS, FORMATS, NerReport, evaluate_file
from newsgraph.nlp.loading import load_pipeline


def evaluate_cli(
    gold: Path = typer.Argument(..., help="Gold file: GermEval TSV, CoNLL, IOB2, HIPE-2022 TSV or CoNLL-U."),
    fmt: str = typer.Option("germeval", "--format", "-f", help=f"One of: {', '.join(FORMATS)} (conllu scores tags and parse)."),
    lang: str = typer.Option("de", "--lang", help="Language of the pipeline to score (de, en, fr, it)."),
    model: Path | None = typer.Option(None, "--model", help="Score this pipeline folder instead."),
    news_only: bool = typer.Option(False, "--news-only", help="GermEval: only the news sentences."),
    labels: str = typer.Option(",".join(DEFAULT_MICRO_LABELS), "--labels", help="Labels in the micro average."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
    fast: bool = typer.Option(False, "--fast", help="German: score the CNN pipeline instead of the default encoder pipeline."),
    accurate: bool = typer.Option(False, "--accurate", help="German: an alias of the default; en/fr/it: the shipped encoder NER replaces the pipeline's own."),
    accurate_model: Path | None = typer.Option(
        None, "--accurate-model",
        help="An ONNX encoder folder for the encoder pipeline, or (with --accurate) a torch encoder NER in the CNN pipeline."),
    overrides: list[str] = typer.Option(
        [], "--set", help="A setting, as for extract: --set accurate_onnx=true (repeatable; model, fast and the "
        "accurate_* settings are read, the flags win)."),
) -> None:
    """Print precision/recall/F1 per label and micro (NER), or POS/morph/UAS/LAS (conllu).

    Gold labels are mapped to PER/LOC/ORG/MISC exactly as for training (see
    newsgraph.training.corpora); predicted OntoNotes labels (English) are mapped too: PERSON → PER,
    GPE/FAC → LOC, NORP and other names → MISC.
    """
    try:
        settings = settings_from_options(parse_overrides(overrides))
        nlp = load_pipeline(lang, model=model or settings.model, components=(), fast=fast or settings.fast,
                            accurate=accurate or settings.accurate,
                            accurate_model=accurate_model or settings.accurate_model,
                            accurate_onnx=settings.accurate_onnx)
        report = evaluate_file(nlp, gold, fmt=fmt, news_only=news_only,
                               micro_labels=tuple(x.strip() for x in labels.split(",") if x.strip()))
    except NewsgraphError as e:
        usage_error(e)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
        return
    if isinstance(report, NerReport):
        typer.echo(f"{'label':<8}{'P':>8}{'R':>8}{'F1':>8}{'support':>9}")
        for label, score in sorted(report.per_label.items()):
            typer.echo(f"{label:<8}{score.precision:>8.4f}{score.recall:>8.4f}{score.f1:>8.4f}{score.tp + score.fn:>9}")
        m = report.micro
        typer.echo(f"{'micro':<8}{m.precision:>8.4f}{m.recall:>8.4f}{m.f1:>8.4f}{m.tp + m.fn:>9}"
                   f"   ({'/'.join(report.micro_labels)}, {report.sentences} sentences)")
    else:
        for key, value in report.scores.items():
            typer.echo(f"{key:<10}{value:.4f}")
        typer.echo(f"({report.sentences} sentences)")
