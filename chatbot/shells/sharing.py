"""Sharing a session: `export` as Markdown or JSON, and `import` of a JSON export."""

from __future__ import annotations

import json
import os
from pathlib import Path

from chatbot import paths
from chatbot.engine import transfer
from chatbot.engine.store import Store
from chatbot.errors import RehearseError
from chatbot.shells.output import Printer


def _write(path: Path, text: str) -> None:
    """Written 0600 (an export holds what was said), and whole or not at all."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise RehearseError(f"cannot write {path}: {exc.strerror}") from None


def markdown(store: Store, session_id: int) -> str:
    from chatbot.coach.history import open_scorer
    from chatbot.shells.report import as_markdown, sections

    info = store.session(session_id)
    turns = store.turns(session_id)
    scorer = open_scorer(store)
    persona = scorer.persona(info.persona)
    name = persona.persona.name if persona else info.persona
    transcript = [("You" if t.speaker == "user" else name, t.text) for t in turns]
    title = f"Session {info.id} · {name} · {info.started[:16].replace('T', ' ')} UTC"
    coaching = scorer.coaching(info)
    parts = sections(coaching, persona, scorer.data) if coaching and persona else []
    return as_markdown(title, parts, transcript)


def cmd_export(session_id: int, fmt: str, target: str | None, out: Printer) -> int:
    with Store(paths.sessions_dir()) as store:
        if fmt == "json":
            data = transfer.export(store.session(session_id), store.turns(session_id))
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        else:
            text = markdown(store, session_id)
    if target is None or target == "-":
        out.stream.write(text)
        out.stream.flush()
        return 0
    _write(Path(target), text)
    out.line(f"session {session_id} written to {target}")
    return 0


def cmd_import(source: str, out: Printer) -> int:
    session, turns = transfer.read(Path(source))
    with Store(paths.sessions_dir()) as store:
        known = store.find_uid(session["uid"])
        if known is not None:
            raise RehearseError(f"{source}: already here as session {known}; nothing changed")
        session_id = store.add(session, turns)
    out.line(f"imported {source} as session {session_id} ({len(turns)} turns)")
    return 0
