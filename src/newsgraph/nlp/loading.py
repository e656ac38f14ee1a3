"""Find and load the spaCy pipeline for a language, offline, and add newsgraph's own components."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from newsgraph.errors import LanguageError, ModelError

MODELS_ENV = "NEWSGRAPH_MODELS"

# One table maps a language to the pipeline directory that serves it (under the models folder).
PIPELINES: dict[str, str] = {"de": "de_newsgraph"}

SENTENCE_HINTS = "newsgraph_sentence_hints"

# Components newsgraph adds after the statistical pipeline, in order. Each is registered on import.
NEWSGRAPH_COMPONENTS: tuple[str, ...] = ("newsgraph_resolver", "newsgraph_relations", "newsgraph_events")


def models_dir() -> Path:
    """The folder holding the shipped pipelines: ``$NEWSGRAPH_MODELS`` or the repository's ``models/``."""
    env = os.environ.get(MODELS_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "models"


def supported_languages() -> list[str]:
    """Languages that have a pipeline installed in the models folder."""
    return sorted(lang for lang, name in PIPELINES.items() if (models_dir() / name / "meta.json").exists())


def model_path(lang: str) -> Path:
    """Path of the pipeline for ``lang``.

    Raises:
        LanguageError: no pipeline is known or installed for the language.
    """
    name = PIPELINES.get(lang)
    if name is None:
        known = ", ".join(sorted(PIPELINES))
        raise LanguageError(f"no pipeline for language {lang!r}; supported languages: {known}")
    path = models_dir() / name
    if not (path / "meta.json").exists():
        raise LanguageError(
            f"the {lang!r} pipeline is not installed: expected it at {path}. Rebuild it with "
            f"`make model`, or point ${MODELS_ENV} at a folder that contains {name}/"
        )
    return path


def _add_newsgraph_components(nlp: Language, components: tuple[str, ...]) -> Language:
    if not components:
        return nlp
    import newsgraph.nlp.components  # noqa: F401  (registers the factories)

    if SENTENCE_HINTS not in nlp.pipe_names:
        # sure sentence starts go in before the parser (or after the statistical components, in a
        # pipeline without one, so the resolver still sees sentences)
        where = {"before": "parser"} if "parser" in nlp.pipe_names else {}
        nlp.add_pipe(SENTENCE_HINTS, **where)  # type: ignore[arg-type]
    for name in components:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name)
    return nlp


@lru_cache(maxsize=8)
def _load_cached(path: str, components: tuple[str, ...]) -> Language:
    try:
        nlp = spacy.load(path)
    except (OSError, ValueError, KeyError) as e:
        raise ModelError(f"cannot load the spaCy pipeline at {path}: {e}") from e
    return _add_newsgraph_components(nlp, components)


def load_pipeline(
    lang: str = "de", *, model: str | Path | None = None, components: tuple[str, ...] = NEWSGRAPH_COMPONENTS
) -> Language:
    """Load the pipeline for ``lang`` (or the one at ``model``) with newsgraph's components added.

    Loads are cached per process: calling this again is cheap.

    Args:
        lang: ISO 639-1 language code.
        model: A pipeline directory to use instead of the shipped one (e.g. a transformer pipeline).
        components: newsgraph components to append after the statistical ones.

    Returns:
        The ready ``Language`` object.

    Raises:
        LanguageError: no pipeline for ``lang``.
        ModelError: the pipeline exists but cannot be loaded.

    Example:
        >>> nlp = load_pipeline("de")
        >>> [ent.text for ent in nlp("Angela Merkel besuchte Paris.").ents]
    """
    if model is not None:
        path = Path(model)
        if not (path / "config.cfg").exists():
            # A Hugging Face checkpoint (config.json) is the likeliest mix-up on the transformer route.
            hint = (
                "; it looks like a Hugging Face checkpoint: train a spaCy pipeline on it first with "
                "models/configs/ner_transformer.cfg (make train-ner-transformer TRANSFORMER=PATH)"
                if (path / "config.json").exists()
                else ""
            )
            raise ModelError(f"{path} is not a spaCy pipeline folder (no config.cfg in it){hint}")
    else:
        path = model_path(lang)
    return _load_cached(str(path.resolve()), tuple(components))
