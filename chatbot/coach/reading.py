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
        intent = contract_intent(turn.intent, parents or {})
        readings.append(Reading(turn, intent, analyse(turn.text, previous), previous))
    return readings
