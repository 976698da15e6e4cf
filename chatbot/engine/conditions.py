"""The `when:` conditions of guarded replies, discoverables and rapport changes."""

from __future__ import annotations

from dataclasses import dataclass

from chatbot.dialogue.models import Condition


@dataclass(frozen=True)
class Situation:
    """What a condition can see: the stage, what was said before this turn, rapport, slots."""

    stage: str
    said: frozenset[str]
    rapport: int
    slots: frozenset[str]
    turns: int
    revealed: frozenset[str] = frozenset()


def holds(condition: Condition | None, now: Situation) -> bool:
    if condition is None:
        return True
    c = condition
    return (
        (not c.stages or now.stage in c.stages)
        and (not c.after_any or bool(now.said.intersection(c.after_any)))
        and not now.said.intersection(c.not_after)
        and (c.rapport_at_least is None or now.rapport >= c.rapport_at_least)
        and (c.rapport_below is None or now.rapport < c.rapport_below)
        and now.slots.issuperset(c.slots)
        and now.revealed.issuperset(c.revealed)
        and now.turns >= c.min_turns
    )
