"""Entity, mention, relation and event scores of ``newsgraph.extract`` against the hand-made gold files.

Usage:
    python benchmarks/eval_extraction.py [--json] [--only entities|relations|events] [--details]
                                         [--model DIR] [--fast] [--data DIR] [--no-seed] [--set DIR]

Gold: every ``*.expected.json`` beside its text — the seed ``seeds/000_8bf24d917596bb10.txt`` with its
reference in ``../shared/seeds/`` and the annotated 10kGNAD articles in ``tests/data/`` (see
``tests/data/README.md`` for the annotation guidelines). Each text is run through
``newsgraph.extract([path], lang="de")`` (with ``--model`` through ``model=``; default: German's encoder
pipeline, ``models/de_e5_onnx`` + ``models/de_e5_syntax``; ``--fast`` the CNN pipeline ``models/de_newsgraph``).

Matching rules
--------------
Names are normalised before comparison: case-folded, ß → ss, whitespace collapsed (``norm``).

Entities. An output entity *matches* an expected entity when
  (a) the normalised canonical names are equal, or
  (b) the output's name is among the expected entity's (normalised) mentions.
Type-aware figures also require the types to agree; type-agnostic figures do not. Exact-name matches
are assigned first, then mention matches. Each expected entity is matched at most once: the first
output entity matching it is a TP, every further one is a FP (a duplicate: two output entities for
one real thing = 1 TP + 1 FP). Output entities matching nothing are FPs; unmatched expected entities
are FNs. Output entities typed MISC/EVENT (outside the gold types PER/ORG/GPE/LOC/NORP) are left out
unless they match an expected entity (then they count, as a TP type-agnostic, a FP type-aware).

Mentions. For every expected entity, each distinct expected mention string is *found* when the output
entity matched to it (type-agnostic) has a mention whose text equals it after ``norm`` (strict), or,
lenient, when the hyphen/space-separated words of one are a subset of the other's ("Ukraine" for
"Ukraine-Krise", "US" for "US-Luftangriff", "Terrormiliz Islamischer Staat" for "Islamischer Staat").
Annotator notes such as "Moskau (as government)" are stripped. Mentions of unmatched expected
entities are not found; mentions only on a duplicate output entity are not counted.

Relations. Output relations are turned into (source name, type, target name) triples: an output
entity that matched an expected entity takes the expected canonical name, any other its own name.
Types go through ``RELATION_TYPE_MAP`` (output name → gold name); ``SYMMETRIC_RELATIONS`` match in
either direction. Distinct triples are compared: P = matched output / output, R = matched gold / gold.

Events. An output event matches a gold event when its type, through ``EVENT_TYPE_MAP`` (both sides are
mapped to a common class), is the same and they share at least one entity among the gold event's
participants + target and the output event's argument entities (all roles but location/time/count).
One-to-one greedy matching in gold order. The untyped figure drops the type condition (shows how far
off only the type names are).

Yardstick (``--set tests/data/yardstick/de/tune``): the references there name their article by ``article_id``
(its text is read from ../shared/data, see ``benchmarks/yardstick.py``); besides the figures above the run prints
the held-back evaluation's untyped figures: relation pairs in either direction and of any type (recall over
gold relations, precision over distinct output pairs), events found when an extracted trigger lies inside the
gold evidence (or the sentence of the gold quote), the participants and modality of the events found, and
recall per entity type, relation type and event family. Develop against ``tune``; score ``test`` once.

Exit status: 0 (the report is the product; errors of single articles are reported in the table); 2 when
``--set`` names a folder without references.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgraph.tools.evaluate import LabelScore

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_EXPECTED_DIR = ROOT.parent / "shared/seeds"
DATA = ROOT / "tests/data"

GOLD_ENTITY_TYPES = {"PER", "ORG", "GPE", "LOC", "NORP"}

# Output relation type → gold relation type. Gold types: holds_role_in, member_of, part_of, located_in,
# ally_of, opposes, controls, supplies, cooperates_with. Names not listed are compared as they are
# (after lower-casing, '-'/' ' → '_').
RELATION_TYPE_MAP: dict[str, str] = {
    # roles and affiliations
    "holds_role_in": "holds_role_in", "holds_role": "holds_role_in", "has_role": "holds_role_in",
    "role": "holds_role_in", "role_in": "holds_role_in", "position_held": "holds_role_in",
    "office_in": "holds_role_in", "head_of": "holds_role_in", "leader_of": "holds_role_in",
    "employee_of": "holds_role_in", "works_for": "holds_role_in", "spokesperson_of": "holds_role_in",
    "member_of": "member_of", "member": "member_of", "affiliated_with": "member_of",
    "affiliation": "member_of", "party": "member_of", "member_of_party": "member_of",
    "participant_in": "member_of", "participates_in": "member_of",
    # structure and place
    "part_of": "part_of", "subsidiary_of": "part_of", "belongs_to": "part_of", "division_of": "part_of",
    "located_in": "located_in", "location": "located_in", "in": "located_in", "located_at": "located_in",
    "based_in": "located_in", "headquartered_in": "located_in", "lives_in": "located_in",
    "capital_of": "located_in",
    # stance and exchange
    "ally_of": "ally_of", "allied_with": "ally_of", "ally": "ally_of", "supports": "ally_of",
    "opposes": "opposes", "fights": "opposes", "fights_against": "opposes", "enemy_of": "opposes",
    "at_war_with": "opposes", "attacks": "opposes", "against": "opposes",
    "controls": "controls", "control": "controls", "owns": "controls", "shareholder_of": "controls",
    "owns_stake_in": "controls", "occupies": "controls", "rules": "controls",
    "supplies": "supplies", "supply": "supplies", "supplies_weapons": "supplies", "delivers_to": "supplies",
    "arms": "supplies", "provides": "supplies",
    "cooperates_with": "cooperates_with", "cooperates": "cooperates_with", "cooperation": "cooperates_with",
    "partner_of": "cooperates_with", "works_with": "cooperates_with",
}
SYMMETRIC_RELATIONS = {"ally_of", "cooperates_with", "opposes"}

# Event type (gold or output) → class compared. Gold types used by the references: statement,
# interview, criticism, meeting, attend, agree_to_cooperate, airstrike, attack, killing, massacre,
# military_advance, arms_supply, arm_and_train, permission, abduction, negotiation, share_information,
# notification, protest, overthrow, election, vote_for, vote_against, campaign, asset_swap, divestment.
# Output names in the style of CAMEO / PLOVER roots are mapped onto them. Unlisted names stand for
# themselves.
EVENT_TYPE_MAP: dict[str, str] = {
    # communication
    "statement": "statement", "quote": "statement", "say": "statement", "speech": "statement",
    "declare": "statement", "announce": "statement", "announcement": "statement", "comment": "statement",
    "make_public_statement": "statement", "public_statement": "statement", "claim": "statement",
    "interview": "statement", "warn": "statement", "warning": "statement", "reported_speech": "statement",
    "criticism": "disapprove", "criticize": "disapprove", "disapprove": "disapprove", "accuse": "disapprove",
    "condemn": "disapprove", "condemnation": "disapprove",
    "protest": "protest", "demonstration": "protest",
    # meetings and cooperation
    "meeting": "meeting", "meet": "meeting", "consult": "meeting", "talks": "meeting", "visit": "meeting",
    "summit": "meeting", "session": "meeting", "attend": "attend", "attendance": "attend",
    "negotiation": "negotiation", "negotiate": "negotiation",
    "agree_to_cooperate": "cooperate", "agree": "cooperate", "agreement": "cooperate",
    "cooperate": "cooperate", "cooperation": "cooperate", "express_intent_to_cooperate": "cooperate",
    "diplomatic_cooperation": "cooperate", "engage_in_diplomatic_cooperation": "cooperate",
    "share_information": "cooperate", "material_cooperation": "cooperate",
    "notification": "inform", "inform": "inform", "warn_in_advance": "inform",
    "permission": "permission", "allow": "permission", "yield": "permission",
    # force
    "airstrike": "airstrike", "air_strike": "airstrike", "air_attack": "airstrike", "luftangriff": "airstrike",
    "bombing": "airstrike", "bombardment": "airstrike", "aerial_bombing": "airstrike",
    "attack": "attack", "assault": "attack", "anschlag": "attack", "terror_attack": "attack",
    "terrorist_attack": "attack", "fight": "attack", "use_conventional_military_force": "attack",
    "killing": "killing", "kill": "killing", "death": "killing", "casualties": "killing",
    "massacre": "massacre", "mass_killing": "massacre", "unconventional_mass_violence": "massacre",
    "military_advance": "military_advance", "advance": "military_advance", "offensive": "military_advance",
    "capture": "military_advance", "expansion": "military_advance",
    "abduction": "abduction", "kidnapping": "abduction", "kidnap": "abduction",
    "arrest": "arrest", "detention": "arrest",
    "overthrow": "overthrow", "coup": "overthrow",
    # aid and supply
    "arms_supply": "arms_supply", "weapons_delivery": "arms_supply", "supply": "arms_supply",
    "provide_aid": "arms_supply", "aid": "arms_supply", "waffenlieferung": "arms_supply",
    "arm_and_train": "arm_and_train", "training": "arm_and_train", "military_training": "arm_and_train",
    # politics
    "election": "election", "vote": "election", "elect": "election",
    "vote_for": "vote_for", "support": "vote_for", "vote_against": "vote_against", "reject": "vote_against",
    "campaign": "campaign",
    # economy
    "asset_swap": "transaction", "acquisition": "transaction", "merger": "transaction",
    "takeover": "transaction", "transaction": "transaction", "sale": "transaction",
    "divestment": "divestment", "sell_off": "divestment",
}
NON_PARTICIPANT_ROLES = {"location", "place", "time", "date", "count", "quote", "trigger"}


# --------------------------------------------------------------------------------------------------
# normalisation


def norm(text: str) -> str:
    """Case-folded, ß → ss, NFC, whitespace collapsed."""
    text = unicodedata.normalize("NFC", text).replace("ß", "ss").replace("ẞ", "SS")
    return " ".join(text.casefold().split())


def strip_note(mention: str) -> str:
    """'Moskau (as government)' → 'Moskau' (annotator notes in the seed reference)."""
    return re.sub(r"\s*\((?:as|i\.e\.|=|note)[^)]*\)$", "", mention)


def parts(text: str) -> set[str]:
    """Hyphen/space parts of a normalised string."""
    return {p for p in re.split(r"[\s\-‐–]+", norm(text)) if p}


def type_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def relation_type(name: str) -> str:
    key = type_key(name)
    return RELATION_TYPE_MAP.get(key, key)


def event_class(name: str) -> str:
    key = type_key(name)
    return EVENT_TYPE_MAP.get(key, key)


# --------------------------------------------------------------------------------------------------
# scores


# precision/recall/F1 counting is the library's (newsgraph.tools.evaluate.LabelScore)
Counts = LabelScore


@dataclass
class Ratio:
    found: int = 0
    total: int = 0

    def add(self, other: Ratio) -> None:
        self.found += other.found
        self.total += other.total

    @property
    def value(self) -> float:
        return self.found / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"found": self.found, "total": self.total, "recall": round(self.value, 4)}


@dataclass
class ArticleScore:
    name: str
    error: str | None = None
    seconds: float = 0.0
    entities_typed: Counts = field(default_factory=Counts)
    entities_untyped: Counts = field(default_factory=Counts)
    mentions_strict: Ratio = field(default_factory=Ratio)
    mentions_lenient: Ratio = field(default_factory=Ratio)
    relations: Counts = field(default_factory=Counts)
    events: Counts = field(default_factory=Counts)
    events_untyped: Counts = field(default_factory=Counts)
    # the untyped figures of the held-back evaluation (issue 20): pairs either way, triggers inside the evidence
    relation_pairs_found: Ratio = field(default_factory=Ratio)
    relation_pairs_correct: Ratio = field(default_factory=Ratio)
    events_found: Ratio = field(default_factory=Ratio)
    events_correct: Ratio = field(default_factory=Ratio)
    participants: Ratio = field(default_factory=Ratio)
    modality: Ratio = field(default_factory=Ratio)
    relation_types: dict[str, Ratio] = field(default_factory=dict)
    entity_recall_by_type: dict[str, Ratio] = field(default_factory=dict)
    event_types: dict[str, Ratio] = field(default_factory=dict)
    details: dict[str, list[str]] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------
# matching


@dataclass
class OutEntity:
    id: str
    name: str
    type: str
    mentions: list[str]


def _candidates(out: OutEntity, gold: list[dict[str, Any]]) -> tuple[list[int], list[int]]:
    """Indices of gold entities matched by exact name, and by mention."""
    name = norm(out.name)
    exact = [i for i, g in enumerate(gold) if norm(g["name"]) == name]
    by_mention = [i for i, g in enumerate(gold) if i not in exact
                  and name in {norm(strip_note(m)) for m in g["mentions"]}]
    return exact, by_mention


def match_entities(
    outputs: list[OutEntity], gold: list[dict[str, Any]], *, typed: bool
) -> tuple[Counts, dict[str, int], list[str], list[str]]:
    """Counts, output id → gold index (TPs and duplicates), spurious and missed names."""
    counts = Counts()
    assigned: dict[str, int] = {}
    taken: set[int] = set()
    proposals: list[tuple[int, int, OutEntity, list[int]]] = []
    for order, out in enumerate(outputs):
        exact, by_mention = _candidates(out, gold)
        if typed:
            exact = [i for i in exact if gold[i]["type"] == out.type]
            by_mention = [i for i in by_mention if gold[i]["type"] == out.type]
        if exact:
            proposals.append((0, order, out, exact))
        elif by_mention:
            # a same-typed expected entity first, for the type-agnostic run too
            by_mention.sort(key=lambda i: gold[i]["type"] != out.type)
            proposals.append((1, order, out, by_mention))
        elif out.type in GOLD_ENTITY_TYPES:
            proposals.append((2, order, out, []))
    spurious: list[str] = []
    for rank, _order, out, cands in sorted(proposals, key=lambda p: (p[0], p[1])):
        if not cands:
            counts.fp += 1
            spurious.append(f"{out.name} ({out.type})")
            continue
        free = [i for i in cands if i not in taken]
        if free:
            taken.add(free[0])
            assigned[out.id] = free[0]
            counts.tp += 1
        else:
            assigned[out.id] = cands[0]
            counts.fp += 1
            spurious.append(f"{out.name} ({out.type}) duplicate of {gold[cands[0]]['name']}")
    missed = [f"{g['name']} ({g['type']})" for i, g in enumerate(gold) if i not in taken]
    counts.fn = len(missed)
    return counts, assigned, spurious, missed


def mention_found(expected: str, outputs: Iterable[str], *, lenient: bool) -> bool:
    want = norm(strip_note(expected))
    outs = [norm(o) for o in outputs]
    if want in outs:
        return True
    if not lenient:
        return False
    want_parts = parts(want)
    return any(o and (parts(o) <= want_parts or want_parts <= parts(o)) for o in outs)


def score_mentions(
    outputs: list[OutEntity], gold: list[dict[str, Any]], assigned: dict[str, int]
) -> tuple[Ratio, Ratio, list[str]]:
    strict, lenient = Ratio(), Ratio()
    missing: list[str] = []
    first_for_gold: dict[int, OutEntity] = {}
    by_id = {o.id: o for o in outputs}
    for out_id, gi in assigned.items():  # dict order = assignment order: the TP comes first
        first_for_gold.setdefault(gi, by_id[out_id])
    for gi, g in enumerate(gold):
        wanted = list(dict.fromkeys(strip_note(m) for m in g["mentions"]))
        out = first_for_gold.get(gi)
        texts = out.mentions if out else []
        for m in wanted:
            strict.total += 1
            lenient.total += 1
            if mention_found(m, texts, lenient=False):
                strict.found += 1
            if mention_found(m, texts, lenient=True):
                lenient.found += 1
            else:
                missing.append(f"{g['name']}: {m}")
    return strict, lenient, missing


def _out_name(out_id: str | None, by_id: dict[str, OutEntity], assigned: dict[str, int],
              gold: list[dict[str, Any]]) -> str | None:
    if out_id is None or out_id not in by_id:
        return None
    if out_id in assigned:
        return norm(gold[assigned[out_id]]["name"])
    return norm(by_id[out_id].name)


def score_relations(result: Any, by_id: dict[str, OutEntity], assigned: dict[str, int],
                    gold: dict[str, Any]) -> tuple[Counts, list[str], list[str]]:
    def key(source: str, rtype: str, target: str) -> tuple[str, str, str]:
        if rtype in SYMMETRIC_RELATIONS and target < source:
            source, target = target, source
        return source, rtype, target

    expected = {key(norm(r["source"]), relation_type(r["relation"]), norm(r["target"])) for r in gold["relations"]}
    produced = set()
    for rel in result.relations:
        source = _out_name(rel.source, by_id, assigned, gold["entities"])
        target = _out_name(rel.target, by_id, assigned, gold["entities"])
        if source and target:
            produced.add(key(source, relation_type(rel.type), target))
    hits = produced & expected
    counts = Counts(tp=len(hits), fp=len(produced - hits), fn=len(expected - hits))
    fmt = lambda t: f"{t[0]} -{t[1]}-> {t[2]}"  # noqa: E731
    return counts, sorted(fmt(t) for t in produced - hits), sorted(fmt(t) for t in expected - hits)


def event_entities(event: dict[str, Any]) -> list[str]:
    """A gold event's actors: its participants and its target(s) (a target may be one name or a list)."""
    target = event.get("target") or []
    return [*event["participants"], *([target] if isinstance(target, str) else target)]


def score_events(result: Any, by_id: dict[str, OutEntity], assigned: dict[str, int],
                 gold: dict[str, Any], *, typed: bool) -> tuple[Counts, list[str], list[str]]:
    gold_events = []
    for e in gold["events"]:
        names = {norm(name) for name in event_entities(e)}
        gold_events.append((event_class(e["type"]), names, e))
    out_events = []
    for ev in result.events:
        found = {_out_name(a.entity_id, by_id, assigned, gold["entities"]) for a in ev.arguments
                 if a.entity_id and a.role.lower() not in NON_PARTICIPANT_ROLES}
        out_events.append((event_class(ev.type), {n for n in found if n}, ev))
    used: set[int] = set()
    counts = Counts()
    missed: list[str] = []
    for cls, names, e in gold_events:
        hit = next((j for j, (ocls, onames, _) in enumerate(out_events)
                    if j not in used and (not typed or ocls == cls) and names & onames), None)
        if hit is None:
            counts.fn += 1
            missed.append(f"{e['type']} {sorted(names)}")
        else:
            used.add(hit)
            counts.tp += 1
    spurious = [f"{ev.type} {sorted(names)}" for j, (_, names, ev) in enumerate(out_events) if j not in used]
    counts.fp = len(spurious)
    return counts, spurious, missed


def _ratio_for(table: dict[str, Ratio], key: str) -> Ratio:
    return table.setdefault(key, Ratio())


def score_relation_pairs(result: Any, by_id: dict[str, OutEntity], assigned: dict[str, int],
                         gold: dict[str, Any], score: ArticleScore) -> None:
    """Relations as unordered entity pairs of any type: found = gold pairs produced, correct = produced pairs
    in the gold (the held-back evaluation's untyped relation figure)."""
    produced = set()
    for rel in result.relations:
        source = _out_name(rel.source, by_id, assigned, gold["entities"])
        target = _out_name(rel.target, by_id, assigned, gold["entities"])
        if source and target and source != target:
            produced.add(frozenset((source, target)))
    expected = {frozenset((norm(r["source"]), norm(r["target"]))) for r in gold["relations"]}
    score.relation_pairs_correct = Ratio(found=len(produced & expected), total=len(produced))
    for r in gold["relations"]:
        hit = frozenset((norm(r["source"]), norm(r["target"]))) in produced
        score.relation_pairs_found.found += hit
        score.relation_pairs_found.total += 1
        per_type = _ratio_for(score.relation_types, r["relation"])
        per_type.found += hit
        per_type.total += 1


def _sentence_around(span: tuple[int, int], text: str) -> tuple[int, int]:
    start = max(text.rfind(stop, 0, span[0]) for stop in (". ", "! ", "? ", "\n")) + 1
    ends = [i for i in (text.find(stop, span[1]) for stop in (". ", "! ", "? ", "\n")) if i >= 0]
    return start, min(ends) + 1 if ends else len(text)


def gold_event_span(event: dict[str, Any], text: str) -> tuple[int, int] | None:
    """The stretch of text an extracted trigger must lie in: the evidence, else the sentence of the quote."""
    from yardstick import fragment_span

    if "evidence_span" in event:
        return tuple(event["evidence_span"])  # type: ignore[return-value]
    if "evidence" in event:
        return fragment_span(event["evidence"], text)
    quote = tuple(event["quote_span"]) if "quote_span" in event else (
        fragment_span(event["quote"], text) if "quote" in event else None)
    return _sentence_around(quote, text) if quote else None  # type: ignore[arg-type]


MODALITY_NAMES = {"negated": "denied"}  # output name -> ANNOTATION.md's


def score_event_triggers(result: Any, by_id: dict[str, OutEntity], assigned: dict[str, int],
                         gold: dict[str, Any], text: str, score: ArticleScore) -> None:
    """Events by trigger position: a gold event is found when an extracted trigger lies inside its evidence
    (one extracted event per gold event, in gold order); the participants (actors and targets) and modality
    are scored on the events found."""
    spans = [gold_event_span(e, text) for e in gold["events"]]
    used: set[int] = set()
    for event, span in zip(gold["events"], spans):
        per_type = _ratio_for(score.event_types, event_class(event["type"]))
        per_type.total += 1
        score.events_found.total += 1
        hit = None if span is None else next(
            (j for j, ev in enumerate(result.events)
             if j not in used and span[0] <= ev.trigger.start and ev.trigger.end <= span[1]), None)
        if hit is None:
            continue
        used.add(hit)
        per_type.found += 1
        score.events_found.found += 1
        out = result.events[hit]
        arguments = {_out_name(a.entity_id, by_id, assigned, gold["entities"]) for a in out.arguments
                     if a.entity_id and a.role.lower() not in NON_PARTICIPANT_ROLES}
        for name in {norm(n) for n in event_entities(event)}:
            score.participants.total += 1
            score.participants.found += name in arguments
        score.modality.total += 1
        score.modality.found += MODALITY_NAMES.get(out.modality, out.modality) == event["modality"]
    inside = [any(span and span[0] <= ev.trigger.start and ev.trigger.end <= span[1] for span in spans)
              for ev in result.events]
    score.events_correct = Ratio(found=sum(inside), total=len(inside))


# --------------------------------------------------------------------------------------------------
# running


def gold_pairs(*, seed: bool = True, data: Path = DATA) -> list[tuple[Path, Path]]:
    """(text, expected) pairs: the seed(s) with references in ../shared/seeds, then tests/data."""
    pairs = []
    if seed:
        for text in sorted(SEEDS.glob("*.txt")):
            expected = SEED_EXPECTED_DIR / f"{text.stem}.expected.json"
            if expected.exists():
                pairs.append((text, expected))
    for expected in sorted(data.glob("*.expected.json")):
        text = expected.with_name(expected.name[: -len(".expected.json")] + ".txt")
        if text.exists():
            pairs.append((text, expected))
    return pairs


def evaluate_article(text_path: Path, expected_path: Path, *, model: Path | None,
                     accurate: bool = False, fast: bool = False) -> ArticleScore:
    gold = json.loads(expected_path.read_text(encoding="utf-8"))
    return _evaluate(text_path, text_path.name, gold, "de", model=model, accurate=accurate, fast=fast)


def evaluate_reference(expected_path: Path, *, model: Path | None, accurate: bool = False,
                       fast: bool = False) -> ArticleScore:
    """Score one yardstick reference (tests/data/yardstick/...): its text is read from ../shared/data by id."""
    from newsgraph.records import Article
    from yardstick import load_reference

    text, gold = load_reference(expected_path)
    article = Article(id=gold["article_id"], text=text, lang=gold["language"])
    return _evaluate(article, gold["article_id"], gold, gold["language"], model=model, accurate=accurate, text=text,
                     fast=fast)


def _evaluate(source: Any, name: str, gold: dict[str, Any], lang: str, *, model: Path | None,
              accurate: bool, text: str | None = None, fast: bool = False) -> ArticleScore:
    import newsgraph

    score = ArticleScore(name=name)
    options: dict[str, Any] = {"lang": lang}
    if model is not None:
        options["model"] = model
    if accurate:
        options["accurate"] = True
    if fast:
        options["fast"] = True
    start = time.perf_counter()
    try:
        results = list(newsgraph.extract([source], **options))
    except Exception as e:  # noqa: BLE001 - reported per article, the run goes on
        score.error = f"{type(e).__name__}: {e}"
        results = []
    score.seconds = time.perf_counter() - start
    result = results[0] if results else None
    if result is not None and result.error:
        score.error = result.error
        result = None

    outputs = [] if result is None else [
        OutEntity(e.id, e.name, e.type, [m.text for m in e.mentions]) for e in result.entities]
    by_id = {o.id: o for o in outputs}

    score.entities_typed, _, spurious_t, missed_t = match_entities(outputs, gold["entities"], typed=True)
    for entity in gold["entities"]:
        per_type = _ratio_for(score.entity_recall_by_type, entity["type"])
        per_type.total += 1
        per_type.found += f"{entity['name']} ({entity['type']})" not in missed_t
    score.entities_untyped, assigned, spurious, missed = match_entities(outputs, gold["entities"], typed=False)
    score.mentions_strict, score.mentions_lenient, missing_mentions = score_mentions(
        outputs, gold["entities"], assigned)
    score.details.update({
        "entities_missed": missed, "entities_spurious": spurious,
        "entities_wrong_type": sorted(set(missed_t) - set(missed)),
        "mentions_missed": missing_mentions,
    })
    if result is None:
        score.relations = Counts(fn=len(gold["relations"]))
        score.events = Counts(fn=len(gold["events"]))
        score.events_untyped = Counts(fn=len(gold["events"]))
        score.relation_pairs_found = Ratio(total=len(gold["relations"]))
        score.events_found = Ratio(total=len(gold["events"]))
        return score
    score.relations, rel_fp, rel_fn = score_relations(result, by_id, assigned, gold)
    score.events, ev_fp, ev_fn = score_events(result, by_id, assigned, gold, typed=True)
    score.events_untyped, _, _ = score_events(result, by_id, assigned, gold, typed=False)
    score_relation_pairs(result, by_id, assigned, gold, score)
    score_event_triggers(result, by_id, assigned, gold, text if text is not None else result.article.text, score)
    score.details.update({"relations_spurious": rel_fp, "relations_missed": rel_fn,
                          "events_spurious": ev_fp, "events_missed": ev_fn})
    return score


def overall(scores: list[ArticleScore]) -> ArticleScore:
    """Micro-averaged totals."""
    total = ArticleScore(name="OVERALL (micro)")
    for s in scores:
        for attr in ("entities_typed", "entities_untyped", "mentions_strict", "mentions_lenient",
                     "relations", "events", "events_untyped", "relation_pairs_found", "relation_pairs_correct",
                     "events_found", "events_correct", "participants", "modality"):
            getattr(total, attr).add(getattr(s, attr))
        for table in ("relation_types", "event_types"):
            for key, ratio in getattr(s, table).items():
                _ratio_for(getattr(total, table), key).add(ratio)
        for etype in GOLD_ENTITY_TYPES:
            _ratio_for(total.entity_recall_by_type, etype).add(s.entity_recall_by_type.get(etype, Ratio()))
        total.seconds += s.seconds
    errors = [s.name for s in scores if s.error]
    total.error = f"errors in {', '.join(errors)}" if errors else None
    return total


SECTIONS = ("entities", "relations", "events")


def score_dict(s: ArticleScore, only: str | None, details: bool) -> dict[str, Any]:
    d: dict[str, Any] = {"article": s.name, "seconds": round(s.seconds, 2)}
    if s.error:
        d["error"] = s.error
    if only in (None, "entities"):
        d["entities"] = {"typed": s.entities_typed.as_dict(), "untyped": s.entities_untyped.as_dict()}
        d["mentions"] = {"strict": s.mentions_strict.as_dict(), "lenient": s.mentions_lenient.as_dict()}
    if only in (None, "relations"):
        d["relations"] = s.relations.as_dict()
    if only in (None, "events"):
        d["events"] = {"typed": s.events.as_dict(), "untyped": s.events_untyped.as_dict()}
    if details and s.details:
        d["details"] = {k: v for k, v in s.details.items() if only is None or k.startswith(only.rstrip("s"))
                        or (only == "entities" and k.startswith("mention"))}
    return d


def _prf(c: Counts) -> str:
    return f"{c.precision:6.1%} {c.recall:6.1%} {c.f1:6.1%}"


def print_table(scores: list[ArticleScore], total: ArticleScore, only: str | None, details: bool) -> None:
    rows = [*scores, total]
    width = max(len(s.name) for s in rows)
    head = f"{'article':<{width}}"
    if only in (None, "entities"):
        head += " |  ent typed P/R/F1      | ent untyped P/R/F1     | TP FP FN | ment R strict/len"
    if only in (None, "relations"):
        head += " | rel P/R/F1             | gold/out"
    if only in (None, "events"):
        head += " | evt P/R/F1             | untyped R | gold/out"
    print(head)
    print("-" * len(head))
    for s in rows:
        if s is total:
            print("-" * len(head))
        line = f"{s.name:<{width}}"
        if only in (None, "entities"):
            u = s.entities_untyped
            line += (f" | {_prf(s.entities_typed)} | {_prf(u)} | {u.tp:2d} {u.fp:2d} {u.fn:2d}"
                     f" | {s.mentions_strict.value:6.1%} {s.mentions_lenient.value:6.1%}  ")
        if only in (None, "relations"):
            r = s.relations
            line += f" | {_prf(r)} | {r.tp + r.fn:3d}/{r.tp + r.fp:<3d}"
        if only in (None, "events"):
            e = s.events
            line += f" | {_prf(e)} | {s.events_untyped.recall:8.1%} | {e.tp + e.fn:3d}/{e.tp + e.fp:<3d}"
        if s.error:
            line += f"   ! {s.error}"
        print(line)
    print()
    print("ent = entities (untyped TP/FP/FN; a duplicate output entity is a FP); ment R = mention recall;"
          " gold/out = gold items / distinct output items.")
    if details:
        for s in scores:
            shown = {k: v for k, v in s.details.items() if v and (
                only is None or k.startswith(only.rstrip("s")) or (only == "entities" and k.startswith("mention")))}
            if not shown:
                continue
            print(f"\n== {s.name}")
            for key, values in shown.items():
                print(f"  {key} ({len(values)}): " + "; ".join(values))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--only", choices=SECTIONS, help="score only this part")
    parser.add_argument("--details", action="store_true", help="list missed and spurious items per article")
    parser.add_argument("--model", type=Path, default=None,
                        help="spaCy pipeline folder (default: the shipped models/de_newsgraph)")
    parser.add_argument("--accurate", action="store_true", help="an alias of the default (the encoder pipeline)")
    parser.add_argument("--fast", action="store_true", help="German's CNN pipeline (newsgraph extract --fast)")
    parser.add_argument("--data", type=Path, default=DATA, help="folder with <id>.txt + <id>.expected.json")
    parser.add_argument("--no-seed", action="store_true", help="leave out the seed article")
    parser.add_argument("--set", dest="yardstick", type=Path, default=None,
                        help="score the yardstick references below this folder instead (e.g. "
                             "tests/data/yardstick/de/tune); develop on tune, score test once")
    args = parser.parse_args(argv)

    if args.yardstick is not None:
        from yardstick import reference_files

        files = reference_files(args.yardstick)
        if not files:
            print(f"no *.expected.json below {args.yardstick}", file=sys.stderr)
            return 2
        scores = [evaluate_reference(path, model=args.model, accurate=args.accurate, fast=args.fast) for path in files]
    else:
        pairs = gold_pairs(seed=not args.no_seed, data=args.data)
        if not pairs:
            print("no gold files found", file=sys.stderr)
            return 0
        scores = [evaluate_article(text, expected, model=args.model, accurate=args.accurate, fast=args.fast)
                  for text, expected in pairs]
    total = overall(scores)
    if args.json:
        print(json.dumps({
            "model": str(args.model or ROOT / "models/de_newsgraph"),
            "accurate": args.accurate,
            "fast": args.fast,
            "articles": [score_dict(s, args.only, args.details) for s in scores],
            "overall": score_dict(total, args.only, False),
            "held_back_style": held_back_summary(total),
        }, ensure_ascii=False, indent=2))
    else:
        print_table(scores, total, args.only, args.details)
        print_held_back_summary(total)
    return 0


def held_back_summary(total: ArticleScore) -> dict[str, Any]:
    """The figures of the independent held-back evaluation, in its terms (untyped pairs, triggers in evidence)."""
    entities = total.entities_typed
    return {
        "relation_pairs": {"recall": total.relation_pairs_found.as_dict(),
                           "precision": total.relation_pairs_correct.as_dict()},
        "events": {"recall": total.events_found.as_dict(), "precision": total.events_correct.as_dict()},
        "participants_of_found_events": total.participants.as_dict(),
        "modality_of_found_events": total.modality.as_dict(),
        "entities_typed": {"precision": round(entities.precision, 4), "recall": round(entities.recall, 4),
                           "f1": round(entities.f1, 4)},
        "entity_recall_by_type": {k: v.as_dict() for k, v in sorted(total.entity_recall_by_type.items())},
        "relation_recall_by_type": {k: v.as_dict() for k, v in sorted(total.relation_types.items())},
        "event_recall_by_family": {k: v.as_dict() for k, v in sorted(total.event_types.items())},
    }


def print_held_back_summary(total: ArticleScore) -> None:
    def ratio(r: Ratio) -> str:
        return f"{r.found}/{r.total} = {r.value:.2f}"

    e = total.entities_typed
    print("\nheld-back style (untyped relation pairs either way; an event is found when a trigger lies in its "
          "evidence):")
    print(f"  relation pairs   recall {ratio(total.relation_pairs_found)}   precision {ratio(total.relation_pairs_correct)}")
    print(f"  events           recall {ratio(total.events_found)}   precision {ratio(total.events_correct)}")
    print(f"  participants of found events {ratio(total.participants)};  modality right {ratio(total.modality)}")
    print(f"  entities typed   P {e.precision:.2f}  R {e.recall:.2f}  F1 {e.f1:.2f};  recall by type: "
          + ", ".join(f"{k} {ratio(v)}" for k, v in sorted(total.entity_recall_by_type.items()) if v.total))
    print("  relation recall by type: " + ", ".join(
        f"{k} {v.found}/{v.total}" for k, v in sorted(total.relation_types.items(), key=lambda kv: -kv[1].total)))
    print("  event recall by family:  " + ", ".join(
        f"{k} {v.found}/{v.total}" for k, v in sorted(total.event_types.items(), key=lambda kv: -kv[1].total)))


if __name__ == "__main__":
    sys.exit(main())
