"""newsgraph's error hierarchy and its catalogue of coded messages: each says what went wrong, where, and
how to fix it.

A message is written once, in :class:`Errors`, under a code, and raised with its named fields filled in::

    raise ConfigError(Errors.E003.format(pair=pair))

The exception then carries the code (``error.code == "E003"``); its text, ``str(error)``, is the message
alone (error records in articles.jsonl and the tests compare it), and ``newsgraph`` prints the code after it.
Codes by range: E0xx settings, E1xx inputs, E2xx languages and models, E3xx engines and the cache, E4xx output,
E5xx per-article limits (recorded on an article, not raised).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any


class Message(str):
    """A catalogue message: a format string that remembers its code through :meth:`format`."""

    code: str | None = None

    def format(self, *args: Any, **kwargs: Any) -> Message:
        """The message with its fields filled in, still carrying the code."""
        return _coded(str.format(self, *args, **kwargs), self.code)


def _coded(text: str, code: str | None) -> Message:
    message = Message(text)
    message.code = code
    return message


class _Catalogue(type):
    """Makes every ``E123`` attribute a :class:`Message` that knows its code."""

    def __init__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> None:
        super().__init__(name, bases, namespace)
        for key, value in namespace.items():
            if re.fullmatch(r"E\d{3}", key):
                setattr(cls, key, _coded(value, key))


class Errors(metaclass=_Catalogue):
    """Every message newsgraph raises from its runtime modules, by code; each says how to fix the problem."""

    # E0xx settings (config.py, export.check_formats, diff.check_ignore, langid, engines)
    E001 = "{source}: {problems}"
    E002 = "{key}: {message} (got {value!r})"
    E003 = "--set {pair!r}: use --set key=value, e.g. --set batch_size=32"
    E004 = "{path}: cannot read settings file: {error}"
    E005 = "{path}: [newsgraph] must be a table of settings"
    E006 = "unknown setting {key!r} (known: {known})"
    E007 = "formats: unknown output format(s) {unknown}; use any of {known}."
    E008 = "ignore: unknown tolerance(s) {unknown}; use any of {known}."
    E009 = "languages: give at least one candidate language code, e.g. 'de'"
    E010 = "languages: {code!r} is not a language code lingua can detect; use ISO 639-1 codes: {supported}"
    E011 = "on_error must be 'raise' or 'collect', not {on_error!r}"
    E012 = "max_bytes must be a positive number of bytes, not {max_bytes!r}"
    E013 = "engine 'dask' needs Dask's distributed scheduler: run `{pip}` (or use --engine local)"
    E014 = ("cannot connect to {where}: {error}. Check the address (tcp://host:port) and that the scheduler is "
            "running, or leave out --scheduler for a local cluster.")
    E015 = "--baseline: {baseline} does not exist; give a folder written by `newsgraph extract`."
    E016 = "--baseline: is the output folder itself; write the new output elsewhere with -o."
    E017 = "-o: {folder} {what}; give a folder (it is created if missing)."
    E018 = ("formats: {fmt!r} needs {missing}, which is not installed; run `pip install \"newsgraph[{extra}]\"` (or "
            "leave out {fmt!r})")
    # E1xx inputs (ingest.py, pipeline.py)
    E101 = "{problems}. {hint}Nothing was read or written."
    E102 = "Check the spelling: inputs are files, folders, glob patterns, or - for stdin."
    E103 = "expected the article text as a string, got {type}"
    E104 = "text is empty"
    E105 = "unexpected error while reading this text: {type}: {error}"
    E106 = "folder has no {suffixes} files"
    E107 = "pattern matched no files"
    E108 = "file is empty"
    E109 = "looks like a binary file"
    E110 = "looks like a binary file (control characters in the text)"
    E111 = "invalid {encoding} despite its byte-order mark: {reason}"
    E112 = "line is over the {limit} limit; raise it with --max-bytes"
    E113 = "{what} the {limit} limit; raise it with --max-bytes"
    E114 = ("is not a regular file (a device or pipe) and gives more than the {limit} limit; name a file, or raise "
            "the limit with --max-bytes")
    E115 = "invalid JSON: {message} (column {column})"
    E116 = "invalid JSON: nested too deeply (an article is an object, or a list of objects)"
    E117 = "expected a JSON object or a list of objects, got {type}"
    E118 = "{where}expected a JSON object, got {type}"
    E119 = "{where}no article text: needs a non-empty string in 'text' or 'body'"
    E120 = "{where}field {key!r} must be a string, got {type}"
    E121 = "{where}field 'id' must be a non-empty string or an integer"
    E122 = "could not parse HTML: {type}: {error}"
    E123 = "no article text found in HTML"
    E124 = "unexpected error {doing}: {type}: {error}"
    E125 = "is {reason}; its files are results, not articles"
    E126 = "no such file or folder"
    E127 = "pattern matched no files{skipped}"
    E128 = ("{what} the output folder of this run ({out}); newsgraph never reads its own output as articles: name "
            "the articles' files or folder, or write the output to another folder")
    E129 = "WARC record at byte {offset} is broken ({type}: {error}); the other records are read"
    E130 = "no HTML response in this WARC file: {skipped}"
    E131 = 'reading WARC files needs warcio; run `pip install "newsgraph[warc]"`'
    E132 = "its WARC file had {skipped}"
    # E2xx languages and models (pipeline.py, nlp/loading.py)
    E201 = ("lang {lang!r}: no pipeline for this language; supported: {supported} (or give a pipeline of that "
            "language with --model)")
    E202 = "no pipeline for language {lang!r}; supported languages: {supported}"
    E203 = "the {lang!r} pipeline ({name}) is not installed; install it with `{install}`"
    E204 = ("the {lang!r} pipeline ({name}) was not found. Looked in: {places}. It ships with newsgraph: reinstall "
            "it (`pip install .` in a checkout, or the wheel), point ${env} at a folder that contains {name}/ (or "
            "unset it), or rebuild it in a checkout with `{build}`")
    E205 = "accurate mode needs {missing}: run `{pip}`"
    E206 = ("accurate mode needs the fine-tuned German NER, which is not at {path}; {shipped}Reinstall newsgraph to "
            "get the shipped one, or build the encoder with `newsgraph models build-encoder`, then fine-tune it with "
            "`newsgraph models finetune-ner --out {out}` (its best model lands in {best})")
    E207 = "it ships as {package}, which was not found either (looked in: {places}). "
    E208 = ("accurate mode replaces the pipeline's 'ner', but it has none: {pipes}; use the shipped pipeline or one "
            "trained with an NER")
    E209 = "cannot load the spaCy pipeline at {path}: {error}"
    E210 = "{path} is not a spaCy pipeline folder (no config.cfg in it){hint}"
    E211 = ("; it looks like a Hugging Face checkpoint: train a spaCy pipeline on it first with "
            "models/configs/ner_transformer.cfg (make train-ner-transformer TRANSFORMER=PATH)")
    E212 = "language detection failed: {type}: {error}"
    E213 = "could not detect the language; set it with --lang or a 'lang' field"
    E214 = "the {lang!r} pipeline failed to load: {type}: {error}"
    E215 = "NLP failed on this article: {type}: {error}"
    E216 = "the ONNX encoder needs onnxruntime and tokenizers ({error}): run `{pip}`"
    E217 = ("{path}: {problem}; give a folder written by `newsgraph models export-onnx` (the shipped one is "
            "models/de_e5_onnx)")
    E218 = ("device: onnxruntime has no CUDA provider here (available: {available}); install onnxruntime-gpu on a "
            "machine with a GPU, or use device cpu")
    E219 = "max_pieces: {value} is outside 3..{limit} (the encoder's positions)"
    E220 = ("German's default pipeline needs {name}, which was not found (looked in: {places}); reinstall newsgraph "
            "(the wheel ships it), or run the CNN pipeline with --fast (setting fast = true)")
    E221 = ("fast and accurate contradict each other: --accurate is the default now (the encoder pipeline) and "
            "--fast the CNN pipeline; give one of them")
    E222 = "device {device!r} is not one of {devices}"
    # E3xx engines and the result cache (engines.py, cache.py)
    E301 = ("a worker process died ({error}); it may have run out of memory: try fewer --workers or a smaller "
            "batch_size. {resume}")
    E302 = "the Dask cluster failed a batch: {type}: {error}. {resume}"
    E303 = "Run the same command again to resume: finished articles are in the result cache."
    E304 = ("{path}: {action} the result cache ({error}). Delete the file to start a fresh cache, or run with "
            "--no-cache.")
    # E4xx output (export.py, diff.py)
    E401 = "{path}: cannot {action}: {reason}. Choose an output folder you can write to."
    E402 = ("another newsgraph run{holder} is writing {out}; wait for it to finish or choose another output "
            "folder (-o).{hint}")
    E403 = "{journal}: not a newsgraph commit journal; delete it and run newsgraph extract again."
    E404 = "{journal}: cannot read the commit journal ({error}); delete it and run newsgraph extract again."
    E405 = "{path}: cannot read the manifest ({error}); run newsgraph extract again."
    E406 = "{path}: not a newsgraph manifest; run newsgraph extract again."
    E407 = "{path}: not UTF-8 ({reason}); is this a newsgraph output file?"
    E408 = ("{path}:{line}: not a valid {record} record ({where}: {message}); is this a newsgraph output file of "
            "the same schema version?")
    E409 = ("{path}: {state}, so this is not a complete newsgraph output; give a folder written by `newsgraph "
            "extract` (or two {entities} files).")
    E410 = "{path}: no such file or folder; give a newsgraph output folder or its {entities}."
    E411 = "reading the output as tables needs {missing}; run `pip install \"newsgraph[tables]\"`"
    E412 = "{path}: cannot read the Parquet file ({error}); run newsgraph extract again."
    E413 = "{path}: no articles.jsonl in it; give a folder written by `newsgraph extract`."
    # E5xx per-article limits (nlp/limits.py): recorded on the article, the run goes on
    E501 = "processing took longer than {seconds:g} s (setting article_timeout); the article was skipped"
    E502 = ("article has {chars:,} characters, over the limit of {max_chars:,} characters per article (setting "
            "max_chars; raise it with --set max_chars=… or split the article)")
    E503 = ("article has {tokens:,} tokens (words and punctuation marks), over the limit of {max_tokens:,} tokens "
            "per article (setting max_tokens; raise it with --set max_tokens=… or split the article)")


class NewsgraphError(Exception):
    """Base class of every error newsgraph raises on purpose.

    Args:
        message: What is wrong and how to fix it; a catalogue :class:`Message` brings its code along.
        code: The catalogue code, if ``message`` is plain text that has one.
    """

    code: str | None = None
    """The message's code in :class:`Errors` (``"E003"``), or ``None`` for an uncatalogued message."""

    def __init__(self, message: str = "", *args: object, code: str | None = None) -> None:
        super().__init__(message, *args)
        self.code = code if code is not None else getattr(message, "code", None)


class ConfigError(NewsgraphError):
    """A setting is missing or has a bad value; the message names the key and the fix."""


class InputError(NewsgraphError):
    """An input file or text cannot be read as an article.

    Args:
        message: What is wrong.
        path: The file (or ``-`` for stdin) the problem is in.
        line: 1-based line number (or list index for JSON) where it is, if known.
    """

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.reason = message
        where = self.path or "<input>"
        if line is not None:
            where += f":{line}"
        super().__init__(f"{where}: {message}", code=getattr(message, "code", None))


class InputPathError(InputError):
    """A path named as input cannot be used: it does not exist, a pattern matches no files, or it is the
    run's own output folder. A usage error, raised before anything is read or written.

    Args:
        problems: ``(path as given, what is wrong with it)`` for every unusable path, in argument order.
        hint: How to fix it, said once after the problems.
    """

    def __init__(self, problems: list[tuple[str, str]], *, hint: str = "") -> None:
        self.problems = list(problems)
        self.path = problems[0][0] if problems else None
        self.line = None
        self.reason = "; ".join(f"{path}: {problem}" for path, problem in problems)
        NewsgraphError.__init__(self, Errors.E101.format(problems=self.reason, hint=hint + " " if hint else ""))


class LanguageError(NewsgraphError):
    """No pipeline is available for an article's language."""


class ModelError(NewsgraphError):
    """A pipeline cannot be found or loaded; the message says how to get it."""


class ExportError(NewsgraphError):
    """Output cannot be written."""


class CacheError(NewsgraphError):
    """The result cache in the output folder cannot be read or written; the message says how to start afresh."""


class EngineError(NewsgraphError):
    """The NLP stage's engine (worker processes, a Dask cluster) cannot be started or failed during a run."""
