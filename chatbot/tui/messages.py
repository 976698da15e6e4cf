"""Messages the workers post to the screens: the intent model, the coach's data, the scores."""

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


class CoachReady(Message):
    def __init__(self, data: Any) -> None:
        super().__init__()
        self.data = data


class CoachFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class ScoresReady(Message):
    """The coach's score for each session asked about; `error` says why there are none."""

    def __init__(self, scores: list[Any], error: str | None = None) -> None:
        super().__init__()
        self.scores = scores
        self.error = error
