"""Rapport, guarded replies, discoverables, the time budget and list slots, on a small persona."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chatbot.dialogue.loader import load_persona_file
from chatbot.engine.engine import Engine
from tests.test_dialogue_checks import minimal_persona, write

CULTURE = "What's the culture like on your team?"
NEEDS = "What's the biggest challenge your team is facing right now?"
OPENNESS = "Honestly I'm open to all sorts of roles, I'm not fixed on a title"
OPENINGS = "Are you hiring at the moment?"


def engine(tmp_path: Path, classifier: Any, change: Any = None) -> Engine:
    data = minimal_persona()
    data["stages"]["greeting"]["advance"] = {"when_any": ["affirm"], "max_turns": 30}
    data["stages"]["wrap_up"]["enter"] = ["Let's wrap up."]
    data["rapport"] = {
        "changes": [
            {"intents": ["express_openness"], "delta": 1},
            {"intents": ["ask_about_openings"], "delta": -2, "when": {"stages": ["greeting"]}},
        ]
    }
    data["replies"]["ask_culture"] = [
        {"when": {"rapport_at_least": 1}, "say": ["Warm culture answer."]},
        {"when": {"rapport_below": 0}, "say": ["Curt culture answer."]},
        "Plain culture answer.",
    ]
    data["discoverables"] = [
        {
            "id": "team_need",
            "what": "Their real need.",
            "unlocked_by": ["ask_team_needs"],
            "when": {"after_any": ["ask_culture"]},
            "say": ["The real need, revealed."],
        }
    ]
    if change:
        change(data)
    path, _ = write(tmp_path, data)
    persona = load_persona_file(path, classifier.catalog, {"name", "goal", "skill", "companies"})
    made = Engine(persona, classifier.catalog, classifier.understand, 1, classifier.list_slots)
    made.start()
    return made


def replies(turns: list[Any]) -> list[str]:
    return [t.text for t in turns if t.speaker == "persona"]


def test_guarded_replies_follow_rapport(tmp_path: Path, classifier: Any) -> None:
    plain = engine(tmp_path / "a", classifier)
    assert replies(plain.say(CULTURE)) == ["Plain culture answer."]
    warm = engine(tmp_path / "b", classifier)
    warm.say(OPENNESS)
    assert warm.rapport == 1
    assert replies(warm.say(CULTURE)) == ["Warm culture answer."]
    cool = engine(tmp_path / "c", classifier)
    cool.say(OPENINGS)
    assert cool.rapport == -2
    assert replies(cool.say(CULTURE)) == ["Curt culture answer."]


def test_rapport_changes_only_when_their_condition_holds(tmp_path: Path, classifier: Any) -> None:
    made = engine(tmp_path, classifier)
    made.say("yes, sounds good")  # affirm: on to small talk
    assert made.stage == "small_talk"
    made.say(OPENINGS)
    assert made.rapport == 0
    assert made.turns[-2].meta["rapport"] == 0


def test_a_discoverable_waits_for_its_moment_and_comes_once(
    tmp_path: Path, classifier: Any
) -> None:
    made = engine(tmp_path, classifier)
    early = made.say(NEEDS)
    assert "The real need, revealed." not in replies(early)
    made.say(CULTURE)
    later = made.say(NEEDS)
    assert replies(later) == ["The real need, revealed."]
    assert later[-1].meta == {
        "kind": "reveal",
        "key": "discoverables.team_need",
        "revealed": "team_need",
    }
    assert made.revealed == ["team_need"]
    again = made.say(NEEDS)
    assert "The real need, revealed." not in replies(again)


def test_time_budget_warns_then_ends_in_wrap_up(tmp_path: Path, classifier: Any) -> None:
    def timed(data: dict[str, Any]) -> None:
        data["time"] = {"warn_after_turns": 2, "warn": ["Five minutes left."], "end_after_turns": 4}

    made = engine(tmp_path, classifier, timed)
    made.say(CULTURE)
    second = made.say(CULTURE)
    assert replies(second)[-1] == "Five minutes left."
    made.say(CULTURE)
    fourth = made.say(CULTURE)
    assert made.stage == "wrap_up"
    enter = [t for t in fourth if t.meta.get("kind") == "enter"]
    assert enter and enter[0].meta["reason"] == "time"


def test_time_budget_by_the_clock(tmp_path: Path, classifier: Any) -> None:
    def timed(data: dict[str, Any]) -> None:
        data["time"] = {"warn_at_minutes": 1, "warn": ["A minute gone."], "end_at_minutes": 2}

    made = engine(tmp_path, classifier, timed)
    assert replies(made.say(CULTURE, elapsed=10))[-1] != "A minute gone."
    assert replies(made.say(CULTURE, elapsed=61))[-1] == "A minute gone."
    turns = made.say(CULTURE, elapsed=125)
    assert made.stage == "wrap_up"
    assert turns[-1].meta["kind"] == "enter" and turns[-1].meta["reason"] == "time"


def test_list_slots_gather_every_company(tmp_path: Path, classifier: Any) -> None:
    def companies(data: dict[str, Any]) -> None:
        data["replies"]["share_target_companies"] = ["Noted: {companies}.", "Noted."]

    made = engine(tmp_path, classifier, companies)
    made.say("here's my target list: Acme and Globex")
    made.say("I'm also targeting Initech, Acme and Umbrella Corp")
    assert made.memory["companies"] == "Acme, Globex, Initech and Umbrella Corp"
    assert made.slot_values["companies"] == ["Acme", "Globex", "Initech", "Umbrella Corp"]
