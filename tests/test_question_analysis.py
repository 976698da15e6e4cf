"""Question analysis against a labelled set written blind: open, closed, none; stacked; leading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from chatbot.coach.analysis import analyse

QUESTIONS = Path(__file__).resolve().parent / "data" / "questions.yaml"


def _turns(part: str) -> list[dict[str, Any]]:
    """The rules were tuned on the even-numbered turns only; the odd ones are held out."""
    turns = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["turns"]
    return [t for i, t in enumerate(turns) if i % 2 == (0 if part == "tuned" else 1)]


def accuracy(part: str) -> dict[str, float]:
    turns = _turns(part)
    got = [analyse(t["text"]) for t in turns]
    n = len(turns)
    return {
        "form": sum(a.form == t["form"] for a, t in zip(got, turns, strict=True)) / n,
        "question": sum(
            a.is_question == (t["form"] != "none") for a, t in zip(got, turns, strict=True)
        )
        / n,
        "stacked": sum(a.stacked == t["stacked"] for a, t in zip(got, turns, strict=True)) / n,
        "leading": sum(a.leading == t["leading"] for a, t in zip(got, turns, strict=True)) / n,
    }


def test_the_labelled_set_is_sound() -> None:
    turns = _turns("tuned") + _turns("held_out")
    assert len(turns) >= 250
    assert {t["form"] for t in turns} == {"open", "closed", "none"}
    assert len({t["text"] for t in turns}) == len(turns)
    assert all(not t["leading"] for t in turns if t["form"] == "none")


def test_held_out_accuracy() -> None:
    # Floors a little under the measured figures (form 88.9%, question 93.8%, stacked and
    # leading 97.9%): a rule change that costs real accuracy fails here.
    scores = accuracy("held_out")
    assert scores["form"] >= 0.86
    assert scores["question"] >= 0.92
    assert scores["stacked"] >= 0.95
    assert scores["leading"] >= 0.95


@pytest.mark.parametrize(
    ("text", "form", "count", "leading"),
    [
        ("What does a good week look like for your team?", "open", 1, False),
        ("do you like working there", "closed", 1, False),
        ("Could you walk me through how you got into this?", "open", 1, False),
        ("How did you start, and what do you enjoy about it?", "open", 2, False),
        ("What's the team like? Are they remote?", "open", 2, False),
        ("The culture is great, right?", "closed", 1, True),
        ("Don't you think remote work is better?", "closed", 1, True),
        ("how many people are on the team", "closed", 1, False),
        ("I'm curious what a typical day looks like", "open", 1, False),
        ("I wonder whether I should retrain.", "none", 0, False),
        ("That's how I got into it.", "none", 0, False),
        ("Thanks, this was really helpful!", "none", 0, False),
        ("", "none", 0, False),
    ],
)
def test_examples(text: str, form: str, count: int, leading: bool) -> None:
    found = analyse(text)
    assert (found.form, found.count, found.leading) == (form, count, leading)


def test_follow_up_builds_on_what_was_just_said() -> None:
    said = "We've just finished migrating the billing platform, and it nearly broke us."
    assert analyse("How did the billing migration change the team?", said).follow_up
    assert analyse("You mentioned it nearly broke you, why was that?", said).follow_up
    assert not analyse("What's the culture like?", said).follow_up
    assert not analyse("How did the billing migration go?").follow_up  # nothing before it
