"""The five stages of the conversation as a `transitions` state machine, kept inside the engine."""

from __future__ import annotations

import itertools
from typing import Any

from transitions import Machine, MachineError

from chatbot.dialogue.contract import ENDED, STAGES

_OPEN_STAGES: list[Any] = list(STAGES[:-1])


class _Holder:
    """The machine's model: it holds the stage and nothing else, so no method shadows a trigger."""

    stage: str


class Conversation:
    """Where the conversation stands, which stages it visited and which it skipped."""

    def __init__(self) -> None:
        self._holder = _Holder()
        self._machine = Machine(
            model=self._holder,
            states=[*STAGES, ENDED],
            initial=STAGES[0],
            model_attribute="stage",
            auto_transitions=False,
            ignore_invalid_triggers=False,
        )
        for source, dest in itertools.pairwise(STAGES):
            self._machine.add_transition("advance", source, dest)
        self._machine.add_transition("leave", _OPEN_STAGES, "wrap_up")
        self._machine.add_transition("finish", "wrap_up", ENDED)
        self.visited: list[str] = [STAGES[0]]
        self.skipped: list[str] = []

    @property
    def stage(self) -> str:
        return self._holder.stage

    @property
    def ended(self) -> bool:
        return self.stage == ENDED

    def _fire(self, trigger: str) -> str:
        before = self.stage
        try:
            self._machine.events[trigger].trigger(self._holder)
        except (MachineError, KeyError) as exc:
            raise RuntimeError(f"cannot {trigger} from {before}") from exc
        after = self.stage
        if trigger == "leave":
            start, stop = STAGES.index(before) + 1, STAGES.index(after)
            self.skipped += [s for s in STAGES[start:stop] if s not in self.visited]
        self.visited.append(after)
        return after

    def advance(self) -> str:
        """On to the next stage (from wrap_up, the end)."""
        return self._fire("finish" if self.stage == "wrap_up" else "advance")

    def leave(self) -> str:
        """Straight to wrap-up, recording the stages never reached."""
        return self._fire("leave")
