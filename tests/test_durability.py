"""Durability: kill -9 at many points, a full disk, and a long soak with flat memory."""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from chatbot.engine.store import Store
from tests.conftest import ROOT

LINES = [
    line
    for script in yaml.safe_load((ROOT / "tests" / "scenarios" / "priya.yaml").read_text())[
        "scripts"
    ]
    if script["name"] == "well_run"
    for line in script["lines"]
]
FULL = os.environ.get("REHEARSE_FULL_BUDGET") == "1"


@pytest.fixture(scope="module", autouse=True)
def _model(classifier: Any) -> None:
    """Train once in this process so that no subprocess has to."""


def _session(home: Path, **popen: Any) -> subprocess.Popen[bytes]:
    env = {**os.environ, "REHEARSE_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "chatbot", "practice", "--plain", "--json", "--persona", "priya",
         "--seed", "1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env,
        **popen,
    )  # fmt: skip


def _kill_after(home: Path, exchanges: int, mid_write: bool) -> list[str]:
    """Say `exchanges` lines, each seen committed, then kill -9 (right after sending one more
    line when `mid_write`, so the kill can land inside its transaction). Returns the lines
    the session showed as committed."""
    proc = _session(home)
    assert proc.stdin is not None and proc.stdout is not None
    shown: list[str] = []
    for text in LINES[:exchanges]:
        proc.stdin.write(text.encode() + b"\n")
        proc.stdin.flush()
        while True:  # a user turn is printed only once its whole exchange is committed
            record = json.loads(proc.stdout.readline())
            if record["speaker"] == "user":
                shown.append(record["text"])
                break
    if mid_write and exchanges < len(LINES):
        proc.stdin.write(LINES[exchanges].encode() + b"\n")
        proc.stdin.flush()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return shown


def test_kill_9_at_twenty_points_loses_no_finished_turn(tmp_path: Path) -> None:
    # A point is how many exchanges finish, and whether the next line is already on its way.
    every = [(n, mid) for n in range(len(LINES)) for mid in (False, True)]
    points = every if FULL else sorted(random.Random(20).sample(every, 20))
    for n, (exchanges, mid_write) in enumerate(points):
        home = tmp_path / f"home{n}"
        shown = _kill_after(home, exchanges, mid_write)
        with Store(home) as store:
            sessions = store.sessions()
            saved = (
                [t for t in store.turns(sessions[0].id) if t.speaker == "user"] if sessions else []
            )
            turns = store.turns(sessions[0].id) if sessions else []
        # Every line shown as committed is there; at most the one in flight is added, whole.
        assert [t.text for t in saved[: len(shown)]] == shown, (exchanges, n)
        assert len(saved) - len(shown) in (0, 1)
        assert [t.index for t in turns] == list(range(len(turns)))
        if turns:
            assert turns[-1].speaker == "persona"  # an exchange is never half saved


def _limit_file_size(limit: int) -> None:
    # The write fails with EFBIG instead of the process being killed by SIGXFSZ.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_full_disk_is_a_clear_message_and_the_session_so_far_is_intact(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _kill_after(home, 3, mid_write=False)  # a store with something in it
    with Store(home) as store:
        before = {s.id: store.turns(s.id) for s in store.sessions()}
    size = max(p.stat().st_size for p in home.iterdir())
    proc = _session(home, preexec_fn=lambda: _limit_file_size(size + 8192))
    lines = "\n".join(f"{text} {'and more ' * 400}" for text in LINES) + "\n"
    out, err = proc.communicate(lines.encode(), timeout=120)
    message = err.decode()
    assert "disk holding" in message and "is full" in message, message[-2000:]
    assert "Traceback" not in message
    with Store(home) as store:
        for session_id, turns in before.items():
            assert store.turns(session_id) == turns
        newest = store.sessions()[0]
        saved = store.turns(newest.id)
    assert [t.index for t in saved] == list(range(len(saved)))
    shown = [json.loads(line) for line in out.decode().splitlines() if line.startswith("{")]
    shown_turns = [r for r in shown if "speaker" in r]
    assert len(saved) >= len(shown_turns) - 3  # all that was shown, but the exchange that failed


def test_a_long_soak_keeps_memory_flat(classifier: Any, tmp_path: Path) -> None:
    """Thousands of turns through one process: the memory after the first thousand stays put."""
    from chatbot.engine.practice import Practice, load_persona

    persona = load_persona("priya", classifier.catalog)
    total = 10_000 if FULL else 2_000
    marks: list[int] = []
    done = 0
    with Store(tmp_path / "soak") as store:
        while done < total:
            practice = Practice.begin(store, persona, classifier, seed=done)
            practice.start()
            for text in LINES:
                practice.say(text)
                done += 1
                if done % 500 == 0:
                    marks.append(_rss_kb())
                if practice.engine.ended:
                    break
    settled = marks[len(marks) // 2 :]
    assert max(settled) - min(settled) < 20_000, marks  # under 20 MB of drift


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
