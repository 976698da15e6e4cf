"""The follow-up note: a thank-you email drafted from what the session recorded."""

from __future__ import annotations

from collections.abc import Sequence

from chatbot.coach.reading import Reading, revealed_of, slots_of
from chatbot.dialogue.coaching import CoachData
from chatbot.dialogue.contract import is_question_intent
from chatbot.dialogue.models import Persona
from chatbot.engine.turns import Turn


def spoken(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def follow_up_note(
    turns: Sequence[Turn], readings: Sequence[Reading], persona: Persona, data: CoachData
) -> dict[str, str]:
    """{"subject", "body"}: the persona's name, what was discussed, what they gave, what you
    promised. Only what the session holds is said; nothing is invented."""
    words = data.coach.note
    first_name = persona.persona.name.split()[0]
    topics = [
        r.intent for r in readings if is_question_intent(r.intent) and r.intent in data.topics
    ]
    labels = [data.topics[t].discussed for t in dict.fromkeys(topics)][:3]
    revealed = {revealed_of(t) for t in turns} - {None}
    gifts = [d.thanks for d in persona.discoverables if d.id in revealed and d.thanks]
    intents = {r.intent for r in readings}
    names = [slots_of(r.turn).get("name") for r in readings]
    name = next((n[-1] for n in reversed(names) if n), None)
    thanks = [words.opening]
    if labels:
        thanks.append(words.discussed.format(topics=spoken(labels)))
    if gifts:
        thanks.append(words.thanks.format(thanks=spoken(gifts[:3])))
    later = []
    if intents & {"promise_follow_up", "ask_follow_up"}:
        later.append(words.promised)
    if "offer_help" in intents:
        later.append(words.offered)
    paragraphs = [words.greeting.format(first_name=first_name), " ".join(thanks)]
    if later:
        paragraphs.append(" ".join(later))
    signature = name or words.unsigned
    paragraphs.append(f"{words.closing}\n{signature}")
    return {
        "subject": words.subject.format(first_name=first_name),
        "body": "\n\n".join(paragraphs),
    }
