"""The Textual app driven by Pilot: choose, converse with a coach, report, home with scores."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, OptionList, Static
from textual.widgets._data_table import default_cell_formatter

from chatbot import paths
from chatbot.coach.scorecard import coach
from chatbot.dialogue.coach_loader import load_coach
from chatbot.tui.app import RehearseApp
from chatbot.tui.help_screen import HelpScreen
from chatbot.tui.history_input import HistoryInput
from chatbot.tui.home_screen import HomeScreen
from chatbot.tui.practice_screen import PracticeScreen
from chatbot.tui.report_screen import ReportScreen
from chatbot.tui.stage_tracker import StageTracker
from chatbot.tui.transcript import Transcript
from tests.test_engine import FULL


@pytest.fixture(autouse=True)
def _private(home: Path, classifier: Any) -> None:
    """Sessions in a temporary folder; the model trained before any app starts."""


def make_app(**kwargs: Any) -> RehearseApp:
    return RehearseApp(typing_delay=0, clock=lambda: 0.0, cursor_blink=False, **kwargs)


async def wait_for_model(app: RehearseApp, pilot: Any) -> None:
    for _ in range(300):
        if app.classifier is not None:
            break
        await pilot.pause(0.05)
    assert app.classifier is not None
    await pilot.pause()


async def wait_for_coach(app: RehearseApp, pilot: Any) -> PracticeScreen:
    """The practice has begun and the coach's data has loaded (a worker does both)."""
    await wait_for_model(app, pilot)
    screen = app.screen
    assert isinstance(screen, PracticeScreen)
    for _ in range(300):
        if screen.coach_data is not None:
            break
        await pilot.pause(0.05)
    assert screen.coach_data is not None
    await pilot.pause()
    return screen


def panel(app: RehearseApp) -> str:
    return str(app.screen.query_one("#coach-text", Static).render())


def text_of(app: RehearseApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def say(pilot: Any, text: str) -> None:
    box = pilot.app.screen.query_one(HistoryInput)
    box.value = text
    await pilot.press("enter")
    await pilot.pause()


def lines(app: RehearseApp) -> list[str]:
    transcript = app.screen.query_one(Transcript)
    return [str(w.render()) for w in transcript.query(Static)]


async def choose(pilot: Any, persona: str) -> None:
    options = pilot.app.screen.query_one(OptionList)
    index = next(
        i for i in range(options.option_count) if options.get_option_at_index(i).id == persona
    )
    options.highlighted = index
    await pilot.press("enter")
    await pilot.pause()


async def test_choose_converse_end_report_and_home() -> None:
    app = make_app(seed=3)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await wait_for_model(app, pilot)
        await choose(pilot, "priya")
        assert isinstance(app.screen, PracticeScreen)
        for text in FULL:
            await say(pilot, text)
        practice = app.screen.practice
        assert practice is not None and practice.engine.ended
        assert practice.engine.conversation.visited == [
            "greeting",
            "small_talk",
            "questions",
            "interviewee_questions",
            "wrap_up",
            "ended",
        ]
        assert app.screen.query_one(StageTracker).stage == "ended"
        shown = lines(app)
        assert any(line.startswith("You: I'm Sam") for line in shown)
        assert sum(line.startswith("Priya: ") for line in shown) > len(FULL)
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        report = text_of(app)
        assert "Score: " in report and "Your questions" in report
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#recent").row_count == 1


async def test_hint_and_help_keys() -> None:
    app = make_app(persona="priya", seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_coach(app, pilot)
        assert panel(app).startswith("Say hello")  # no hint yet: what the stage is for
        await pilot.press("f2")
        await pilot.pause()
        first = panel(app)
        assert first.startswith("Try asking about ") and "Say hello" in first
        await pilot.press("f2")
        await pilot.pause()
        second = panel(app)
        assert second.startswith("Try asking about ") and second != first
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)


async def test_the_coach_panel_shows_the_same_hint_the_report_gives() -> None:
    app = make_app(persona="priya", seed=3)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_for_coach(app, pilot)
        for text in FULL[:10]:
            await say(pilot, text)
        assert screen.practice is not None
        engine = screen.practice.engine
        assert engine.stage == "interviewee_questions"
        await say(pilot, "do you like your job?")
        coaching = coach(engine.turns, engine.persona, load_coach(paths.dialogues_dir()))
        note = coaching.notes[-1]
        assert note.hint_kind == "closed" and note.hint is not None
        assert note.hint == coaching.last_hint
        assert panel(app).startswith(note.hint + "\n\n")  # the hint, then the stage's purpose
        # The hint key offers questions; the next line brings back the coach's own hint.
        await pilot.press("f2")
        await pilot.pause()
        assert panel(app).startswith("Try asking about ")
        await say(pilot, "what do you enjoy most about your work?")
        coaching = coach(engine.turns, engine.persona, load_coach(paths.dialogues_dir()))
        assert not panel(app).startswith("Try asking about ")
        assert panel(app).startswith(coaching.last_hint or "Your turn.")
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        assert f"turn {note.index}: {note.hint}" in text_of(app)


async def test_report_scorecard_copy_and_markdown_export(home: Path) -> None:
    app = make_app(persona="priya", seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_coach(app, pilot)
        for text in FULL:
            await say(pilot, text)
        assert screen.practice is not None
        session = screen.practice.session_id
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        report = text_of(app)
        assert "Score: " in report
        assert any(line.startswith(("✓ ", "✗ ")) for line in report.splitlines())
        subject = "Thank you for your time, Priya"
        assert f"Subject: {subject}" in report
        # At 80x24 the report is taller than the screen, and the keys scroll it.
        scroll = app.screen.query_one("#report")
        assert scroll.max_scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert scroll.scroll_y > 0
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard.startswith(f"Subject: {subject}\n\nHi Priya,")
        await pilot.press("m")
        await pilot.pause()
        path = home / "exports" / f"session-{session}-report.md"
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
        markdown = path.read_text(encoding="utf-8")
        assert markdown.startswith(f"# Report: session {session}") and "## Transcript" in markdown
        assert any(str(path) in str(n.message) for n in app._notifications)


async def first_score(app: RehearseApp, pilot: Any) -> str:
    """The score cell of the newest session, once the scoring worker has filled it in."""
    table = app.screen.query_one("#recent", DataTable)
    for _ in range(300):
        if default_cell_formatter(table.get_cell_at((0, 5))).plain != "…":
            break
        await pilot.pause(0.05)
    return str(default_cell_formatter(table.get_cell_at((0, 5))).plain)


async def test_home_scores_finished_sessions_after_the_first_frame(
    home: Path, classifier: Any
) -> None:
    from chatbot.engine.practice import Practice, load_persona
    from chatbot.engine.store import Store

    with Store(home) as store:
        practice = Practice.begin(store, load_persona("priya", classifier.catalog), classifier, 3)
        practice.start()
        for text in FULL:
            practice.say(text)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        score = await first_score(app, pilot)
        engine = practice.engine
        expected = coach(engine.turns, engine.persona, load_coach(paths.dialogues_dir())).score
        assert score == str(expected) and 0 < expected <= 100
        strip = str(app.screen.query_one("#progress", Static).render())
        assert strip.startswith("Scores ") and "open questions" in strip


async def test_home_without_sessions_says_so() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        strip = str(app.screen.query_one("#progress", Static).render())
        assert strip.startswith("No sessions yet")


async def test_input_history_walks_up_and_down() -> None:
    app = make_app(persona="priya", seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_model(app, pilot)
        await say(pilot, "first line")
        await say(pilot, "second line")
        box = app.screen.query_one(HistoryInput)
        await pilot.press("up")
        assert box.value == "second line"
        await pilot.press("up")
        assert box.value == "first line"
        await pilot.press("down")
        assert box.value == "second line"
        await pilot.press("down")
        assert box.value == ""


async def test_markup_and_control_characters_are_shown_literally() -> None:
    hostile = "[/] [@click=app.quit]quit[/] [bold red]x \x1b[31m end"
    app = make_app(persona="priya", seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_model(app, pilot)
        await say(pilot, hostile)
        assert app.is_running
        assert any(line == f"You: {hostile}" for line in lines(app))
        await pilot.press("f10")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ReportScreen)
        # The unsigned note ends "[your name]": text from a file, which markup would swallow.
        assert "[your name]" in text_of(app)


async def test_typing_before_the_model_is_ready_is_kept(classifier: Any) -> None:
    app = make_app(persona="priya", seed=1)
    app.load_model = lambda: None  # type: ignore[method-assign]  # hold the model back
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        await say(pilot, "hello there, I'm Kim")
        assert screen.waiting == ["hello there, I'm Kim"] and screen.practice is None
        app._model_loaded(classifier)
        await pilot.pause()
        assert screen.waiting == [] and screen.practice is not None
        assert [t.text for t in screen.practice.engine.turns if t.speaker == "user"] == [
            "hello there, I'm Kim"
        ]


def test_the_app_module_imports_no_spacy() -> None:
    """The first frame can appear before spaCy is imported: the model loads in a worker."""
    code = "import sys, chatbot.tui.app as a; a.RehearseApp(); print('spacy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


async def test_stored_values_in_the_sessions_table_are_literal(home: Path) -> None:
    from chatbot.engine.store import Store

    with Store(home) as store:
        session = store.create("[b]odd[/b]", "informal_interview", 1, "d", "m", "0")
        store.append(session, [], "[i]odd[/i]", False)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#recent", DataTable)
        assert table.row_count == 1
        shown = [default_cell_formatter(cell).plain for cell in table.get_row_at(0)]
        assert "[b]odd[/b]" in shown and "[i]odd[/i]" in shown
        assert default_cell_formatter("[b]odd[/b]").plain == "odd"  # what a plain str would show
        assert await first_score(app, pilot) == "—"  # no such persona: nothing to score against
        assert str(app.screen.query_one("#progress", Static).render()).startswith("No scores")
