"""Modality of French events with the real pipeline (sentences written for these tests): French has no
reportive mood, so a speaker's indicative words are told as fact and the conditionnel marks distance;
'prêt à' is a readiness (considered), and an announcement is not made intended by the plan it names."""

from __future__ import annotations

import pytest

import newsgraph
from newsgraph.records import Article

from support import needs_pipelines


def modality_of(text: str, trigger: str) -> str:
    """The modality of the event whose trigger is ``trigger``."""
    (result,) = newsgraph.extract([Article(id="t", text=text, lang="fr")])
    found = {event.trigger.text: event.modality for event in result.events}
    assert trigger in found, found
    return found[trigger]


@pytest.mark.multilingual
@needs_pipelines
@pytest.mark.parametrize(
    ("text", "trigger", "modality"),
    [
        ("« Renault a racheté Nissan en mars », a déclaré Jean Dupont.", "racheté", "asserted"),
        ("La banque Natixis serait prête à racheter Nissan, selon Jean Dupont.", "racheter", "considered"),
        ("Le groupe Renault a annoncé son intention de racheter Nissan.", "annoncé", "asserted"),
    ],
)
def test_french_modality(text: str, trigger: str, modality: str) -> None:
    assert modality_of(text, trigger) == modality
