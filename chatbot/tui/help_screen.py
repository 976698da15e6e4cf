"""The keys, in a dialog over the current screen."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = """Keys

  Enter       say your line (practice) / start the chosen scenario (home)
  Up, Down    earlier lines you typed
  F2          a question you could ask (press again for another)
  F10         end the session and see the report
  C, M        in the report: copy the follow-up note / save it as Markdown
  F1          this help
  Escape      back home
  Ctrl+P      command palette (themes and more)
  Ctrl+T      light or dark theme
  Ctrl+Q      quit

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
