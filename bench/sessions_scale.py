"""Benchmark: ten thousand stored sessions, in the store and on the app's sessions screen."""

from __future__ import annotations

import dataclasses
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from child import child

ROOT = Path(__file__).resolve().parent.parent

# In its own process, as a user starts it: home, then S. A probe on the list's drawing notes
# when the first row reaches the screen; every figure is in milliseconds.
_SCREEN = """
import asyncio, json, time
from textual.widgets import Input
from chatbot.tui.app import RehearseApp
from chatbot.tui.session_list import SessionList

# What to watch for and when the list was first drawn with it true: a check made in the
# drawing itself, so the figure is the frame that shows it, not when a poll noticed.
watch = {"done": None, "at": None}
draw = SessionList.render_line
def probe(self, y):
    line = draw(self, y)
    if y == 1 and watch["at"] is None and watch["done"] is not None and watch["done"](self):
        watch["at"] = time.perf_counter()
    return line
SessionList.render_line = probe

class Timed(RehearseApp):
    def load_model(self):
        pass

async def until(pilot, done):
    while not done():
        await asyncio.sleep(0.001)
    return time.perf_counter()

async def shown(pilot, done):
    watch.update(done=done, at=None)
    while watch["at"] is None:
        await asyncio.sleep(0.001)
    return watch["at"]

def press(pilot, key):
    # Pilot's press waits for the app to go idle; the clock must start at the key itself.
    return asyncio.create_task(pilot.press(key))

async def main():
    app = Timed(cursor_blink=False)
    out = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(2)
        began = time.perf_counter()
        pressed = press(pilot, "s")
        out["rows"] = await shown(pilot, lambda widget: len(widget.rows) > 0) - began
        screen = app.screen
        rows = screen.query_one(SessionList)
        out["all"] = await until(pilot, lambda: screen.complete) - began
        done = lambda: screen.complete and len(screen.scores) >= len(screen.sessions)
        out["scored"] = await until(pilot, done) - began
        await pressed
        await pilot.pause()
        began = time.perf_counter()
        press(pilot, "s")
        out["sort"] = await shown(pilot, lambda _: screen.sort_by == "score") - began
        began = time.perf_counter()
        press(pilot, "2")
        out["filter"] = await shown(pilot, lambda _: len(rows.rows) < len(screen.sessions)) - began
        await pilot.press("0")
        await until(pilot, lambda: len(rows.rows) == len(screen.sessions))
        began = time.perf_counter()
        screen.query_one("#search", Input).value = "tomato plants"
        out["search"] = await shown(pilot, lambda _: screen.matches is not None) - began
    print(json.dumps({k: v * 1000 for k, v in out.items()}))

asyncio.run(main())
"""


def screen_times(home: str, runs: int = 3) -> dict[str, float]:
    """The sessions screen over the store in `home`: the median of `runs` fresh processes."""
    found: list[dict[str, float]] = []
    for _ in range(runs):
        found.append(json.loads(child("-c", _SCREEN, home=home).strip().splitlines()[-1]))
    return {
        f"screen_{key}_ms": round(statistics.median(f[key] for f in found), 1) for key in found[0]
    }


def sessions_at_scale(home: str, count: int = 10_000, turns: int = 40) -> dict[str, Any]:
    """A store of `count` sessions of `turns` turns (a real session's turns, repeated): the
    list with scores, a search, opening one replay (its turns and its coaching), and the app's
    sessions screen over it."""
    import uuid

    from chatbot.coach.history import open_scorer
    from chatbot.coach.scorecard import coach
    from chatbot.engine import transfer
    from chatbot.engine.store import Store

    info, recorded = transfer.read(ROOT / "tests" / "sessions" / "priya.json")
    recorded = (recorded * (turns // len(recorded) + 1))[:turns]
    recorded = [dataclasses.replace(t, index=i) for i, t in enumerate(recorded)]
    with Store(Path(home)) as store:
        started = time.perf_counter()
        for i in range(count):
            when = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{i % 59:02d}"
            store.add(dict(info, uid=uuid.uuid4().hex, started=when), recorded)
        fill = time.perf_counter() - started
        scorer = open_scorer(store)
        started = time.perf_counter()
        scorer.scores(store.sessions())
        first = time.perf_counter() - started
        persona = scorer.persona(info["persona"])
        assert persona is not None
        middle = store.sessions()[count // 2].id

        def median_ms(step: Callable[[], object]) -> float:
            times = []
            for _ in range(7):
                begun = time.perf_counter()
                step()
                times.append(time.perf_counter() - begun)
            return round(statistics.median(times) * 1000, 1)

        measured = {
            "sessions": count,
            "turns_each": turns,
            "fill_s": round(fill, 1),
            "first_scoring_s": round(first, 1),
            "list_ms": median_ms(lambda: scorer.scores(store.sessions())),
            "home_list_ms": median_ms(lambda: store.sessions(limit=8)),
            "search_ms": median_ms(lambda: store.search("tomato plants")),
            "replay_ms": median_ms(lambda: coach(store.turns(middle), persona, scorer.data)),
        }
    return {**measured, **screen_times(home)}


if __name__ == "__main__":
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(sessions_at_scale(folder, args.count), indent=2))
