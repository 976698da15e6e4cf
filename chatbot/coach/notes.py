"""The coach's note on each user turn: etiquette flags and at most one short hint."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from chatbot.coach.analysis import QuestionAnalysis
from chatbot.coach.reading import NEEDS, SMALL_TALK, Reading
from chatbot.dialogue.coaching import CoachData
from chatbot.dialogue.contract import is_question_intent

SOFT = {"internal_soft_interview", "external_soft_interview"}
EARLY_STAGES = {"greeting", "small_talk", "questions"}
# Topics where an open question gets a much better answer than a closed one.
INFO_TOPICS = {
    "ask_typical_day", "ask_career_path", "ask_role_likes", "ask_team_needs", "ask_skills_valued",
    "ask_culture", "ask_goals_projects", "ask_industry", "ask_advice", "ask_company_list_feedback",
}  # fmt: skip
CALLED_INTERVIEW = re.compile(
    r"\b(?:this|our|the|an|your|my)\s+interview\b|\binterview(?:ing)?\s+(?:me|with you)\b", re.I
)
# A stage nudge is said once; a hint about how a question was put, at most twice.
ONCE = {"rushed", "no_question", "needs_not_asked", "thank_them", "agree_follow_up"}
TWICE = {"closed", "stacked", "leading"}


@dataclass(frozen=True)
class TurnNote:
    """What the coach made of one user turn."""

    index: int
    topic: str | None
    analysis: QuestionAnalysis
    flags: tuple[str, ...]
    hint_kind: str | None
    hint: str | None

    def to_json(self) -> dict[str, object]:
        a = self.analysis
        return {
            "turn": self.index,
            "question": a.is_question,
            "form": a.form,
            "questions": a.count,
            "stacked": a.stacked,
            "leading": a.leading,
            "follow_up": a.follow_up,
            "topic": self.topic,
            "flags": list(self.flags),
            "hint": self.hint,
        }


def focus(data: CoachData, scenario: str) -> tuple[str, ...]:
    entry = data.coach.scenarios.get(scenario)  # type: ignore[call-overload]
    return tuple(entry.topics) if entry else tuple(data.topics)


def model_question(data: CoachData, topic: str, turn: int) -> str:
    questions = data.topics[topic].questions
    return questions[turn % len(questions)]


def uncovered(data: CoachData, scenario: str, asked: set[str]) -> list[str]:
    return [t for t in focus(data, scenario) if t not in asked]


def flags_of(
    reading: Reading, before: Sequence[Reading], scenario: str, main: Sequence[str]
) -> tuple[str, ...]:
    """Etiquette, by stage and scenario: what the articles warn against."""
    intents = {r.intent for r in before}
    flags: list[str] = []
    # Early: before the user's own questions, or before they have learned what the other side
    # needs (or, where needs are not the point, asked two of the scenario's own topics).
    own = intents & set(main)
    early = reading.turn.stage in EARLY_STAGES or not (intents & NEEDS or len(own) >= 2)
    if reading.intent == "ask_compensation" and early:
        flags.append("early_pay")
    if reading.intent == "ask_about_openings" and early:
        flags.append("early_openings")
    if scenario in SOFT and CALLED_INTERVIEW.search(reading.turn.text):
        flags.append("called_interview")
    if _rushes(reading, before) and not any(_rushes(r, before[:i]) for i, r in enumerate(before)):
        flags.append("rushed")
    return tuple(flags)


def _rushes(reading: Reading, before: Sequence[Reading]) -> bool:
    """Down to business in the first minutes, with no small talk yet."""
    asks = is_question_intent(reading.intent) and reading.intent != "ask_follow_up"
    early = reading.turn.stage in ("greeting", "small_talk")
    return asks and early and not {r.intent for r in before} & SMALL_TALK


def _hint(
    reading: Reading,
    before: Sequence[Reading],
    flags: tuple[str, ...],
    data: CoachData,
    scenario: str,
) -> tuple[str | None, dict[str, str]]:
    a, stage = reading.analysis, reading.turn.stage
    asked = {r.intent for r in before} | {reading.intent}
    todo = uncovered(data, scenario, asked)
    suggestion = model_question(data, todo[0], reading.index) if todo else ""
    if flags:
        return flags[0], {}
    if a.is_question and a.leading:
        return "leading", {}
    if a.stacked:
        return "stacked", {"count": str(a.count)}
    if a.form == "closed" and reading.intent in INFO_TOPICS:
        return "closed", {"question": model_question(data, reading.intent, reading.index)}
    if stage == "interviewee_questions":
        mine = [r for r in before if r.turn.stage == stage and r.analysis.is_question]
        if not a.is_question and not mine and suggestion:
            return "no_question", {"question": suggestion}
        needs = [t for t in focus(data, scenario) if t in NEEDS]
        if len(mine) >= 1 and a.is_question and needs and not asked & NEEDS:
            return "needs_not_asked", {"label": data.topics[needs[0]].label}
    if stage == "wrap_up":
        intents = asked
        if not intents & {"thank_you", "thank_for_meeting"}:
            return "thank_them", {}
        if not intents & {"ask_follow_up", "promise_follow_up"}:
            return "agree_follow_up", {}
    return None, {}


def notes(readings: Sequence[Reading], data: CoachData, scenario: str) -> list[TurnNote]:
    """A note per user turn; each depends only on that turn and the ones before it."""
    out: list[TurnNote] = []
    given: dict[str, int] = {}
    for i, reading in enumerate(readings):
        before = readings[:i]
        flags = flags_of(reading, before, scenario, focus(data, scenario))
        kind, values = _hint(reading, before, flags, data, scenario)
        limit = 1 if kind in ONCE else 2 if kind in TWICE else None
        if kind is not None and limit is not None and given.get(kind, 0) >= limit:
            kind, values = None, {}
        text = None
        if kind is not None:
            given[kind] = given.get(kind, 0) + 1
            text = getattr(data.coach.hints, kind).format(**values)
        topic = reading.intent if is_question_intent(reading.intent) else None
        out.append(TurnNote(reading.index, topic, reading.analysis, flags, kind, text))
    return out


def suggest(readings: Sequence[Reading], data: CoachData, scenario: str, nth: int = 0) -> str:
    """The hint key: a model question on a topic not yet covered (the nth such, cycling)."""
    todo = uncovered(data, scenario, {r.intent for r in readings})
    if not todo:
        return data.coach.hints.all_covered
    topic = todo[nth % len(todo)]
    question = model_question(data, topic, len(readings) + nth // len(todo))
    return data.coach.hints.suggest.format(label=data.topics[topic].label, question=question)
