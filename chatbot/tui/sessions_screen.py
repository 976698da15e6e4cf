"""Every saved session: sort, filter by scenario, search the turns, delete, open a replay."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Select, Static
from textual.worker import get_current_worker

from chatbot import paths
from chatbot.dialogue.contract import SCENARIOS
from chatbot.tui import session_rows as rows
from chatbot.tui.home_screen import SCENARIO_NAMES
from chatbot.tui.messages import ScoresReady, SearchDone, SessionsLoaded
from chatbot.tui.progress_strip import progress_line
from chatbot.tui.session_list import SessionList

if TYPE_CHECKING:
    from chatbot.coach.history import SessionScore
    from chatbot.engine.store import SessionInfo

ALL = "all"
# Matching turns asked of the store: every session with a match, short of a very common word.
SEARCH_LIMIT = 5000
# The first scores fill the rows on screen quickly; the rest come in larger, cheaper batches.
FIRST_BATCH, BATCH = 100, 1000
# Sessions read before the first frame: more rows than any terminal shows at once.
FIRST_PAGE = 200


class SessionsScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "open", "Replay", show=False),
        Binding("d", "sort('date')", "By date"),
        Binding("s", "sort('score')", "By score"),
        Binding("p", "sort('persona')", "By persona"),
        Binding("slash", "search", "Search"),
        Binding("delete,x", "delete", "Delete", key_display="del"),
        Binding("escape", "app.pop_screen", "Back"),
        Binding("f1", "help", "Help", show=False),
        *(Binding(str(n), f"scenario({n})", show=False) for n in range(len(SCENARIOS) + 1)),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sessions: list[SessionInfo] = []
        self.complete = False  # False while only the newest FIRST_PAGE are read
        self.deleted: set[int] = set()
        self.by_id: dict[int, SessionInfo] = {}
        self.shown: list[SessionInfo] = []
        # A session's score by (id, turns): only a session that has changed is scored again.
        self.scores: dict[tuple[int, int], SessionScore] = {}
        self.scoring_failed = False
        self.scenario = ALL
        self.search_text = ""
        # Session id -> its matching (turn, snippet)s; None while nothing is searched for.
        self.matches: dict[int, list[tuple[int, str]]] | None = None
        self.search_full = False
        self.sort_by = "date"
        self.descending = True

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="sessions-bar"):
            options = [("All scenarios", ALL)]
            options += [(f"{n + 1} {SCENARIO_NAMES[s]}", s) for n, s in enumerate(SCENARIOS)]
            yield Select(options, value=ALL, allow_blank=False, id="scenario")
            yield Input(placeholder="Search what was said (/)", id="search")
        yield Static(id="sessions-progress")
        yield SessionList(self._cells, id="sessions")
        yield Static(id="match")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Sessions"
        self.query_one("#search", Input).cursor_blink = getattr(self.app, "cursor_blink", True)
        self.query_one("#match", Static).display = False
        self.query_one(SessionList).focus()
        # The newest screenful comes with the first frame (a millisecond of SQLite); the rest,
        # ten thousand perhaps, from a worker.
        app: Any = self.app
        self._loaded(app.recent_sessions(limit=FIRST_PAGE), complete=False)

    def _loaded(self, sessions: list[SessionInfo], complete: bool) -> None:
        self.complete = complete or len(sessions) < FIRST_PAGE
        self.sessions = [info for info in sessions if info.id not in self.deleted]
        self.by_id = {info.id: info for info in self.sessions}
        self._fill()
        if not self.complete:
            self.call_after_refresh(self.load_all)
            return
        todo = [info for info in self.sessions if (info.id, info.turns) not in self.scores]
        if todo:
            # After the rows are drawn: the worker's imports would otherwise hold the GIL first.
            self.call_after_refresh(self.score_sessions, todo)

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def load_all(self) -> None:
        """Every session, off the UI thread, on the worker's own connection."""
        from chatbot.engine.store import Store
        from chatbot.errors import RehearseError

        try:
            with Store(paths.sessions_dir()) as store:
                found = store.sessions()
        except RehearseError as exc:
            self.post_message(SessionsLoaded([], exc.message))
            return
        self.post_message(SessionsLoaded(found))

    def on_sessions_loaded(self, message: SessionsLoaded) -> None:
        if message.error is not None:
            self.notify(message.error, severity="error", markup=False)
            return
        self._loaded(message.sessions, complete=True)

    def _listed(self) -> list[SessionInfo]:
        found = self.sessions
        if self.scenario != ALL:
            found = [info for info in found if info.scenario == self.scenario]
        if self.matches is not None:
            found = [info for info in found if info.id in self.matches]
        key, descending = self._sort_key()
        return sorted(found, key=key, reverse=descending)

    def _fill(self) -> None:
        """The list again from the sessions, the filter, the search and the sort."""
        keep = self._highlighted()
        self.shown = self._listed()
        self._draw(keep)
        self._show_progress()
        self._show_match()

    def _draw(self, keep: int | None) -> None:
        """Hand the rows down, the cursor on session `keep` if it is still shown."""
        searching = self.matches is not None
        found = rows.columns(self.shown, self.sort_by, self.descending, searching)
        at = next((n for n, info in enumerate(self.shown) if info.id == keep), 0)
        self.query_one(SessionList).show(self.shown, found, cursor=at)

    def _cells(self, info: SessionInfo) -> list[str]:
        hits = None if self.matches is None else self.matches.get(info.id)
        return rows.cells(info, self._score_cell(info), hits[0] if hits else None)

    def _score_cell(self, info: SessionInfo) -> str:
        return rows.score_cell(self.scores.get((info.id, info.turns)), self.scoring_failed)

    def _sort_key(self) -> tuple[Callable[[SessionInfo], Any], bool]:
        return rows.sort_key(self.sort_by, self.descending, self.scores), self.descending

    def _highlighted(self) -> int | None:
        index = self.query_one(SessionList).highlighted
        return None if index is None or index >= len(self.shown) else self.shown[index].id

    def _resort(self) -> None:
        keep = self._highlighted()
        key, descending = self._sort_key()
        self.shown = sorted(self.shown, key=key, reverse=descending)
        self._draw(keep)

    def action_sort(self, by: str) -> None:
        if by == self.sort_by:
            self.descending = not self.descending
        else:
            self.sort_by, self.descending = by, rows.SORTS[by]
        self._resort()
        way = "descending" if self.descending else "ascending"
        self.notify(f"Sorted by {by}, {way}.", timeout=2)

    def on_session_list_header_clicked(self, event: SessionList.HeaderClicked) -> None:
        key = event.key
        self.action_sort(rows.COLUMN_SORT.get(key, key if key in rows.SORTS else "date"))

    def action_scenario(self, number: int) -> None:
        self.query_one(Select).value = ALL if number == 0 else SCENARIOS[number - 1]

    def on_select_changed(self, event: Select.Changed) -> None:
        value = str(event.value)
        if value != self.scenario:
            self.scenario = value
            self._fill()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.search_text = event.value.strip()
        if not self.search_text:
            self.matches = None
            self._fill()
        else:
            self.run_search(self.search_text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(SessionList).focus()

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        """FTS5 over every turn, off the UI thread: a common word can match thousands."""
        from chatbot.engine.store import Store
        from chatbot.errors import RehearseError

        try:
            with Store(paths.sessions_dir()) as store:
                hits = store.search(query, limit=SEARCH_LIMIT)
        except RehearseError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.post_message(SearchDone(query, hits))

    def on_search_done(self, message: SearchDone) -> None:
        if message.query != self.search_text:
            return  # the box has changed since: a newer search is on its way
        matches: dict[int, list[tuple[int, str]]] = {}
        for session_id, turn, snippet in message.hits:
            matches.setdefault(session_id, []).append((turn, snippet))
        self.matches = matches
        self.search_full = len(message.hits) >= SEARCH_LIMIT
        self._fill()

    def on_session_list_highlighted(self, event: SessionList.Highlighted) -> None:
        self._show_match()

    def _show_match(self) -> None:
        line = self.query_one("#match", Static)
        line.display = self.matches is not None
        if self.matches is None:
            return
        found = self._highlighted()
        if found is None:
            line.update(Content("Nothing said matches that."))
            return
        hits = self.matches[found]
        turn, snippet = hits[0]
        rest = f" (and {len(hits) - 1} more turns)" if len(hits) > 1 else ""
        full = f" · only the {SEARCH_LIMIT:,} newest matching turns" if self.search_full else ""
        # The snippet is the user's own words (or a persona's): text, never markup.
        line.update(Content(f"Session {found}, turn {turn}: {rows.one_line(snippet)}{rest}{full}"))

    @work(thread=True, exclusive=True, group="scores", exit_on_error=False)
    def score_sessions(self, infos: list[SessionInfo]) -> None:
        """Score sessions with the coach off the UI thread, the rows on screen first."""
        from chatbot.coach.history import open_scorer
        from chatbot.engine.store import Store
        from chatbot.errors import RehearseError

        worker = get_current_worker()
        try:
            # SQLite connections stay on their own thread: this worker opens and closes its own.
            with Store(paths.sessions_dir()) as store:
                scorer = open_scorer(store)
                start = 0
                while start < len(infos) and not worker.is_cancelled:
                    size = FIRST_BATCH if start == 0 else BATCH
                    self.post_message(ScoresReady(scorer.scores(infos[start : start + size])))
                    start += size
        except RehearseError as exc:
            self.post_message(ScoresReady([], exc.message))

    def on_scores_ready(self, message: ScoresReady) -> None:
        self.scoring_failed = message.error is not None
        for result in message.scores:
            self.scores[result.info.id, result.info.turns] = result
        if self.sort_by == "score" and self._all_scored():
            self._resort()
        else:
            self.query_one(SessionList).redraw()
        self._show_progress()

    def _all_scored(self) -> bool:
        return all((info.id, info.turns) in self.scores for info in self.shown)

    def _show_progress(self) -> None:
        shown, total = len(self.shown), len(self.sessions)
        if not self.complete:
            self.sub_title = f"Sessions: the newest {total:,}, reading the rest…"
            line: str | None = "Reading all your sessions…"
        else:
            self.sub_title = (
                f"Sessions: {shown:,}" if shown == total else f"Sessions: {shown:,} of {total:,}"
            )
            line = progress_line(self.shown, self.scores, self.scoring_failed)
        if line is None:
            empty = "No saved sessions yet: practise a conversation first."
            line = "No sessions match." if total else empty
        self.query_one("#sessions-progress", Static).update(Content(line))

    def action_help(self) -> None:
        from chatbot.tui.help_screen import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_open(self) -> None:
        found = self._highlighted()
        if found is not None:
            from chatbot.tui.replay_screen import ReplayScreen

            self.app.push_screen(ReplayScreen(found))

    def on_session_list_selected(self, event: SessionList.Selected) -> None:
        event.stop()
        self.action_open()

    def action_delete(self) -> None:
        from chatbot.tui.confirm_screen import ConfirmScreen

        found = self._highlighted()
        if found is None:
            return
        info = self.by_id[found]
        when = info.started[:16].replace("T", " ")
        question = (
            f"Delete session {info.id} ({info.persona}, {when} UTC, {info.turns} turns)?"
            " Its turns are deleted with it; this cannot be undone."
        )
        self.app.push_screen(ConfirmScreen(question), lambda yes: self._delete(found, yes))

    def _delete(self, session_id: int, yes: bool | None) -> None:
        from chatbot.errors import RehearseError

        if not yes:
            return
        app: Any = self.app
        try:
            app.store().delete(session_id)
        except RehearseError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        self.deleted.add(session_id)  # the full list may be on its way, read before this
        self.sessions = [info for info in self.sessions if info.id != session_id]
        self.shown = [info for info in self.shown if info.id != session_id]
        self.by_id.pop(session_id, None)
        if self.matches is not None:
            self.matches.pop(session_id, None)
        # The cursor stays where it was: on the next session down.
        at = self.query_one(SessionList).cursor
        self._draw(self.shown[min(at, len(self.shown) - 1)].id if self.shown else None)
        self._show_progress()
        self._show_match()
        self.notify(f"Session {session_id} deleted.", timeout=3)
