"""Issue 8: English, French and Italian articles in the same graph (tables, roles, loading, graph, demo)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

import newsgraph
from newsgraph.errors import ModelError
from newsgraph.tools.evaluate import predict_entities
from newsgraph.extraction.lexicon import load_cues, load_event_lexicon, load_relation_lexicon
from newsgraph.graph.build import CorpusAggregate, build_graph
from newsgraph.nlp import loading
from newsgraph.nlp.loading import PIPELINES, PipelineSpec, component_configs, model_path
from newsgraph.records import Article, ArticleResult, Entity, Relation, Span
from newsgraph.resolve import load_alias_tables, resolve_doc
from newsgraph.resolve.normalize import crosslingual_key
from newsgraph.training.corpora import Sentence, read_gold

from support import pipeline_installed

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "multilingual"
LANGS = ("en", "fr", "it")


@pytest.mark.parametrize(
    ("lang", "name", "label"),
    [("de", "Russland", "Russland"), ("en", "Russia", "Russia"), ("fr", "Russie", "Russie"), ("it", "Russia", "Russia"),
     ("en", "U.S.", "United States"), ("fr", "États-Unis", "États-Unis"), ("it", "Stati Uniti", "Stati Uniti")],
)
def test_one_qid_for_every_language(lang: str, name: str, label: str) -> None:
    entry = load_alias_tables(lang=lang).lookup(name)
    assert entry is not None and entry.id in ("Q159", "Q30") and entry.name == label


def test_localised_tables_keep_ids_and_know_demonyms() -> None:
    german = load_alias_tables()
    for lang, demonym in (("en", "russian"), ("fr", "russes"), ("it", "russa")):
        tables = load_alias_tables(lang=lang)
        assert tables.entries.keys() == german.entries.keys()
        assert tables.demonyms[demonym] == "ng:gpe:russland"
        assert tables.lookup("Islamischer Staat") is not None  # German names stay known as aliases
    assert load_alias_tables("v2") is load_alias_tables("v2", "de")


@pytest.mark.parametrize("lang", LANGS)
def test_lexicons_of_each_language_load(lang: str) -> None:
    events = load_event_lexicon(lang=lang)
    assert events.types == load_event_lexicon().types  # one typology
    assert events.noun_triggers and events.verb_triggers and not events.cues.nouns_capitalised
    assert load_relation_lexicon(lang=lang).state_roles and load_cues(lang=lang).speech_verbs


@pytest.mark.parametrize("names", [("Sergej Lawrow", "Sergei Lavrov", "Sergueï Lavrov"),
                                   ("Baschar al-Assad", "Bashar al-Assad", "Bachar el-Assad")])
def test_person_names_match_across_spellings(names: tuple[str, ...]) -> None:
    assert len({crosslingual_key(name) for name in names}) == 1


def _doc(lang: str, text: str, ents: list[tuple[str, str]]) -> spacy.tokens.Doc:
    doc = spacy.blank(lang)(text)
    spans = []
    for surface, label in ents:
        start = text.index(surface)
        spans.append(doc.char_span(start, start + len(surface), label))
    doc.ents = spans
    return doc


@pytest.mark.parametrize(
    ("lang", "text", "person", "role", "affiliation"),
    [
        ("en", "US Secretary of State John Kerry met Lavrov.", "John Kerry", "Secretary of State", "Q30"),
        ("en", "He and his Russian counterpart Sergei Lavrov met.", "Sergei Lavrov", "counterpart", "Q159"),
        ("fr", "Le secrétaire d'État américain John Kerry est à Paris.", "John Kerry", "secrétaire d'État", "Q30"),
        ("fr", "Kerry et son homologue russe Sergueï Lavrov sont à Paris.", "Sergueï Lavrov", "homologue", "Q159"),
        ("it", "Il suo omologo russo Sergej Lavrov è a Parigi.", "Sergej Lavrov", "omologo", "Q159"),
    ],
)
def test_role_phrases_before_a_name(lang: str, text: str, person: str, role: str, affiliation: str) -> None:
    doc = _doc(lang, text, [(person, "PER")])
    links = resolve_doc(doc, load_alias_tables(lang=lang)).role_links
    assert [(link.role, link.affiliation_id) for link in links] == [(role, affiliation)]


def test_a_role_word_the_ner_took_for_a_name_is_dropped() -> None:
    doc = _doc("en", "US Secretary of State John Kerry spoke.", [("US", "GPE"), ("State", "ORG"), ("John Kerry", "PERSON")])
    entities = resolve_doc(doc, load_alias_tables(lang="en")).entities
    assert [entity.id for entity in entities] == ["Q30", "ng:per:john-kerry"]


@pytest.mark.parametrize(("label", "etype"), [("FAC", "LOC"), ("GPE", "GPE")])
def test_a_facility_is_a_place_not_a_town(label: str, etype: str) -> None:
    doc = _doc("en", "The plane landed at Andrews Air Force Base on Monday.", [("Andrews Air Force Base", label)])
    entities = resolve_doc(doc, load_alias_tables(lang="en")).entities
    assert [(entity.name, entity.type) for entity in entities] == [("Andrews Air Force Base", etype)]


def test_demonym_after_the_noun_in_french() -> None:
    doc = _doc("fr", "Le gouvernement russe a refusé.", [])
    entities = resolve_doc(doc, load_alias_tables(lang="fr")).entities
    assert [entity.id for entity in entities] == ["Q159"]


def _result(article_id: str, person_id: str, name: str) -> ArticleResult:
    person = Entity(id=person_id, name=name, type="PER", mention_count=1)
    russia = Entity(id="Q159", name="Russia", type="GPE", mention_count=1)
    relation = Relation(source=person_id, target="Q159", type="holds_role_in",
                        evidence=Span(text=name, start=0, end=len(name), sentence=0))
    return ArticleResult(article=Article(id=article_id, text=name), entities=[person, russia], relations=[relation])


def test_graph_merges_a_person_written_in_three_languages() -> None:
    aggregate = CorpusAggregate()
    for article_id, person_id, name in (("de", "ng:per:sergej-lawrow", "Sergej Lawrow"),
                                        ("en", "ng:per:sergei-lavrov", "Sergei Lavrov"),
                                        ("fr", "ng:per:serguei-lavrov", "Sergueï Lavrov")):
        aggregate.add(_result(article_id, person_id, name))
    graph = build_graph(aggregate)
    persons = [n for n, d in graph.nodes(data=True) if d.get("type") == "PER"]
    assert persons == ["ng:per:sergej-lawrow"]
    assert graph.nodes["ng:per:sergej-lawrow"]["article_count"] == 3
    assert {source for source, _, data in graph.edges(data=True) if data.get("kind") == "relation"} == {
        "ng:per:sergej-lawrow"}


def test_component_configs_choose_the_language_tables() -> None:
    assert component_configs("de") == {} and component_configs("xx") == {}
    assert component_configs("fr")["newsgraph_resolver"]["tables"] == {
        "@misc": "newsgraph.AliasResolver.v1", "version": "v2", "lang": "fr"}


def test_a_missing_language_package_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = PipelineSpec("xx_no_such_pipeline", package="xx-no-such-pipeline==1.0", extra="xx", license="MIT")
    monkeypatch.setitem(PIPELINES, "xx", spec)
    with pytest.raises(ModelError, match=r'pip install "newsgraph\[xx\]".*pip install xx-no-such-pipeline==1.0'):
        model_path("xx")


def test_missing_italian_model_names_the_make_target(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(loading.MODELS_ENV, str(tmp_path))
    with pytest.raises(ModelError, match="make model-it"):
        model_path("it")


def test_ontonotes_predictions_are_scored_as_gold_labels() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": "the United States"}, {"label": "PERSON", "pattern": "Obama"},
                        {"label": "DATE", "pattern": "Monday"}])
    sentence = Sentence("Obama left the United States on Monday".split(), ["B-PER", "O", "O", "B-LOC", "I-LOC", "O", "O"])
    assert predict_entities(nlp, [sentence]) == [{(0, 1, "PER"), (3, 5, "LOC")}]


def test_hipe_format_reads_coarse_tags(tmp_path: Path) -> None:
    header = "TOKEN\tNE-COARSE-LIT\tNE-COARSE-METO\tNE-FINE-LIT\tNE-FINE-METO\tNE-FINE-COMP\tNE-NESTED\tNEL-LIT\tNEL-METO\tMISC"
    rows = ["Paris\tB-loc\t_\t_\t_\t_\t_\tQ90\t_\t_", "est\tO\t_\t_\t_\t_\t_\t_\t_\tEndOfSentence"]
    path = tmp_path / "sample.tsv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    (sentence,) = read_gold(path, "hipe")
    assert sentence.words == ["Paris", "est"] and sentence.tags == ["B-LOC", "O"]


needs_pipelines = pytest.mark.skipif(
    not all(pipeline_installed(lang) for lang in ("de", "en", "fr")),
    reason='the en/fr pipelines are not installed: pip install -e ".[test]" (or make install-test)',
)


@pytest.mark.multilingual
@needs_pipelines
def test_demo_folder_gives_one_graph_with_single_nodes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(loading.MODELS_ENV, raising=False)
    results = list(newsgraph.extract([DEMO]))
    assert sorted(r.article.lang or "" for r in results) == ["de", "en", "fr"] and all(r.ok for r in results)
    graph = build_graph(results)
    entities = {n: d for n, d in graph.nodes(data=True) if d.get("kind") == "entity"}
    by_name = {name: [n for n, d in entities.items() if name in d["aliases"].split(" | ")]
               for name in ("USA", "United States", "États-Unis", "Russland", "Russia", "Russie", "John Kerry",
                            "Sergej Lawrow", "Sergei Lavrov", "Sergueï Lavrov")}
    assert set(by_name["USA"] + by_name["United States"] + by_name["États-Unis"]) == {"Q30"}
    assert set(by_name["Russland"] + by_name["Russia"] + by_name["Russie"]) == {"Q159"}
    assert by_name["John Kerry"] == ["ng:per:john-kerry"]
    assert len(set(by_name["Sergej Lawrow"] + by_name["Sergei Lavrov"] + by_name["Sergueï Lavrov"])) == 1
    for node in ("Q30", "Q159", "ng:per:john-kerry"):
        assert entities[node]["article_count"] == 3


@pytest.mark.multilingual
@needs_pipelines
@pytest.mark.parametrize(
    ("lang", "text", "relation"),
    [
        ("en", "US Secretary of State John Kerry met Sergei Lavrov in Paris.", ("ng:per:john-kerry", "holds_role_in", "Q30")),
        ("fr", "Le secrétaire d'État américain John Kerry a rencontré Sergueï Lavrov à Paris.",
         ("ng:per:john-kerry", "holds_role_in", "Q30")),
    ],
)
def test_roles_with_the_real_pipelines(monkeypatch: pytest.MonkeyPatch, lang: str, text: str,
                                       relation: tuple[str, str, str]) -> None:
    monkeypatch.delenv(loading.MODELS_ENV, raising=False)
    (result,) = newsgraph.extract([text], lang=lang)
    assert relation in {(r.source, r.type, r.target) for r in result.relations}
    assert any(event.type == "meeting" for event in result.events)
