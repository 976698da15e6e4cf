"""A damaged store is moved aside on request, never deleted; a readable one is never moved."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from chatbot.engine import transfer
from chatbot.engine.store import DB_NAME, Store
from chatbot.engine.store_aside import move_aside
from chatbot.errors import DamagedStore, RehearseError
from chatbot.tui.confirm_screen import ConfirmScreen
from chatbot.tui.home_screen import HomeScreen
from tests.conftest import ROOT, cli
from tests.test_tui import make_app

WHEN = datetime(2026, 12, 2, 3, 4, 5, tzinfo=UTC)


def truncated_store(home: Path) -> bytes:
    """A real store of the committed sessions, cut to a third of its length."""
    with Store(home) as store:
        for path in sorted((ROOT / "tests" / "sessions").glob("*.json")):
            store.add(*transfer.read(path))
        store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db = home / DB_NAME
    cut = db.read_bytes()[: db.stat().st_size // 3]
    db.write_bytes(cut)
    return cut


def test_a_truncated_store_is_reported_then_moved_aside_on_request(tmp_path: Path) -> None:
    home = tmp_path / "home"
    cut = truncated_store(home)
    done = cli("sessions", home=home)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "--move-aside" in done.stderr and (home / DB_NAME).read_bytes() == cut
    done = cli("sessions", "--move-aside", home=home)
    assert done.returncode == 0, done.stderr
    (moved,) = home.glob("sessions-damaged-*.db")
    assert str(moved) in done.stdout and moved.read_bytes() == cut
    # A new, empty store starts; the damaged one stays where it was put.
    done = cli("sessions", "--json", home=home)
    assert done.returncode == 0 and done.stdout.strip() == "[]"
    assert moved.read_bytes() == cut


def test_a_readable_or_newer_store_is_never_moved(tmp_path: Path) -> None:
    home = tmp_path / "home"
    Store(home).close()
    done = cli("sessions", "--move-aside", home=home)
    assert done.returncode == 1 and "opens fine" in done.stderr
    with sqlite3.connect(home / DB_NAME) as db:
        db.execute("PRAGMA user_version = 99")
    done = cli("sessions", "--move-aside", home=home)
    assert done.returncode == 1 and "newer Rehearse" in done.stderr
    assert sorted(p.name for p in home.iterdir() if "damaged" in p.name) == []


def test_moving_aside_keeps_the_journal_and_never_overwrites(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    for n in range(2):
        (home / DB_NAME).write_bytes(b"garbage %d" % n)
        (home / f"{DB_NAME}-wal").write_bytes(b"journal %d" % n)
        moved = move_aside(home, WHEN)
        assert moved.read_bytes() == b"garbage %d" % n
        assert Path(f"{moved}-wal").read_bytes() == b"journal %d" % n
    names = sorted(p.name for p in home.iterdir())
    assert names == [
        "sessions-damaged-20261202T030405Z-2.db",
        "sessions-damaged-20261202T030405Z-2.db-wal",
        "sessions-damaged-20261202T030405Z.db",
        "sessions-damaged-20261202T030405Z.db-wal",
    ]
    with pytest.raises(RehearseError, match="no session store"):
        move_aside(home)


def test_a_foreign_database_is_damaged_for_moving_aside(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with sqlite3.connect(home / DB_NAME) as other:
        other.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(DamagedStore) as found:
        Store(home)
    assert found.value.path == home / DB_NAME


@pytest.mark.parametrize("answer", ["y", "n"])
async def test_the_app_offers_to_move_a_damaged_store_aside(
    home: Path, classifier: Any, answer: str
) -> None:
    cut = truncated_store(home)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(100):
            if isinstance(app.screen, ConfirmScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, ConfirmScreen)
        assert "cannot be read as a session store" in app.screen.question
        await pilot.press(answer)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        said = " ".join(str(n.message) for n in app._notifications)
        moved = list(home.glob("sessions-damaged-*.db"))
        if answer == "y":
            assert len(moved) == 1 and moved[0].read_bytes() == cut
            assert "New sessions go to a new store" in said
            assert not (home / DB_NAME).exists() or Store(home).sessions() == []
        else:
            assert moved == [] and (home / DB_NAME).read_bytes() == cut
            assert "left as it is" in said
