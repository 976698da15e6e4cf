"""Line mode: one user turn per input line, the persona's lines printed as `Name: text`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import BinaryIO

from chatbot.coach.notes import TurnNote
from chatbot.engine.practice import Practice
from chatbot.engine.turns import Turn
from chatbot.shells.output import Printer, err


class Hints:
    """The live coach for line mode: the same pure function the report uses, after each turn."""

    def __init__(self, practice: Practice) -> None:
        from chatbot import paths
        from chatbot.dialogue.coach_loader import load_coach

        self.practice = practice
        self.data = load_coach(paths.dialogues_dir())

    def after(self, turns: list[Turn]) -> TurnNote | None:
        from chatbot.coach.scorecard import coach

        if not any(t.speaker == "user" for t in turns):
            return None
        engine = self.practice.engine
        notes = coach(engine.turns, engine.persona, self.data).notes
        return notes[-1] if notes else None


def read_lines(stream: BinaryIO, prompt: str = "") -> Iterator[str]:
    """Input lines as typed, whatever the bytes: invalid UTF-8 is replaced, never fatal."""
    while True:
        if prompt:
            sys.stderr.write(prompt)
            sys.stderr.flush()
        raw = stream.readline()
        if not raw:
            return
        yield raw.decode("utf-8", "replace").removesuffix("\n").removesuffix("\r")


def run(
    practice: Practice,
    as_json: bool,
    out: Printer | None = None,
    coach: bool = False,
    resumed: bool = False,
) -> int:
    out = out or Printer()
    name = practice.engine.persona.persona.name
    interactive = sys.stdin.isatty()
    hints = Hints(practice) if coach else None

    def show(turns: list[Turn]) -> None:
        note = hints.after(turns) if hints else None
        for turn in turns:
            if as_json:
                shown = turn.to_json()
                if note is not None and turn.index == note.index:
                    shown["coach"] = note.to_json()
                out.json(shown)
            elif turn.speaker == "persona":
                out.line(f"{name}: {turn.text}")
        if note is not None and note.hint and not as_json:
            out.line(f"Coach: {note.hint}")

    if interactive and not as_json:
        info = practice.engine.persona.persona
        err(f"{info.name}, {info.role}. {info.brief}")
        err("Type your lines; an empty line is a pause; Ctrl-D leaves.")
        err("")
    # A resumed session starts with the turns it was rebuilt from.
    show(list(practice.engine.turns) if resumed else practice.start())
    for text in read_lines(sys.stdin.buffer, "You: " if interactive and not as_json else ""):
        show(practice.say(text))
        practice.settle()
        if practice.engine.ended:
            break
    engine = practice.engine
    if as_json:
        out.json({"session": practice.session_id, "stage": engine.stage, "ended": engine.ended})
    elif interactive:
        number = practice.session_id
        err(f"(session {number} saved: `rehearse replay {number} --plain`)")
    return 0
