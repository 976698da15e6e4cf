"""The home screen: the scenarios to rehearse, recent sessions and their scores."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from chatbot import paths
from chatbot.tui.messages import ScoresReady
from chatbot.tui.progress_strip import progress_line
from chatbot.tui.table_fill import fill

if TYPE_CHECKING:
    from chatbot.coach.history import SessionScore

SCENARIO_NAMES = {
    "informal_interview": "Informal interview",
    "internal_soft_interview": "Soft interview, inside your company",
    "external_soft_interview": "Soft interview, another company",
    "informational_interview": "Informational interview",
    "networking_meeting": "Networking meeting",
}


def _brief(text: str, width: int = 150) -> str:
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "start", "Start", show=True),
        Binding("s", "sessions", "Sessions"),
        Binding("f1", "help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sessions: list[Any] = []
        # A session's score by (id, turns): only a session that has changed is scored again.
        self.scores: dict[tuple[int, int], SessionScore] = {}
        self.scoring_failed = False

    def compose(self) -> ComposeResult:
        app: Any = self.app
        yield Header()
        yield Static("Choose a conversation to rehearse", classes="heading")
        options = []
        for card in app.cards:
            title = Content.from_markup(
                "[b]$name[/b] · $role\n[dim]$scenario · about $minutes min[/dim]\n$brief",
                name=card.name,
                role=card.role,
                scenario=SCENARIO_NAMES.get(card.scenario, card.scenario),
                minutes=str(card.expected_minutes),
                brief=_brief(card.brief),
            )
            options.append(Option(title, id=card.id))
        yield OptionList(*options, id="personas")
        # The progress strip shares the heading's line: at 80x24 every row of the table counts.
        with Horizontal(id="recent-heading"):
            yield Static("Recent sessions", classes="heading")
            yield Static(id="progress")
        yield DataTable(id="recent", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Home"
        self.query_one(OptionList).focus()
        # The cards come first; the sessions table (SQLite) fills in just after the first frame.
        self.call_after_refresh(self.refresh_sessions)

    def on_screen_resume(self) -> None:
        self.refresh_sessions()

    def refresh_sessions(self) -> None:
        app: Any = self.app
        self.sessions = app.recent_sessions()
        rows = []
        for info in self.sessions:
            cells = (
                str(info.id),
                info.started[:16].replace("T", " "),
                info.persona,
                str(info.turns),
                "ended" if info.ended else info.stage.replace("_", " "),
                self._score_cell(info),
            )
            # DataTable reads a plain str cell as markup; stored values are shown as they are.
            rows.append((str(info.id), [Content(cell) for cell in cells]))
        columns = ["id", "started (UTC)", "persona", "turns", "stage", "score"]
        fill(self.query_one(DataTable), [(c, c) for c in columns], rows)
        self._show_progress()
        todo = [info for info in self.sessions if (info.id, info.turns) not in self.scores]
        if todo:
            self.score_sessions(todo)

    @work(thread=True, exclusive=True, group="scores", exit_on_error=False)
    def score_sessions(self, infos: list[Any]) -> None:
        """Score sessions with the coach (it reads them with spaCy) off the UI thread."""
        from chatbot.coach.history import open_scorer
        from chatbot.engine.store import Store
        from chatbot.errors import RehearseError

        try:
            # SQLite connections stay on their own thread: this worker opens and closes its own.
            with Store(paths.sessions_dir()) as store:
                scorer = open_scorer(store)
                scores = [scorer.score(info) for info in infos]
        except RehearseError as exc:
            self.post_message(ScoresReady([], exc.message))
            return
        self.post_message(ScoresReady(scores))

    def on_scores_ready(self, message: ScoresReady) -> None:
        self.scoring_failed = message.error is not None
        for result in message.scores:
            self.scores[result.info.id, result.info.turns] = result
        table = self.query_one(DataTable)
        for info in self.sessions:
            if str(info.id) in table.rows:
                table.update_cell(str(info.id), "score", Content(self._score_cell(info)))
        self._show_progress()

    def _score_cell(self, info: Any) -> str:
        result = self.scores.get((info.id, info.turns))
        if result is None:
            return "—" if self.scoring_failed else "…"
        return "—" if result.score is None else str(result.score)

    def _show_progress(self) -> None:
        self.query_one("#progress", Static).update(Content(self._progress_line()))

    def _progress_line(self) -> str:
        line = progress_line(self.sessions, self.scores, self.scoring_failed)
        return "No sessions yet: choose a conversation above to begin." if line is None else line

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._open(event.option.id)

    def action_start(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self._open(options.get_option_at_index(options.highlighted).id)

    def _open(self, persona_id: str | None) -> None:
        from chatbot.tui.practice_screen import PracticeScreen

        if persona_id:
            app: Any = self.app
            self.app.push_screen(PracticeScreen(persona_id, app.seed))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from chatbot.tui.replay_screen import ReplayScreen

        if event.row_key.value is not None:
            self.app.push_screen(ReplayScreen(int(event.row_key.value)))

    def action_sessions(self) -> None:
        from chatbot.tui.sessions_screen import SessionsScreen

        self.app.push_screen(SessionsScreen())

    def action_help(self) -> None:
        from chatbot.tui.help_screen import HelpScreen

        self.app.push_screen(HelpScreen())
