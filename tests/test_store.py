"""The SQLite session store: private files, WAL, clear messages for damage, nothing overwritten."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chatbot.engine.store import DB_NAME, Store
from chatbot.engine.turns import Turn
from chatbot.errors import RehearseError
from tests.conftest import ROOT


def _session(store: Store) -> int:
    return store.create("priya", "informal_interview", 7, "d" * 64, "m" * 64, "0.1.0")


def test_round_trip_and_listing(tmp_path: Path) -> None:
    with Store(tmp_path / "home") as store:
        first = _session(store)
        turns = [
            Turn(0, "persona", "Hello [b]there[/b]", "greeting", meta={"kind": "opening"}),
            Turn(1, "user", "hi\x1b[31m ☕", "greeting", "greet", 0.97, None, {"source": "model"}),
        ]
        store.append(first, turns, "greeting", False)
        second = _session(store)
        listed = store.sessions()
        assert [s.id for s in listed] == [second, first]
        assert listed[1].turns == 2 and listed[1].seed == 7
        assert store.turns(first) == turns


def test_files_are_private_and_journal_is_wal(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Store(home) as store:
        store.append(_session(store), [Turn(0, "persona", "Hi", "greeting")], "greeting", False)
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        for path in home.iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        mode = sqlite3.connect(home / DB_NAME).execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"


def test_unknown_session_is_a_clear_error(tmp_path: Path) -> None:
    with Store(tmp_path) as store, pytest.raises(RehearseError, match="no session 42"):
        store.session(42)


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000, b""],
)
def test_a_damaged_store_is_reported_and_left_untouched(tmp_path: Path, content: bytes) -> None:
    home = tmp_path / "home"
    home.mkdir()
    db = home / DB_NAME
    db.write_bytes(content)
    if not content:
        # An empty file is a valid empty database: it simply becomes a new store.
        Store(home).close()
        return
    with pytest.raises(RehearseError, match="move it aside"):
        Store(home)
    assert db.read_bytes() == content


def test_a_foreign_database_is_not_touched(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with sqlite3.connect(home / DB_NAME) as other:
        other.execute("CREATE TABLE invoices (id INTEGER)")
    before = (home / DB_NAME).read_bytes()
    with pytest.raises(RehearseError, match="not Rehearse sessions"):
        Store(home)
    assert (home / DB_NAME).read_bytes() == before


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    Store(home).close()
    with sqlite3.connect(home / DB_NAME) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(RehearseError, match="newer Rehearse"):
        Store(home)


def test_kill_9_mid_session_loses_no_finished_turn(tmp_path: Path, classifier: object) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "REHEARSE_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chatbot",
            "practice",
            "--plain",
            "--json",
            "--persona",
            "priya",
            "--seed",
            "1",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    lines = ["hi there", "I'm Ren, I work in logistics", "how has your week been?", "lovely café"]
    seen_user = 0
    for text in lines:
        proc.stdin.write(text.encode() + b"\n")
        proc.stdin.flush()
        # A user turn is printed only after its whole exchange is committed.
        while True:
            record = json.loads(proc.stdout.readline())
            if record["speaker"] == "user":
                seen_user += 1
                break
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    with Store(home) as store:
        (session,) = store.sessions()
        saved = [t for t in store.turns(session.id) if t.speaker == "user"]
    assert [t.text for t in saved] == lines[:seen_user]


def test_turns_are_checkpointed_between_turns_not_during_one(tmp_path: Path) -> None:
    """A commit only appends to the write-ahead log (no fsync of the database in the turn);
    settle() folds the log in once it has grown, and a reopened store has every turn."""
    from chatbot.engine import store as module

    home = tmp_path / "home"
    with Store(home) as store:
        session = _session(store)
        store.settle()  # a short log: nothing to do
        size = (home / DB_NAME).stat().st_size
        # Past SQLite's own checkpoint size (1,000 pages), which would fsync inside a turn.
        for n in range(150):
            turn = Turn(n, "user", f"line {n} " + "word " * 8000, "greeting", "greet", 0.9)
            store.append(session, [turn], "greeting", False)
        assert Path(f"{home / DB_NAME}-wal").stat().st_size > 2 * module.CHECKPOINT_BYTES
        assert (home / DB_NAME).stat().st_size == size  # every turn still in the log
        store.settle()
        assert (home / DB_NAME).stat().st_size > size + module.CHECKPOINT_BYTES
    with Store(home) as store:
        assert len(store.turns(session)) == 150
