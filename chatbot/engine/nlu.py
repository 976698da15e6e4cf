"""Understanding a turn: its intent (spaCy), with a confidence, and the slots it fills."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatbot.dialogue.contract import OUT_OF_SCOPE
from chatbot.dialogue.loader import Catalog
from chatbot.dialogue.models import Slot
from chatbot.engine.reading import Bands
from chatbot.engine.training import Fingerprint, read_fingerprint
from chatbot.errors import RehearseError

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CLAUSE_END = frozenset({".", "!", "?", ";", ",", ":", "but", "because", "so", "and", "though"})
_REFLECT = {
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "am": "are",
    "'m": "are",
    "i'm": "you're",
    "we": "you",
    "our": "your",
    "us": "you",
}


@dataclass(frozen=True)
class Understanding:
    """What the engine made of one user turn."""

    intent: str
    confidence: float
    source: str  # "model", "pattern" or "empty"
    predicted: str  # the model's first choice, before the out-of-scope rule
    ranking: tuple[tuple[str, float], ...] = ()
    slots: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def reading_text(text: str, limit: int) -> str:
    """The part of a turn the model reads: a bounded prefix, control characters as spaces."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFKC", text[:limit]))


class IntentClassifier:
    """A loaded intent model with its out-of-scope rule, intent patterns and slot readers."""

    def __init__(self, nlp: Any, fingerprint: Fingerprint, slots: Mapping[str, Slot]) -> None:
        from spacy.matcher import Matcher

        self.nlp = nlp
        self.fingerprint = fingerprint
        self.catalog = Catalog(fingerprint.parents)
        settings = fingerprint.settings
        self.threshold = float(settings["threshold"])
        self.margin = float(settings["margin"])
        self.max_chars = int(settings["max_chars"])
        defaults = Bands()
        self.bands = Bands(
            **{
                name: float(settings.get(name, getattr(defaults, name)))
                for name in defaults.__dataclass_fields__
            }
        )
        self._intent_matcher = Matcher(nlp.vocab)
        for intent, patterns in fingerprint.patterns.items():
            self._intent_matcher.add(intent, patterns)
        self._slots = dict(slots)
        self._slot_matcher = Matcher(nlp.vocab)
        for name, slot in slots.items():
            if slot.patterns:
                self._slot_matcher.add(name, [[dict(t) for t in p] for p in slot.patterns])

    @classmethod
    def load(cls, model_dir: Path, slots: Mapping[str, Slot]) -> IntentClassifier:
        import spacy

        import chatbot.engine.textcat  # noqa: F401  (registers the architecture before loading)

        fingerprint = read_fingerprint(model_dir)
        if fingerprint is None:
            raise RehearseError(f"no intent model in {model_dir} (run `rehearse train`)")
        try:
            # The saved tokenizer is spaCy's English default, which the config builds anyway:
            # reading it back would build its thousands of special cases a second time.
            nlp = spacy.load(model_dir, exclude=["tokenizer"])
        except (OSError, ValueError) as exc:
            raise RehearseError(
                f"the intent model in {model_dir} cannot be loaded: {exc}"
            ) from None
        return cls(nlp, fingerprint, slots)

    @property
    def slot_intents(self) -> dict[str, tuple[str, ...]]:
        return {name: tuple(slot.intents) for name, slot in self._slots.items()}

    @property
    def list_slots(self) -> frozenset[str]:
        return frozenset(name for name, slot in self._slots.items() if slot.many)

    @property
    def model_hash(self) -> str:
        return self.fingerprint.model_hash

    def understand(self, text: str) -> Understanding:
        if not text.strip():
            return Understanding(OUT_OF_SCOPE, 0.0, "empty", OUT_OF_SCOPE)
        doc = self.nlp(reading_text(text, self.max_chars))
        ranking = tuple(sorted(doc.cats.items(), key=lambda kv: (-kv[1], kv[0]))[:5])
        top, score = ranking[0]
        runner_up = ranking[1][1] if len(ranking) > 1 else 0.0
        matched = self._intent_matcher(doc) if len(self._intent_matcher) else []
        if matched:
            # Patterns are written to be precise: the longest match wins over the model.
            match_id, _start, _end = max(matched, key=lambda m: (m[2] - m[1], -m[1]))
            intent = self.nlp.vocab.strings[match_id]
            return Understanding(
                intent, 1.0, "pattern", top, ranking, self._read_slots(doc, [intent])
            )
        intent = top
        if top != OUT_OF_SCOPE and (score < self.threshold or score - runner_up < self.margin):
            intent = OUT_OF_SCOPE
        # The context may settle on the runner-up, so its slots are read too.
        read_for = [top] + [i for i, s in ranking[1:2] if s >= score / 3]
        return Understanding(
            intent, round(score, 4), "model", top, ranking, self._read_slots(doc, read_for)
        )

    def _read_slots(self, doc: Any, intents: list[str]) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        lineage = {i for intent in intents for i in self.catalog.lineage(intent)}
        wanted = {n: s for n, s in self._slots.items() if lineage.intersection(s.intents)}
        matches = self._slot_matcher(doc) if len(self._slot_matcher) else []
        for match_id, start, end in matches:
            name = self.nlp.vocab.strings[match_id]
            if name in wanted:
                value = self._slot_value(doc, wanted[name], start, end)
                if value and value not in found.setdefault(name, []):
                    found[name].append(value)
        for name, slot in wanted.items():
            if slot.take == "titles":
                listed = _listed(doc, slot.max_words)
                titles = [v for v in _title_runs(doc, slot.max_words) if v]
                found[name] = listed if len(listed) >= len(titles) else titles
            elif slot.take == "last" and not found.get(name):
                found[name] = _lower_name(doc) if name == "name" else []
        out = {}
        for name, values in found.items():
            if values:
                out[name] = tuple(values) if self._slots[name].many else (values[-1],)
        return out

    @staticmethod
    def _slot_value(doc: Any, slot: Slot, start: int, end: int) -> str | None:
        if slot.take == "last":
            words = [doc[end - 1].text]
        else:
            words = []
            for token in doc[end:]:
                if token.lower_ in _CLAUSE_END or token.is_space:
                    break
                words.append(
                    token.text_with_ws.strip() if token.text.startswith("'") else token.text
                )
        words = [w for w in words if w]
        if not words or len(words) > slot.max_words:
            return None
        if slot.reflect:
            words = [_REFLECT.get(w.lower(), w) for w in words]
        value = " ".join(words).replace(" '", "'").replace(" n't", "n't")
        if slot.title_case:
            value = value[:1].upper() + value[1:]
        if not value.isprintable():
            return None
        return value


_LIST_LEAD = re.compile(
    r"^.*?(?:\b(?:list|targets?|companies|shortlist)\b[^:,]*?(?:\bis\b|\bare\b|:|\s-\s)|"
    r"here it is|here you go|i just did|so far|mainly|mostly|top (?:three|five|ones)|:|"
    r"\blist of\b)"
    r"\s*[:!,.-]*\s*",
    re.IGNORECASE,
)
_LIST_SEP = re.compile(r"\s*(?:,|;|/|&|\band\b|\bor\b|\bthen\b)\s*", re.IGNORECASE)
_NOT_NAMES = frozenset({
    "a", "an", "the", "and", "or", "i", "my", "our", "your", "some", "any", "all", "it",
    "that", "this", "them", "those", "these", "lots", "few", "more", "others", "other", "etc",
    "stuff", "places", "ones", "maybe", "probably", "also", "too", "like", "yeah",
})  # fmt: skip


def _listed(doc: Any, max_words: int) -> list[str]:
    """A list typed in any case ("monzo, wise, canva and figma"), each item title-cased."""
    text = doc.text.strip().rstrip(".!?")
    text = _LIST_LEAD.sub("", text, count=1) if _LIST_LEAD.search(text) else text
    items = [i.strip(" '\"()") for i in _LIST_SEP.split(text)]
    items = [i for i in items if i]
    if len(items) < 2:
        return []
    out = []
    for item in items:
        words = item.split()
        if not 1 <= len(words) <= max_words or words[0].lower() in _NOT_NAMES:
            continue
        if not all(w.replace("-", "").replace(".", "").isalnum() for w in words):
            continue
        out.append(" ".join(w if not w.islower() else w.capitalize() for w in words))
    # Most of it must look like names, not a sentence broken at its commas.
    return out if len(out) >= max(2, (len(items) + 1) // 2) else []


_LOWER_NAME = re.compile(
    r"(?:^|[,.!]\s*|\b(?:hi|hey|hello|yes|yeah|yep)\b[, ]*)"
    r"(?:i'm|im|i am|i\u2019m|name's|names|its|it's|this is|that's me|thats me|me,)\s*,?\s*"
    r"([a-z][a-z'-]{1,20})\s*(?:$|[,.!]|\b(?:from|and|here|btw|by the way)\b)",
    re.IGNORECASE,
)
_NOT_A_NAME = frozenset({
    "a", "an", "the", "just", "really", "so", "very", "here", "currently", "also", "still",
    "now", "in", "at", "from", "with", "on", "not", "looking", "working", "trying", "hoping",
    "interested", "based", "curious", "good", "fine", "great", "well", "new", "sorry", "glad",
    "happy", "okay", "ok", "alright", "tired", "busy", "excited", "nervous", "keen", "ready",
    "done", "back", "sure", "me", "it", "that",
})  # fmt: skip


def _lower_name(doc: Any) -> list[str]:
    """A name typed without a capital ("im sam", "yes that's me, tom")."""
    found = _LOWER_NAME.search(doc.text)
    if not found or found.group(1).lower() in _NOT_A_NAME:
        return []
    return [found.group(1).capitalize()]


def _title_runs(doc: Any, max_words: int) -> list[str]:
    """Runs of capitalised words ("Acme", "Globex Corp", "IBM"), but not a sentence's first word."""
    runs: list[list[str]] = []
    current: list[str] = []
    for token in doc:
        starts_sentence = token.i == 0 or doc[token.i - 1].text in {".", "!", "?"}
        capital = token.is_alpha and (token.is_title or (token.is_upper and len(token) > 1))
        if capital and not starts_sentence and token.text not in {"I", "I'm"}:
            current.append(token.text)
            continue
        if current:
            runs.append(current)
        current = []
    if current:
        runs.append(current)
    return [" ".join(r) for r in runs if len(r) <= max_words and r[0].isprintable()]
