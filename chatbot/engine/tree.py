"""The persona's own questions: answering the open node, moving on, passing over what was told."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chatbot.dialogue.contract import OUT_OF_SCOPE, is_question_intent
from chatbot.dialogue.loader import Catalog
from chatbot.dialogue.models import Discoverable, Node, Persona, Stage
from chatbot.engine.listening import band_of
from chatbot.engine.persona import Voice
from chatbot.engine.reading import Bands, Reading

# What the persona answers and then asks its question again.
_REPAIR = frozenset({OUT_OF_SCOPE, "ask_clarify", "unsure"})


class QuestionTree:
    """The questions stage's tree, mixed into the Engine, which holds the state it reads."""

    persona: Persona
    catalog: Catalog
    bands: Bands
    voice: Voice
    node: str | None
    nodes_done: list[str]
    tree_done: bool
    covered: list[str]
    said: set[str]
    slot_intents: dict[str, tuple[str, ...]]
    _heard_now: set[str]

    if TYPE_CHECKING:

        @property
        def memory(self) -> dict[str, str]: ...
        def _reply(self, stage_name: str, stage: Stage, intent: str) -> None: ...
        def _answer_also(self, stage_name: str, stage: Stage, reading: Reading) -> None: ...
        def _stage_done(self, stage_name: str, stage: Stage) -> bool: ...
        def _discoverable(self, intent: str) -> Discoverable | None: ...
        def _reveal(self, found: Discoverable) -> None: ...
        def _persona(
            self, text: str, kind: str, key: str, extra: dict[str, Any] | None = None
        ) -> Any: ...

    def _answers_node(self, node: Node, intent: str) -> bool:
        lineage = set(self.catalog.lineage(intent))
        return any(set(b.intents) & lineage for b in node.branches) or bool(
            lineage & set(node.expects)
        )

    def _node_answer(self, node: Node, reading: Reading) -> str | None:
        """The part of the turn that answers the open question, if one does."""
        for part in reading.parts:
            if band_of(part, self.catalog.lineage, self.bands) != "confident":
                continue
            if self._answers_node(node, part.intent):
                return part.intent
        return None

    def _answer_node(self, stage: Stage, reading: Reading) -> None:
        assert self.node is not None and stage.tree is not None
        node = stage.tree.nodes[self.node]
        intent = reading.intent
        answer = self._node_answer(node, reading)
        asked = is_question_intent(intent)
        detour = asked or intent in _REPAIR or intent in stage.detours
        if detour and (asked or answer is None):
            # A detour: answer it, then take the answer given beside it, or ask again.
            self._reply("questions", stage, intent)
            self._answer_also("questions", stage, reading)
            if self._stage_done("questions", stage):
                return
            if answer is None or answer == intent:
                if asked and stage.resume:
                    key = "stages.questions.resume"
                    self._persona(self.voice.say(key, stage.resume), "resume", key)
                self._ask(self.node, node)
                return
            self._move_on(stage, node, answer, quiet=True)
            return
        self._move_on(stage, node, answer or intent, quiet=False)

    def _move_on(self, stage: Stage, node: Node, intent: str, quiet: bool) -> None:
        """Take `intent` as the answer to the open question and go to the next one."""
        assert self.node is not None and stage.tree is not None
        lineage = self.catalog.lineage(intent)
        branch = next((b for b in node.branches if set(b.intents) & set(lineage)), None)
        found = self._discoverable(intent)
        if found is not None and found.answers_intent(lineage):
            self._reveal(found)
        elif not quiet:
            chosen = branch or node.default
            base = f"stages.questions.tree.nodes.{self.node}"
            key = f"{base}.branches.{node.branches.index(branch)}" if branch else f"{base}.default"
            self._persona(self.voice.say(key, chosen.reply), "reply", key)
            if found is not None:
                self._reveal(found)
        self.nodes_done.append(self.node)
        self._go_to((branch or node.default).next, stage)

    def _go_to(self, node_id: str | None, stage: Stage) -> None:
        """The next open question, passing over those already answered earlier."""
        assert stage.tree is not None
        self.node = self._open_node(node_id, stage)
        if self.node is None:
            self.tree_done = True
        elif not self._stage_done("questions", stage):
            self._ask(self.node, stage.tree.nodes[self.node])

    def _open_node(self, node_id: str | None, stage: Stage) -> str | None:
        assert stage.tree is not None
        said = self.said | self._heard_now
        for name in self.memory:
            said |= set(self.slot_intents.get(name, ())[:1])
        while node_id is not None:
            node = stage.tree.nodes[node_id]
            if not set(node.covered_by) & said or node_id in self.nodes_done:
                return node_id
            self.nodes_done.append(node_id)
            self.covered.append(node_id)
            node_id = node.default.next
        return None

    def _ask(self, node_id: str, node: Node) -> None:
        key = f"stages.questions.tree.nodes.{node_id}.ask"
        self._persona(self.voice.say(key, node.ask), "ask", key)

    def _nodes_left(self) -> list[str]:
        tree = self.persona.stages.questions.tree
        if tree is None:
            return []
        return [n for n in tree.nodes if n not in self.nodes_done]
