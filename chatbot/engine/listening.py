"""Reading a turn in context: each part ranked with what the stage and the last question expect."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from chatbot.dialogue.contract import OUT_OF_SCOPE, is_question_intent
from chatbot.engine.nlu import IntentClassifier, Understanding
from chatbot.engine.reading import (
    CLOSING,
    COURTESY,
    Band,
    Bands,
    Part,
    Reading,
    clean_text,
    split_parts,
)

Understand = Callable[[str], Understanding]
Lineage = Callable[[str], list[str]]

# What a stage expects when its YAML says nothing (a node's `expects:` wins in the questions
# stage). These weigh the ranking; they never make an intent out of nothing.
STAGE_EXPECTS: dict[str, frozenset[str]] = {
    "greeting": frozenset({"greet", "introduce_self", "thank_for_meeting", "state_purpose"}),
    "small_talk": frozenset(
        {"how_are_you", "small_talk_personal", "small_talk_setting", "small_talk_shared"}
    ),
    "questions": frozenset(),
    "interviewee_questions": frozenset(),
    "wrap_up": frozenset(
        {"thank_you", "goodbye", "offer_help", "promise_follow_up", "ask_follow_up"}
    ),
}
# Thanks at the start is for making the time; thanks at the end is for the conversation.
# "Who I am" after the greeting is the user's background.
_FOLDS: dict[str, dict[str, str]] = {
    "greeting": {"thank_you": "thank_for_meeting"},
    "small_talk": {"thank_you": "thank_for_meeting"},
    "questions": {"introduce_self": "share_background"},
    "interviewee_questions": {
        "thank_for_meeting": "thank_you",
        "introduce_self": "share_background",
    },
    "wrap_up": {"thank_for_meeting": "thank_you", "introduce_self": "share_background"},
}
_QUESTION = re.compile(
    r"\?\s*$|^(?:so |and |but |also |ok |okay |well |oh |sorry,? )*(?:what|how|why|where|when|"
    r"who|which|whats|hows|do|does|did|is|are|was|were|can|could|would|will|should|have|has|"
    r"may|might|tell me|walk me|talk me|describe|explain|any (?:advice|tips|thoughts))\b"
    r"|\b(?:i was wondering|i wonder|i'd love to (?:know|hear)|i would love to (?:know|hear)|"
    r"i'd be (?:interested|curious)|i would be (?:interested|curious)|i'm curious|"
    r"i was hoping you could|i'd love your take|don't suppose you)\b",
    re.IGNORECASE,
)
_YES_NO = re.compile(
    r"(?:^|[.!?]\s+|,\s*)(?:and |so |but )?(?:do|does|did|is|are|was|were|can|could|would|"
    r"will|have|has|had|shall|should|any|anything|want|fancy|shall)\b[^.!?]*\?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Context:
    """What the persona was waiting for when the user spoke."""

    stage: str
    expects: frozenset[str] = frozenset()
    yes_no: bool = False

    @classmethod
    def after(cls, stage: str, expects: Iterable[str], last_line: str) -> Context:
        wanted = frozenset(expects) or STAGE_EXPECTS.get(stage, frozenset())
        yes_no = bool(_YES_NO.search(last_line.strip())) if last_line else False
        return cls(stage, wanted, yes_no)


def is_question(text: str) -> bool:
    return bool(_QUESTION.search(text.strip()))


# What people tell rather than ask: a line put as a question is rarely one of these.
_TOLD = frozenset(
    {
        "share_background", "share_skills", "share_goals", "express_openness",
        "share_ideal_role", "share_target_companies", "share_reason_for_change",
        "state_purpose", "introduce_self", "offer_help", "promise_follow_up", "unsure",
        "thank_you", "thank_for_meeting", "goodbye",
    }
)  # fmt: skip


def weigh(
    understood: Understanding,
    context: Context,
    lineage: Lineage,
    bands: Bands,
    asked: bool = False,
) -> tuple[tuple[str, float], ...]:
    """The model's ranking with the context's weight on what was expected, renormalised;
    a part put as a question leans away from what people only tell."""
    ranking = understood.ranking or ((understood.intent, understood.confidence),)
    fold = _FOLDS.get(context.stage, {})
    scores: dict[str, float] = {}
    for intent, score in ranking:
        intent = fold.get(intent, intent)
        weight = 1.0
        if set(lineage(intent)) & context.expects:
            weight *= bands.boost
        if context.yes_no and intent in ("affirm", "deny"):
            weight *= bands.boost
        if asked and _TOLD & set(lineage(intent)):
            weight /= bands.boost
        scores[intent] = scores.get(intent, 0.0) + score * weight
    rest = max(0.0, 1.0 - sum(s for _, s in ranking))
    total = sum(scores.values()) + rest
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple((i, round(s / total, 4) if total else 0.0) for i, s in ordered)


def _part(
    text: str, understood: Understanding, context: Context, lineage: Lineage, bands: Bands
) -> Part:
    asked = text.rstrip().endswith("?")
    ranking = weigh(understood, context, lineage, bands, asked)
    if understood.source == "pattern":
        # Patterns are precise: they keep their word whatever the context.
        ranking = ((understood.intent, 1.0), *[r for r in ranking if r[0] != understood.intent])
    intent, score = ranking[0]
    return Part(text, intent, score, ranking[:5], is_question(text), dict(understood.slots))


def _rank(part: Part, context: Context) -> int:
    """Which part a reply answers: a question, then a statement, then a courtesy."""
    if part.intent == OUT_OF_SCOPE:
        return 0
    if is_question_intent(part.intent):
        # Read as a question but not put as one: the context for what comes next.
        return 4 if part.question else 1
    if part.intent in COURTESY:
        # After a yes/no question, the yes or no is an answer, but what follows it says more.
        return 2 if context.yes_no and part.intent in ("affirm", "deny") else 1
    return 3


_COURTESY_ORDER = ("goodbye", "thank_you", "thank_for_meeting", "affirm", "deny", "greet")


def _main(parts: tuple[Part, ...], context: Context, whole: str | None, sure: list[bool]) -> int:
    # "sorry, I have to run, bye for now": a sure goodbye wins over an unsure statement.
    # A sure goodbye wins over an unsure statement ("sorry, I have to run, bye for now"),
    # and a sure goodbye at the end of the line is what it ends on ("I'll go. Bye.").
    leaving = [i for i, p in enumerate(parts) if sure[i] and p.intent == "goodbye"]
    asks = any(_rank(p, context) == 4 for p in parts)
    if (
        leaving
        and not asks
        and (
            leaving[-1] == len(parts) - 1
            or not any(sure[i] and _rank(p, context) >= 3 for i, p in enumerate(parts))
        )
    ):
        return leaving[-1]
    best = max(_rank(p, context) for p in parts)
    candidates = [i for i, p in enumerate(parts) if _rank(p, context) == best]
    if best == 3 and len(candidates) > 1:
        # Several statements: the one the whole turn is about, else the surest.
        same = [i for i in candidates if parts[i].intent == whole]
        return same[0] if same else max(candidates, key=lambda i: parts[i].confidence)
    if best == 2 or all(parts[i].intent in ("affirm", "deny") for i in candidates):
        return candidates[-1]  # "Ah ok, I see. No, never": the later yes or no is the answer
    if best <= 1:
        order = {intent: n for n, intent in enumerate(_COURTESY_ORDER)}
        return min(candidates, key=lambda i: order.get(parts[i].intent, len(order)))
    return candidates[0]


def band_of(part: Part, lineage: Lineage, bands: Bands) -> Band:
    if not part.text:
        return "empty"
    top, score = part.ranking[0]
    if top == OUT_OF_SCOPE:
        return "out_of_scope" if score >= bands.out_of_scope else "unsure"
    asked = is_question_intent(top)
    if asked and len(part.ranking) > 1 and score < bands.tie_below:
        second, other = part.ranking[1]
        related = set(lineage(top)) & set(lineage(second))
        if is_question_intent(second) and not related and other >= bands.choice_ratio * score:
            return "choice"
    if score >= (bands.question if asked else bands.confident):
        return "confident"
    return "unsure"


def read(
    text: str,
    understand: Understand,
    context: Context,
    lineage: Lineage,
    bands: Bands = Bands(),  # noqa: B008  (frozen)
    limit: int = 1000,
) -> Reading:
    """One user turn, read once: cleaned, split into parts, each part ranked in context."""
    cleaned = clean_text(text, limit)
    if not cleaned:
        empty = Part("", OUT_OF_SCOPE, 0.0, ((OUT_OF_SCOPE, 0.0),), False)
        return Reading(cleaned, (empty,), 0, "empty", source="empty")
    pieces = split_parts(cleaned)
    heard = [understand(p) for p in pieces]
    parts = tuple(_part(p, u, context, lineage, bands) for p, u in zip(pieces, heard, strict=True))
    whole_intent = None
    if len(parts) > 1:
        whole = understand(cleaned)
        single = _part(cleaned, whole, context, lineage, bands)
        whole_intent = single.intent
        if all(band_of(p, lineage, bands) != "confident" for p in parts) and (
            band_of(single, lineage, bands) == "confident"
        ):
            parts, heard, whole_intent = (single,), [whole], None
    sure = [band_of(p, lineage, bands) == "confident" for p in parts]
    main = _main(parts, context, whole_intent, sure)
    band = band_of(parts[main], lineage, bands)
    also = tuple(
        i
        for i, p in enumerate(parts)
        if i != main
        and is_question_intent(p.intent)
        and sure[i]
        and not set(lineage(p.intent)) & set(lineage(parts[main].intent))
    )
    closing = (
        band == "confident"
        and parts[main].intent == "goodbye"
        and all(
            p.intent in CLOSING | COURTESY
            for p, certain in zip(parts, sure, strict=True)
            if certain or _rank(p, context) == 4
        )
    )
    return Reading(
        cleaned,
        parts,
        main,
        band,
        also[:1],
        closing,
        source=heard[main].source,
        predicted=heard[main].predicted,
    )


def hearing(classifier: IntentClassifier) -> Callable[[str], str]:
    """What one line is heard as with no context, by a loaded model: what `rehearse eval`
    and the benchmark score."""

    def heard(text: str) -> str:
        return read(
            text, classifier.understand, Context(""), classifier.catalog.lineage, classifier.bands
        ).intent

    return heard
