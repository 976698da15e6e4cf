"""The typed record of a conversation: each turn, who said it, and what the engine made of it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Speaker = Literal["user", "persona"]


@dataclass(frozen=True)
class Turn:
    """One line of the conversation, as said and as understood; shells only ever render these."""

    index: int
    speaker: Speaker
    text: str
    stage: str
    intent: str | None = None
    confidence: float | None = None
    node: str | None = None
    # user turns: source ("model", "pattern", "empty"), predicted, slots;
    # persona turns: kind ("opening", "reply", "enter", "ask", "resume", "more", "closing"),
    # key (the YAML list the line came from), skipped (stages or nodes passed over).
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        if self.speaker == "persona":
            del out["intent"], out["confidence"]
        return out
