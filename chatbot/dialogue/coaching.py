"""Typed, frozen models of the coach's YAML: model questions by topic, hints, the follow-up note."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import Field

from chatbot.dialogue.contract import CONTRACT_INTENTS, is_question_intent
from chatbot.dialogue.models import Frozen, Id, Scenario, Text

# The topics a user can ask about: the contract's ask_* intents, each with model questions.
TOPICS = tuple(intent for intent in CONTRACT_INTENTS if is_question_intent(intent))
MIN_MODEL_QUESTIONS = 3
Label = Annotated[Text, Field(max_length=80)]


class Topic(Frozen):
    # Fits "You haven't asked about {label} yet."
    label: Label
    # Fits the follow-up note's "It was especially useful to hear about {discussed}."
    discussed: Label
    why: Text
    questions: Annotated[tuple[Text, ...], Field(min_length=MIN_MODEL_QUESTIONS)]


class QuestionsFile(Frozen):
    """dialogues/questions.yaml: the model questions the coach suggests, by topic."""

    version: Literal[1]
    topics: Mapping[Id, Topic]


class Hints(Frozen):
    """The coach's live hints; `{question}`, `{label}` and `{count}` are filled in."""

    closed: Text
    stacked: Text
    leading: Text
    early_openings: Text
    early_pay: Text
    called_interview: Text
    rushed: Text
    no_question: Text
    needs_not_asked: Text
    thank_them: Text
    agree_follow_up: Text
    suggest: Text
    all_covered: Text


class Note(Frozen):
    """The follow-up email; `{first_name}`, `{topics}`, `{thanks}`, `{name}` are filled in."""

    subject: Text
    greeting: Text
    opening: Text
    discussed: Text
    thanks: Text
    promised: Text
    offered: Text
    closing: Text
    unsigned: Text


TopicId = Literal[TOPICS]  # type: ignore[valid-type]


class ScenarioFocus(Frozen):
    """The topics a good conversation of this kind covers, in the order the coach suggests them."""

    topics: Annotated[tuple[TopicId, ...], Field(min_length=1)]


class CoachFile(Frozen):
    """dialogues/coach.yaml: the coach's words: hints, hedges and fillers, the follow-up note."""

    version: Literal[1]
    scenarios: Mapping[Scenario, ScenarioFocus]
    hints: Hints
    hedges: Annotated[tuple[Annotated[Text, Field(max_length=40)], ...], Field(min_length=1)]
    fillers: Annotated[tuple[Annotated[Text, Field(max_length=40)], ...], Field(min_length=1)]
    note: Note


class CoachData(Frozen):
    """Both coach files, checked against each other and the intent contract."""

    topics: Mapping[Id, Topic]
    coach: CoachFile
