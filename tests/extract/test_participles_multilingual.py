"""Attributive participles as event triggers in English and French, with the real pipelines (sentences written
for these tests): 'the planned merger', 'la fusion prévue'."""

from __future__ import annotations

import pytest

import newsgraph
from newsgraph.records import Article

from support import needs_pipelines


@pytest.mark.multilingual
@needs_pipelines
@pytest.mark.parametrize(
    ("lang", "text", "trigger"),
    [
        ("en", "The planned bridge across the Thames will cost two billion pounds.", "planned"),
        ("fr", "Le pont prévu entre Lyon et Grenoble coûtera deux milliards d'euros.", "prévu"),
    ],
)
def test_planned_is_a_plan(lang: str, text: str, trigger: str) -> None:
    (result,) = newsgraph.extract([Article(id="t", text=text, lang=lang)])
    assert {e.trigger.text: e.type for e in result.events}.get(trigger) == "plan"
