"""Typed, frozen models of scripted conversations and their judged transcripts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StrictInt, StrictStr

from chatbot.dialogue.models import Frozen, Id
from chatbot.dialogue.source import Source


class ScriptLine(Frozen):
    """One user line, labelled before any run: its main intent and any others in it."""

    text: StrictStr
    intent: Id
    also: tuple[Id, ...] = ()
    note: StrictStr | None = None


class Script(Frozen):
    """What one user types, line by line, through a whole meeting with one persona."""

    version: Literal[1]
    persona: Id
    style: StrictStr
    seed: StrictInt
    lines: Annotated[tuple[ScriptLine, ...], Field(min_length=1)]


class Verdict(Frozen):
    """A careful reader's judgement of one persona reply to one user line."""

    line: StrictInt
    user: StrictStr
    reply: StrictStr
    verdict: Literal["FITS", "MISFIT"]
    kind: Literal["misread", "ignores", "forgets", "other"] | None = None
    reason: StrictStr


class Judged(Frozen):
    """The judged transcript of one script: a verdict for each reply as it was then."""

    version: Literal[1]
    script: StrictStr
    verdicts: tuple[Verdict, ...]


def load_script(path: Path) -> Script:
    parsed = Source.read(path).parse(Script)
    assert isinstance(parsed, Script)
    return parsed


def load_judged(path: Path) -> Judged:
    parsed = Source.read(path).parse(Judged)
    assert isinstance(parsed, Judged)
    return parsed
