"""Messages the workers post to the screens: model, coach, sessions, scores, search, replay."""

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


class SessionsLoaded(Message):
    """Every saved session, newest first; `error` says why there are none."""

    def __init__(self, sessions: list[Any], error: str | None = None) -> None:
        super().__init__()
        self.sessions = sessions
        self.error = error


class ScoresReady(Message):
    """The coach's score for each session asked about; `error` says why there are none."""

    def __init__(self, scores: list[Any], error: str | None = None) -> None:
        super().__init__()
        self.scores = scores
        self.error = error


class SearchDone(Message):
    """The turns matching `query`: (session, turn, snippet), newest session first."""

    def __init__(self, query: str, hits: list[tuple[int, int, str]]) -> None:
        super().__init__()
        self.query = query
        self.hits = hits


class ReplayReady(Message):
    """A session's coaching (None when its persona is gone) and each turn's annotation."""

    def __init__(self, coaching: Any, annotations: list[str], error: str | None = None) -> None:
        super().__init__()
        self.coaching = coaching
        self.annotations = annotations
        self.error = error


class ResumeReady(Message):
    """A practice resumed in a worker; `changed` names what differs from the recording."""

    def __init__(self, practice: Any, changed: list[str]) -> None:
        super().__init__()
        self.practice = practice
        self.changed = changed


class ResumeFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error
