"""The home screen: the scenarios to rehearse, and recent sessions."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

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
        Binding("f1", "help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

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
        yield Static("Recent sessions", classes="heading")
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
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_columns("id", "started (UTC)", "persona", "turns", "stage", "score")
        for info in app.recent_sessions():
            cells = (
                str(info.id),
                info.started[:16].replace("T", " "),
                info.persona,
                str(info.turns),
                "ended" if info.ended else info.stage.replace("_", " "),
                "—",
            )
            # DataTable reads a plain str cell as markup; stored values are shown as they are.
            table.add_row(*(Content(cell) for cell in cells))

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

    def action_help(self) -> None:
        from chatbot.tui.help_screen import HelpScreen

        self.app.push_screen(HelpScreen())
