"""A saved session turn by turn: what the engine and the coach made of each; resume from one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from chatbot import paths
from chatbot.dialogue.contract import STAGES
from chatbot.errors import RehearseError
from chatbot.tui.messages import (
    ModelFailed,
    ModelProgress,
    ModelReady,
    ReplayReady,
    ResumeFailed,
    ResumeReady,
)
from chatbot.tui.stage_tracker import StageTracker

if TYPE_CHECKING:
    from chatbot.coach.scorecard import Coaching
    from chatbot.engine.store import SessionInfo
    from chatbot.engine.turns import Turn


def _stage_name(stage: str) -> str:
    return stage.replace("_", " ")


class ReplayScreen(Screen[None]):
    BINDINGS = [
        Binding("right,n", "step(1)", "Next", key_display="→"),
        Binding("left,p", "step(-1)", "Prev", key_display="←"),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
        Binding("s,tab", "next_stage", "Stage"),
        Binding("r", "resume", "Resume here"),
        Binding("escape", "app.pop_screen", "Back"),
        Binding("f1", "help", "Help", show=False),
    ]

    def __init__(self, session_id: int, resume_before: int | None = None) -> None:
        """`resume_before`: open at that turn and resume from just before it straight away."""
        super().__init__()
        self.session_id = session_id
        self.resume_before = resume_before
        self.info: SessionInfo | None = None
        self.turns: list[Turn] = []
        self.current = 0
        self.coaching: Coaching | None = None
        self.annotations: list[str] | None = None
        self.coach_error: str | None = None
        self.persona_name = "Them"
        self.lines: list[Static] = []
        self.resuming: int | None = None  # the turn a resume is under way from

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="status"):
            yield StageTracker(id="stages")
            yield Static("", id="position")
        with Horizontal(id="body"):
            # Not focusable: the arrow keys step through the turns rather than scroll.
            yield VerticalScroll(id="replay-lines", can_focus=False)
            yield VerticalScroll(Static(id="turn-detail"), id="replay-side", can_focus=False)
        yield Static("", id="resume-note")
        yield Footer()

    def on_mount(self) -> None:
        app: Any = self.app
        self.query_one("#resume-note", Static).display = False
        try:
            self.info = app.store().session(self.session_id)
            self.turns = app.store().turns(self.session_id)
        except RehearseError as exc:
            self.notify(exc.message, severity="error", markup=False)
            self.query_one("#turn-detail", Static).update(Content(exc.message))
            return
        info = self.info
        card = next((c for c in app.cards if c.id == info.persona), None)
        self.persona_name = card.name.split()[0] if card else info.persona
        self.sub_title = (
            f"Replay: session {info.id} · {card.name if card else info.persona}"
            f" · {info.started[:16].replace('T', ' ')} UTC"
        )
        self._mount_lines()
        self.load_replay(info.persona, self.turns)
        at = next((n for n, t in enumerate(self.turns) if t.index == self.resume_before), None)
        self._go(0 if at is None else at)
        if at is not None:
            self.action_resume()

    def _mount_lines(self) -> None:
        """The whole transcript, a heading where the stage changes, as `replay --plain` has."""
        widgets: list[Static] = []
        stage = None
        for position, turn in enumerate(self.turns):
            if turn.stage != stage:
                stage = turn.stage
                number = STAGES.index(stage) + 1 if stage in STAGES else len(STAGES) + 1
                heading = f"── {number}. {_stage_name(stage)} ──"
                widgets.append(Static(Content(heading), classes="line stage-heading"))
            line = Static(self._line(turn, position), classes=f"line {turn.speaker}")
            self.lines.append(line)
            widgets.append(line)
        if not self.turns:
            widgets.append(Static(Content("This session has no turns."), classes="line note"))
        self.query_one("#replay-lines").mount_all(widgets)

    def _line(self, turn: Turn, position: int) -> Content:
        who = "You" if turn.speaker == "user" else self.persona_name
        line = Content.from_markup("[b]$who:[/b] $text", who=who, text=turn.text)
        if self.annotations is not None:
            line = Content.assemble(line, Content(self.annotations[position]).stylize("dim"))
        return line

    @work(thread=True, exclusive=True, group="replay", exit_on_error=False)
    def load_replay(self, persona_id: str, turns: list[Turn]) -> None:
        """The coach's notes (spaCy, pydantic) and each turn's annotation, off the UI thread."""
        from chatbot.coach.scorecard import coach
        from chatbot.dialogue.coach_loader import load_coach
        from chatbot.dialogue.loader import Catalog, catalog_of, load_intents
        from chatbot.engine.practice import load_persona
        from chatbot.engine.training import read_fingerprint
        from chatbot.shells.records import annotate

        coaching, error = None, None
        try:
            root = paths.dialogues_dir()
            # The intent ids from the trained model when there is one: no examples to parse.
            found = read_fingerprint(paths.model_dir())
            catalog = Catalog(found.parents) if found else catalog_of(load_intents(root))
            coaching = coach(turns, load_persona(persona_id, catalog), load_coach(root))
        except RehearseError as exc:
            # The persona may have been removed since: the transcript still stands, uncoached.
            error = exc.message
        annotations = [
            annotate(t, coaching.note_for(t.index) if coaching and t.speaker == "user" else None)
            for t in turns
        ]
        self.post_message(ReplayReady(coaching, annotations, error))

    def on_replay_ready(self, message: ReplayReady) -> None:
        self.coaching = message.coaching
        self.annotations = message.annotations
        self.coach_error = message.error
        for position, (turn, line) in enumerate(zip(self.turns, self.lines, strict=True)):
            line.update(self._line(turn, position))
        self._show_detail()

    def _go(self, index: int) -> None:
        if not self.turns:
            return
        self.lines[self.current].remove_class("current")
        self.current = max(0, min(index, len(self.turns) - 1))
        line = self.lines[self.current]
        line.add_class("current")
        self.query_one("#replay-lines").scroll_to_widget(line, animate=False, center=True)
        turn = self.turns[self.current]
        self.query_one(StageTracker).stage = turn.stage
        self.query_one("#position", Static).update(f"turn {self.current} of {len(self.turns) - 1}")
        self._show_detail()

    def _show_detail(self) -> None:
        if not self.turns:
            return
        turn = self.turns[self.current]
        rows: list[tuple[str, str]] = [("stage", _stage_name(turn.stage))]
        hint = None
        if turn.speaker == "user":
            confidence = "" if turn.confidence is None else f" ({turn.confidence:.2f})"
            rows.append(("intent", f"{turn.intent}{confidence}"))
            rows += self._coach_rows(turn)
            note = self.coaching.note_for(turn.index) if self.coaching else None
            hint = note.hint if note else None
        else:
            if turn.meta.get("kind"):
                rows.append(("kind", str(turn.meta["kind"])))
        if turn.node:
            rows.append(("node", turn.node))
        if turn.meta.get("revealed"):
            rows.append(("revealed", str(turn.meta["revealed"])))
        who = "You" if turn.speaker == "user" else self.persona_name
        parts = [Content.styled(f"Turn {turn.index} · {who}", "bold")]
        # Labels are ours; the values come from the session and the data files: text only.
        parts += [Content.assemble("\n", Content.styled(f"{k:<9}", "dim"), v) for k, v in rows]
        if hint:
            parts += [Content("\n\n"), Content.styled("Coach: ", "bold"), Content(hint)]
        if turn.speaker == "user":
            parts.append(Content("\n\nr: resume from here (a new session)"))
        self.query_one("#turn-detail", Static).update(Content.assemble(*parts))

    def _coach_rows(self, turn: Turn) -> list[tuple[str, str]]:
        if self.coach_error is not None:
            return [("coach", f"no coaching: {self.coach_error}")]
        if self.annotations is None:
            return [("coach", "reading the session…")]
        note = self.coaching.note_for(turn.index) if self.coaching else None
        if note is None:
            return []
        rows = []
        a = note.analysis
        if a.is_question:
            kinds = [f"{a.form}"] + ["stacked"] * a.stacked + ["leading"] * a.leading
            kinds += ["follow-up"] * a.follow_up
            rows.append(("question", ", ".join(kinds)))
        else:
            rows.append(("question", "none asked"))
        if note.topic:
            rows.append(("topic", note.topic))
        if note.flags:
            rows.append(("flags", ", ".join(f.replace("_", " ") for f in note.flags)))
        return rows

    def action_help(self) -> None:
        from chatbot.tui.help_screen import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_step(self, step: int) -> None:
        self._go(self.current + step)

    def action_first(self) -> None:
        self._go(0)

    def action_last(self) -> None:
        self._go(len(self.turns) - 1)

    def action_next_stage(self) -> None:
        if not self.turns:
            return
        stage = self.turns[self.current].stage
        later = (n for n, t in enumerate(self.turns) if n > self.current and t.stage != stage)
        found = next(later, None)
        if found is None:
            self.notify("This is the last stage.", timeout=2)
            return
        self._go(found)

    def action_resume(self) -> None:
        if not self.turns or self.info is None:
            return
        turn = self.turns[self.current]
        if turn.speaker != "user":
            self.notify("Step to one of your own lines to resume from there.", severity="warning")
            return
        if self.resuming is not None:
            return
        self.resuming = turn.index
        app: Any = self.app
        if app.classifier is None:
            self._note("Loading the intent model to resume from here…")
        else:
            self._start_resume(app.classifier)

    def _note(self, text: str) -> None:
        note = self.query_one("#resume-note", Static)
        note.update(Content(text))
        note.display = True

    def _start_resume(self, classifier: Any) -> None:
        assert self.resuming is not None
        self._note(f"Replaying the session up to turn {self.resuming}…")
        self.resume(classifier, self.session_id, self.resuming)

    def on_model_progress(self, message: ModelProgress) -> None:
        if self.resuming is not None:
            self._note(f"Training the intent model: {message.note} ({message.fraction:.0%})")

    def on_model_ready(self, message: ModelReady) -> None:
        if self.resuming is not None:
            self._start_resume(message.classifier)

    def on_screen_resume(self) -> None:
        # ModelReady goes to the screen on top: it may have arrived while a dialog was open.
        app: Any = self.app
        if self.resuming is not None and app.classifier is not None:
            self._start_resume(app.classifier)

    def on_model_failed(self, message: ModelFailed) -> None:
        self._resume_failed(f"The model could not load: {message.error}")

    @work(thread=True, exclusive=True, group="resume", exit_on_error=False)
    def resume(self, classifier: Any, session_id: int, before: int) -> None:
        """Feed the recorded lines again (the model reads each) in a new, linked session."""
        from chatbot.engine.practice import Practice, changed_since, load_persona
        from chatbot.engine.store import Store

        try:
            # The worker's own connection: SQLite objects stay on the thread that made them.
            with Store(paths.sessions_dir()) as store:
                info = store.session(session_id)
                persona = load_persona(info.persona, classifier.catalog)
                changed = changed_since(info, classifier)
                practice = Practice.resume(store, persona, classifier, session_id, before)
        except RehearseError as exc:
            self.post_message(ResumeFailed(exc.message))
            return
        self.post_message(ResumeReady(practice, changed))

    def on_resume_ready(self, message: ResumeReady) -> None:
        from chatbot.tui.practice_screen import PracticeScreen

        assert self.info is not None and self.resuming is not None
        before, self.resuming = self.resuming, None
        self.query_one("#resume-note", Static).display = False
        app: Any = self.app
        practice = message.practice
        # The worker's connection is closed: from here the session is saved on the UI thread's.
        practice.store = app.store()
        if message.changed:
            self.notify(
                f"{' and '.join(message.changed).capitalize()} changed since this session was"
                " recorded: from here on the replies may differ from the recording.",
                title="Resumed with today's data",
                severity="warning",
                timeout=8,
            )
        self.app.push_screen(
            PracticeScreen(self.info.persona, self.info.seed, practice, (self.session_id, before))
        )

    def on_resume_failed(self, message: ResumeFailed) -> None:
        self._resume_failed(message.error)

    def _resume_failed(self, error: str) -> None:
        if self.resuming is None:
            return
        self.resuming = None
        self.query_one("#resume-note", Static).display = False
        self.notify(error, severity="error", markup=False)
