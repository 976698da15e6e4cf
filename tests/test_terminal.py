"""A real terminal: tmux runs `rehearse practice`, types three turns, reads the screen, quits."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from chatbot.engine.store import Store
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason=".ci/run installs tmux")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def wait_for(session: str, text: str, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-t", session, "-p")
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


def test_three_turns_in_a_real_terminal(tmp_path: Path, classifier: Any) -> None:
    session = f"rehearse-{uuid.uuid4().hex[:8]}"
    home = tmp_path / "home"
    done = tmp_path / "exit-code"
    command = (
        f"REHEARSE_HOME={home} {sys.executable} -m chatbot practice --persona priya --seed 2;"
        f" echo $? > {done}; sleep 30"
    )
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", "-c", str(ROOT), command)
    try:
        wait_for(session, "Priya: ")
        turns = [
            "hi, nice to meet you",
            "I'm Sam, I work in customer support",
            "[b]how is your week?[/b]",
        ]
        for text in turns:
            tmux("send-keys", "-t", session, "-l", text)
            tmux("send-keys", "-t", session, "Enter")
            wait_for(session, f"You: {text}"[:24])
        time.sleep(1.5)  # the persona's typing pause
        screen = tmux("capture-pane", "-t", session, "-p")
        assert "[b]how is your week?[/b]" in screen
        tmux("send-keys", "-t", session, "C-q")
        deadline = time.monotonic() + 30
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert done.read_text().strip() == "0"
        after = tmux("capture-pane", "-t", session, "-p", "-S", "-200")
        assert "Traceback" not in after and "Error" not in after
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    with Store(home) as store:
        (info,) = store.sessions()
        said = [t.text for t in store.turns(info.id) if t.speaker == "user"]
    assert said == turns


def test_replay_and_resume_open_the_app_in_a_real_terminal(tmp_path: Path, classifier: Any) -> None:
    from chatbot.engine import transfer

    home = tmp_path / "home"
    info, recorded = transfer.read(ROOT / "tests" / "sessions" / "priya.json")
    with Store(home) as store:
        parent = store.add(info, recorded)
    before = 12
    assert recorded[before].speaker == "user" and recorded[0].speaker == "persona"
    session = f"rehearse-{uuid.uuid4().hex[:8]}"
    codes = [tmp_path / f"exit-{n}" for n in range(3)]
    rehearse = f"REHEARSE_HOME={home} {sys.executable} -m chatbot"
    command = (
        f"{rehearse} replay {parent}; echo $? > {codes[0]};"
        f" {rehearse} resume {parent} --turn 0; echo $? > {codes[1]};"
        f" {rehearse} resume {parent} --turn {before}; echo $? > {codes[2]}; sleep 30"
    )
    tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", "-c", str(ROOT), command)

    def exited(code: Path) -> str:
        deadline = time.monotonic() + 30
        while not code.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        return code.read_text().strip()

    try:
        wait_for(session, f"Replay: session {parent}")
        tmux("send-keys", "-t", session, "C-q")
        assert exited(codes[0]) == "0"
        # Turn 0 is Priya's: a message in the terminal, and no app.
        assert exited(codes[1]) == "1"
        screen = wait_for(session, "not one of your turns")
        assert "Traceback" not in screen
        wait_for(session, "Resumed from session")
        tmux("send-keys", "-t", session, "-l", "what does a typical day look like?")
        tmux("send-keys", "-t", session, "Enter")
        wait_for(session, "You: what does a typical day")
        time.sleep(1.5)  # the persona's typing pause
        tmux("send-keys", "-t", session, "C-q")
        assert exited(codes[2]) == "0"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    with Store(home) as store:
        child = next(s for s in store.sessions() if s.parent_id == parent)
        turns = store.turns(child.id)
    assert child.parent_turn == before and turns[:before] == recorded[:before]
    assert turns[before].text == "what does a typical day look like?"


def test_the_sessions_list_in_a_real_terminal(tmp_path: Path, classifier: Any) -> None:
    """The list draws its own rows: in a real terminal they line up under their headers."""
    from chatbot.engine import transfer

    home = tmp_path / "home"
    with Store(home) as store:
        for path in sorted((ROOT / "tests" / "sessions").glob("*.json")):
            store.add(*transfer.read(path))
    session = f"rehearse-{uuid.uuid4().hex[:8]}"
    command = f"REHEARSE_HOME={home} {sys.executable} -m chatbot; sleep 30"
    tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "24", "-c", str(ROOT), command)
    try:
        wait_for(session, "Recent sessions")
        tmux("send-keys", "-t", session, "s")
        screen = wait_for(session, "started (UTC)")
        screen = wait_for(session, "open questions")  # the scores are in
        lines = screen.splitlines()
        header = next(line for line in lines if "started (UTC)" in line)
        lena = next(line for line in lines if " lena " in line).ljust(100)
        for word in ("persona", "scenario"):
            assert lena[header.index(word)] != " ", (header, lena)  # left-aligned text
        for word in ("turns", "score"):
            end = header.index(word) + len(word) - 1
            assert lena[end] != " " and lena[end + 1] == " ", (header, lena)  # numbers right
        tmux("send-keys", "-t", session, "C-q")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
