"""The coaching commands: `report`, `progress` and `questions`."""

from __future__ import annotations

from chatbot import paths
from chatbot.coach.history import open_scorer, progress, question_bank, sparkline
from chatbot.engine.store import Store
from chatbot.errors import RehearseError
from chatbot.shells.output import Printer
from chatbot.shells.report import as_markdown, as_text, sections


def cmd_report(session_id: int, fmt: str, out: Printer) -> int:
    with Store(paths.sessions_dir()) as store:
        info = store.session(session_id)
        scorer = open_scorer(store)
        persona = scorer.persona(info.persona)
        if persona is None:
            raise RehearseError(
                f"session {session_id} was held with persona {info.persona!r}, which is no longer"
                " in the dialogue data, so there is no rubric to score it against"
            )
        coaching = scorer.coaching(info)
        assert coaching is not None
        if fmt == "json":
            out.json({"session": info.id, "persona": info.persona, **coaching.to_json()})
            return 0
        if fmt == "note":
            out.line(f"Subject: {coaching.follow_up['subject']}")
            out.line("")
            for line in coaching.follow_up["body"].splitlines():
                out.line(line)
            return 0
        title = (
            f"Report: session {info.id} · {persona.persona.name}, {persona.persona.role}"
            f" · {info.started[:16].replace('T', ' ')} UTC"
        )
        parts = sections(coaching, persona, scorer.data)
        if fmt == "markdown":
            turns = store.turns(info.id)
            who = {"user": "You", "persona": persona.persona.name}
            out.stream.write(as_markdown(title, parts, [(who[t.speaker], t.text) for t in turns]))
            out.stream.flush()
            return 0
        for line in as_text(title, parts).splitlines():
            out.line(line)
        return 0


def cmd_progress(as_json: bool, out: Printer) -> int:
    with Store(paths.sessions_dir()) as store:
        scorer = open_scorer(store)
        rows = progress(scorer, store.sessions())
    if as_json:
        out.json(
            [
                {
                    "id": r.info.id,
                    "started": r.info.started,
                    "persona": r.info.persona,
                    "scenario": r.info.scenario,
                    "score": r.score,
                    "open_share": r.open_share,
                    "questions": r.questions,
                }
                for r in rows
            ]
        )
        return 0
    scored = [r for r in rows if r.score is not None]
    if not scored:
        out.line("No scored sessions yet. Hold one with `rehearse practice`.")
        return 0
    out.line(f"Scores        {sparkline([r.score for r in scored])}  (oldest to newest)")
    shares = [None if r.open_share is None else r.open_share * 100 for r in scored]
    out.line(f"Open share    {sparkline(shares)}")
    out.line("")
    out.table(
        [
            [
                str(r.info.id),
                r.info.started[:16].replace("T", " "),
                r.info.persona,
                str(r.score),
                "—" if r.open_share is None else f"{r.open_share:.0%}",
                str(r.questions),
            ]
            for r in scored
        ],
        ["id", "started (UTC)", "persona", "score", "open", "questions"],
    )
    return 0


def cmd_questions(as_json: bool, limit: int, out: Printer) -> int:
    with Store(paths.sessions_dir()) as store:
        scorer = open_scorer(store)
        bank = question_bank(scorer, store.sessions(), limit)
    if as_json:
        out.json(
            [
                {
                    "text": q.text,
                    "topic": q.topic,
                    "session": q.session,
                    "turn": q.turn,
                    "persona": q.persona,
                    "follow_up": q.follow_up,
                }
                for q in bank
            ]
        )
        return 0
    if not bank:
        out.line("No banked questions yet: open, single, on-topic questions are kept here.")
        return 0
    for q in bank:
        topic = scorer.data.topics[q.topic].label
        mark = " (a follow-up)" if q.follow_up else ""
        out.line(f"“{q.text}”")
        out.line(f"    {topic}{mark} · session {q.session}, turn {q.turn}, with {q.persona}")
    return 0
