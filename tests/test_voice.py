"""Variants rotate without repeats from a seeded generator; slot variants wait for their slot."""

from __future__ import annotations

import itertools
from typing import Any

from chatbot.engine.persona import Voice
from chatbot.engine.practice import load_persona


def test_a_list_is_dealt_whole_before_any_variant_repeats(classifier: Any) -> None:
    persona = load_persona("priya", classifier.catalog)
    voice = Voice(persona, classifier.catalog, seed=3)
    variants = persona.fallback
    dealt = [voice.say("fallback", variants) for _ in range(len(variants) * 5)]
    for start in range(0, len(dealt), len(variants)):
        assert sorted(dealt[start : start + len(variants)]) == sorted(variants)
    assert all(a != b for a, b in itertools.pairwise(dealt))


def test_slot_variants_are_used_only_once_the_slot_is_known(classifier: Any) -> None:
    persona = load_persona("priya", classifier.catalog)
    variants = ("Hello {name}.", "Hello there.", "Good to see you.")
    voice = Voice(persona, classifier.catalog, seed=1)
    before = {voice.say("k", variants) for _ in range(12)}
    assert before == {"Hello there.", "Good to see you."}
    voice.memory["name"] = "Ada"
    after = {voice.say("k", variants) for _ in range(6)}
    assert "Hello Ada." in after and not any("{" in text for text in after)


def test_same_seed_same_choices(classifier: Any) -> None:
    persona = load_persona("priya", classifier.catalog)
    picks = []
    for _ in range(2):
        voice = Voice(persona, classifier.catalog, seed=42)
        picks.append([voice.say("opening", persona.opening) for _ in range(9)])
    assert picks[0] == picks[1]
