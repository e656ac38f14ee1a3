"""it_newsgraph: a spaCy pipeline shipped with newsgraph, importable like spaCy's pipeline packages.

    import it_newsgraph
    nlp = it_newsgraph.load()           # or: spacy.load(it_newsgraph.PATH)

newsgraph finds it with newsgraph.nlp.loading.model_path(). Written by
newsgraph.training.model_package.write_package_init: rebuilding the pipeline rewrites it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: The pipeline's folder (config.cfg, meta.json and one folder per component).
PATH = Path(__file__).parent


def load(**overrides: Any) -> Any:
    """Load the pipeline with spaCy.

    Args:
        **overrides: What spacy.load() passes on to a pipeline package: vocab, disable, enable, exclude,
            config.

    Returns:
        The spacy.language.Language.
    """
    from spacy.util import load_model_from_path

    return load_model_from_path(PATH, **overrides)
