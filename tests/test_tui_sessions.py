"""The sessions list (sort, filter, search, delete) and the replay screen (step, coach, resume)."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from chatbot import paths
from chatbot.coach.scorecard import coach
from chatbot.dialogue.coach_loader import load_coach
from chatbot.engine import transfer
from chatbot.engine.practice import load_persona
from chatbot.engine.store import Store
from chatbot.shells.records import annotate
from chatbot.tui.app import RehearseApp
from chatbot.tui.confirm_screen import ConfirmScreen
from chatbot.tui.home_screen import HomeScreen
from chatbot.tui.practice_screen import PracticeScreen
from chatbot.tui.replay_screen import ReplayScreen
from chatbot.tui.session_list import GAP, SessionList
from chatbot.tui.sessions_screen import SessionsScreen
from tests.test_tui import lines, make_app, say, wait_for_model

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = sorted((ROOT / "tests" / "sessions").glob("*.json"))
HOSTILE = "[b]tomato[/b] [@click=app.quit]quit[/] [bold red]x"


@pytest.fixture(autouse=True)
def _private(home: Path, classifier: Any) -> None:
    """Sessions in a temporary folder; the model trained before any app starts."""


def import_sessions(home: Path) -> dict[str, int]:
    """tests/sessions/*.json in the store, as `rehearse import` puts them: persona -> id."""
    ids = {}
    with Store(home) as store:
        for path in SESSIONS:
            info, turns = transfer.read(path)
            ids[path.stem] = store.add(info, turns)
    return ids


async def until(pilot: Any, done: Any, what: str) -> None:
    for _ in range(400):
        if done():
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def cells(rows: SessionList, column: int) -> list[str]:
    """What the list draws in `column`, row by row (every row is in view in these tests)."""
    start = sum(c.width + GAP for c in rows.columns[:column]) + 1
    width = rows.columns[column].width
    drawn = [rows.render_line(y).text for y in range(1, len(rows.rows) + 1)]
    return [line[start : start + width].strip() for line in drawn]


def listed(app: RehearseApp) -> list[int]:
    return [int(cell) for cell in cells(app.screen.query_one(SessionList), 0)]


async def open_sessions(app: RehearseApp, pilot: Any, scored: bool = True) -> SessionsScreen:
    await pilot.pause()
    assert isinstance(app.screen, HomeScreen)
    await pilot.press("s")
    screen = app.screen
    assert isinstance(screen, SessionsScreen)
    await until(pilot, lambda: screen.sessions, "the list")
    if scored:
        await until(pilot, lambda: "…" not in cells(screen.query_one(SessionList), 5), "scores")
    return screen


def strip(app: RehearseApp, name: str) -> str:
    return str(app.screen.query_one(name, Static).render())


def coaching_of(path: Path, classifier: Any) -> tuple[Any, list[Any]]:
    info, turns = transfer.read(path)
    persona = load_persona(info["persona"], classifier.catalog)
    return coach(turns, persona, load_coach(paths.dialogues_dir())), turns


async def test_the_sessions_screen_lists_every_session_with_its_score(
    home: Path, classifier: Any
) -> None:
    ids = import_sessions(home)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sessions(app, pilot)
        # Newest first: the files' own `started` dates.
        assert listed(app) == [ids[n] for n in ("lena", "helen", "ruth", "victor_rude", "priya")]
        table = screen.query_one(SessionList)
        priya = cells(table, 5)[listed(app).index(ids["priya"])]
        assert priya == str(coaching_of(SESSIONS[2], classifier)[0].score)
        assert strip(app, "#sessions-progress").startswith("Scores ")
        assert "open questions" in strip(app, "#sessions-progress")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_sorting_by_key_and_by_header(home: Path) -> None:
    import_sessions(home)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sessions(app, pilot)
        table = screen.query_one(SessionList)
        await pilot.press("p")
        assert cells(table, 2) == sorted(cells(table, 2))
        await pilot.press("p")
        assert cells(table, 2) == sorted(cells(table, 2), reverse=True)
        await pilot.press("s")
        scores = [int(s) for s in cells(table, 5)]
        assert scores == sorted(scores, reverse=True)
        await pilot.press("d")
        dates = cells(table, 1)
        assert dates == sorted(dates, reverse=True)
        # A click on a column's header sorts by it too, and the header shows which way.
        persona = sum(c.width + GAP for c in table.columns[:2]) + 2
        await pilot.click(SessionList, offset=(persona, 0))
        await pilot.pause()
        assert screen.sort_by == "persona" and table.columns[2].label == "persona ▲"
        assert cells(table, 2) == sorted(cells(table, 2))


async def test_the_scenario_filter_narrows_the_list(home: Path) -> None:
    ids = import_sessions(home)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sessions(app, pilot, scored=False)
        await pilot.press("1")  # informal interviews: Priya's
        await pilot.pause()
        assert listed(app) == [ids["priya"]]
        await pilot.press("5")  # networking meetings: Victor's
        await pilot.pause()
        assert listed(app) == [ids["victor_rude"]]
        await pilot.press("0")
        await pilot.pause()
        assert len(listed(app)) == 5


async def test_search_narrows_the_list_and_shows_the_snippet_as_text(home: Path) -> None:
    ids = import_sessions(home)
    info, turns = transfer.read(SESSIONS[-1])
    turns[1] = dataclasses.replace(turns[1], text=HOSTILE)
    with Store(home) as store:
        odd = store.add(dict(info, uid=uuid.uuid4().hex), turns)
        expected = {hit[0] for hit in store.search("rain")}
    assert 0 < len(expected) < 6
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sessions(app, pilot, scored=False)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"rain")
        await until(pilot, lambda: screen.matches is not None, "the search")
        assert set(listed(app)) == expected and ids["priya"] in expected
        assert "rain" in strip(app, "#match")
        search = screen.query_one("#search", Input)
        search.value = ""
        await pilot.press(*"[b]tomato")  # typed, as a user would
        await until(pilot, lambda: listed(app) == [odd], "the second search")
        assert app.is_running
        shown = strip(app, "#match")
        assert "[b]tomato[/b]" in shown and "[@click=app.quit]quit[/]" in shown
        match = cells(screen.query_one(SessionList), 6)[0]
        assert "[b]tomato[/b]" in match
        search.value = "[@click=app.quit]"  # markup and FTS5 syntax: both only words here
        await pilot.pause(0.3)
        assert app.is_running
        search.value = ""
        await pilot.pause()
        assert len(listed(app)) == 6 and not screen.query_one("#match").display


async def test_delete_asks_first_then_removes_the_session(home: Path) -> None:
    import_sessions(home)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sessions(app, pilot, scored=False)
        first = listed(app)[0]
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SessionsScreen) and len(listed(app)) == 5
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, SessionsScreen)
        assert len(listed(app)) == 4 and first not in listed(app)
        with Store(home) as store:
            assert first not in [s.id for s in store.sessions()]


def detail(app: RehearseApp) -> str:
    return strip(app, "#turn-detail")


async def open_replay(app: RehearseApp, pilot: Any, session: int) -> ReplayScreen:
    screen = await open_sessions(app, pilot, scored=False)
    screen.query_one(SessionList).cursor = listed(app).index(session)
    await pilot.press("enter")
    replay = app.screen
    assert isinstance(replay, ReplayScreen)
    await until(pilot, lambda: replay.annotations is not None, "the coaching")
    return replay


async def test_replay_steps_through_the_turns_with_the_coach_notes(
    home: Path, classifier: Any
) -> None:
    ids = import_sessions(home)
    coaching, turns = coaching_of(SESSIONS[-1], classifier)  # victor_rude
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        replay = await open_replay(app, pilot, ids["victor_rude"])
        assert replay.current == 0
        for key, where in [
            ("right", 1),
            ("n", 2),
            ("left", 1),
            ("p", 0),
            ("end", len(turns) - 1),
            ("home", 0),
            ("G", len(turns) - 1),
            ("g", 0),
        ]:
            await pilot.press(key)
            assert replay.current == where, key
        await pilot.press("s")
        first_change = next(t.index for t in turns if t.stage != turns[0].stage)
        assert replay.current == first_change
        await pilot.press("tab")
        assert turns[replay.current].stage not in (turns[0].stage, turns[first_change].stage)
        # A user turn with a coach's hint: the intent, the note, the same annotation as --plain.
        note = coaching.note_for(3)
        assert note is not None and note.hint
        await pilot.press("home", *["right"] * 3)
        await pilot.pause()
        shown = detail(app)
        turn = turns[3]
        assert f"{turn.intent} ({turn.confidence:.2f})" in shown
        assert note.hint in shown and "early openings" in shown
        # The transcript line carries the same annotation as `rehearse replay --plain`.
        assert str(replay.lines[3].render()) == f"You: {turn.text}{annotate(turn, note)}"
        assert replay.lines[3].has_class("current")


async def test_replay_shows_what_a_persona_revealed(home: Path, classifier: Any) -> None:
    ids = import_sessions(home)
    _, turns = coaching_of(SESSIONS[2], classifier)  # priya
    revealing = next(t for t in turns if t.meta.get("revealed"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        replay = await open_replay(app, pilot, ids["priya"])
        await pilot.press("home", *["right"] * revealing.index)
        assert replay.current == revealing.index
        assert f"revealed {revealing.meta['revealed']}" in detail(app)


async def test_resume_from_a_user_turn_opens_practice_in_that_state(
    home: Path, classifier: Any
) -> None:
    ids = import_sessions(home)
    _, turns = coaching_of(SESSIONS[2], classifier)  # priya
    before = 12
    assert turns[before].speaker == "user"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_model(app, pilot)
        replay = await open_replay(app, pilot, ids["priya"])
        await pilot.press("r")  # turn 0 is Priya's: there is nothing to resume from
        await pilot.pause()
        assert isinstance(app.screen, ReplayScreen) and replay.resuming is None
        assert any("your own lines" in str(n.message) for n in app._notifications)
        replay._go(before)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, PracticeScreen), "the practice")
        screen = app.screen
        assert isinstance(screen, PracticeScreen) and screen.practice is not None
        assert screen.practice.engine.turns == turns[:before]
        assert not any("changed since" in str(n.message) for n in app._notifications)
        shown = lines(app)
        assert any(line.startswith("Resumed from session") for line in shown)
        assert sum(line.startswith("You: ") for line in shown) == sum(
            t.speaker == "user" for t in turns[:before]
        )
        # It goes on as any practice, saved on the UI thread's own connection.
        await say(pilot, "what does a typical day look like for you?")
        session = screen.practice.session_id
        with Store(home) as store:
            info = store.session(session)
            assert (info.parent_id, info.parent_turn) == (ids["priya"], before)
            saved = store.turns(session)
        assert saved[:before] == turns[:before] and len(saved) > before


async def test_resume_says_when_the_dialogue_changed_since(home: Path, classifier: Any) -> None:
    info, turns = transfer.read(SESSIONS[-1])
    with Store(home) as store:
        session = store.add(dict(info, dialogue_hash="an older dialogue"), turns)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_model(app, pilot)
        replay = await open_replay(app, pilot, session)
        replay._go(3)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, PracticeScreen), "the practice")
        said = [str(n.message) for n in app._notifications]
        assert any(m.startswith("The dialogue changed since") for m in said), said


async def test_resume_waits_for_the_model_with_a_note(home: Path, classifier: Any) -> None:
    ids = import_sessions(home)
    app = make_app()
    app.load_model = lambda: None  # type: ignore[method-assign]  # hold the model back
    async with app.run_test(size=(120, 40)) as pilot:
        replay = await open_replay(app, pilot, ids["victor_rude"])
        replay._go(3)
        await pilot.press("r")
        await pilot.pause()
        note = replay.query_one("#resume-note", Static)
        assert note.display and "Loading the intent model" in str(note.render())
        app._model_loaded(classifier)
        await until(pilot, lambda: isinstance(app.screen, PracticeScreen), "the practice")


async def test_home_opens_a_replay_from_the_recent_sessions(home: Path) -> None:
    ids = import_sessions(home)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#recent", DataTable)
        table.focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReplayScreen)
        assert app.screen.session_id == ids["lena"]


async def test_the_app_can_open_on_a_replay_and_resume_from_a_turn(
    home: Path, classifier: Any
) -> None:
    """`rehearse replay ID` and `rehearse resume ID --turn N` start the app this way."""
    ids = import_sessions(home)
    app = make_app(replay=ids["helen"])
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ReplayScreen), "the replay")
        replay = app.screen
        assert isinstance(replay, ReplayScreen) and replay.session_id == ids["helen"]
        assert replay.current == 0 and replay.resuming is None
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    _, turns = coaching_of(SESSIONS[0], classifier)  # helen
    before = next(t.index for t in turns if t.speaker == "user" and t.index > 10)
    app = make_app(replay=ids["helen"], resume_before=before)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, PracticeScreen), "the practice")
        screen = app.screen
        assert isinstance(screen, PracticeScreen) and screen.practice is not None
        assert screen.practice.engine.turns == turns[:before]
        assert screen.resumed_from == (ids["helen"], before)
        # Under it, the replay it came from, at the turn it resumed before.
        replay = app.screen_stack[-2]
        assert isinstance(replay, ReplayScreen) and replay.turns[replay.current].index == before


async def test_the_newest_sessions_come_first_and_the_rest_from_a_worker(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With more sessions than the first page, the newest are shown at once, the rest after;
    one deleted in between stays deleted."""
    from chatbot.tui import sessions_screen

    ids = import_sessions(home)
    monkeypatch.setattr(sessions_screen, "FIRST_PAGE", 2)
    with Store(home) as store:
        assert [s.id for s in store.sessions(limit=2)] == [ids["lena"], ids["helen"]]
        assert store.sessions(limit=0) == [] and len(store.sessions()) == 5
    app = make_app()
    held: list[Any] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # Hold the worker's answer back, to look at the screen before it comes.
        load_all = SessionsScreen.load_all
        monkeypatch.setattr(SessionsScreen, "load_all", lambda self: held.append(self))
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionsScreen) and not screen.complete
        assert listed(app) == [ids["lena"], ids["helen"]]
        assert "reading the rest" in str(screen.sub_title)
        assert strip(app, "#sessions-progress") == "Reading all your sessions…"
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        monkeypatch.setattr(SessionsScreen, "load_all", load_all)
        held[0].load_all()
        await until(pilot, lambda: screen.complete, "the whole list")
        assert listed(app) == [ids[n] for n in ("helen", "ruth", "victor_rude", "priya")]
        assert str(screen.sub_title) == "Sessions: 4"
