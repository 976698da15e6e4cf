"""The coach's one pure function: recorded turns in, notes, scorecard and follow-up note out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chatbot.coach.follow_up import follow_up_note
from chatbot.coach.insights import insights
from chatbot.coach.notes import TurnNote, notes, suggest
from chatbot.coach.reading import Reading, read
from chatbot.coach.rubric import CHECKS, Session
from chatbot.dialogue.coaching import CoachData
from chatbot.dialogue.models import Persona
from chatbot.engine.turns import Turn

# Bump when a rule changes what the coach says about the same turns.
COACH_VERSION = 1


@dataclass(frozen=True)
class CheckResult:
    id: str
    passed: bool
    weight: int
    why: str
    found: str
    evidence: tuple[tuple[int, str], ...]  # (turn index, what was said)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "passed": self.passed,
            "weight": self.weight,
            "why": self.why,
            "found": self.found,
            "evidence": [{"turn": i, "text": text} for i, text in self.evidence],
        }


@dataclass(frozen=True)
class Coaching:
    """Everything the coach says about a session; live, report and replay all read this."""

    notes: tuple[TurnNote, ...]
    checks: tuple[CheckResult, ...]
    score: int
    insights: dict[str, Any] = field(hash=False)
    impression: str | None
    follow_up: dict[str, str] = field(hash=False)
    complete: bool

    def note_for(self, index: int) -> TurnNote | None:
        return next((n for n in self.notes if n.index == index), None)

    @property
    def last_hint(self) -> str | None:
        return self.notes[-1].hint if self.notes else None

    def to_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "complete": self.complete,
            "checks": [c.to_json() for c in self.checks],
            "insights": {**self.insights, "impression": self.impression},
            "follow_up": self.follow_up,
            "notes": [n.to_json() for n in self.notes],
            "coach_version": COACH_VERSION,
        }


def score_of(checks: Sequence[CheckResult]) -> int:
    """0-100: the weights of the checks passed over the weights of all the rubric's checks."""
    total = sum(c.weight for c in checks)
    return round(100 * sum(c.weight for c in checks if c.passed) / total) if total else 0


def impression_of(persona: Persona, turns: Sequence[Turn]) -> str | None:
    """The persona's private view, by the rapport the conversation ended on."""
    rapport = persona.rapport.start
    for turn in turns:
        found = turn.meta.get("rapport")
        if turn.speaker == "user" and isinstance(found, int) and not isinstance(found, bool):
            rapport = found
    ranked = sorted(persona.impressions, key=lambda i: i.at_least, reverse=True)
    return next((i.verdict for i in ranked if rapport >= i.at_least), None)


def coach(
    turns: Sequence[Turn],
    persona: Persona,
    data: CoachData,
    parents: Mapping[str, str | None] | None = None,
) -> Coaching:
    """The same turns always give the same coaching, and a turn's note never changes later."""
    readings = read(turns, parents)
    scenario = persona.persona.scenario
    turn_notes = notes(readings, data, scenario)
    session = Session(turns, readings, turn_notes)
    texts = {t.index: t.text for t in turns}
    checks = []
    for item in persona.rubric:
        verdict = CHECKS[item.check](session)
        evidence = tuple((i, texts.get(i, "")) for i in verdict.evidence)
        checks.append(
            CheckResult(item.check, verdict.passed, item.weight, item.why, verdict.found, evidence)
        )
    return Coaching(
        notes=tuple(turn_notes),
        checks=tuple(checks),
        score=score_of(checks),
        insights=insights(turns, readings, persona, data),
        impression=impression_of(persona, turns),
        follow_up=follow_up_note(turns, readings, persona, data),
        complete=any(t.stage == "ended" for t in turns) or session.reached_wrap_up,
    )


def suggestion(
    turns: Sequence[Turn],
    persona: Persona,
    data: CoachData,
    nth: int = 0,
    parents: Mapping[str, str | None] | None = None,
) -> str:
    """What the hint key offers: a model question on a topic not covered yet."""
    readings: list[Reading] = read(turns, parents)
    return suggest(readings, data, persona.persona.scenario, nth)
