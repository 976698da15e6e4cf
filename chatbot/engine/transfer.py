"""Sessions to and from JSON files: a versioned format, and an import that trusts nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError
from pydantic import StringConstraints as Str

from chatbot.dialogue.contract import SCENARIOS
from chatbot.engine.store import SessionInfo
from chatbot.engine.turns import Turn
from chatbot.errors import RehearseError

FORMAT = "rehearse-session"
VERSION = 1
MAX_BYTES = 16 * 1024 * 1024
MAX_TURNS = 5000
MAX_TEXT = 50_000
MAX_DEPTH = 8

StageName = Literal[
    "greeting", "small_talk", "questions", "interviewee_questions", "wrap_up", "ended"
]
Word = Annotated[StrictStr, Str(max_length=200)]
Ident = Annotated[StrictStr, Str(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SessionRecord(_Strict):
    uid: Annotated[StrictStr, Str(pattern=r"^[0-9a-f]{32}$")]
    started: Word
    persona: Ident
    scenario: Literal[SCENARIOS]  # type: ignore[valid-type]
    seed: Annotated[StrictInt, Field(ge=0, lt=2**63)]
    dialogue_hash: Word
    model_hash: Word
    app_version: Word
    stage: StageName
    ended: StrictBool


class TurnRecord(_Strict):
    index: Annotated[StrictInt, Field(ge=0)]
    speaker: Literal["user", "persona"]
    text: Annotated[StrictStr, Str(max_length=MAX_TEXT)]
    stage: StageName
    intent: Ident | None = None
    confidence: Annotated[float, Field(ge=0, le=1, strict=True)] | None = None
    node: Ident | None = None
    meta: dict[StrictStr, Any] = {}


class SessionFile(_Strict):
    """The JSON export of one session (documented in README.md, "Session files")."""

    format: Literal["rehearse-session"]
    version: Literal[1]
    session: SessionRecord
    turns: Annotated[list[TurnRecord], Field(max_length=MAX_TURNS)]


def export(info: SessionInfo, turns: list[Turn]) -> dict[str, Any]:
    session = {k: getattr(info, k) for k in SessionRecord.model_fields}
    return {
        "format": FORMAT,
        "version": VERSION,
        "session": session,
        "turns": [
            {
                "index": t.index,
                "speaker": t.speaker,
                "text": t.text,
                "stage": t.stage,
                "intent": t.intent,
                "confidence": t.confidence,
                "node": t.node,
                "meta": t.meta,
            }
            for t in turns
        ],
    }


def _depth(value: Any, limit: int) -> int:
    if limit < 0:
        return 0
    if isinstance(value, dict):
        return 1 + max((_depth(v, limit - 1) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v, limit - 1) for v in value), default=0)
    return 0


def read(path: Path) -> tuple[dict[str, Any], list[Turn]]:
    """A session file's session and turns, checked; any problem is a RehearseError naming it."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise RehearseError(f"{name}: {size:,} bytes is too big for a session file")
        raw = path.read_bytes()
    except OSError as exc:
        raise RehearseError(f"{name}: cannot read it ({exc.strerror})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise RehearseError(f"{name}: not a Rehearse session file (not UTF-8 text)") from None
    except RecursionError:
        raise RehearseError(f"{name}: not a Rehearse session file (nested too deeply)") from None
    except ValueError as exc:
        raise RehearseError(f"{name}: not a Rehearse session file (bad JSON: {exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RehearseError(f'{name}: not a Rehearse session file (no "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise RehearseError(
            f"{name}: session file version {data.get('version')!r}; this Rehearse reads"
            f" version {VERSION}"
        )
    for turn in data.get("turns") or []:
        if isinstance(turn, dict) and _depth(turn.get("meta"), MAX_DEPTH + 1) > MAX_DEPTH:
            raise RehearseError(f"{name}: a turn's meta is nested too deeply")
    try:
        parsed = SessionFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(k) for k in first["loc"])
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise RehearseError(f"{name}: {where}: {first['msg']}{more}") from None
    turns = [Turn(**t.model_dump()) for t in parsed.turns]
    if [t.index for t in turns] != list(range(len(turns))):
        raise RehearseError(f"{name}: turns must be numbered 0, 1, 2, ... in order")
    return parsed.session.model_dump(), turns
