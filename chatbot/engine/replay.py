"""Exact replay: a fresh engine fed the recorded user turns, and where its replies now differ."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chatbot.dialogue.models import Persona
from chatbot.engine.engine import Engine
from chatbot.engine.nlu import IntentClassifier
from chatbot.engine.turns import Turn

COMPARED = ("speaker", "text", "stage", "intent", "node")


@dataclass(frozen=True)
class Difference:
    index: int
    field: str
    recorded: str
    now: str


def rerun(
    persona: Persona,
    classifier: IntentClassifier,
    seed: int,
    recorded: Sequence[Turn],
    before: int | None = None,
) -> Engine:
    """The engine as it stood when the session was recorded, up to (not including) turn
    `before`: same persona, model and seed, the same lines with the same elapsed times."""
    from chatbot.engine.practice import engine_for

    engine = engine_for(persona, classifier, seed)
    engine.start()
    for turn in recorded:
        if before is not None and turn.index >= before:
            break
        if turn.speaker == "user" and not engine.ended:
            elapsed = turn.meta.get("elapsed")
            engine.say(turn.text, elapsed if isinstance(elapsed, (int, float)) else None)
    return engine


def differences(recorded: Sequence[Turn], replayed: Sequence[Turn]) -> list[Difference]:
    """Turn by turn, what the recording says and what the engine says now."""
    out: list[Difference] = []
    for index in range(max(len(recorded), len(replayed))):
        if index >= len(recorded) or index >= len(replayed):
            have = recorded if index < len(recorded) else replayed
            text = have[index].text
            was, now = (text, "(nothing)") if have is recorded else ("(nothing)", text)
            out.append(Difference(index, "turn", was, now))
            continue
        old, new = recorded[index], replayed[index]
        for name in COMPARED:
            a, b = getattr(old, name), getattr(new, name)
            if a != b:
                out.append(Difference(index, name, str(a), str(b)))
    return out
