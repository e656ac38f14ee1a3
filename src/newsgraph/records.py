"""The pydantic records at newsgraph's boundary: what the library returns and the exporter writes."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, field_validator, model_serializer

SCHEMA_VERSION = "1.0"

EntityType = Literal["PER", "ORG", "GPE", "LOC", "NORP", "MISC", "EVENT"]
Modality = Literal["asserted", "reported", "intended", "considered", "feared", "hypothetical", "negated"]
TextPart = Literal["text", "title"]
"""Which part of an article a span lies in: the body (``Article.text``) or the headline (``Article.title``)."""


class Record(BaseModel):
    """Base for all records: unknown fields are an error, every record carries the schema version."""

    model_config = ConfigDict(extra="forbid", frozen=False)

    schema_version: str = SCHEMA_VERSION


CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
"""Characters that XML (GraphML, GEXF) cannot carry and no article means: C0 controls but tab and line
ends, DEL, lone surrogates, non-characters."""


def replace_control_chars(value: str) -> str:
    """Each character of :data:`CONTROL_CHARS` becomes a space, so char offsets stay valid."""
    return CONTROL_CHARS.sub(" ", value)


class Article(Record):
    """One input article with its metadata; ``text`` is NFC-normalised, control characters are spaces."""

    id: str = Field(description="Stable id: source path (or origin) plus content hash.")
    text: str
    title: str | None = None
    date: str | None = None
    url: str | None = None
    source: str | None = Field(default=None, description="Publisher or feed name given in the metadata.")
    lang: str | None = Field(default=None, description="Language code from metadata, --lang or detection.")
    path: str | None = Field(default=None, description="File the article was read from ('-' for stdin).")
    line: int | None = Field(default=None, description="1-based line (JSONL) or list index (JSON), if any.")
    warnings: list[str] = Field(default_factory=list)

    @field_validator("id", "text", "title", "date", "url", "source", "lang", "path")
    @classmethod
    def _no_control_chars(cls, value: str | None) -> str | None:
        return replace_control_chars(value) if value else value

    def part_text(self, part: TextPart) -> str:
        """The string a record's offsets point into: the body for ``"text"``, the headline for ``"title"``."""
        return (self.title or "") if part == "title" else self.text


class InPart(Record):
    """Base for records located in an article: ``part`` names the string their offsets and sentence index
    point into (``"text"``, the body, or ``"title"``, the headline). The default ``"text"`` is left out of the
    dumped record, so records of the body read and look exactly as before headlines were analysed."""

    part: TextPart = Field(default="text", description="'text' (offsets into Article.text) or 'title' "
                                                       "(offsets into Article.title); left out when 'text'.")

    @model_serializer(mode="wrap")
    def _omit_body_part(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict) and data.get("part") == "text":
            del data["part"]
        return data


class Mention(InPart):
    """A span of an article's text (or headline, see ``part``) that names or refers to an entity."""

    text: str
    start: int = Field(description="Char offset into the article text (inclusive); into the title when part='title'.")
    end: int = Field(description="Char offset into the article text (exclusive); into the title when part='title'.")
    sentence: int = Field(description="0-based sentence index in the article text (in the title when part='title').")
    label: str = Field(description="The span's NER label (PER, LOC, ORG, MISC); the entity's type (PER, ORG, GPE, "
                                   "LOC, NORP, ...) when a rule found the span.")
    found_by: str = Field(default="ner", description="How the span was found: 'ner' (the statistical NER or its "
                                                     "gazetteer ruler), or the resolver rule that added it (gazetteer, "
                                                     "prefix, demonym, capital, role, surname, acronym, cue, "
                                                     "coalition, ...).")
    entity_id: str | None = None


class Entity(Record):
    """One real-world thing with all its mentions merged."""

    id: str = Field(description="Wikidata QID where known, else a deterministic local id.")
    name: str = Field(description="Canonical name.")
    type: EntityType
    mentions: list[Mention] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    articles: list[str] = Field(default_factory=list, description="Ids of articles mentioning it.")
    mention_count: int = 0
    attributes: dict[str, str] = Field(
        default_factory=dict,
        description="Facts about the entity: part_of = id of the state a state body belongs to "
                    "(an Innenministerium in an Austrian article: Q40).")


class Span(InPart):
    """Evidence or trigger: a char span of an article's text (or headline, see ``part``)."""

    text: str
    start: int
    end: int
    sentence: int


RELATION_TYPES: tuple[str, ...] = (
    "holds_role_in", "leads", "member_of", "part_of", "located_in", "originates_from", "ally_of", "opposes", "fights",
    "controls", "supplies", "cooperates_with", "supports",
)
"""The relation types the shipped extractors write (see docs/TYPOLOGY.md)."""


class Relation(Record):
    """A typed, directed edge between two entities, with the text that states it."""

    source: str = Field(description="Entity id.")
    target: str = Field(description="Entity id.")
    type: str
    evidence: Span
    modality: Modality = "asserted"
    attributes: dict[str, str] = Field(default_factory=dict)


class EventArgument(InPart):
    """An entity (or a literal such as a count) filling a role of an event."""

    role: str = Field(description="agent, target, participant, location, time, count, speaker ...")
    entity_id: str | None = None
    text: str
    start: int | None = None
    end: int | None = None


class Event(Record):
    """Who did what to whom, where and when, stated with a modality."""

    id: str
    type: str = Field(description="newsgraph's event type (docs/TYPOLOGY.md).")
    plover: str | None = Field(default=None, description="PLOVER category of the type (AGREE ... ASSAULT), or None.")
    ace: str | None = Field(default=None, description="ACE 2005 type:subtype of the type (Conflict:Attack), or None.")
    trigger: Span
    arguments: list[EventArgument] = Field(default_factory=list)
    modality: Modality = "asserted"
    time: str | None = Field(default=None, description="Time expression as written.")
    date: str | None = Field(default=None, description="ISO date the time expression resolves to.")
    place: str | None = Field(default=None, description="Entity id of the place.")
    quote: str | None = None


class ArticleResult(Record):
    """Everything newsgraph extracted from one article, or the error that stopped it."""

    article: Article
    mentions: list[Mention] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    error: str | None = None
    model: str | None = Field(default=None, description="Name and version of the pipeline that produced it.")

    @field_validator("error")
    @classmethod
    def _no_control_chars(cls, value: str | None) -> str | None:
        # error messages name paths, which may hold undecodable bytes (surrogates) or control characters
        return replace_control_chars(value) if value else value

    @property
    def ok(self) -> bool:
        """True when the article was processed without an error."""
        return self.error is None

    def to_json(self) -> str:
        """Canonical one-line JSON (keys in schema order, UTF-8 kept)."""
        return self.model_dump_json()

    def _repr_html_(self) -> str | None:
        """The notebook's HTML display, drawn by the renderer that :mod:`newsgraph.tools.view.notebook` registers.

        The records import nothing of the view (so the view builds on them without a cycle): the display module is
        looked up by name on first display, as spaCy finds a registered factory, and registers itself."""
        if not _html_renderer:
            importlib.import_module(HTML_RENDERER_MODULE)
        return _html_renderer[0](self) if _html_renderer else None


HTML_RENDERER_MODULE = "newsgraph.tools.view.notebook"
"""The module whose import registers the notebook display of :class:`ArticleResult` (see :func:`set_html_renderer`)."""

_html_renderer: list[Callable[[ArticleResult], str]] = []  # at most one: the registered notebook display


def set_html_renderer(render: Callable[[ArticleResult], str]) -> None:
    """Draw ``ArticleResult`` in notebooks with ``render`` (:mod:`newsgraph.tools.view.notebook` registers its
    ``article_html`` on import).

    Args:
        render: Returns an HTML fragment for one result.
    """
    _html_renderer[:] = [render]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of an exported line of ``articles.jsonl`` (with all nested records).

    Relation and event types are enums of what the shipped extractors produce (``RELATION_TYPES``; the event
    types of the shipped typology, docs/TYPOLOGY.md); a custom lexicon may add others.
    """
    from newsgraph.extraction.lexicon import load_event_lexicon  # the typology is package data read there

    schema = ArticleResult.model_json_schema()
    schema["$id"] = f"https://newsgraph.invalid/schema/{SCHEMA_VERSION}/article-result.json"
    definitions = schema["$defs"]
    definitions["Relation"]["properties"]["type"]["enum"] = sorted(RELATION_TYPES)
    definitions["Event"]["properties"]["type"]["enum"] = sorted(load_event_lexicon().types)
    return schema


def schema_text() -> str:
    """The JSON Schema as pretty-printed text."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False)
