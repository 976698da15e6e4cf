"""The five stages in a row, the current one marked."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from chatbot.dialogue.contract import STAGES

LABELS = {
    "greeting": "Greeting",
    "small_talk": "Small talk",
    "questions": "Their questions",
    "interviewee_questions": "Your questions",
    "wrap_up": "Wrap-up",
}


class StageTracker(Static):
    """Shows where the conversation stands; the shell sets `stage`, the widget draws it."""

    stage: reactive[str] = reactive("greeting")

    def render(self) -> Content:
        parts = []
        reached = STAGES.index(self.stage) if self.stage in STAGES else len(STAGES)
        for number, name in enumerate(STAGES):
            label = f"{number + 1} {LABELS[name]}"
            if number == reached:
                parts.append(Content.styled(f" {label} ", "reverse bold"))
            elif number < reached:
                parts.append(Content.styled(f" {label} ", "dim"))
            else:
                parts.append(Content(f" {label} "))
        return Content("›").join(parts)
