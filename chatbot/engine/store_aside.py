"""Move a damaged session store aside, with its journal files, so that a new one can start."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from chatbot.engine.store import DB_NAME
from chatbot.errors import RehearseError

# SQLite keeps these beside the database; they travel with it or the copy is useless.
COMPANIONS = ("", "-wal", "-shm", "-journal")


def move_aside(directory: Path, when: datetime | None = None) -> Path:
    """Rename `sessions.db` (and its -wal, -shm) to `sessions-damaged-STAMP.db`; nothing is
    deleted or overwritten. Returns the new path of the database."""
    source = directory / DB_NAME
    if not source.exists():
        raise RehearseError(f"there is no session store at {source} to move aside")
    stamp = (when or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    target, n = directory / f"sessions-damaged-{stamp}.db", 1
    while any(Path(f"{target}{end}").exists() for end in COMPANIONS):
        n += 1
        target = directory / f"sessions-damaged-{stamp}-{n}.db"
    try:
        for end in COMPANIONS:
            found = Path(f"{source}{end}")
            if found.exists():
                found.rename(f"{target}{end}")
    except OSError as exc:
        raise RehearseError(f"could not move {source} aside: {exc.strerror}") from None
    return target
