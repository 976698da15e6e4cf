"""Line mode: one user turn per input line, the persona's lines printed as `Name: text`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import BinaryIO

from chatbot.engine.practice import Practice
from chatbot.engine.turns import Turn
from chatbot.shells.output import Printer, err


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


def run(practice: Practice, as_json: bool, out: Printer | None = None) -> int:
    out = out or Printer()
    name = practice.engine.persona.persona.name
    interactive = sys.stdin.isatty()

    def show(turns: list[Turn]) -> None:
        for turn in turns:
            if as_json:
                out.json(turn.to_json())
            elif turn.speaker == "persona":
                out.line(f"{name}: {turn.text}")

    if interactive and not as_json:
        info = practice.engine.persona.persona
        err(f"{info.name}, {info.role}. {info.brief}")
        err("Type your lines; an empty line is a pause; Ctrl-D leaves.")
        err("")
    show(practice.start())
    for text in read_lines(sys.stdin.buffer, "You: " if interactive and not as_json else ""):
        show(practice.say(text))
        if practice.engine.ended:
            break
    engine = practice.engine
    if as_json:
        out.json({"session": practice.session_id, "stage": engine.stage, "ended": engine.ended})
    elif interactive:
        number = practice.session_id
        err(f"(session {number} saved: `rehearse replay {number} --plain`)")
    return 0
