"""The ``__init__.py`` that makes a shipped pipeline folder an importable spaCy-style model package.

``pip install`` puts ``models/de_newsgraph``, ``models/it_newsgraph`` and ``models/de_e5_ner`` beside
newsgraph as packages of those names (pyproject.toml), so an installed newsgraph finds them wherever it is
installed (:func:`newsgraph.nlp.loading.find_shipped_model`), and ``import de_newsgraph; de_newsgraph.load()``
works as with spaCy's own pipeline packages. The builds that rewrite those folders (``make assemble``,
``make model-it``) call :func:`write_package_init` after saving, so a rebuilt pipeline stays a package.
"""

from __future__ import annotations

from pathlib import Path

INIT_FILE = "__init__.py"

PIPELINE_INIT = '''"""{name}: a spaCy pipeline shipped with newsgraph, importable like spaCy's pipeline packages.

    import {name}
    nlp = {name}.load()           # or: spacy.load({name}.PATH)

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
'''

ENCODER_NER_INIT = '''"""{name}: accurate mode's German NER, shipped with newsgraph (`newsgraph extract --accurate`).

Not a spaCy pipeline: the fine-tuned layers' difference to multilingual-e5-small
(newsgraph_ner_package.json, ner_delta.safetensors), which newsgraph.encoder.package applies.
newsgraph finds it with newsgraph.nlp.loading.accurate_model_dir(). Written by
newsgraph.training.model_package.write_package_init.
"""

from __future__ import annotations

from pathlib import Path

#: The package's folder.
PATH = Path(__file__).parent
'''


def package_init(name: str, *, spacy_pipeline: bool = True) -> str:
    """The ``__init__.py`` text of the shipped package ``name``.

    Args:
        name: The folder and import name (``de_newsgraph``).
        spacy_pipeline: A spaCy pipeline (with ``load()``), or the encoder NER package (``de_e5_ner``).

    Returns:
        The file's text.
    """
    return (PIPELINE_INIT if spacy_pipeline else ENCODER_NER_INIT).format(name=name)


def write_package_init(folder: Path, *, spacy_pipeline: bool = True) -> Path:
    """Write the ``__init__.py`` that makes ``folder`` an importable package named after the folder.

    Args:
        folder: A pipeline folder written by ``nlp.to_disk`` (or an encoder NER package).
        spacy_pipeline: See :func:`package_init`.

    Returns:
        The written file.
    """
    path = Path(folder) / INIT_FILE
    path.write_text(package_init(Path(folder).name, spacy_pipeline=spacy_pipeline), encoding="utf-8")
    return path
