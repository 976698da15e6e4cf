"""The practice screen: transcript, input with history, stage tracker, coach panel, clock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Collapsible, Footer, Header, ProgressBar, Static

from chatbot import paths
from chatbot.errors import RehearseError
from chatbot.tui.history_input import HistoryInput
from chatbot.tui.messages import CoachFailed, CoachReady, ModelFailed, ModelProgress, ModelReady
from chatbot.tui.stage_tracker import StageTracker
from chatbot.tui.transcript import Transcript

if TYPE_CHECKING:
    from chatbot.dialogue.coaching import CoachData
    from chatbot.engine.practice import Practice
    from chatbot.engine.turns import Turn

# What each stage is for: always in the coach panel, under the coach's hint when there is one.
STAGE_PURPOSE = {
    "greeting": "Say hello, who you are, and thank them for the time. Frame it as wanting advice.",
    "small_talk": "Build a little rapport: the place, their week, something you share. Don't rush.",
    "questions": "They ask about you. Answer with a concrete example; stay open about the role.",
    "interviewee_questions": "Your turn. Ask open questions: their work, their team's needs.",
    "wrap_up": "Thank them, agree on a next step, offer to help in return.",
    "ended": "The conversation is over. Open the report to see how it went.",
}


class PracticeScreen(Screen[None]):
    BINDINGS = [
        Binding("f2", "hint", "Hint"),
        Binding("f10", "end", "End"),
        Binding("f1", "help", "Help"),
        Binding("escape", "app.go_home", "Home"),
    ]

    def __init__(
        self,
        persona_id: str,
        seed: int | None = None,
        practice: Practice | None = None,
        resumed_from: tuple[int, int] | None = None,
    ) -> None:
        """`practice`: one already under way (a resumed session, `resumed_from` (session,
        turn)); without it the screen begins its own once the model is ready."""
        super().__init__()
        self.persona_id = persona_id
        self.seed = seed
        self.practice: Practice | None = practice
        self.resumed_from = resumed_from
        self.waiting: list[str] = []
        self.coach_data: CoachData | None = None
        self._pending = 0
        self.opened = 0.0
        self._presses = 0  # hint-key presses since the user last spoke: each shows the next idea

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="status"):
            yield StageTracker(id="stages")
            yield Static("00:00", id="clock")
        with Horizontal(id="body"):
            yield Transcript(id="transcript")
            with Vertical(id="side"), Collapsible(title="Coach", id="coach", collapsed=False):
                yield Static(id="coach-text")
        yield ProgressBar(id="loading", total=1.0, show_eta=False, show_percentage=True)
        yield Static("", id="loading-note")
        yield HistoryInput(placeholder="Type your line and press Enter", id="say")
        yield Footer()

    def on_mount(self) -> None:
        app: Any = self.app
        card = next((c for c in app.cards if c.id == self.persona_id), None)
        if card is not None:
            self.sub_title = f"{card.name}, {card.role}"
            self.query_one(Transcript).add_note(f"{card.brief}\n\nWhere: {card.setting}")
        self._coach()
        self.query_one(HistoryInput).cursor_blink = app.cursor_blink
        self.query_one(HistoryInput).focus()
        self.set_interval(1, self._tick)
        if self.practice is not None:
            self._carry_on()
        elif app.classifier is not None:
            self._begin(app.classifier)
        else:
            self.query_one("#loading-note", Static).update(
                "Loading the intent model… you can type already."
            )

    def on_screen_resume(self) -> None:
        # ModelReady goes to the screen on top: if that was the help dialog, begin here instead.
        app: Any = self.app
        if self.practice is None and app.classifier is not None:
            self._begin(app.classifier)

    def _tick(self) -> None:
        if self.practice is None:
            return
        app: Any = self.app
        seconds = int(app.clock() - self.opened)
        card = next((c for c in app.cards if c.id == self.persona_id), None)
        budget = f" / {card.expected_minutes:02d}:00" if card else ""
        self.query_one("#clock", Static).update(f"{seconds // 60:02d}:{seconds % 60:02d}{budget}")

    def on_model_progress(self, message: ModelProgress) -> None:
        self.query_one(ProgressBar).update(progress=message.fraction)
        self.query_one("#loading-note", Static).update(
            Content(f"Training the intent model: {message.note}")
        )

    def on_model_ready(self, message: ModelReady) -> None:
        self._begin(message.classifier)

    def on_model_failed(self, message: ModelFailed) -> None:
        self.query_one("#loading-note", Static).update(
            Content(f"The model could not load: {message.error}")
        )

    def _begin(self, classifier: Any) -> None:
        if self.practice is not None:
            return
        from chatbot.engine.practice import Practice, load_persona, new_seed

        app: Any = self.app
        try:
            persona = load_persona(self.persona_id, classifier.catalog)
            seed = new_seed() if self.seed is None else self.seed
            self.practice = Practice.begin(app.store(), persona, classifier, seed)
            # The on-screen clock runs on the app's clock (fixed in tests); the turns' elapsed
            # times stay on Practice's own, which `say` reads.
            self.opened = app.clock()
        except RehearseError as exc:
            app.store_failed(exc)
            return
        self._under_way(self.practice.start())

    def _carry_on(self) -> None:
        """A resumed practice: its turns so far are on screen, then it goes on as any other."""
        assert self.practice is not None
        app: Any = self.app
        engine = self.practice.engine
        transcript = self.query_one(Transcript)
        if self.resumed_from is not None:
            session, before = self.resumed_from
            transcript.add_note(
                f"Resumed from session {session}, just before your turn {before}: carry on."
            )
        name = engine.persona.persona.name.split()[0]
        for turn in engine.turns:
            transcript.add_line(turn.speaker, turn.text, "You" if turn.speaker == "user" else name)
        elapsed = [t.meta["elapsed"] for t in engine.turns if "elapsed" in t.meta]
        # The clock goes on from where the recording was, as the practice's own does.
        self.opened = app.clock() - (float(elapsed[-1]) if elapsed else 0.0)
        self._under_way([])

    def _under_way(self, turns: list[Turn]) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one("#loading-note", Static).display = False
        self.load_coaching()
        self._show(turns)
        for text in self.waiting:
            self._take(text)
        self.waiting.clear()

    @work(thread=True, exclusive=True, group="coach", exit_on_error=False)
    def load_coaching(self) -> None:
        """Parse the coach's data and build its tokenizer (a blank spaCy pipeline) off the UI
        thread, so that the first hint costs milliseconds."""
        from chatbot.coach.analysis import analyse
        from chatbot.dialogue.coach_loader import load_coach

        try:
            data = load_coach(paths.dialogues_dir())
        except RehearseError as exc:
            self.post_message(CoachFailed(exc.message))
            return
        analyse("How did you get started?")
        self.post_message(CoachReady(data))

    def on_coach_ready(self, message: CoachReady) -> None:
        self.coach_data = message.data
        self._coach()

    def on_coach_failed(self, message: CoachFailed) -> None:
        self.notify(f"No coaching this time: {message.error}", severity="error", markup=False)

    def on_input_submitted(self, event: HistoryInput.Submitted) -> None:
        event.input.value = ""
        text = event.value
        self._presses = 0
        self.query_one(HistoryInput).remember(text)
        self.query_one(Transcript).add_line("user", text, "You")
        if self.practice is None:
            self.waiting.append(text)
        else:
            self._take(text)

    def _take(self, text: str) -> None:
        assert self.practice is not None
        if self.practice.engine.ended:
            self.query_one(Transcript).add_note(
                "The conversation has ended: press F10 for the report."
            )
            return
        try:
            turns = self.practice.say(text)
        except RehearseError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        self.call_after_refresh(self.practice.settle)
        replies = [t for t in turns if t.speaker == "persona"]
        app: Any = self.app
        if app.typing_delay > 0:
            self._pending += 1
            self.query_one("#loading-note", Static).update("…")
            self.query_one("#loading-note", Static).display = True
            self.set_timer(app.typing_delay, lambda: self._reveal(replies))
        else:
            self._show(replies)

    def _reveal(self, replies: list[Turn]) -> None:
        self._pending -= 1
        if not self._pending:
            self.query_one("#loading-note", Static).display = False
        self._show(replies)

    def _show(self, turns: list[Turn]) -> None:
        assert self.practice is not None
        name = self.practice.engine.persona.persona.name.split()[0]
        transcript = self.query_one(Transcript)
        for turn in turns:
            if turn.speaker == "persona":
                transcript.add_line("persona", turn.text, name)
        self.query_one(StageTracker).stage = self.practice.engine.stage
        self._coach()
        if self.practice.engine.ended:
            transcript.add_note("The conversation has ended. Press F10 to see the report.")

    def _coach(self, lead: str | None = None) -> None:
        """The panel: `lead` (a suggestion) or else the coach's hint on the user's last turn,
        then what the stage is for. Both come from data files, so they are shown as text."""
        stage = self.practice.engine.stage if self.practice else "greeting"
        if lead is None and self.practice is not None and self.coach_data is not None:
            from chatbot.coach.scorecard import coach

            engine = self.practice.engine
            lead = coach(engine.turns, engine.persona, self.coach_data).last_hint
        purpose = Content(STAGE_PURPOSE.get(stage, ""))
        shown = (
            Content.assemble(Content(lead).stylize("bold"), "\n\n", purpose) if lead else purpose
        )
        self.query_one("#coach-text", Static).update(shown)

    def action_hint(self) -> None:
        self.query_one(Collapsible).collapsed = False
        if self.practice is None or self.coach_data is None:
            self._coach()
            return
        from chatbot.coach.scorecard import suggestion

        engine = self.practice.engine
        self._coach(suggestion(engine.turns, engine.persona, self.coach_data, self._presses))
        self._presses += 1

    def action_help(self) -> None:
        from chatbot.tui.help_screen import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_end(self) -> None:
        from chatbot.tui.report_screen import ReportScreen

        if self.practice is None:
            self.app.pop_screen()
            return
        self.app.push_screen(ReportScreen(self.practice, self.coach_data))
