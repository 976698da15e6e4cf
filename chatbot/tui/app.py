"""The Rehearse app: screens over the engine; the intent model loads in a worker."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.binding import Binding

from chatbot import paths
from chatbot.tui.catalog import persona_cards
from chatbot.tui.home_screen import HomeScreen
from chatbot.tui.messages import ModelFailed, ModelProgress, ModelReady

if TYPE_CHECKING:
    from chatbot.errors import RehearseError


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
        replay: int | None = None,
        resume_before: int | None = None,
    ) -> None:
        """`persona` opens a practice with it, `replay` a saved session's replay (at
        `resume_before`, resuming from just before that turn, when it is given)."""
        super().__init__()
        self.start_persona = persona
        self.start_replay = replay
        self.resume_before = resume_before
        self.seed = seed
        self.typing_delay = typing_delay
        self.clock = clock
        self.cursor_blink = cursor_blink
        self.classifier: Any = None
        self.cards = persona_cards()
        self._store: Any = None
        self._offered_move = False

    def get_default_screen(self) -> HomeScreen:
        # Home is the base screen rather than pushed over a blank one: one screen less to draw.
        return HomeScreen()

    def on_mount(self) -> None:
        if self.start_persona:
            from chatbot.tui.practice_screen import PracticeScreen

            self.push_screen(PracticeScreen(self.start_persona, self.seed))
        elif self.start_replay is not None:
            from chatbot.tui.replay_screen import ReplayScreen

            self.push_screen(ReplayScreen(self.start_replay, resume_before=self.resume_before))
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
            return self.store().sessions(limit)
        except RehearseError as exc:
            self.store_failed(exc)
            return []

    def store_failed(self, exc: RehearseError) -> None:
        """Say what went wrong; a store that cannot be read is offered to be moved aside."""
        from chatbot.errors import DamagedStore
        from chatbot.tui.confirm_screen import ConfirmScreen

        if not isinstance(exc, DamagedStore) or self._offered_move:
            self.notify(exc.message, severity="error", markup=False, timeout=10)
            return
        self._offered_move = True  # once a run: "no" is an answer
        question = (
            f"{exc.path} cannot be read as a session store. It was left as it is.\n\n"
            "Move it aside? It is renamed, never deleted, and a new, empty store starts."
        )
        self.push_screen(ConfirmScreen(question, yes="Move aside"), self._move_aside)

    def _move_aside(self, yes: bool | None) -> None:
        from chatbot.engine.store_aside import move_aside
        from chatbot.errors import RehearseError

        if not yes:
            self.notify(
                "The store was left as it is: nothing will be saved until it is moved aside"
                " (`rehearse sessions --move-aside`).",
                severity="warning",
                markup=False,
                timeout=10,
            )
            return
        if self._store is not None:
            self._store.close()
            self._store = None
        try:
            moved = move_aside(paths.sessions_dir())
        except RehearseError as exc:
            self.notify(exc.message, severity="error", markup=False, timeout=10)
            return
        self.notify(f"Moved to {moved}. New sessions go to a new store.", markup=False)
        if isinstance(self.screen, HomeScreen):
            self.screen.refresh_sessions()

    def action_go_home(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def on_unmount(self) -> None:
        if self._store is not None:
            self._store.close()
