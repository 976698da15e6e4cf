"""The sessions list's columns, cells and orders: what each row shows, and where it sorts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from chatbot.dialogue.contract import SCENARIOS
from chatbot.tui.session_list import Column

if TYPE_CHECKING:
    from chatbot.coach.history import SessionScore
    from chatbot.engine.store import SessionInfo

# Short enough that the table fits 80 columns.
SHORT_SCENARIO = {
    "informal_interview": "informal",
    "internal_soft_interview": "soft, internal",
    "external_soft_interview": "soft, external",
    "informational_interview": "informational",
    "networking_meeting": "networking",
}
MATCH_WIDTH = 70
# Each sort and whether it starts descending: dates and scores newest and best first.
SORTS = {"date": True, "score": True, "persona": False, "scenario": False, "turns": True}
# A click on a header sorts by its column; the id sorts as the date does.
COLUMN_SORT = {"id": "date", "date": "date", "persona": "persona", "scenario": "scenario"}
NUMBERS = {"id", "turns", "score"}
LABELS = {
    "id": "id",
    "date": "started (UTC)",
    "persona": "persona",
    "scenario": "scenario",
    "turns": "turns",
    "score": "score",
}

Scores = Mapping[tuple[int, int], "SessionScore"]


def columns(
    shown: Sequence[SessionInfo], sort_by: str, descending: bool, searching: bool
) -> list[Column]:
    """Each column as wide as the widest thing in it, the sorted one marked with its way."""
    personas = {info.persona for info in shown}
    scenarios = {short(info.scenario) for info in shown}
    widths = {
        "id": len(str(max((info.id for info in shown), default=0))),
        "date": 16,
        "persona": max(map(len, personas), default=0),
        "scenario": max(map(len, scenarios), default=0),
        "turns": len(str(max((info.turns for info in shown), default=0))),
        "score": 3,
    }
    labels = dict(LABELS)
    if searching:
        labels["match"] = "match"
        widths["match"] = MATCH_WIDTH
    found = []
    for key, label in labels.items():
        if key != "id" and COLUMN_SORT.get(key, key) == sort_by:
            label += " ▼" if descending else " ▲"
        found.append(Column(key, label, max(widths[key], len(label)), right=key in NUMBERS))
    return found


def cells(info: SessionInfo, score: str, match: tuple[int, str] | None) -> list[str]:
    found = [
        str(info.id),
        info.started[:16].replace("T", " "),
        info.persona,
        short(info.scenario),
        str(info.turns),
        score,
    ]
    if match is not None:
        found.append(f"turn {match[0]}: {one_line(match[1])}")
    return found


def score_cell(result: SessionScore | None, failed: bool) -> str:
    if result is None:
        return "—" if failed else "…"
    return "—" if result.score is None else str(result.score)


def sort_key(sort_by: str, descending: bool, scores: Scores) -> Callable[[SessionInfo], Any]:
    def score(info: SessionInfo) -> Any:
        found = scores.get((info.id, info.turns))
        value = None if found is None else found.score
        # Sessions without a score come last whichever way the scores run.
        return ((value is not None) == descending, value or 0, info.started, info.id)

    keys: dict[str, Callable[[SessionInfo], Any]] = {
        "date": lambda i: (i.started, i.id),
        "score": score,
        "persona": lambda i: (i.persona, i.started, i.id),
        "scenario": lambda i: (
            SCENARIOS.index(i.scenario) if i.scenario in SCENARIOS else 99,
            i.started,
            i.id,
        ),
        "turns": lambda i: (i.turns, i.started, i.id),
    }
    return keys[sort_by]


def short(scenario: str) -> str:
    return SHORT_SCENARIO.get(scenario, scenario)


def one_line(text: str) -> str:
    return " ".join(text.split())
