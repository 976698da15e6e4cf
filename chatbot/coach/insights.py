"""Insights beyond the checks: questions, topics, talk share, hedges, fillers, time, discoveries."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from chatbot.coach.notes import focus
from chatbot.coach.reading import Reading, elapsed_of, revealed_of
from chatbot.dialogue.coaching import CoachData
from chatbot.dialogue.contract import STAGES, is_question_intent
from chatbot.dialogue.models import Persona
from chatbot.engine.turns import Turn

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def _per_100(phrases: Sequence[str], said: list[str]) -> float:
    if not said:
        return 0.0
    text = " " + " ".join(said) + " "
    hits = sum(text.count(f" {p.lower()} ") for p in phrases)
    return round(100 * hits / len(said), 1)


def _top_words(said: list[str], n: int = 8) -> list[list[Any]]:
    from spacy.lang.en.stop_words import STOP_WORDS

    counts = Counter(w for w in said if len(w) > 2 and w not in STOP_WORDS and "'" not in w)
    return [[w, c] for w, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def _time_per_stage(readings: Sequence[Reading]) -> dict[str, float] | None:
    """Seconds in each stage, from the elapsed time recorded on each user turn."""
    marks = [(r.turn.stage, elapsed_of(r.turn)) for r in readings]
    if not marks or any(e is None for _, e in marks):
        return None
    out: dict[str, float] = {}
    previous = 0.0
    for stage, elapsed in marks:
        assert elapsed is not None
        out[stage] = round(out.get(stage, 0.0) + max(0.0, elapsed - previous), 1)
        previous = elapsed
    return out


def insights(
    turns: Sequence[Turn], readings: Sequence[Reading], persona: Persona, data: CoachData
) -> dict[str, Any]:
    questions = [r for r in readings if r.analysis.is_question]
    open_ = [r for r in questions if r.analysis.form == "open"]
    asked = [r.intent for r in readings if is_question_intent(r.intent)]
    main = focus(data, persona.persona.scenario)
    user_said = [w for r in readings for w in words(r.turn.text)]
    talk: dict[str, dict[str, Any]] = {}
    for turn in turns:
        stage = turn.stage if turn.stage in STAGES else "wrap_up"
        entry = talk.setdefault(stage, {"user_words": 0, "persona_words": 0})
        entry["user_words" if turn.speaker == "user" else "persona_words"] += len(words(turn.text))
    for entry in talk.values():
        total = entry["user_words"] + entry["persona_words"]
        entry["user_share"] = round(entry["user_words"] / total, 2) if total else 0.0
    found = [r for r in map(revealed_of, turns) if r]
    missed = [d for d in persona.discoverables if d.id not in found]
    return {
        "questions_asked": len(questions),
        "questions_counted": sum(r.analysis.count for r in questions),
        "open_share": round(len(open_) / len(questions), 2) if questions else 0.0,
        "stacked": sum(1 for r in questions if r.analysis.stacked),
        "leading": sum(1 for r in questions if r.analysis.leading),
        "follow_ups": sum(1 for r in questions if r.analysis.follow_up),
        "topics_covered": [t for t in dict.fromkeys(asked) if t in data.topics],
        "topics_missed": [t for t in main if t not in asked],
        "talk_share": {s: talk[s] for s in STAGES if s in talk},
        "user_words": len(user_said),
        "hedges_per_100": _per_100(data.coach.hedges, user_said),
        "fillers_per_100": _per_100(data.coach.fillers, user_said),
        "top_words": _top_words(user_said),
        "time_per_stage": _time_per_stage(readings),
        "discoverables_found": [
            {"id": d.id, "what": d.what} for d in persona.discoverables if d.id in found
        ],
        "discoverables_missed": [
            {"id": d.id, "what": d.what, "unlocked_by": list(d.unlocked_by)} for d in missed
        ],
    }
