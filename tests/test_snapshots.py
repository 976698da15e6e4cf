"""Snapshots of home, practice, the report, the sessions list and a replay at 80x24 and 120x40."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_engine import FULL
from tests.test_tui import choose, make_app, say, wait_for_coach, wait_for_model
from tests.test_tui_sessions import import_sessions, open_replay, open_sessions

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def _private(home: Path, classifier: Any) -> None:
    """Sessions in a temporary folder (no recent sessions), the model trained beforehand."""


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_home(snap_compare: Any, size: tuple[int, int]) -> None:
    async def ready(pilot: Any) -> None:
        await wait_for_model(pilot.app, pilot)

    assert snap_compare(make_app(seed=3), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_practice_mid_conversation(snap_compare: Any, size: tuple[int, int]) -> None:
    async def talk(pilot: Any) -> None:
        await wait_for_model(pilot.app, pilot)
        await choose(pilot, "priya")
        await wait_for_coach(pilot.app, pilot)
        for text in FULL[:5]:
            await say(pilot, text)

    assert snap_compare(make_app(seed=3), terminal_size=size, run_before=talk)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_practice_coach_hint(snap_compare: Any, size: tuple[int, int]) -> None:
    async def closed_question(pilot: Any) -> None:
        await wait_for_model(pilot.app, pilot)
        await choose(pilot, "priya")
        await wait_for_coach(pilot.app, pilot)
        for text in [*FULL[:10], "do you like your job?"]:
            await say(pilot, text)

    assert snap_compare(make_app(seed=3), terminal_size=size, run_before=closed_question)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_report(snap_compare: Any, size: tuple[int, int]) -> None:
    async def finish(pilot: Any) -> None:
        await wait_for_model(pilot.app, pilot)
        await choose(pilot, "priya")
        await wait_for_coach(pilot.app, pilot)
        for text in FULL:
            await say(pilot, text)
        await pilot.press("f10")
        await pilot.pause()

    assert snap_compare(make_app(seed=3), terminal_size=size, run_before=finish)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_sessions_list(snap_compare: Any, size: tuple[int, int], home: Path) -> None:
    """The five sessions of tests/sessions (their dates are in the files), scored."""
    import_sessions(home)

    async def scored(pilot: Any) -> None:
        await wait_for_model(pilot.app, pilot)
        await open_sessions(pilot.app, pilot)

    assert snap_compare(make_app(seed=3), terminal_size=size, run_before=scored)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_replay_on_a_coached_turn(snap_compare: Any, size: tuple[int, int], home: Path) -> None:
    """Victor's session at turn 3: an intent, flags and the coach's hint."""
    ids = import_sessions(home)

    async def at_turn_three(pilot: Any) -> None:
        await wait_for_model(pilot.app, pilot)
        await open_replay(pilot.app, pilot, ids["victor_rude"])
        await pilot.press("right", "right", "right")
        await pilot.pause()

    assert snap_compare(make_app(seed=3), terminal_size=size, run_before=at_turn_three)
