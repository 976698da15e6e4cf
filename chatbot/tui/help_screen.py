"""The keys, in a dialog over the current screen."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = """Keys

  Enter       say your line / start a scenario / replay a session
  Up, Down    earlier lines you typed
  F2          a question you could ask (press again for another)
  F10         end the session and see the report
  C, M        report: copy the follow-up note / save it as Markdown
  S           at home: all your saved sessions
  D, S, P     sessions: sort by date, score, persona (again: reverse)
  0-5 / Del   sessions: filter by scenario, search, delete
  ←→ Home End replay: next, previous, first, last (N, P, G, Shift+G)
  S, Tab      replay: next stage; R resumes from your line there
  F1          this help
  Escape      back
  Ctrl+P      command palette; Ctrl+T light or dark theme; Ctrl+Q quit

Press any key to close."""


class HelpScreen(ModalScreen[None]):
    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static(KEYS, markup=False)

    def on_key(self, event: events.Key) -> None:
        # The key that closes the dialog goes no further (Escape would also leave the screen).
        event.stop()
        event.prevent_default()
        self.dismiss()
