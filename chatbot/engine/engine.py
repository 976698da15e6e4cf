"""The conversation engine: a user turn in, the persona's lines out, the same for the same seed."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from chatbot.dialogue.contract import ENDED, OUT_OF_SCOPE, is_question_intent
from chatbot.dialogue.loader import Catalog
from chatbot.dialogue.models import Discoverable, Persona, Stage
from chatbot.engine.conditions import Situation, holds
from chatbot.engine.conversation import Conversation
from chatbot.engine.listening import STAGE_EXPECTS, Context, Understand, band_of, read
from chatbot.engine.persona import Voice
from chatbot.engine.reading import COURTESY, Bands, Reading
from chatbot.engine.tree import QuestionTree
from chatbot.engine.turns import Turn

_WRAP_UP_MOVES = frozenset({"ask", "thank_you", "offer_help", "promise_follow_up", "affirm"})


def clean_input(text: str) -> str:
    """The text as typed, less what cannot be stored: lone surrogates become U+FFFD."""
    return text.encode("utf-8", "replace").decode("utf-8") if not text.isascii() else text


def spoken_list(values: list[str]) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]


@dataclass
class _StageState:
    turns: int = 0
    seen: set[str] = field(default_factory=set)
    questions: int = 0


class Engine(QuestionTree):
    """Holds one conversation with one persona; knows nothing of screens or storage."""

    def __init__(
        self,
        persona: Persona,
        catalog: Catalog,
        understand: Understand,
        seed: int,
        list_slots: frozenset[str] = frozenset(),
        bands: Bands | None = None,
        topics: Mapping[str, str] | None = None,
        slot_intents: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.persona = persona
        self.bands = bands or Bands()
        # Labels of the askable topics ("a typical day"), for "did you mean X or Y?".
        self.topics = dict(topics or {})
        # What each slot is told in ("companies" in share_target_companies): a value known
        # is as good as that intent said, when deciding what the persona still needs to ask.
        self.slot_intents = dict(slot_intents or {})
        self.list_slots = list_slots
        self.catalog = catalog
        self._understand = understand
        self.seed = seed
        self.voice = Voice(persona, catalog, seed)
        self.conversation = Conversation()
        self.turns: list[Turn] = []
        self._stage_state = _StageState()
        tree = persona.stages.questions.tree
        self.node: str | None = None
        self._tree_start = tree.start if tree else None
        self.nodes_done: list[str] = []
        self.tree_done = False
        self.rapport = persona.rapport.start
        self.said: set[str] = set()
        self.user_turns = 0
        self.revealed: list[str] = []
        self.slot_values: dict[str, list[str]] = {}
        self._warned = False
        self._checking_leave = False
        self._last_intent = ""
        self._prefix = ""
        self._heard_now: set[str] = set()
        # Questions of the tree passed over because the user had already answered them.
        self.covered: list[str] = []
        self._now = self._situation()

    @property
    def stage(self) -> str:
        return self.conversation.stage

    @property
    def ended(self) -> bool:
        return self.conversation.ended

    @property
    def memory(self) -> dict[str, str]:
        return self.voice.memory

    def start(self) -> list[Turn]:
        """The persona's opening line(s)."""
        if self.turns:
            return []
        return [
            self._persona(self.voice.say("opening", self.persona.opening), "opening", "opening")
        ]

    def say(self, text: str, elapsed: float | None = None) -> list[Turn]:
        """Take one user turn (and the seconds since the start, if known); return it and the
        persona's answer, in order."""
        if self.ended:
            raise RuntimeError("the conversation has ended")
        text = clean_input(text)
        return self.hear(text, self.read(text), elapsed)

    def context(self) -> Context:
        """What the persona is waiting for now: the stage's or the open question's expects."""
        stage = self.persona.stages.get(self.stage) if self.stage != ENDED else None
        expects: tuple[str, ...] = stage.expects if stage else ()
        if self.stage == "questions" and self.node is not None and stage and stage.tree:
            expects = stage.tree.nodes[self.node].expects
        last = next((t.text for t in reversed(self.turns) if t.speaker == "persona"), "")
        return Context.after(self.stage, expects, last)

    def read(self, text: str) -> Reading:
        return read(text, self._understand, self.context(), self.catalog.lineage, self.bands)

    def hear(self, text: str, reading: Reading, elapsed: float | None = None) -> list[Turn]:
        """A user turn already read (live, or from the record): the persona's answer to it."""
        if self.ended:
            raise RuntimeError("the conversation has ended")
        first = len(self.turns)
        if not self.turns:
            self.start()
        intent = reading.intent
        heard = self._heard(reading)
        before = self._situation()
        for change in self.persona.rapport.changes:
            if set(change.intents) & heard and holds(change.when, before):
                self.rapport += change.delta
        self._remember(reading.slots)
        meta: dict[str, Any] = {
            "source": reading.source,
            "predicted": reading.predicted,
            "slots": {k: list(v) for k, v in reading.slots.items()},
            "rapport": self.rapport,
            # The intent and the ones it is a finer case of, so readers need no catalog.
            "lineage": self.catalog.lineage(intent),
            "reading": reading.to_json(),
        }
        if elapsed is not None:
            meta["elapsed"] = round(elapsed, 1)
        self.turns.append(
            Turn(
                index=len(self.turns),
                speaker="user",
                text=text,
                stage=self.stage,
                intent=intent,
                confidence=reading.confidence,
                node=self.node,
                meta=meta,
            )
        )
        # Replies see the rapport after this turn, and what was said before it.
        self._now = dataclasses.replace(before, rapport=self.rapport)
        stage = self.stage
        self._heard_now = heard
        self._respond(reading)
        self.said.update(heard)
        self.user_turns += 1
        self._keep_time(elapsed)
        more = self.persona.stages.get(stage).more if stage == self.stage else ()
        if (
            stage == "interviewee_questions"
            and more
            and reading.band == "confident"
            and is_question_intent(intent)
        ):
            key = f"stages.{stage}.more"
            self._persona(self.voice.say(key, more), "more", key)
        return self.turns[first:]

    def _heard(self, reading: Reading) -> set[str]:
        """The intents (with their parents) of every part read with confidence."""
        if reading.band != "confident":
            return set()
        heard: set[str] = set()
        for part in reading.parts:
            if band_of(part, self.catalog.lineage, self.bands) == "confident":
                heard.update(self.catalog.lineage(part.intent))
        return heard

    def _situation(self) -> Situation:
        return Situation(
            self.stage,
            frozenset(self.said),
            self.rapport,
            frozenset(self.memory),
            self.user_turns,
            frozenset(self.revealed),
        )

    def _remember(self, slots: Mapping[str, tuple[str, ...]]) -> None:
        """Slots declared `many:` gather every value said; the others keep the latest."""
        for name, values in slots.items():
            if name in self.list_slots:
                kept = self.slot_values.setdefault(name, [])
                kept += [v for v in values if v not in kept]
            else:
                self.slot_values[name] = [values[-1]]
            self.memory[name] = spoken_list(self.slot_values[name])

    # The rules below are the ones dialogues/README.md describes under "How a turn is answered".

    def _respond(self, reading: Reading) -> None:
        stage_name = self.stage
        stage = self.persona.stages.get(stage_name)
        intent = reading.intent
        lineage = self.catalog.lineage(intent)
        if reading.band == "empty":
            self._persona(self.voice.say("silence", self.persona.silence), "reply", "silence")
            return
        checking_leave, self._checking_leave = self._checking_leave, False
        if checking_leave and reading.band == "confident" and intent in ("affirm", "goodbye"):
            self._leave_or_close(stage_name)
            return
        if reading.band in ("unsure", "choice"):
            self._unsure(reading, stage_name, stage)
            return
        state = self._stage_state
        state.turns += 1
        self._last_intent = "ask" if is_question_intent(intent) else intent
        main = [intent, *(reading.parts[i].intent for i in reading.also)]
        for said in main:
            state.seen.update(self.catalog.lineage(said))
        if is_question_intent(intent):
            state.questions += 1
        leaving = reading.closing and set(lineage) & set(self.persona.leave_on)
        if leaving and stage_name != "wrap_up":
            # Early on, a goodbye jumps to wrap-up ("before you go..."); after the user's
            # own questions, wrap-up is next anyway: the persona sums up and says goodbye.
            self._change_stage(leave=True)
            if stage_name == "interviewee_questions" and not self.ended:
                self._change_stage()
            return
        self._prefix = self._acknowledgement(reading)
        if stage_name == "questions" and self.node is not None:
            self._answer_node(stage, reading)
        else:
            self._reply(stage_name, stage, intent)
            self._answer_also(stage_name, stage, reading)
        self._prefix = ""
        if self._stage_done(stage_name, stage):
            self._change_stage()

    def _acknowledgement(self, reading: Reading) -> str:
        """A brief "my pleasure" when the turn thanked them before asking or telling more."""
        thanked = any(p.intent in ("thank_you", "thank_for_meeting") for p in reading.courtesies())
        lines = self.persona.listening.thanks
        if not thanked or not lines or reading.intent in COURTESY:
            return ""
        return self.voice.say("listening.thanks", lines) + " "

    def _answer_also(self, stage_name: str, stage: Stage, reading: Reading) -> None:
        """The second question of a turn, answered after the first."""
        for i in reading.also:
            self._reply(stage_name, stage, reading.parts[i].intent)

    def _unsure(self, reading: Reading, stage_name: str, stage: Stage) -> None:
        """Not sure what was meant: never a committal reply, never a change of stage."""
        top = reading.parts[reading.main].ranking[0][0]
        listening = self.persona.listening
        node = stage.tree.nodes[self.node] if stage.tree and self.node is not None else None
        if top in ("goodbye", "thank_you") and stage_name != "greeting" and listening.leaving:
            self._checking_leave = True
            self._persona(
                self.voice.say("listening.leaving", listening.leaving), "check", "leaving"
            )
            return
        if reading.band == "choice" and listening.choice:
            ranking = reading.parts[reading.main].ranking
            labels = [self.topics.get(i) for i, _ in ranking[:2]]
            if all(labels):
                named = {"first": str(labels[0]), "second": str(labels[1])}
                line = self.voice.say("listening.choice", listening.choice, named)
                self._persona(line, "check", "listening.choice")
                return
        part = reading.parts[reading.main]
        if stage_name == "greeting":
            # At the start, an unclear line is still a hello: greet back.
            expected = STAGE_EXPECTS["greeting"]
            intent = next((i for i, _ in part.ranking if i in expected), "greet")
            self._reply(stage_name, stage, intent)
            return
        if node is not None and not part.question:
            # Unsure, but one of the answers its question expects is among the likely
            # readings: take that as the answer and move on.
            likely = next((i for i, _ in part.ranking[:3] if self._answers_node(node, i)), None)
            if likely is not None:
                self._move_on(stage, node, likely, quiet=False)
                return
        if listening.unsure:
            self._persona(self.voice.say("listening.unsure", listening.unsure), "unsure", "unsure")
        else:
            self._reply(stage_name, stage, OUT_OF_SCOPE)
        if node is not None and self.node is not None:
            if listening.again:
                self._persona(self.voice.say("listening.again", listening.again), "resume", "again")
            self._ask(self.node, node)

    def _leave_or_close(self, stage_name: str) -> None:
        if stage_name == "wrap_up":
            self._change_stage()
        else:
            self._change_stage(leave=True)

    def _reply(self, stage_name: str, stage: Stage, intent: str) -> None:
        found = self._discoverable(intent)
        if found is not None and found.answers_intent(self.catalog.lineage(intent)):
            self._reveal(found)
            return
        line, key = self.voice.reply(stage_name, stage, intent, self._now)
        self._persona(line, "reply", key)
        if found is not None:
            self._reveal(found)

    def _reveal(self, found: Discoverable) -> None:
        self.revealed.append(found.id)
        key = f"discoverables.{found.id}"
        self._persona(self.voice.say(key, found.say), "reveal", key, {"revealed": found.id})

    def _discoverable(self, intent: str) -> Discoverable | None:
        lineage = set(self.catalog.lineage(intent))
        for item in self.persona.discoverables:
            if (
                item.id not in self.revealed
                and lineage & set(item.unlocked_by)
                and holds(item.when, self._now)
            ):
                return item
        return None

    def _stage_done(self, stage_name: str, stage: Stage) -> bool:
        rule, state = stage.advance, self._stage_state
        # In wrap-up the persona does not close while the user is still asking, thanking,
        # offering or promising: it lets them finish and waits for the goodbye.
        still_talking = stage_name == "wrap_up" and self._last_intent in _WRAP_UP_MOVES
        if rule.max_turns is not None and state.turns >= rule.max_turns and not still_talking:
            return True
        if stage_name == "questions":
            if rule.tree_done and self.tree_done:
                return True
            if rule.yield_after_questions and state.questions >= rule.yield_after_questions:
                return True
        return state.turns >= rule.min_turns and bool(state.seen & set(rule.when_any))

    def _keep_time(self, elapsed: float | None) -> None:
        """Warn once as the time budget runs low; when it runs out, go to wrap-up."""
        timing = self.persona.time
        if timing is None or self.stage in ("wrap_up", ENDED):
            return
        minutes = elapsed / 60 if elapsed is not None else None

        def reached(turns: int | None, at_minutes: int | None) -> bool:
            by_turns = turns is not None and self.user_turns >= turns
            return by_turns or (
                at_minutes is not None and minutes is not None and minutes >= at_minutes
            )

        if reached(timing.end_after_turns, timing.end_at_minutes):
            self._change_stage(leave=True, reason="time")
        elif not self._warned and reached(timing.warn_after_turns, timing.warn_at_minutes):
            self._warned = True
            self._persona(self.voice.say("time.warn", timing.warn), "time", "time.warn")

    def _change_stage(self, leave: bool = False, reason: str | None = None) -> None:
        before = self.stage
        skipped: list[str] = []
        if before == "questions" and not self.tree_done:
            skipped = self._nodes_left()
        self.node = None
        known = len(self.conversation.skipped)
        after = self.conversation.leave() if leave else self.conversation.advance()
        skipped += self.conversation.skipped[known:]
        self._stage_state = _StageState()
        if after == ENDED:
            self._persona(self.voice.say("closing", self.persona.closing), "closing", "closing")
            return
        stage = self.persona.stages.get(after)
        meta: dict[str, Any] = {"from": before}
        if skipped:
            meta["skipped"] = skipped
        if reason:
            meta["reason"] = reason
        if stage.enter:
            key = f"stages.{after}.enter"
            self._persona(self.voice.say(key, stage.enter), "enter", key, meta)
        if after == "questions" and self._tree_start is not None and stage.tree is not None:
            self._go_to(self._tree_start, stage)

    def _persona(self, text: str, kind: str, key: str, extra: dict[str, Any] | None = None) -> Turn:
        if self._prefix and kind in ("reply", "reveal"):
            text, self._prefix = self._prefix + text, ""
        turn = Turn(
            index=len(self.turns),
            speaker="persona",
            text=text,
            stage=self.stage,
            node=self.node,
            meta={"kind": kind, "key": key, **(extra or {})},
        )
        self.turns.append(turn)
        return turn
