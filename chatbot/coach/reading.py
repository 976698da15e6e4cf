"""Each user turn read once for the coach: its contract intent, its question analysis, context."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chatbot.coach.analysis import QuestionAnalysis, analyse
from chatbot.dialogue.contract import CONTRACT_INTENTS
from chatbot.engine.turns import Turn

SMALL_TALK = {"how_are_you", "small_talk_personal", "small_talk_setting", "small_talk_shared"}
NEEDS = {"ask_team_needs", "ask_goals_projects"}


@dataclass(frozen=True)
class Reading:
    """A user turn as the coach sees it."""

    turn: Turn
    intent: str  # the contract id (a finer intent is read as its parent)
    analysis: QuestionAnalysis
    previous: str  # what the persona said just before

    @property
    def index(self) -> int:
        return self.turn.index

    @property
    def words(self) -> int:
        return len(self.turn.text.split())


# The coach reads what the engine recorded, but a session may have been imported: each
# accessor takes only the shape the engine writes and treats anything else as absent.


def slots_of(turn: Turn) -> dict[str, list[str]]:
    found = turn.meta.get("slots")
    if not isinstance(found, dict):
        return {}
    return {
        k: [v for v in values if isinstance(v, str)]
        for k, values in found.items()
        if isinstance(values, list)
    }


def revealed_of(turn: Turn) -> str | None:
    found = turn.meta.get("revealed")
    return found if isinstance(found, str) else None


def elapsed_of(turn: Turn) -> float | None:
    found = turn.meta.get("elapsed")
    if isinstance(found, bool) or not isinstance(found, (int, float)) or found != found:
        return None  # not a number of seconds (NaN included)
    return float(found)


def contract_intent(intent: str | None, parents: Mapping[str, str | None]) -> str:
    current, seen = intent or "out_of_scope", set()
    while current not in CONTRACT_INTENTS and current not in seen:
        seen.add(current)
        parent = parents.get(current)
        if parent is None:
            break
        current = parent
    return current


def read(turns: Sequence[Turn], parents: Mapping[str, str | None] | None = None) -> list[Reading]:
    """Every user turn, in order, each read only against the turns before it."""
    readings: list[Reading] = []
    said: list[str] = []  # the persona's lines since the user last spoke
    for turn in turns:
        if turn.speaker == "persona":
            said.append(turn.text)
            continue
        previous = " ".join(said)
        said = []
        lineage = turn.meta.get("lineage")
        recorded = {}
        if isinstance(lineage, list) and all(isinstance(i, str) for i in lineage):
            recorded = dict(zip(lineage, [*lineage[1:], None], strict=True))
        intent = contract_intent(turn.intent, {**recorded, **(parents or {})})
        readings.append(Reading(turn, intent, analyse(turn.text, previous), previous))
    return readings
