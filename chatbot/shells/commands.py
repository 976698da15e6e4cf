"""The practice, personas, sessions and replay commands of the line shell."""

from __future__ import annotations

import argparse
import contextlib
from typing import Any

from chatbot import paths
from chatbot.dialogue.loader import Catalog, load_persona_file, load_slots
from chatbot.engine.practice import (
    Practice,
    load_classifier,
    load_persona,
    new_seed,
    persona_ids,
    persona_path,
)
from chatbot.engine.store import Store
from chatbot.engine.training import read_fingerprint
from chatbot.errors import RehearseError
from chatbot.shells import plain, records
from chatbot.shells.output import Printer, progress_to_stderr


def _store() -> Store:
    return Store(paths.sessions_dir())


def cmd_practice_plain(
    persona_id: str | None, seed: int | None, as_json: bool, out: Printer, coach: bool = False
) -> int:
    if persona_id is None:
        raise RehearseError("line mode needs --persona ID (see `rehearse personas`)", exit_code=2)
    persona_path(persona_id)  # an unknown persona fails before any slow work
    classifier = load_classifier(progress_to_stderr("training the intent model (first run)"))
    persona = load_persona(persona_id, classifier.catalog)
    with _store() as store:
        practice = Practice.begin(store, persona, classifier, new_seed() if seed is None else seed)
        return plain.run(practice, as_json, out, coach)


def _catalog() -> Catalog:
    """The intent ids, from the trained model when there is one (no need to parse examples)."""
    found = read_fingerprint(paths.model_dir())
    if found is not None:
        return Catalog(found.parents)
    from chatbot.dialogue.loader import catalog_of, load_intents

    return catalog_of(load_intents(paths.dialogues_dir()))


def cmd_personas(as_json: bool, out: Printer) -> int:
    root = paths.dialogues_dir()
    catalog = _catalog()
    slot_names = set(load_slots(root, catalog))
    personas = [
        load_persona_file(persona_path(i, root), catalog, slot_names) for i in persona_ids(root)
    ]
    infos = [p.persona for p in personas]
    if as_json:
        out.json([info.model_dump() for info in infos])
        return 0
    out.table(
        [[i.id, i.name, i.role, i.scenario, f"{i.expected_minutes} min"] for i in infos],
        ["id", "name", "role", "scenario", "length"],
    )
    return 0


def cmd_sessions(as_json: bool, out: Printer, move_aside: bool = False) -> int:
    if move_aside:
        return _move_aside(out)
    with _store() as store:
        return records.list_sessions(store, as_json, out)


def _move_aside(out: Printer) -> int:
    """Only a store that cannot be read is moved: a healthy or a newer one is left alone."""
    from chatbot.engine.store_aside import move_aside
    from chatbot.errors import DamagedStore

    try:
        _store().close()
    except DamagedStore:
        moved = move_aside(paths.sessions_dir())
        out.line(f"Moved the damaged store to {moved}; a new, empty one starts from here.")
        return 0
    raise RehearseError(
        f"the session store in {paths.sessions_dir()} opens fine: nothing was moved"
    )


def cmd_replay(session_id: int, as_plain: bool, out: Printer) -> int:
    from chatbot.coach.scorecard import coach
    from chatbot.dialogue.coach_loader import load_coach

    if not as_plain:
        with _store() as store:
            store.session(session_id)  # an unknown session fails before the screen takes over
        return _run_app(replay=session_id)
    with _store() as store:
        info = store.session(session_id)
        name, coaching = info.persona, None
        # The persona may have been removed since; the transcript still stands, uncoached.
        with contextlib.suppress(RehearseError):
            persona = load_persona(info.persona, _catalog())
            name = persona.persona.name
            data = load_coach(paths.dialogues_dir())
            coaching = coach(store.turns(session_id), persona, data)
        return records.replay_plain(store, session_id, name, out, coaching)


def cmd_replay_check(session_id: int, out: Printer) -> int:
    """Replay a session through today's dialogue and model: 0 when every turn is the same."""
    from chatbot.engine.practice import changed_since
    from chatbot.engine.replay import differences, rerun

    with _store() as store:
        info = store.session(session_id)
        recorded = store.turns(session_id)
    classifier = load_classifier(progress_to_stderr("training the intent model (first run)"))
    persona = load_persona(info.persona, classifier.catalog)
    changed = changed_since(info, classifier)
    found = differences(recorded, rerun(persona, classifier, info.seed, recorded).turns)
    since = f"; {' and '.join(changed)} changed since it was recorded" if changed else ""
    if not found:
        out.line(f"session {session_id}: all {len(recorded)} turns replay the same{since}")
        return 0
    out.line(f"session {session_id}: {len(found)} differences{since}")
    for diff in found[:20]:
        out.line(f"  turn {diff.index} {diff.field}: recorded {diff.recorded!r}")
        out.line(f"  {' ' * len(f'turn {diff.index} {diff.field}:')} now      {diff.now!r}")
    if len(found) > 20:
        out.line(f"  ... and {len(found) - 20} more")
    return 1


def cmd_resume(args: argparse.Namespace, out: Printer) -> int:
    from chatbot.engine.practice import resumable

    if not args.plain:
        _no_json_in_the_app(args)
        with _store() as store:
            resumable(store, args.session, args.turn)  # a wrong turn fails before the screen
        return _run_app(replay=args.session, resume_before=args.turn)
    with _store() as store:
        info = store.session(args.session)
        classifier = load_classifier(progress_to_stderr("training the intent model (first run)"))
        persona = load_persona(info.persona, classifier.catalog)
        practice = Practice.resume(store, persona, classifier, args.session, args.turn)
        return plain.run(practice, args.json, out, args.coach, resumed=True)


def _no_json_in_the_app(args: argparse.Namespace) -> None:
    # The app always coaches, so --coach is welcome there; JSON is for line mode only.
    if getattr(args, "json", False):
        raise RehearseError("--json goes with --plain (line mode)", exit_code=2)


def cmd_tui(args: argparse.Namespace) -> int:
    _no_json_in_the_app(args)
    persona = getattr(args, "persona", None)
    if persona is not None:
        persona_path(persona)  # an unknown persona fails before the screen takes over
    return _run_app(persona=persona, seed=getattr(args, "seed", None))


def _run_app(**start: Any) -> int:
    from chatbot.tui.app import RehearseApp

    app = RehearseApp(**start)
    app.run()
    return app.return_code or 0
