"""Finding the shipped pipelines wherever newsgraph is installed (issue 18, "Installs anywhere").

The lookup order is $NEWSGRAPH_MODELS (alone when set), the source checkout's models/, the installed package.
Installed packages are faked as folders on a temporary sys.path entry, under names no real package has, so
the tests do not depend on how this environment installed newsgraph. The wheel itself is checked by
scripts/check_install.sh (``make check-install``), which takes minutes.
"""

from __future__ import annotations

import importlib
import sys
import tomllib
from pathlib import Path

import pytest
import spacy

from newsgraph.encoder.package import PACKAGE_FILE
from newsgraph.errors import ModelError
from newsgraph.nlp import loading
from newsgraph.nlp.loading import (
    ACCURATE_PACKAGE,
    FROM_CHECKOUT,
    FROM_ENV,
    FROM_PACKAGE,
    PIPELINES,
    PipelineSpec,
    find_shipped_model,
    locate_model,
    model_path,
    models_dir,
)
from newsgraph.training.model_package import INIT_FILE, package_init, write_package_init

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = [spec.name for spec in PIPELINES.values() if not spec.package]


def _pipeline_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "meta.json").write_text('{"lang": "de", "name": "fake", "version": "0.0.0"}', encoding="utf-8")
    return folder


@pytest.fixture()
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> str:
    """The 'de' pipeline renamed to a name unique to this test; no $NEWSGRAPH_MODELS, no checkout."""
    name = f"ng_fake_{request.node.name.removeprefix('test_')[:40]}"
    monkeypatch.setitem(PIPELINES, "de", PipelineSpec(name, build="make model"))
    monkeypatch.delenv(loading.MODELS_ENV, raising=False)
    monkeypatch.setattr(loading, "checkout_models_dir", lambda: None)
    monkeypatch.delitem(sys.modules, name, raising=False)
    return name


def _install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, *, marker: str = "meta.json") -> Path:
    """A package ``name`` as ``pip install`` leaves it: site-packages/NAME/__init__.py beside the data."""
    site = tmp_path / "site-packages"
    folder = site / name
    folder.mkdir(parents=True)
    (folder / INIT_FILE).write_text("", encoding="utf-8")
    (folder / marker).write_text("{}", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    return folder


def _checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    models = tmp_path / "checkout" / "models"
    models.mkdir(parents=True)
    monkeypatch.setattr(loading, "checkout_models_dir", lambda: models)
    return models


def test_an_installed_package_is_found_without_a_checkout(fake: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _install(tmp_path, monkeypatch, fake)
    assert model_path("de") == folder
    assert locate_model("de").source == FROM_PACKAGE
    assert models_dir() == folder.parent  # the folder the installed pipelines sit in
    assert fake not in sys.modules  # found, not imported


def test_the_checkout_comes_before_an_installed_package(fake: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _install(tmp_path, monkeypatch, fake)
    checkout = _pipeline_folder(_checkout(tmp_path, monkeypatch) / fake)
    assert locate_model("de") == loading.ModelLocation(checkout, FROM_CHECKOUT)
    assert models_dir() == checkout.parent


def test_a_checkout_without_the_pipeline_falls_back_to_the_installed_package(
        fake: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _checkout(tmp_path, monkeypatch)
    folder = _install(tmp_path, monkeypatch, fake)
    assert locate_model("de") == loading.ModelLocation(folder, FROM_PACKAGE)


def test_newsgraph_models_is_the_only_place_when_set(fake: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _install(tmp_path, monkeypatch, fake)
    _pipeline_folder(_checkout(tmp_path, monkeypatch) / fake)
    chosen = _pipeline_folder(tmp_path / "mine" / fake)
    monkeypatch.setenv(loading.MODELS_ENV, str(chosen.parent))
    assert locate_model("de") == loading.ModelLocation(chosen, FROM_ENV)
    assert models_dir() == chosen.parent

    monkeypatch.setenv(loading.MODELS_ENV, str(tmp_path / "empty"))  # set but without it: no fallback
    with pytest.raises(ModelError, match=r"\$NEWSGRAPH_MODELS: .*empty/ng_fake.* nothing else is searched"):
        model_path("de")


def test_not_found_names_every_place_looked_in_and_the_fix(fake: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelError) as raised:
        model_path("de")
    message = str(raised.value)
    for part in ("$NEWSGRAPH_MODELS: not set", "the source checkout: not running from one",
                 f"the installed package {fake}: not installed", "reinstall", "`pip install .`", "make model"):
        assert part in message, (part, message)

    checkout = _checkout(tmp_path, monkeypatch)
    with pytest.raises(ModelError, match=f"the source checkout: {checkout / fake} \\(no meta.json\\)"):
        model_path("de")


def test_an_installed_folder_without_meta_json_is_not_a_pipeline(fake: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _install(tmp_path, monkeypatch, fake, marker="other.json")
    with pytest.raises(ModelError, match=f"the installed package {fake}: {folder} \\(no meta.json\\)"):
        model_path("de")


def test_the_checkout_is_recognised_by_its_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert loading.checkout_models_dir() == ROOT / "models"  # these tests run from a checkout
    # installed: site-packages/newsgraph/nlp/loading.py; three levels up is lib/python3.X, never a checkout,
    # even when a folder named models happens to be there
    site = tmp_path / "lib" / "python3.11" / "site-packages"
    (site / "newsgraph" / "nlp").mkdir(parents=True)
    (tmp_path / "lib" / "python3.11" / "models").mkdir()
    monkeypatch.setattr(loading, "__file__", str(site / "newsgraph" / "nlp" / "loading.py"))
    assert loading.checkout_models_dir() is None


def test_accurate_mode_finds_the_installed_encoder_ner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    name = "ng_fake_e5_ner"
    monkeypatch.setattr(loading, "ACCURATE_PACKAGE", name)
    monkeypatch.delenv(loading.MODELS_ENV, raising=False)
    monkeypatch.setattr(loading, "checkout_models_dir", lambda: None)
    monkeypatch.setenv("NEWSGRAPH_CACHE", str(tmp_path / "cache"))  # no fine-tuned model there either
    with pytest.raises(ModelError, match=f"it ships as {name}, which was not found either .*not installed"):
        loading.accurate_model_dir()
    folder = _install(tmp_path, monkeypatch, name, marker=PACKAGE_FILE)
    assert loading.accurate_model_dir() == folder
    assert find_shipped_model(name, marker=PACKAGE_FILE) == loading.ModelLocation(folder, FROM_PACKAGE)


# --- the shipped folders are importable packages -----------------------------------------------------------

@pytest.mark.parametrize("name", [*SHIPPED, ACCURATE_PACKAGE])
def test_each_shipped_folder_has_the_generated_init(name: str) -> None:
    init = ROOT / "models" / name / INIT_FILE
    assert init.read_text(encoding="utf-8") == package_init(name, spacy_pipeline=name != ACCURATE_PACKAGE)


def test_write_package_init_makes_a_saved_pipeline_loadable_by_import(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "PER", "pattern": "Angela Merkel"}])
    folder = tmp_path / "ng_fake_saved"
    nlp.to_disk(folder)
    write_package_init(folder)
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    package = importlib.import_module("ng_fake_saved")
    monkeypatch.delitem(sys.modules, "ng_fake_saved")
    loaded = package.load(exclude=["entity_ruler"])  # spacy.load's overrides are passed on
    assert loaded.pipe_names == []
    assert [ent.text for ent in package.load()("Angela Merkel kam.").ents] == ["Angela Merkel"]


@pytest.mark.model
def test_the_shipped_italian_pipeline_loads_by_path_and_by_import(monkeypatch: pytest.MonkeyPatch) -> None:
    folder = ROOT / "models" / "it_newsgraph"
    text = "Il presidente Sergio Mattarella ha incontrato Mario Draghi a Roma."
    by_path = spacy.load(folder)  # the folder's __init__.py changes nothing for spacy.load(PATH)
    monkeypatch.syspath_prepend(str(ROOT / "models"))
    importlib.invalidate_caches()
    monkeypatch.delitem(sys.modules, "it_newsgraph", raising=False)
    package = importlib.import_module("it_newsgraph")
    monkeypatch.delitem(sys.modules, "it_newsgraph")
    by_import = package.load()
    assert package.PATH == folder
    assert by_path.pipe_names == by_import.pipe_names == ["sentencizer", "ner", "gazetteer_ruler"]
    ents = [(ent.text, ent.label_) for ent in by_path(text).ents]
    assert ents == [(ent.text, ent.label_) for ent in by_import(text).ents] and ("Roma", "LOC") in ents


@pytest.mark.model
def test_the_shipped_german_pipeline_loads_by_path() -> None:
    nlp = spacy.load(ROOT / "models" / "de_newsgraph", exclude=["parser"])
    ents = {(ent.text, ent.label_) for ent in nlp("Angela Merkel besuchte Paris.").ents}
    assert ents == {("Angela Merkel", "PER"), ("Paris", "LOC")}


# --- what pip builds ------------------------------------------------------------------------------------------

def test_the_wheel_takes_every_shipped_pipeline_and_the_html_cleaner() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = project["tool"]["setuptools"]
    assert "models" in setuptools["packages"]["find"]["where"]
    for name in [*SHIPPED, ACCURATE_PACKAGE]:
        assert f"{name}*" in setuptools["packages"]["find"]["include"]
        assert setuptools["package-data"][name] == ["**/*"]
    # trafilatura's HTML reader imports lxml.html.clean, a separate package since lxml 5.2
    assert any(dep.startswith("lxml_html_clean") for dep in project["project"]["dependencies"])
