"""The reading of a user turn: its cleaned text, its parts, and what each part was read as."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

# What the persona does with a turn: answer it, acknowledge it neutrally, ask which of two
# topics was meant, treat it as nothing anyone says in such a meeting, or hear silence.
Band = Literal["confident", "unsure", "choice", "out_of_scope", "empty"]

_ANSI = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI, colours included
    r"|\x1b[@-Z\\-_]"  # the other two-byte escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
# Rich/Textual markup: [bold], [/bold], [b red on white], [link=https://...], [/], [@click=...].
_MARKUP = re.compile(r"\[/?(?:[a-zA-Z#@$][^\[\]\n]{0,80})?\]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")


def clean_text(text: str, limit: int = 1000) -> str:
    """What the model reads of a turn: markup tags, terminal escapes and control characters
    removed, compatibility forms folded (NFKC), spaces collapsed, at most `limit` characters.
    The turn itself is stored exactly as typed."""
    text = text[: limit * 4]
    text = _ANSI.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = _MARKUP.sub(" ", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()[:limit]


@functools.lru_cache(maxsize=1)
def _sentencizer() -> Any:
    # spaCy's rule-based sentencizer on a blank pipeline: no model to load.
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


# A spaced dash, or a phrase that starts a second thing in the same breath.
_JOINS = re.compile(
    r"\s+[-\u2013\u2014]+\s+|;\s+|,\s+(?=(?:thanks|thank you|thx) (?:for|so much for)\b)"
    r"|[,;]?\s+(?=(?:and also|oh and|oh,? and|also,|by the way|btw|anyway,|plus,)\s)",
    re.IGNORECASE,
)
# A short courtesy or answer before a comma, with something of substance after it.
_LEAD = re.compile(
    r"^((?:oh,? )?(?:thanks(?: so much| a lot| again)?|thank you(?: so much| again)?|thx|ty|"
    r"great|perfect|lovely|brilliant|cool|nice|ok(?:ay)?|yes|yeah|yep|yup|sure|absolutely|"
    r"definitely|of course|right|ha(?:ha)*|wow|interesting|fair enough|got it|makes sense|"
    r"good to know|that's (?:really |so |very )?(?:helpful|useful|great|interesting|fair|"
    r"good to know)))[,!.:]+\s+(?=\S.{9,})",
    re.IGNORECASE,
)
# "..., and you?" / "You?": the same question handed back, part of what comes before it.
_BACK = re.compile(
    r"^(?:and |what about |how about |how's |hows )?(?:you|u|yourself|yours|urs|ya)\s*\?*[.!]*$",
    re.IGNORECASE,
)
# A question put after a comma at the end of a statement: "I did economics, what about you?"
_TAIL = re.compile(
    r"^(?!(?:in|on|at|since|for|from|with|if|when|after|before|given|as|knowing|putting|"
    r"based|realistically|honestly|personally|looking|thinking|out|between|besides|apart)\b)"
    r"(?P<head>(?:\S+\s+){4,}?\S+),\s+(?P<tail>(?:and |so |but )?(?:what|how|why|where|who|"
    r"which|do|does|did|are|is|have|has|would|could|can|will)\b[^,]{6,}\?)$",
    re.IGNORECASE,
)


# A farewell at the end of a line: "thanks so much, bye".
_FAREWELL = re.compile(
    r"^(?P<head>.+?)[,.!]*\s+(?P<tail>(?:and |ok(?:ay)?,? )?(?:bye(?: for now| bye)?|goodbye|"
    r"see (?:you|ya)(?: soon| around| later| then)?|take care|cheers|have a (?:good|great|nice|"
    r"lovely) (?:one|day|evening|weekend|afternoon))[!. ]*)$",
    re.IGNORECASE,
)


def split_parts(text: str) -> list[str]:
    """Sentences (spaCy's sentencizer), then the joins people type inside one: a spaced dash,
    "and also", "by the way", a leading "thanks,", a question after a comma at the end."""
    if not text:
        return []
    sentences = [s.text.strip() for s in _sentencizer()(text).sents]
    parts: list[str] = []
    for sentence in sentences:
        for chunk in _JOINS.split(sentence):
            chunk = chunk.strip(" ,;")
            if not chunk:
                continue
            lead = _LEAD.match(chunk)
            if lead:
                parts.append(lead.group(1))
                chunk = chunk[lead.end() :]
            farewell = _FAREWELL.match(chunk)
            if farewell:
                parts += [farewell.group("head"), farewell.group("tail")]
                continue
            tail = _TAIL.match(chunk)
            if tail and not _BACK.match(tail.group("tail")):
                parts += [tail.group("head"), tail.group("tail")]
            else:
                parts.append(chunk)
    merged: list[str] = []
    for part in parts:
        # A bit with no letters, or "you?" handed back, belongs with what came before.
        if merged and (_BACK.match(part) or not any(c.isalpha() for c in part)):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged or [text]


@dataclass(frozen=True)
class Part:
    """One sentence or clause of a turn, and what it was read as in context."""

    text: str
    intent: str
    confidence: float
    ranking: tuple[tuple[str, float], ...]
    question: bool
    slots: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": self.confidence,
            "ranking": [[i, s] for i, s in self.ranking],
            "question": self.question,
            "slots": {k: list(v) for k, v in self.slots.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Part:
        return cls(
            text=str(data["text"]),
            intent=str(data["intent"]),
            confidence=float(data["confidence"]),
            ranking=tuple((str(i), float(s)) for i, s in data["ranking"]),
            question=bool(data["question"]),
            slots={str(k): tuple(map(str, v)) for k, v in data["slots"].items()},
        )


@dataclass(frozen=True)
class Reading:
    """Everything the rest of the product knows of what the user said in one turn.

    `main` is the part the reply answers (a question before a statement before a courtesy);
    `also` are further questions in the same turn; `band` says how sure the reading is;
    `closing` is true when the whole turn takes leave. Made once, recorded on the turn."""

    text: str
    parts: tuple[Part, ...]
    main: int
    band: Band
    also: tuple[int, ...] = ()
    closing: bool = False
    source: str = "model"
    predicted: str = "out_of_scope"

    @property
    def intent(self) -> str:
        return self.parts[self.main].intent if self.parts else "out_of_scope"

    @property
    def confidence(self) -> float:
        return self.parts[self.main].confidence if self.parts else 0.0

    @property
    def slots(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for part in self.parts:
            for name, values in part.slots.items():
                kept = found.setdefault(name, [])
                kept += [v for v in values if v not in kept]
        return {k: tuple(v) for k, v in found.items()}

    def courtesies(self) -> list[Part]:
        """The parts before the main one that only thank, agree or praise."""
        return [p for p in self.parts[: self.main] if p.intent in COURTESY]

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "parts": [p.to_json() for p in self.parts],
            "main": self.main,
            "also": list(self.also),
            "band": self.band,
            "closing": self.closing,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], source: str = "model") -> Reading:
        parts = tuple(Part.from_json(p) for p in data["parts"])
        band = data["band"]
        if band not in ("confident", "unsure", "choice", "out_of_scope", "empty"):
            raise ValueError(f"unknown band {band!r}")
        return cls(
            text=str(data["text"]),
            parts=parts,
            main=int(data["main"]),
            band=band,
            also=tuple(int(i) for i in data["also"]),
            closing=bool(data["closing"]),
            source=source,
            predicted=parts[int(data["main"])].ranking[0][0] if parts else "out_of_scope",
        )


@dataclass(frozen=True)
class Bands:
    """The reading's bands, from models/config.cfg (chosen with bench/bands.py)."""

    # A statement's first choice is replied to from here; below it, a neutral reply.
    confident: float = 0.4
    # A question's first choice is answered from here (a neutral reply leaves it unanswered).
    question: float = 0.2
    # Two askable topics this close, below `tie_below`, get "do you mean X or Y?".
    choice_ratio: float = 0.8
    tie_below: float = 0.35
    out_of_scope: float = 0.3
    boost: float = 3.0


# Parts that only thank, agree, greet or take leave: they never decide a turn that also asks
# or tells something.
COURTESY = frozenset(
    {"greet", "thank_for_meeting", "thank_you", "affirm", "deny", "goodbye", "out_of_scope"}
)
CLOSING = frozenset({"goodbye", "thank_you", "affirm", "promise_follow_up", "offer_help"})
