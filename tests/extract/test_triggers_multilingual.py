"""English, French and Italian event triggers of the shared typology, with the real pipelines (sentences written
for these tests): verbs, nominalisations and multiword expressions find the same types as their German
counterparts, and whole-word matching keeps 'parties' from being a draw."""

from __future__ import annotations

import pytest

import newsgraph
from newsgraph.records import Article

from support import needs_pipelines


def event_types(lang: str, text: str) -> dict[str, str]:
    """Event type by trigger text."""
    (result,) = newsgraph.extract([Article(id="t", text=text, lang=lang)])
    return {event.trigger.text: event.type for event in result.events}


@pytest.mark.multilingual
@needs_pipelines
@pytest.mark.parametrize(
    ("lang", "text", "trigger", "etype"),
    [
        ("en", "Siemens Energy acquired Nordex for two billion euros.", "acquired", "takeover"),
        ("en", "Finance Minister George Osborne resigned on Tuesday.", "resigned", "resignation"),
        ("en", "Police in Madrid launched an investigation into Banco Santander.", "investigation", "investigation"),
        ("en", "Swiss voters rejected the proposal in a referendum on Sunday.", "referendum", "referendum"),
        ("en", "Angela Merkel was sworn in as chancellor in Berlin.", "sworn in", "appointment"),
        ("fr", "Le ministre Gérald Darmanin a présenté sa démission lundi.", "démission", "resignation"),
        ("fr", "Renault va racheter Nissan pour deux milliards d'euros.", "racheter", "takeover"),
        ("fr", "La grève de la SNCF paralyse Paris depuis mardi.", "grève", "strike"),
        ("fr", "Le parquet de Paris a ouvert une enquête contre Carlos Ghosn.", "enquête", "investigation"),
        ("fr", "Le Hamas et Israël ont conclu une trêve au Caire.", "trêve", "ceasefire"),
        ("it", "Il ministro Roberto Speranza ha annunciato le dimissioni.", "dimissioni", "resignation"),
        ("it", "Lo sciopero dei lavoratori della Fiat blocca Torino.", "sciopero", "strike"),
        ("it", "La procura di Milano ha aperto un'inchiesta su Eni.", "inchiesta", "investigation"),
        ("it", "Mario Rossi è stato arrestato a Napoli.", "arrestato", "arrest"),
    ],
)
def test_trigger_types(lang: str, text: str, trigger: str, etype: str) -> None:
    assert event_types(lang, text).get(trigger) == etype


@pytest.mark.multilingual
@needs_pipelines
def test_english_nouns_match_whole_words() -> None:
    """'truce' is a ceasefire, but 'tie' (a draw) is no suffix of 'parties', 'grant' (a donation) none of 'migrants'."""
    found = event_types("en", "All relevant parties met the migrants and signed a truce in Geneva.")
    assert found.get("truce") == "ceasefire"
    assert "parties" not in found and "migrants" not in found
