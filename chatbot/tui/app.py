"""The Rehearse app: screens over the engine; the intent model loads in a worker."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding

from chatbot import paths
from chatbot.tui.catalog import persona_cards
from chatbot.tui.home_screen import HomeScreen
from chatbot.tui.messages import ModelFailed, ModelProgress, ModelReady


class RehearseApp(App[None]):
    CSS_PATH = Path(__file__).parent / "rehearse.tcss"
    TITLE = "Rehearse"
    BINDINGS = [
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False),
    ]

    def __init__(
        self,
        persona: str | None = None,
        seed: int | None = None,
        typing_delay: float = 0.6,
        clock: Callable[[], float] = time.monotonic,
        cursor_blink: bool = True,
    ) -> None:
        super().__init__()
        self.start_persona = persona
        self.seed = seed
        self.typing_delay = typing_delay
        self.clock = clock
        self.cursor_blink = cursor_blink
        self.classifier: Any = None
        self.cards = persona_cards()
        self._store: Any = None

    def get_default_screen(self) -> HomeScreen:
        # Home is the base screen rather than pushed over a blank one: one screen less to draw.
        return HomeScreen()

    def on_mount(self) -> None:
        if self.start_persona:
            from chatbot.tui.practice_screen import PracticeScreen

            self.push_screen(PracticeScreen(self.start_persona, self.seed))
        self.load_model()

    @work(thread=True, exclusive=True, group="model")
    def load_model(self) -> None:
        """Import spaCy and load (or first train) the model off the UI thread."""
        from chatbot.engine.practice import load_classifier
        from chatbot.errors import RehearseError

        def progress(fraction: float, note: str) -> None:
            self.call_from_thread(self._forward, ModelProgress(fraction, note))

        try:
            classifier = load_classifier(progress)
        except RehearseError as exc:
            self.call_from_thread(self._forward, ModelFailed(exc.message))
            return
        self.call_from_thread(self._model_loaded, classifier)

    def _model_loaded(self, classifier: Any) -> None:
        self.classifier = classifier
        self._forward(ModelReady(classifier))

    def _forward(self, message: Any) -> None:
        self.screen.post_message(message)

    def store(self) -> Any:
        if self._store is None:
            from chatbot.engine.store import Store

            self._store = Store(paths.sessions_dir())
        return self._store

    def recent_sessions(self, limit: int | None = 8) -> list[Any]:
        """The newest `limit` saved sessions (all of them for None), newest first."""
        from chatbot.errors import RehearseError

        if not (paths.sessions_dir() / "sessions.db").exists() and self._store is None:
            return []
        try:
            found = self.store().sessions()
            return found if limit is None else found[:limit]
        except RehearseError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return []

    def action_go_home(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def on_unmount(self) -> None:
        if self._store is not None:
            self._store.close()
