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
