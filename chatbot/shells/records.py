"""Saved sessions on the command line: the list, and the annotated transcript."""

from __future__ import annotations

from chatbot.coach.notes import TurnNote
from chatbot.coach.scorecard import Coaching
from chatbot.dialogue.contract import STAGES
from chatbot.engine.store import SessionInfo, Store
from chatbot.engine.turns import Turn
from chatbot.shells.output import Printer


def session_json(info: SessionInfo, score: int | None = None) -> dict[str, object]:
    return {
        "id": info.id,
        "started": info.started,
        "persona": info.persona,
        "scenario": info.scenario,
        "turns": info.turns,
        "score": score,
        "stage": info.stage,
        "ended": info.ended,
        "seed": info.seed,
        "parent": None
        if info.parent_id is None
        else {"session": info.parent_id, "turn": info.parent_turn},
    }


def list_sessions(store: Store, as_json: bool, out: Printer) -> int:
    from chatbot.coach.history import open_scorer

    sessions = store.sessions()
    scorer = open_scorer(store) if sessions else None
    scores = {s.info.id: s.score for s in scorer.scores(sessions)} if scorer else {}
    if as_json:
        out.json([session_json(s, scores.get(s.id)) for s in sessions])
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
            "—" if scores.get(s.id) is None else str(scores[s.id]),
        ]
        for s in sessions
    ]
    out.table(rows, ["id", "started (UTC)", "persona", "scenario", "turns", "stage", "score"])
    return 0


def annotate(turn: Turn, note: TurnNote | None = None) -> str:
    """What the engine (and the coach) made of a turn, in brackets after it."""
    if turn.speaker == "user":
        meta = turn.meta
        notes = [
            f"{turn.intent} {turn.confidence:.2f}"
            if turn.confidence is not None
            else str(turn.intent)
        ]
        if note is not None and note.analysis.is_question:
            a = note.analysis
            kinds = [f"{a.form} question"]
            kinds += ["stacked"] * a.stacked + ["leading"] * a.leading
            kinds += ["follow-up"] * a.follow_up
            notes.append(" ".join(kinds))
        if note is not None:
            notes += [flag.replace("_", " ") for flag in note.flags]
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


def replay_plain(
    store: Store,
    session_id: int,
    persona_name: str,
    out: Printer,
    coaching: Coaching | None = None,
) -> int:
    """The transcript, each turn annotated; with `coaching`, its notes and hints too (the same
    ones the live coach gave, since both come from the recorded turns)."""
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
        note = coaching.note_for(turn.index) if coaching and turn.speaker == "user" else None
        out.line(f"{who}: {turn.text}{annotate(turn, note)}")
        if note is not None and note.hint:
            out.line(f"    coach: {note.hint}")
    status = "ended" if info.ended else f"stopped in {info.stage.replace('_', ' ')}"
    score = f", score {coaching.score}/100 (`rehearse report {info.id}`)" if coaching else ""
    out.line(f"\n({len(turns)} turns, {status}{score})")
    return 0
