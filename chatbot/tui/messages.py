"""Messages the model-loading worker posts to the app."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class ModelProgress(Message):
    def __init__(self, fraction: float, note: str) -> None:
        super().__init__()
        self.fraction = fraction
        self.note = note


class ModelReady(Message):
    def __init__(self, classifier: Any) -> None:
        super().__init__()
        self.classifier = classifier


class ModelFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error
