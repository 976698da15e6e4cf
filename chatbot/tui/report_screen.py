"""The report after a session: the coach's scorecard, the follow-up note, a Markdown export."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from chatbot import paths
from chatbot.errors import RehearseError

if TYPE_CHECKING:
    from chatbot.coach.scorecard import Coaching
    from chatbot.dialogue.coaching import CoachData
    from chatbot.engine.practice import Practice
    from chatbot.shells.report import Section

MARKS = {"✓": "passed", "✗": "failed"}


def pieces(lines: tuple[str, ...]) -> list[tuple[str, str]]:
    """A section's lines as (text, class) pieces: a marked line or an indented detail stands
    alone, so that it wraps under itself; runs of other lines (the note) stay together."""
    out: list[tuple[str, str]] = []
    run: list[str] = []
    for line in lines:
        kind = "detail" if line.startswith(" ") else MARKS.get(line[:1], "")
        if not kind:
            run.append(line)
            continue
        if run:
            out.append(("\n".join(run), "report-line"))
            run = []
        out.append((line.strip(), f"report-line {kind}"))
    if run:
        out.append(("\n".join(run), "report-line"))
    return out


class ReportScreen(Screen[None]):
    BINDINGS = [
        Binding("c", "copy_note", "Copy note"),
        Binding("m", "export", "Save Markdown"),
        Binding("h,escape", "app.go_home", "Home"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, practice: Practice, data: CoachData | None = None) -> None:
        super().__init__()
        self.practice = practice
        self.data = data
        self.coaching: Coaching | None = None
        self.parts: list[Section] = []
        info = practice.engine.persona.persona
        self.heading = f"{info.name}, {info.role}"

    def compose(self) -> ComposeResult:
        self._score()
        yield Header()
        with VerticalScroll(id="report"):
            # Persona names, the user's own lines and the coach's words: all shown as text.
            yield Static(Content(self.heading), classes="heading")
            for number, part in enumerate(self.parts):
                with Vertical(classes="report-block score" if number == 0 else "report-block"):
                    yield Static(Content(part.title), classes="report-title")
                    for text, kind in pieces(part.lines):
                        yield Static(Content(text), classes=kind)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Report: session {self.practice.session_id}"
        self.query_one("#report").focus()  # so the arrows and page keys scroll it

    def _score(self) -> None:
        """The same coaching and sections as `rehearse report` gives for this session."""
        from chatbot.coach.scorecard import coach
        from chatbot.shells.report import Section, sections

        engine = self.practice.engine
        if self.data is None:  # the report was asked for before the practice screen loaded it
            from chatbot.dialogue.coach_loader import load_coach

            try:
                self.data = load_coach(paths.dialogues_dir())
            except RehearseError as exc:
                self.parts = [Section("The coach could not score this session", (exc.message,))]
                return
        self.coaching = coach(engine.turns, engine.persona, self.data)
        self.parts = sections(self.coaching, engine.persona, self.data)

    def action_copy_note(self) -> None:
        if self.coaching is None:
            self.notify("There is no follow-up note to copy.", severity="warning")
            return
        note = self.coaching.follow_up
        self.app.copy_to_clipboard(f"Subject: {note['subject']}\n\n{note['body']}")
        self.notify("The follow-up note is on the clipboard.", title="Copied")

    def action_export(self) -> None:
        from chatbot.engine.store import private_dir
        from chatbot.shells.report import as_markdown

        if self.coaching is None:
            self.notify("There is no report to save.", severity="warning")
            return
        engine = self.practice.engine
        info = engine.persona.persona
        who = {"user": "You", "persona": info.name}
        transcript = [(who[t.speaker], t.text) for t in engine.turns]
        app: Any = self.app
        try:
            started = app.store().session(self.practice.session_id).started[:16]
        except RehearseError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        # The title `rehearse report --format markdown` gives the same session.
        title = (
            f"Report: session {self.practice.session_id} · {info.name}, {info.role}"
            f" · {started.replace('T', ' ')} UTC"
        )
        text = as_markdown(title, self.parts, transcript)
        folder = paths.sessions_dir() / "exports"
        path = folder / f"session-{self.practice.session_id}-report.md"
        try:
            private_dir(folder)
            # The report quotes the user's own words: private from the moment the file exists.
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
            with open(os.open(path, flags, 0o600), "w", encoding="utf-8") as out:
                os.chmod(path, 0o600)  # an earlier export may have been loosened since
                out.write(text)
        except OSError as exc:
            self.notify(f"Could not save {path}: {exc.strerror}", severity="error", markup=False)
            return
        self.notify(f"Saved to {path}", title="Report saved", markup=False)
