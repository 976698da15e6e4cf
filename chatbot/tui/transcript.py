"""The conversation so far: persona and user lines, always literal text, scrolled to the end."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static


class Transcript(VerticalScroll):
    """A scrollable list of lines; it only ever shows text as text, never as markup."""

    def add_line(self, speaker: str, text: str, who: str) -> None:
        line = Content.from_markup("[b]$who:[/b] $text", who=who, text=text)
        self.mount(Static(line, classes=f"line {speaker}"))
        self.scroll_end(animate=False)

    def add_note(self, text: str) -> None:
        self.mount(Static(Content(text), classes="line note"))
        self.scroll_end(animate=False)
