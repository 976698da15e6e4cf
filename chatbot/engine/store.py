"""Saved sessions in SQLite: WAL, one transaction per turn, private to the user."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chatbot.engine.store_schema import MIGRATIONS, SCHEMA_VERSION, statements
from chatbot.engine.turns import Turn
from chatbot.errors import DamagedStore, RehearseError

DB_NAME = "sessions.db"
# The write-ahead log is folded into the database once it passes SQLite's usual 1,000 pages.
CHECKPOINT_BYTES = 4 * 1024 * 1024
MOVE_ASIDE = "`rehearse sessions --move-aside` renames it and starts a new one."


@dataclass(frozen=True)
class SessionInfo:
    id: int
    uid: str
    started: str
    persona: str
    scenario: str
    seed: int
    dialogue_hash: str
    model_hash: str
    app_version: str
    stage: str
    ended: bool
    turns: int
    parent_id: int | None = None
    parent_turn: int | None = None


def _info(r: Any) -> SessionInfo:
    # By position, in the order _select_sessions asks for: ten thousand rows stay cheap.
    return SessionInfo(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], bool(r[10]), r[11], r[12], r[13]
    )


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def private_dir(path: Path) -> Path:
    """Create the data directory readable by its owner only (sessions hold personal details)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


class Store:
    """One SQLite file of sessions and their turns."""

    def __init__(self, directory: Path) -> None:
        try:
            private_dir(directory)
        except OSError as exc:
            raise RehearseError(f"cannot use {directory} for sessions: {exc.strerror}") from None
        self.path = directory / DB_NAME
        if not self.path.exists():
            # Made 0600 before SQLite opens it; its -wal and -shm files inherit the mode.
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        os.chmod(self.path, 0o600)
        try:
            self._db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._damaged(exc) from None
        try:
            self._db.row_factory = sqlite3.Row
            self._check_ours()  # before anything writes to a file that may not be ours
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            # Checkpoints (an fsync) come from settle(), between turns rather than inside one.
            self._db.execute("PRAGMA wal_autocheckpoint=0")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise self._damaged(exc) from None
        except RehearseError:
            self._db.close()
            raise

    def _damaged(self, exc: Exception) -> RehearseError:
        return DamagedStore(
            f"{self.path} is not a readable Rehearse session store ({exc}). It was left as it is;"
            f" move it aside to start a new one: {MOVE_ASIDE}",
            self.path,
        )

    def _check_ours(self) -> None:
        found = self._db.execute("PRAGMA user_version").fetchone()[0]
        tables = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if found == 0 and tables:
            raise DamagedStore(
                f"{self.path} holds tables that are not Rehearse sessions; it was left as"
                f" it is. Use another --data-dir or move it aside: {MOVE_ASIDE}",
                self.path,
            )
        if found > SCHEMA_VERSION:
            raise RehearseError(
                f"{self.path} was written by a newer Rehearse (schema {found}); upgrade to open it."
            )

    def _migrate(self) -> None:
        """Bring an older store up to date, one version per step, each all or nothing."""
        with self._transaction():
            found = self._db.execute("PRAGMA user_version").fetchone()[0]
            for version in range(found + 1, SCHEMA_VERSION + 1):
                for statement in statements(MIGRATIONS[version]):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {version}")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def settle(self) -> None:
        """Fold a grown write-ahead log into the database; for the pause after a turn is shown.
        Every committed turn is durable without it: this only keeps the log short."""
        try:
            if os.stat(f"{self.path}-wal").st_size < CHECKPOINT_BYTES:
                return
        except FileNotFoundError:
            return
        # Busy (another connection is reading) is no failure: the next pause tries again.
        with contextlib.suppress(sqlite3.OperationalError):
            self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def create(
        self,
        persona: str,
        scenario: str,
        seed: int,
        dialogue_hash: str,
        model_hash: str,
        app_version: str,
        parent: tuple[int, int] | None = None,
    ) -> int:
        with self._write():
            cursor = self._db.execute(
                "INSERT INTO sessions (uid, started, persona, scenario, seed, dialogue_hash,"
                " model_hash, app_version, stage, parent_id, parent_turn)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'greeting', ?, ?)",
                (
                    uuid.uuid4().hex,
                    now(),
                    persona,
                    scenario,
                    seed,
                    dialogue_hash,
                    model_hash,
                    app_version,
                    *(parent or (None, None)),
                ),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    @contextmanager
    def _write(self, settle: bool = True) -> Iterator[None]:
        """One transaction that writes; then, but for a turn (`settle`=False), a checkpoint
        when the log has grown: imports and deletes have no reply waiting on them."""
        try:
            with self._transaction():
                yield
        except sqlite3.OperationalError as exc:
            if "full" in str(exc) or "disk" in str(exc):
                raise RehearseError(
                    f"the disk holding {self.path} is full: this turn was not saved;"
                    " everything before it is safe"
                ) from None
            raise
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None
        if settle:
            self.settle()

    def append(self, session_id: int, turns: Iterable[Turn], stage: str, ended: bool) -> None:
        """Save one exchange (the user's turn and the persona's answer) in one transaction."""
        at = now()
        with self._write(settle=False):
            self._insert_turns(session_id, turns, at)
            self._db.execute(
                "UPDATE sessions SET stage = ?, ended = ? WHERE id = ?",
                (stage, int(ended), session_id),
            )

    def _insert_turns(self, session_id: int, turns: Iterable[Turn], at: str) -> None:
        self._db.executemany(
            "INSERT INTO turns (session_id, idx, speaker, text, stage, intent, confidence,"
            " node, meta, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    session_id,
                    t.index,
                    t.speaker,
                    t.text,
                    t.stage,
                    t.intent,
                    t.confidence,
                    t.node,
                    json.dumps(t.meta, ensure_ascii=False),
                    at,
                )
                for t in turns
            ],
        )

    def _plain(self) -> sqlite3.Cursor:
        """A cursor giving plain tuples: much cheaper than sqlite3.Row for long lists."""
        cursor = self._db.cursor()
        cursor.row_factory = None
        return cursor

    def _select_sessions(
        self, where: str = "", args: tuple[Any, ...] = (), limit: int = -1
    ) -> list[SessionInfo]:
        try:
            rows = (
                self._plain()
                .execute(
                    "SELECT s.id, s.uid, s.started, s.persona, s.scenario, s.seed, s.dialogue_hash,"
                    " s.model_hash, s.app_version, s.stage, s.ended, s.turn_count, s.parent_id,"
                    f" s.parent_turn FROM sessions s {where} ORDER BY s.started DESC, s.id DESC"
                    " LIMIT ?",
                    (*args, limit),
                )
                .fetchall()
            )
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None
        return [_info(r) for r in rows]

    def sessions(self, limit: int | None = None) -> list[SessionInfo]:
        """Every saved session (or the newest `limit`), newest first."""
        return self._select_sessions(limit=-1 if limit is None else max(0, limit))

    def session(self, session_id: int) -> SessionInfo:
        found = self._select_sessions("WHERE s.id = ?", (session_id,))
        if not found:
            raise RehearseError(f"no session {session_id} (see `rehearse sessions`)")
        return found[0]

    def turns(self, session_id: int) -> list[Turn]:
        self.session(session_id)
        try:
            rows = self._db.execute(
                "SELECT * FROM turns WHERE session_id = ? ORDER BY idx", (session_id,)
            ).fetchall()
            return [
                Turn(
                    index=row["idx"],
                    speaker=row["speaker"],
                    text=row["text"],
                    stage=row["stage"],
                    intent=row["intent"],
                    confidence=row["confidence"],
                    node=row["node"],
                    meta=json.loads(row["meta"]),
                )
                for row in rows
            ]
        except (sqlite3.DatabaseError, ValueError) as exc:
            raise self._damaged(exc) from None

    def delete(self, session_id: int) -> None:
        """Remove a session and its turns; sessions resumed from it keep their own turns."""
        self.session(session_id)
        with self._write():
            self._db.execute("DELETE FROM turns WHERE session_id = ?", (session_id,))
            self._db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    def search(self, text: str, limit: int = 200) -> list[tuple[int, int, str]]:
        """(session, turn, snippet) for turns containing every word of `text`, newest first.
        The words are matched as words: FTS5 syntax typed by a user is not obeyed."""
        words = [w for w in text.split() if w.strip('"')]
        if not words:
            return []
        query = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        try:
            rows = self._db.execute(
                "SELECT f.session_id, f.idx, snippet(turns_fts, 0, '', '', '…', 12) AS snip"
                " FROM turns_fts f JOIN sessions s ON s.id = f.session_id"
                " WHERE turns_fts MATCH ? ORDER BY s.started DESC, f.session_id DESC, f.idx"
                " LIMIT ?",
                (query, limit),
            ).fetchall()
        except sqlite3.OperationalError:
            return []  # a query FTS5 cannot parse matches nothing
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None
        return [(row[0], row[1], row[2]) for row in rows]

    def cached_score(
        self, session_id: int, key: str
    ) -> tuple[int | None, float | None, int] | None:
        row = self._db.execute(
            "SELECT score, open_share, questions FROM scores WHERE session_id = ? AND key = ?",
            (session_id, key),
        ).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def all_cached_scores(self) -> dict[int, tuple[str, int | None, float | None, int]]:
        """Every cached score, by session: (key, score, open share, questions), in one query."""
        rows = (
            self._plain()
            .execute("SELECT session_id, key, score, open_share, questions FROM scores")
            .fetchall()
        )
        return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}

    def save_score(
        self, session_id: int, key: str, score: int | None, open_share: float | None, questions: int
    ) -> None:
        # A cache: a full disk or a read-only store just means it is computed again next time.
        with contextlib.suppress(RehearseError), self._write():
            self._db.execute(
                "INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?, ?)",
                (session_id, key, score, open_share, questions),
            )

    def find_uid(self, uid: str) -> int | None:
        row = self._db.execute("SELECT id FROM sessions WHERE uid = ?", (uid,)).fetchone()
        return None if row is None else int(row[0])

    def add(self, info: dict[str, Any], turns: list[Turn]) -> int:
        """Store a whole session at once (an import): all of it, or nothing."""
        with self._write():
            cursor = self._db.execute(
                "INSERT INTO sessions (uid, started, persona, scenario, seed, dialogue_hash,"
                " model_hash, app_version, stage, ended) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                tuple(
                    info[k]
                    for k in (
                        "uid",
                        "started",
                        "persona",
                        "scenario",
                        "seed",
                        "dialogue_hash",
                        "model_hash",
                        "app_version",
                        "stage",
                        "ended",
                    )
                ),
            )
            session_id = cursor.lastrowid
            assert session_id is not None
            self._insert_turns(session_id, turns, now())
        return session_id
