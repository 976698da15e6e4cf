"""The report after a session: what happened, stage by stage; the coaching fills in the scores."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from chatbot.dialogue.contract import STAGES
from chatbot.tui.stage_tracker import LABELS

if TYPE_CHECKING:
    from chatbot.engine.practice import Practice


class ReportScreen(Screen[None]):
    BINDINGS = [Binding("h,escape", "app.go_home", "Home"), Binding("q", "app.quit", "Quit")]

    def __init__(self, practice: Practice) -> None:
        super().__init__()
        self.practice = practice

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="report"):
            for block in self._blocks():
                yield Static(Content(block), classes="report-block")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Report: session {self.practice.session_id}"

    def _blocks(self) -> list[str]:
        engine = self.practice.engine
        persona = engine.persona
        user = [t for t in engine.turns if t.speaker == "user"]
        words = sum(len(t.text.split()) for t in user)
        ending = (
            "reached its end"
            if engine.ended
            else f"stopped in {LABELS.get(engine.stage, engine.stage)}"
        )
        blocks = [
            f"{persona.persona.name}, {persona.persona.role}\n"
            f"Session {self.practice.session_id}: {len(engine.turns)} turns,"
            f" {len(user)} of them yours ({words} words); the conversation {ending}.",
        ]
        rows = []
        for stage in STAGES:
            said = [t for t in user if t.stage == stage]
            mark = (
                "skipped" if stage in engine.conversation.skipped else f"{len(said)} of your turns"
            )
            rows.append(f"  {LABELS[stage]:<16} {mark}")
        blocks.append("Stages\n" + "\n".join(rows))
        found = {d.id: d.what for d in persona.discoverables}
        if found:
            lines = [f"  {'✓' if i in engine.revealed else '·'} {w}" for i, w in found.items()]
            blocks.append(
                f"What you uncovered ({len(engine.revealed)} of {len(found)})\n" + "\n".join(lines)
            )
        questions = [
            t.text
            for t in user
            if (t.intent or "").startswith("ask_") and t.intent != "ask_clarify"
        ]
        if questions:
            blocks.append("Your questions\n" + "\n".join(f"  • {q}" for q in questions))
        checks = "\n".join(f"  • {item.why}" for item in persona.rubric)
        blocks.append("What this scenario is judged on (scores arrive with coaching)\n" + checks)
        blocks.append("Press H for home, Q to quit.")
        return blocks
