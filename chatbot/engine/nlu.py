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
    def list_slots(self) -> frozenset[str]:
        return frozenset(name for name, slot in self._slots.items() if slot.many)

    @property
    def model_hash(self) -> str:
        return self.fingerprint.model_hash

    def understand(self, text: str) -> Understanding:
        if not text.strip():
            return Understanding(OUT_OF_SCOPE, 0.0, "empty", OUT_OF_SCOPE)
        doc = self.nlp(reading_text(text, self.max_chars))
        ranking = tuple(sorted(doc.cats.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
        top, score = ranking[0]
        runner_up = ranking[1][1] if len(ranking) > 1 else 0.0
        matched = self._intent_matcher(doc) if len(self._intent_matcher) else []
        if matched:
            # Patterns are written to be precise: the longest match wins over the model.
            match_id, _start, _end = max(matched, key=lambda m: (m[2] - m[1], -m[1]))
            intent = self.nlp.vocab.strings[match_id]
            return Understanding(
                intent, 1.0, "pattern", top, ranking, self._read_slots(doc, intent)
            )
        intent = top
        if top != OUT_OF_SCOPE and (score < self.threshold or score - runner_up < self.margin):
            intent = OUT_OF_SCOPE
        return Understanding(
            intent, round(score, 4), "model", top, ranking, self._read_slots(doc, intent)
        )

    def _read_slots(self, doc: Any, intent: str) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        lineage = set(self.catalog.lineage(intent))
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
                found[name] = [v for v in _title_runs(doc, slot.max_words) if v]
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
