"""Saved sessions on the command line: the list, and the annotated transcript."""

from __future__ import annotations

from chatbot.dialogue.contract import STAGES
from chatbot.engine.store import SessionInfo, Store
from chatbot.engine.turns import Turn
from chatbot.shells.output import Printer


def session_json(info: SessionInfo) -> dict[str, object]:
    return {
        "id": info.id,
        "started": info.started,
        "persona": info.persona,
        "scenario": info.scenario,
        "turns": info.turns,
        "score": None,  # the scorecard arrives with coaching
        "stage": info.stage,
        "ended": info.ended,
        "seed": info.seed,
    }


def list_sessions(store: Store, as_json: bool, out: Printer) -> int:
    sessions = store.sessions()
    if as_json:
        out.json([session_json(s) for s in sessions])
        return 0
    if not sessions:
        out.line("No saved sessions yet. Start one with `rehearse practice`.")
        return 0
    rows = [
        [
            str(s.id),
            s.started[:16].replace("T", " "),
            s.persona,
            s.scenario,
            str(s.turns),
            "ended" if s.ended else s.stage,
        ]
        for s in sessions
    ]
    out.table(rows, ["id", "started (UTC)", "persona", "scenario", "turns", "stage"])
    return 0


def annotate(turn: Turn) -> str:
    """What the engine made of a turn, in brackets after it."""
    if turn.speaker == "user":
        meta = turn.meta
        notes = [
            f"{turn.intent} {turn.confidence:.2f}"
            if turn.confidence is not None
            else str(turn.intent)
        ]
        if meta.get("predicted") and meta["predicted"] != turn.intent:
            notes.append(f"model said {meta['predicted']}")
        if meta.get("source") == "pattern":
            notes.append("pattern")
        for name, values in (meta.get("slots") or {}).items():
            shown = values if isinstance(values, str) else " | ".join(values)
            notes.append(f"{name}={shown}")
        return "  [" + "; ".join(notes) + "]"
    notes = []
    if turn.node:
        notes.append(f"node {turn.node}")
    if turn.meta.get("skipped"):
        notes.append("skipped " + ", ".join(turn.meta["skipped"]))
    if turn.meta.get("revealed"):
        notes.append(f"revealed {turn.meta['revealed']}")
    if turn.meta.get("reason") == "time":
        notes.append("time is up")
    return "  [" + "; ".join(notes) + "]" if notes else ""


def replay_plain(store: Store, session_id: int, persona_name: str, out: Printer) -> int:
    info = store.session(session_id)
    turns = store.turns(session_id)
    out.line(
        f"Session {info.id} · {info.persona} ({info.scenario}) · seed {info.seed}"
        f" · {info.started[:16].replace('T', ' ')} UTC"
    )
    stage = None
    for turn in turns:
        if turn.stage != stage:
            stage = turn.stage
            number = STAGES.index(stage) + 1 if stage in STAGES else len(STAGES) + 1
            out.line(f"\n── {number}. {stage.replace('_', ' ')} ──")
        who = "You" if turn.speaker == "user" else persona_name
        out.line(f"{who}: {turn.text}{annotate(turn)}")
    status = "ended" if info.ended else f"stopped in {info.stage.replace('_', ' ')}"
    out.line(f"\n({len(turns)} turns, {status})")
    return 0
