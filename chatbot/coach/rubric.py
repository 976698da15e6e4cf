"""The rubric checks: each decides passed or missed from the recorded turns, and names its turns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from chatbot.coach.notes import TurnNote
from chatbot.coach.reading import NEEDS, SMALL_TALK, Reading, slots_of
from chatbot.engine.turns import Turn


@dataclass(frozen=True)
class Verdict:
    passed: bool
    evidence: tuple[int, ...]  # turn indices
    found: str  # what the coach saw, in a sentence


@dataclass(frozen=True)
class Session:
    """What the checks read: every turn, each user turn read, and each turn's note."""

    turns: Sequence[Turn]
    readings: Sequence[Reading]
    notes: Sequence[TurnNote]

    def said(self, *intents: str) -> list[Reading]:
        return [r for r in self.readings if r.intent in intents]

    def flagged(self, *flags: str) -> list[int]:
        return [n.index for n in self.notes if set(n.flags) & set(flags)]

    @property
    def reached_wrap_up(self) -> bool:
        return any(t.stage in ("wrap_up", "ended") for t in self.turns)


def _indices(readings: Sequence[Reading]) -> tuple[int, ...]:
    return tuple(r.index for r in readings)


def _both(s: Session, first: str, second: str, what: str) -> Verdict:
    a, b = s.said(first), s.said(second)
    if a and b:
        return Verdict(True, (a[0].index, b[0].index), f"You {what}.")
    missing = [name for name, got in ((first, a), (second, b)) if not got]
    names = " or ".join(m.replace("_", " ") for m in missing)
    return Verdict(False, _indices(a or b), f"Nothing in the conversation reads as {names}.")


def greeted_and_introduced(s: Session) -> Verdict:
    opening = [r for r in s.readings if r.turn.stage in ("greeting", "small_talk")]
    greet = [r for r in opening if r.intent in ("greet", "thank_for_meeting")]
    intro = [r for r in opening if r.intent == "introduce_self" or "name" in slots_of(r.turn)]
    if greet and intro:
        return Verdict(
            True, (greet[0].index, intro[0].index), "You greeted them and said who you are."
        )
    if greet:
        return Verdict(False, (greet[0].index,), "You greeted them but never said who you are.")
    return Verdict(False, _indices(intro[:1]), "The conversation opened without a greeting.")


def asked_for_advice_not_a_job(s: Session) -> Verdict:
    advice = s.said("ask_advice", "state_purpose", "ask_next_steps")
    jobs = s.flagged("early_openings")
    if jobs:
        return Verdict(False, tuple(jobs), "You asked about openings before asking for advice.")
    if advice:
        return Verdict(True, _indices(advice[:2]), "You asked for their advice, not for a job.")
    return Verdict(False, (), "You never asked for their advice.")


def small_talk_first(s: Session) -> Verdict:
    talk = s.said(*SMALL_TALK)
    business = [r for r in s.readings if r.intent.startswith("ask_") and r.intent != "ask_clarify"]
    if talk and (not business or talk[0].index < business[0].index):
        return Verdict(
            True, (talk[0].index,), "You made small talk before getting down to business."
        )
    if talk:
        return Verdict(
            False, (business[0].index,), "Your first question came before any small talk."
        )
    return Verdict(False, _indices(business[:1]), "There was no small talk.")


def shared_goals_with_openness(s: Session) -> Verdict:
    return _both(s, "share_goals", "express_openness", "shared your goals and stayed open")


def shared_skills_and_ideal_role(s: Session) -> Verdict:
    return _both(s, "share_skills", "share_ideal_role", "said what you are good at and want to do")


def shared_target_companies(s: Session) -> Verdict:
    shared = s.said("share_target_companies") or [
        r for r in s.readings if "companies" in slots_of(r.turn)
    ]
    if shared:
        return Verdict(True, _indices(shared[:2]), "You shared your target companies.")
    return Verdict(False, (), "You never named the companies you are targeting.")


def learned_their_needs(s: Session) -> Verdict:
    asked = s.said(*NEEDS)
    if asked:
        return Verdict(True, _indices(asked[:2]), "You asked about their team's needs and goals.")
    return Verdict(False, (), "You never asked what their team needs.")


def asked_open_questions(s: Session) -> Verdict:
    questions = [r for r in s.readings if r.analysis.is_question]
    open_ = [r for r in questions if r.analysis.form == "open"]
    share = len(open_) / len(questions) if questions else 0.0
    found = f"{len(open_)} of your {len(questions)} questions were open ({share:.0%})."
    passed = len(open_) >= 2 and share >= 0.5
    # A pass is shown by its open questions; a miss by the closed ones that could be reworded.
    shown = open_ if passed else [r for r in questions if r.analysis.form == "closed"]
    return Verdict(passed, _indices(shown[:3]), found)


def asked_who_else(s: Session) -> Verdict:
    asked = s.said("ask_referral")
    if asked:
        return Verdict(True, _indices(asked[:1]), "You asked who else you should talk to.")
    return Verdict(False, (), "You never asked who else you should talk to.")


def offered_help(s: Session) -> Verdict:
    offered = s.said("offer_help")
    if offered:
        return Verdict(True, _indices(offered[:1]), "You offered to help in return.")
    return Verdict(False, (), "You never offered anything in return.")


def thanked_them(s: Session) -> Verdict:
    thanks = s.said("thank_you", "thank_for_meeting")
    if thanks:
        return Verdict(True, _indices(thanks[:2]), "You thanked them.")
    return Verdict(False, (), "You never thanked them.")


def agreed_follow_up(s: Session) -> Verdict:
    agreed = s.said("ask_follow_up", "promise_follow_up")
    if agreed:
        return Verdict(True, _indices(agreed[:2]), "You agreed how to stay in touch.")
    return Verdict(False, (), "You left without agreeing how to follow up.")


def kept_to_time(s: Session) -> Verdict:
    over = [t.index for t in s.turns if t.speaker == "persona" and t.meta.get("reason") == "time"]
    if over:
        return Verdict(False, tuple(over), "The time ran out before you wrapped up.")
    if not s.reached_wrap_up:
        return Verdict(False, (), "The conversation stopped before the wrap-up.")
    return Verdict(True, (), "You wrapped up within the time.")


def no_early_jobs_or_pay(s: Session) -> Verdict:
    early = s.flagged("early_openings", "early_pay")
    if early:
        return Verdict(
            False, tuple(early), "You asked about jobs or pay before learning their needs."
        )
    return Verdict(True, (), "You left jobs and pay alone until the time was right.")


CHECKS: dict[str, Callable[[Session], Verdict]] = {
    f.__name__: f
    for f in (
        greeted_and_introduced,
        asked_for_advice_not_a_job,
        small_talk_first,
        shared_goals_with_openness,
        shared_skills_and_ideal_role,
        shared_target_companies,
        learned_their_needs,
        asked_open_questions,
        asked_who_else,
        offered_help,
        thanked_them,
        agreed_follow_up,
        kept_to_time,
        no_early_jobs_or_pay,
    )
}
