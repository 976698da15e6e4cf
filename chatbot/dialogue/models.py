"""Typed, frozen models of the dialogue YAML: intents, slots and personas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from pydantic import StringConstraints as Str

Id = Annotated[StrictStr, Str(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Text = Annotated[StrictStr, Str(min_length=1, max_length=4000)]
Variants = Annotated[tuple[Text, ...], Field(min_length=1)]
OptionalVariants = tuple[Text, ...]
Pattern = Annotated[tuple[Mapping[StrictStr, Any], ...], Field(min_length=1)]
StageName = Literal["greeting", "small_talk", "questions", "interviewee_questions", "wrap_up"]
Check = Literal[
    "greeted_and_introduced",
    "asked_for_advice_not_a_job",
    "small_talk_first",
    "shared_goals_with_openness",
    "shared_skills_and_ideal_role",
    "shared_target_companies",
    "learned_their_needs",
    "asked_open_questions",
    "asked_who_else",
    "offered_help",
    "thanked_them",
    "agreed_follow_up",
    "kept_to_time",
    "no_early_jobs_or_pay",
]
# The checks a scenario's rubric may name; the coach scores each from the recorded turns.
RUBRIC_CHECKS: tuple[str, ...] = get_args(Check)
Scenario = Literal[
    "informal_interview",
    "internal_soft_interview",
    "external_soft_interview",
    "informational_interview",
    "networking_meeting",
]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Intent(Frozen):
    id: Id
    description: Text
    parent: Id | None = None
    examples: Variants
    patterns: tuple[Pattern, ...] = ()


class IntentsFile(Frozen):
    """A file of dialogues/nlu/: intents and their training examples."""

    version: Literal[1]
    intents: Annotated[tuple[Intent, ...], Field(min_length=1)]


class Slot(Frozen):
    intents: Annotated[tuple[Id, ...], Field(min_length=1)]
    take: Literal["last", "rest", "titles"]
    many: StrictBool = False
    patterns: tuple[Pattern, ...] = ()
    title_case: StrictBool = False
    reflect: StrictBool = False
    max_words: Annotated[StrictInt, Field(ge=1, le=30)] = 12


class SlotsFile(Frozen):
    """dialogues/slots.yaml: what the persona remembers from the user's turns."""

    version: Literal[1]
    slots: Mapping[Id, Slot]


class Condition(Frozen):
    """When a guarded reply, a discoverable or a rapport change applies: every part given holds."""

    stages: tuple[StageName, ...] = ()
    after_any: tuple[Id, ...] = ()
    not_after: tuple[Id, ...] = ()
    rapport_at_least: StrictInt | None = None
    rapport_below: StrictInt | None = None
    slots: tuple[Id, ...] = ()
    revealed: tuple[Id, ...] = ()
    min_turns: Annotated[StrictInt, Field(ge=0)] = 0


class Guarded(Frozen):
    """Variants said instead of the plain ones while a condition holds."""

    when: Condition
    say: Variants


# A reply list: plain variants, and guarded ones that win (first first) while their condition holds.
Reply = Annotated[tuple[Text | Guarded, ...], Field(min_length=1)]


class RapportChange(Frozen):
    intents: Annotated[tuple[Id, ...], Field(min_length=1)]
    delta: StrictInt
    when: Condition | None = None


class Rapport(Frozen):
    """How the persona warms or cools to the user, turn by turn."""

    start: StrictInt = 0
    changes: tuple[RapportChange, ...] = ()


class Discoverable(Frozen):
    """Something the persona reveals only to the right question at the right time."""

    id: Id
    what: Text
    # Completes "Thank you especially for ..." in the follow-up note, once it has been revealed.
    thanks: Text | None = None
    unlocked_by: Annotated[tuple[Id, ...], Field(min_length=1)]
    # The questions its lines answer; to any other unlocking intent the persona answers first
    # and reveals after. Unset, every unlocking intent.
    answers: tuple[Id, ...] | None = None
    when: Condition | None = None
    say: Variants

    def answers_intent(self, lineage: list[str]) -> bool:
        return bool(set(lineage) & set(self.unlocked_by if self.answers is None else self.answers))


class Timing(Frozen):
    """The meeting's time budget, by turns or by the clock."""

    warn_after_turns: Annotated[StrictInt, Field(ge=1)] | None = None
    warn_at_minutes: Annotated[StrictInt, Field(ge=1)] | None = None
    warn: OptionalVariants = ()
    end_after_turns: Annotated[StrictInt, Field(ge=1)] | None = None
    end_at_minutes: Annotated[StrictInt, Field(ge=1)] | None = None


class RubricItem(Frozen):
    check: Check
    weight: Annotated[StrictInt, Field(ge=1, le=10)] = 1
    why: Text


class Impression(Frozen):
    """The persona's private view of the user, by rapport reached; the report reveals it."""

    at_least: StrictInt
    verdict: Text


class PersonaInfo(Frozen):
    id: Id
    name: Text
    role: Text
    scenario: Scenario
    brief: Text
    setting: Text
    style: Text
    expected_minutes: Annotated[StrictInt, Field(ge=1, le=240)]


class Advance(Frozen):
    """When a stage is done: see dialogues/README.md, "How a turn is answered"."""

    when_any: tuple[Id, ...] = ()
    min_turns: Annotated[StrictInt, Field(ge=0)] = 0
    max_turns: Annotated[StrictInt, Field(ge=1)] | None = None
    tree_done: StrictBool = False
    yield_after_questions: Annotated[StrictInt, Field(ge=1)] | None = None


class Branch(Frozen):
    intents: Annotated[tuple[Id, ...], Field(min_length=1)]
    reply: Variants
    next: Id | None


class Default(Frozen):
    reply: Variants
    next: Id | None


class Node(Frozen):
    """One question of the persona's, the answers it expects, and where each leads."""

    ask: Variants
    # What an answer is likely to be: it weighs the reading of the user's next turn.
    expects: Annotated[tuple[Id, ...], Field(min_length=1)]
    # Said earlier, any of these already answers this question: the node is skipped.
    covered_by: tuple[Id, ...] = ()
    branches: tuple[Branch, ...] = ()
    default: Default

    def branch_for(self, intent: str) -> Branch | Default:
        for branch in self.branches:
            if intent in branch.intents:
                return branch
        return self.default


class Tree(Frozen):
    start: Id
    nodes: Annotated[Mapping[Id, Node], Field(min_length=1)]


class Stage(Frozen):
    enter: OptionalVariants = ()
    # What the user is likely to say here; weighs the reading (a node's `expects` wins).
    expects: tuple[Id, ...] = ()
    replies: Mapping[Id, Reply] = Field(default_factory=dict)
    advance: Advance
    tree: Tree | None = None
    resume: OptionalVariants = ()
    detours: tuple[Id, ...] = ()
    more: OptionalVariants = ()


class Stages(Frozen):
    greeting: Stage
    small_talk: Stage
    questions: Stage
    interviewee_questions: Stage
    wrap_up: Stage

    def get(self, name: str) -> Stage:
        stage: Stage = getattr(self, name)
        return stage


class Listening(Frozen):
    """How the persona shows it heard: brief acknowledgements, and what it says when unsure."""

    # Before the answer, when the turn also thanked them.
    thanks: OptionalVariants = ()
    # When the turn could not be read with confidence: neutral, and keeps things moving.
    unsure: OptionalVariants = ()
    # Before putting its own question again in other words.
    again: OptionalVariants = ()
    # When the user might be leaving but did not clearly say so.
    leaving: OptionalVariants = ()
    # A near tie between two topics; `{first}` and `{second}` are the topics' labels.
    choice: OptionalVariants = ()


class Persona(Frozen):
    """A personas/*.yaml file: who the persona is and everything they can say."""

    version: Literal[1]
    persona: PersonaInfo
    leave_on: tuple[Id, ...] = ("goodbye",)
    opening: Variants
    replies: Mapping[Id, Reply]
    silence: Variants
    fallback: Variants
    closing: Variants
    stages: Stages
    rapport: Rapport = Rapport()
    discoverables: tuple[Discoverable, ...] = ()
    time: Timing | None = None
    rubric: Annotated[tuple[RubricItem, ...], Field(min_length=1)]
    impressions: tuple[Impression, ...] = ()
    listening: Listening = Listening()

    @property
    def id(self) -> str:
        return self.persona.id
