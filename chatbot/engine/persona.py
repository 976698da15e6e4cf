"""The persona's voice: a variant for every line, never the same twice running, slots filled."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from chatbot.dialogue.checks import SLOT_RE
from chatbot.dialogue.loader import Catalog
from chatbot.dialogue.models import Guarded, Persona, Reply, Stage
from chatbot.engine.conditions import Situation, holds


@dataclass
class _Deck:
    """A shuffled deal of a list's variants; a new shuffle never starts with the last one dealt."""

    variants: tuple[str, ...]
    order: list[int] = field(default_factory=list)
    last: int | None = None

    def draw(self, rng: random.Random, usable: Mapping[str, str]) -> str:
        for attempt in range(2):
            for position, index in enumerate(self.order):
                if _fillable(self.variants[index], usable):
                    del self.order[position]
                    self.last = index
                    return fill(self.variants[index], usable)
            if attempt == 0:
                self._reshuffle(rng)
        raise AssertionError("validated lists always hold a variant without slots")

    def _reshuffle(self, rng: random.Random) -> None:
        order = list(range(len(self.variants)))
        rng.shuffle(order)
        if len(order) > 1 and order[0] == self.last:
            order.append(order.pop(0))
        self.order = order


def _fillable(text: str, slots: Mapping[str, str]) -> bool:
    return all(name in slots for name in SLOT_RE.findall(text))


def fill(text: str, slots: Mapping[str, str]) -> str:
    return SLOT_RE.sub(lambda m: slots[m.group(1)], text)


class Voice:
    """Everything the persona says comes through here, from one seeded random generator."""

    def __init__(self, persona: Persona, catalog: Catalog, seed: int) -> None:
        self.persona = persona
        self.catalog = catalog
        self._rng = random.Random(seed)
        self._decks: dict[str, _Deck] = {}
        self.memory: dict[str, str] = {}

    def say(
        self, key: str, variants: tuple[str, ...], extra: Mapping[str, str] | None = None
    ) -> str:
        deck = self._decks.get(key)
        if deck is None:
            deck = self._decks[key] = _Deck(variants)
        return deck.draw(self._rng, {**self.memory, **extra} if extra else self.memory)

    def reply(self, stage_name: str, stage: Stage, intent: str, now: Situation) -> tuple[str, str]:
        """The reply to `intent` in a stage, and the key it came from (for the record)."""
        for candidate in self.catalog.lineage(intent):
            if candidate in stage.replies:
                key = f"stages.{stage_name}.replies.{candidate}"
                return self.choose(key, stage.replies[candidate], now)
            if candidate in self.persona.replies:
                key = f"replies.{candidate}"
                return self.choose(key, self.persona.replies[candidate], now)
        return self.say("fallback", self.persona.fallback), "fallback"

    def choose(self, key: str, reply: Reply, now: Situation) -> tuple[str, str]:
        """The first guarded variants whose condition holds, else the plain ones."""
        for i, item in enumerate(reply):
            if isinstance(item, Guarded) and holds(item.when, now):
                guarded_key = f"{key}[{i}]"
                return self.say(guarded_key, item.say), guarded_key
        plain = tuple(item for item in reply if isinstance(item, str))
        return self.say(key, plain), key
