"""The coach as a pure function: each rubric check both ways on crafted sessions; hints; notes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from chatbot.coach.rubric import CHECKS
from chatbot.coach.scorecard import Coaching, coach, score_of, suggestion
from chatbot.dialogue.coach_loader import load_coach
from chatbot.dialogue.coaching import CoachData
from chatbot.dialogue.loader import catalog_of, load_intents, load_persona_file, load_slots
from chatbot.dialogue.models import RUBRIC_CHECKS, Persona, RubricItem
from chatbot.engine.turns import Turn

Line = tuple[str, str, str] | tuple[str, str, str, dict[str, Any]]


@pytest.fixture(scope="module")
def data(dialogues: Path) -> CoachData:
    return load_coach(dialogues)


def _persona(dialogues: Path, persona_id: str) -> Persona:
    catalog = catalog_of(load_intents(dialogues))
    slots = set(load_slots(dialogues, catalog))
    return load_persona_file(dialogues / "personas" / f"{persona_id}.yaml", catalog, slots)


@pytest.fixture(scope="module")
def everything(dialogues: Path) -> Persona:
    """Victor, judged on every check there is, each weighing 1."""
    victor = _persona(dialogues, "victor")
    rubric = tuple(RubricItem(check=c, weight=1, why=f"because {c}") for c in RUBRIC_CHECKS)  # type: ignore[arg-type]
    return victor.model_copy(update={"rubric": rubric})


def session(lines: Sequence[Line]) -> list[Turn]:
    """Turns from (speaker, stage, intent-or-text[, meta]); a user line is (stage, intent, text)."""
    turns: list[Turn] = []
    for line in lines:
        who, stage, rest = line[0], line[1], line[2]
        meta = line[3] if len(line) > 3 else {}  # type: ignore[misc]
        if who == "p":
            turns.append(Turn(len(turns), "persona", rest, stage, meta={"kind": "reply", **meta}))
        else:
            intent, text = rest.split("|", 1)
            turns.append(
                Turn(
                    len(turns), "user", text, stage, intent=intent, confidence=0.9, meta=dict(meta)
                )
            )
    return turns


def verdict(result: Coaching, check: str) -> tuple[bool, list[int]]:
    found = next(c for c in result.checks if c.id == check)
    return found.passed, [i for i, _ in found.evidence]


GOOD = session(
    [
        ("p", "greeting", "Morning! Grab a seat."),
        ("u", "greeting", "greet|hi Victor, good to meet you"),
        ("p", "greeting", "Likewise."),
        (
            "u",
            "greeting",
            "introduce_self|I'm Dana, a backend engineer",
            {"slots": {"name": ["Dana"]}},
        ),
        ("p", "small_talk", "How was the trip in?"),
        ("u", "small_talk", "small_talk_setting|easy, and this coffee is great"),
        ("p", "small_talk", "Best in town."),
        ("u", "small_talk", "state_purpose|I'd love your advice on my search, not a job"),
        ("p", "questions", "Tell me what you want."),
        ("u", "questions", "share_goals|I want to lead a platform team one day"),
        ("p", "questions", "Good."),
        ("u", "questions", "express_openness|I'm open to different titles"),
        ("p", "questions", "And your strengths?"),
        ("u", "questions", "share_skills|I'm good at reliable pipelines"),
        ("p", "questions", "Ideal role?"),
        ("u", "questions", "share_ideal_role|ideally I'd own infrastructure end to end"),
        ("p", "questions", "Targets?"),
        ("u", "questions", "share_target_companies|Kestrel Labs and Orbital Freight"),
        ("p", "interviewee_questions", "Your turn: the platform migration is eating us alive."),
        ("u", "interviewee_questions", "ask_team_needs|What makes the platform migration so hard?"),
        ("p", "interviewee_questions", "Mostly people.", {"revealed": "referral"}),
        ("u", "interviewee_questions", "ask_advice|What would you do in my position?"),
        ("p", "interviewee_questions", "Ship something small."),
        ("u", "interviewee_questions", "ask_referral|Who else would be worth my talking to?"),
        ("p", "interviewee_questions", "Talk to Ines."),
        ("u", "interviewee_questions", "offer_help|if I can ever help with the meetup, just ask"),
        ("p", "wrap_up", "Let's wrap up."),
        ("u", "wrap_up", "thank_you|thank you, this was so useful"),
        ("p", "wrap_up", "Any time."),
        ("u", "wrap_up", "promise_follow_up|I'll let you know how it goes"),
        ("p", "ended", "Bye now."),
    ]
)

RUDE = session(
    [
        ("p", "greeting", "Morning! Grab a seat."),
        ("u", "greeting", "greet|hey"),
        ("p", "greeting", "Hi."),
        ("u", "greeting", "ask_about_openings|are you hiring?"),
        ("p", "greeting", "Hold on."),
        ("u", "greeting", "ask_compensation|what's the salary range for seniors?"),
        ("p", "small_talk", "Let's talk first."),
        ("u", "small_talk", "ask_about_openings|do you know anyone hiring?"),
        ("p", "wrap_up", "Right, my call is starting.", {"reason": "time"}),
        ("u", "wrap_up", "goodbye|bye"),
        ("p", "ended", "Good luck."),
    ]
)


def test_every_rubric_check_has_a_rule() -> None:
    assert set(CHECKS) == set(RUBRIC_CHECKS)


@pytest.mark.parametrize("check", RUBRIC_CHECKS)
def test_each_check_passes_a_good_session_and_fails_a_rude_one(
    check: str, everything: Persona, data: CoachData
) -> None:
    good, bad = coach(GOOD, everything, data), coach(RUDE, everything, data)
    passed, evidence = verdict(good, check)
    assert passed, (check, next(c.found for c in good.checks if c.id == check))
    assert not verdict(bad, check)[0], check
    # Evidence quotes the very turns, and only user turns or the persona's time call.
    for index in evidence:
        assert GOOD[index].speaker == "user" or GOOD[index].meta.get("reason") == "time"


def _without(turns: list[Turn], *intents: str) -> list[Turn]:
    kept = [t for t in turns if t.intent not in intents]
    return [
        Turn(i, t.speaker, t.text, t.stage, t.intent, t.confidence, t.node, t.meta)
        for i, t in enumerate(kept)
    ]


@pytest.mark.parametrize(
    ("check", "removed"),
    [
        ("greeted_and_introduced", ("introduce_self",)),
        ("small_talk_first", ("small_talk_setting",)),
        ("shared_goals_with_openness", ("express_openness",)),
        ("shared_skills_and_ideal_role", ("share_ideal_role",)),
        ("shared_target_companies", ("share_target_companies",)),
        ("learned_their_needs", ("ask_team_needs",)),
        ("asked_who_else", ("ask_referral",)),
        ("offered_help", ("offer_help",)),
        ("thanked_them", ("thank_you",)),
        ("agreed_follow_up", ("promise_follow_up",)),
        ("asked_for_advice_not_a_job", ("ask_advice", "state_purpose")),
    ],
)
def test_one_missing_move_fails_just_its_check(
    check: str, removed: tuple[str, ...], everything: Persona, data: CoachData
) -> None:
    result = coach(_without(GOOD, *removed), everything, data)
    assert not verdict(result, check)[0]
    others = [c.id for c in result.checks if not c.passed and c.id != check]
    # Taking away those two also takes away an open question, and with it the open share.
    takes_a_question = check in ("learned_their_needs", "asked_for_advice_not_a_job")
    assert others == (["asked_open_questions"] if takes_a_question else [])


def test_open_questions_needs_half_open(everything: Persona, data: CoachData) -> None:
    closed = session(
        [
            ("u", "interviewee_questions", "ask_culture|Is the culture good?"),
            ("u", "interviewee_questions", "ask_typical_day|Do you work long days?"),
            ("u", "interviewee_questions", "ask_industry|Where is the field heading?"),
        ]
    )
    result = coach(closed, everything, data)
    assert not verdict(result, "asked_open_questions")[0]
    assert "1 of your 3 questions were open" in next(
        c.found for c in result.checks if c.id == "asked_open_questions"
    )


def test_kept_to_time_needs_a_wrap_up_and_no_overrun(everything: Persona, data: CoachData) -> None:
    unfinished = session([("u", "greeting", "greet|hello"), ("p", "small_talk", "Hi!")])
    assert not verdict(coach(unfinished, everything, data), "kept_to_time")[0]
    assert not coach(unfinished, everything, data).complete
    assert verdict(coach(RUDE, everything, data), "kept_to_time") == (False, [8])


def test_late_opening_question_is_not_early(everything: Persona, data: CoachData) -> None:
    late = [
        *GOOD[:-6],
        Turn(
            len(GOOD) - 6,
            "user",
            "Are there roles coming up?",
            "interviewee_questions",
            "ask_about_openings",
            0.9,
        ),
    ]
    result = coach(late, everything, data)
    assert verdict(result, "no_early_jobs_or_pay")[0]
    assert result.notes[-1].flags == ()


def test_rude_candidate_is_flagged_and_far_below(everything: Persona, data: CoachData) -> None:
    good, bad = coach(GOOD, everything, data), coach(RUDE, everything, data)
    assert good.score == 100 and bad.score <= 20
    flags = [f for n in bad.notes for f in n.flags]
    assert {"early_openings", "early_pay", "rushed"} <= set(flags)
    hinted = [n.hint_kind for n in bad.notes if n.hint_kind]
    assert hinted[:2] == ["early_openings", "early_pay"]


def test_score_formula_weighs_the_checks(dialogues: Path, data: CoachData) -> None:
    victor = _persona(dialogues, "victor")
    result = coach(RUDE, victor, data)
    total = sum(item.weight for item in victor.rubric)
    passed = sum(c.weight for c in result.checks if c.passed)
    assert result.score == round(100 * passed / total) == score_of(result.checks)


def test_notes_never_change_as_the_session_goes_on(everything: Persona, data: CoachData) -> None:
    """Live (each prefix), report and replay (the whole) are the same function: they agree."""
    whole = coach(GOOD, everything, data)
    for end in range(1, len(GOOD) + 1):
        live = coach(GOOD[:end], everything, data)
        assert live.notes == whole.notes[: len(live.notes)]
    assert coach(GOOD, everything, data) == whole  # and it is deterministic


def test_hints_are_sparing_and_specific(everything: Persona, data: CoachData) -> None:
    turns = session(
        [
            ("p", "interviewee_questions", "Over to you."),
            ("u", "interviewee_questions", "ask_culture|Do you like the culture there?"),
            ("p", "interviewee_questions", "Yes."),
            (
                "u",
                "interviewee_questions",
                "ask_culture|How did you get here, and what do you like about it?",
            ),
            ("p", "interviewee_questions", "Long story."),
            ("u", "interviewee_questions", "ask_culture|The culture is great, isn't it?"),
            ("p", "interviewee_questions", "Mostly."),
            ("u", "interviewee_questions", "ask_culture|Is it remote?"),
            ("u", "interviewee_questions", "ask_culture|Is it hybrid?"),
            ("u", "interviewee_questions", "ask_culture|Is it in the office?"),
        ]
    )
    notes = coach(turns, everything, data).notes
    kinds = [n.hint_kind for n in notes]
    assert kinds[:3] == ["closed", "stacked", "leading"]
    assert notes[0].hint is not None and data.topics["ask_culture"].questions[1] in notes[0].hint
    assert kinds[3:] == ["closed", None, None]  # the same advice at most twice
    assert sum(1 for n in notes if n.hint) <= len(notes)


def test_suggestion_offers_an_uncovered_topic_and_cycles(
    everything: Persona, data: CoachData
) -> None:
    first = suggestion(GOOD[:5], everything, data, 0)
    second = suggestion(GOOD[:5], everything, data, 1)
    assert first != second
    advice = data.topics["ask_advice"]
    assert advice.label in first and any(q in first for q in advice.questions)
    asked_all = session([("u", "interviewee_questions", f"{t}|q") for t in data.topics])
    assert suggestion(asked_all, everything, data) == data.coach.hints.all_covered


def test_follow_up_note_uses_what_the_session_holds(everything: Persona, data: CoachData) -> None:
    note = coach(GOOD, everything, data).follow_up
    assert note["subject"] == "Thank you for your time, Victor"
    body = note["body"]
    assert body.startswith("Hi Victor,")
    assert data.topics["ask_team_needs"].discussed in body
    referral = next(d for d in everything.discoverables if d.id == "referral")
    assert referral.thanks and referral.thanks in body
    missing = next(d for d in everything.discoverables if d.id == "speaker_slot")
    assert missing.thanks and missing.thanks not in body
    assert data.coach.note.promised in body and data.coach.note.offered in body
    assert body.rstrip().endswith("Dana")
    bare = coach(RUDE, everything, data).follow_up["body"]
    assert data.coach.note.promised not in bare and data.coach.note.unsigned in bare


def test_insights(everything: Persona, data: CoachData) -> None:
    ins = coach(GOOD, everything, data).insights
    # "Who else...?" asks for a name: closed, by the analyser's rule.
    assert ins["questions_asked"] == 3 and ins["open_share"] == 0.67
    assert ins["topics_covered"] == ["ask_team_needs", "ask_advice", "ask_referral"]
    assert "ask_company_list_feedback" in ins["topics_missed"]
    assert ins["discoverables_found"] == [
        {
            "id": "referral",
            "what": next(d.what for d in everything.discoverables if d.id == "referral"),
        }
    ]
    assert len(ins["discoverables_missed"]) == len(everything.discoverables) - 1
    share = ins["talk_share"]["greeting"]
    assert share["user_words"] == 11 and 0 < share["user_share"] < 1
    assert ins["time_per_stage"] is None  # nothing recorded the clock here
    timed = session(
        [
            ("u", "greeting", "greet|hi um I mean hello", {"elapsed": 5.0}),
            ("u", "small_talk", "how_are_you|maybe I think you know it's fine", {"elapsed": 65.0}),
        ]
    )
    ins = coach(timed, everything, data).insights
    assert ins["time_per_stage"] == {"greeting": 5.0, "small_talk": 60.0}
    assert ins["hedges_per_100"] == round(100 * 2 / 12, 1)
    assert ins["fillers_per_100"] == round(100 * 3 / 12, 1)


def test_impression_follows_rapport(dialogues: Path, data: CoachData) -> None:
    ruth = _persona(dialogues, "ruth")
    ranked = sorted(ruth.impressions, key=lambda i: i.at_least, reverse=True)
    warm = session([("u", "greeting", "greet|hello", {"rapport": ranked[0].at_least})])
    cold = session([("u", "greeting", "greet|hello", {"rapport": -50})])
    assert coach(warm, ruth, data).impression == ranked[0].verdict
    assert coach(cold, ruth, data).impression == ranked[-1].verdict


def test_soft_interview_etiquette(dialogues: Path, data: CoachData) -> None:
    helen = _persona(dialogues, "helen")
    said = session([("u", "greeting", "state_purpose|thanks for this interview, I want the job")])
    assert "called_interview" in coach(said, helen, data).notes[0].flags
    victor = _persona(dialogues, "victor")
    assert "called_interview" not in coach(said, victor, data).notes[0].flags


def test_hostile_text_is_analysed_not_obeyed(everything: Persona, data: CoachData) -> None:
    nasty = "[bold]What[/] is {question} like \x1b[31m %s \u202e?"
    paste = "x" * 20_000 + " what is it like?"
    turns = session(
        [
            ("u", "interviewee_questions", f"ask_culture|{nasty}"),
            ("u", "interviewee_questions", f"ask_culture|{paste}"),
            ("u", "interviewee_questions", "out_of_scope|"),
            ("u", "interviewee_questions", "ask_culture|¿Qué tal el equipo? 团队怎么样\uff1f 🙂"),
        ]
    )
    result = coach(turns, everything, data)
    assert result.notes[0].analysis.is_question
    assert not result.notes[2].analysis.is_question
    # A hint quotes model questions, never the user's text, so nothing typed is formatted.
    assert all("{question}" not in (n.hint or "") for n in result.notes)
    assert result.checks
