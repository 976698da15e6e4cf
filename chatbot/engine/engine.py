"""The conversation engine: a user turn in, the persona's lines out, the same for the same seed."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chatbot.dialogue.contract import ENDED, OUT_OF_SCOPE, is_question_intent
from chatbot.dialogue.loader import Catalog
from chatbot.dialogue.models import Discoverable, Node, Persona, Stage
from chatbot.engine.conditions import Situation, holds
from chatbot.engine.conversation import Conversation
from chatbot.engine.nlu import Understanding
from chatbot.engine.persona import Voice
from chatbot.engine.turns import Turn

Understand = Callable[[str], Understanding]
_REPAIR = frozenset({OUT_OF_SCOPE, "ask_clarify", "unsure"})


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


class Engine:
    """Holds one conversation with one persona; knows nothing of screens or storage."""

    def __init__(
        self,
        persona: Persona,
        catalog: Catalog,
        understand: Understand,
        seed: int,
        list_slots: frozenset[str] = frozenset(),
    ) -> None:
        self.persona = persona
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
        first = len(self.turns)
        if not self.turns:
            self.start()
        text = clean_input(text)
        understood = self._understand(text)
        intent = understood.intent
        lineage = self.catalog.lineage(intent)
        before = self._situation()
        # Silence is recorded as out_of_scope, but it neither warms nor cools the persona.
        silent = not text.strip()
        for change in self.persona.rapport.changes:
            if not silent and set(change.intents) & set(lineage) and holds(change.when, before):
                self.rapport += change.delta
        self._remember(understood.slots)
        meta: dict[str, Any] = {
            "source": understood.source,
            "predicted": understood.predicted,
            "slots": {k: list(v) for k, v in understood.slots.items()},
            "rapport": self.rapport,
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
                confidence=understood.confidence,
                node=self.node,
                meta=meta,
            )
        )
        # Replies see the rapport after this turn, and what was said before it.
        self._now = dataclasses.replace(before, rapport=self.rapport)
        stage = self.stage
        self._respond(intent, text)
        if not silent:
            self.said.update(lineage)
        self.user_turns += 1
        self._keep_time(elapsed)
        more = self.persona.stages.get(stage).more if stage == self.stage else ()
        if stage == "interviewee_questions" and more and is_question_intent(intent):
            key = f"stages.{stage}.more"
            self._persona(self.voice.say(key, more), "more", key)
        return self.turns[first:]

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

    def _respond(self, intent: str, text: str) -> None:
        stage_name = self.stage
        stage = self.persona.stages.get(stage_name)
        state = self._stage_state
        state.turns += 1
        state.seen.update(self.catalog.lineage(intent))
        if is_question_intent(intent):
            state.questions += 1
        if stage_name != "wrap_up" and set(self.catalog.lineage(intent)) & set(
            self.persona.leave_on
        ):
            self._change_stage(leave=True)
            return
        if not text.strip():
            self._persona(self.voice.say("silence", self.persona.silence), "reply", "silence")
        elif stage_name == "questions" and self.node is not None:
            self._answer_node(stage, intent)
        else:
            self._reply(stage_name, stage, intent)
        if self._stage_done(stage_name, stage):
            self._change_stage()

    def _reply(self, stage_name: str, stage: Stage, intent: str) -> None:
        if self._reveal(intent):
            return
        line, key = self.voice.reply(stage_name, stage, intent, self._now)
        self._persona(line, "reply", key)

    def _reveal(self, intent: str) -> bool:
        """Say a discoverable instead of the usual reply, the first time its moment comes."""
        found = self._discoverable(intent)
        if found is None:
            return False
        self.revealed.append(found.id)
        key = f"discoverables.{found.id}"
        self._persona(self.voice.say(key, found.say), "reveal", key, {"revealed": found.id})
        return True

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

    def _answer_node(self, stage: Stage, intent: str) -> None:
        assert self.node is not None and stage.tree is not None
        node = stage.tree.nodes[self.node]
        lineage = self.catalog.lineage(intent)
        branch = next((b for b in node.branches if set(b.intents) & set(lineage)), None)
        detour = is_question_intent(intent) or intent in _REPAIR or intent in stage.detours
        if branch is None and detour:
            # A detour: answer it, then put the same question again.
            self._reply("questions", stage, intent)
            if self._stage_done("questions", stage):
                return
            if is_question_intent(intent) and stage.resume:
                key = "stages.questions.resume"
                self._persona(self.voice.say(key, stage.resume), "resume", key)
            self._ask(self.node, node)
            return
        if not self._reveal(intent):
            chosen = branch or node.default
            base = f"stages.questions.tree.nodes.{self.node}"
            key = f"{base}.branches.{node.branches.index(branch)}" if branch else f"{base}.default"
            self._persona(self.voice.say(key, chosen.reply), "reply", key)
        self.nodes_done.append(self.node)
        self.node = (branch or node.default).next
        if self.node is None:
            self.tree_done = True
        elif not self._stage_done("questions", stage):
            self._ask(self.node, stage.tree.nodes[self.node])

    def _ask(self, node_id: str, node: Node) -> None:
        key = f"stages.questions.tree.nodes.{node_id}.ask"
        self._persona(self.voice.say(key, node.ask), "ask", key)

    def _stage_done(self, stage_name: str, stage: Stage) -> bool:
        rule, state = stage.advance, self._stage_state
        if rule.max_turns is not None and state.turns >= rule.max_turns:
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
            self.node = self._tree_start
            self._ask(self.node, stage.tree.nodes[self.node])

    def _nodes_left(self) -> list[str]:
        tree = self.persona.stages.questions.tree
        if tree is None:
            return []
        return [n for n in tree.nodes if n not in self.nodes_done]

    def _persona(self, text: str, kind: str, key: str, extra: dict[str, Any] | None = None) -> Turn:
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
