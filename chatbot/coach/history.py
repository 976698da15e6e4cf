"""Coaching across saved sessions: each scorecard, progress over time, the question bank."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from chatbot.coach.notes import focus
from chatbot.coach.reading import read
from chatbot.coach.scorecard import COACH_VERSION, Coaching, coach
from chatbot.dialogue.coaching import CoachData
from chatbot.dialogue.models import Persona
from chatbot.engine.store import SessionInfo, Store

SPARKS = "▁▂▃▄▅▆▇█"


class SessionScore(NamedTuple):
    # A named tuple, not a dataclass: a list of ten thousand is built in a few milliseconds.
    info: SessionInfo
    score: int | None  # None: the persona is gone, or nothing was said
    open_share: float | None
    questions: int


@dataclass(frozen=True)
class BankedQuestion:
    text: str
    topic: str
    session: int
    turn: int
    persona: str
    follow_up: bool


class Scorer:
    """Scores saved sessions with the coach; personas are loaded once each, as asked for."""

    def __init__(
        self,
        store: Store,
        data: CoachData,
        load_persona: Callable[[str], Persona | None],
        version_of: Callable[[str], str] | None = None,
    ) -> None:
        self.store = store
        self.data = data
        self._load = load_persona
        # What a persona's scores depend on besides the turns; a cached score is kept only
        # while this is unchanged.
        self._version_of = version_of
        self._personas: dict[str, Persona | None] = {}
        self._versions: dict[str, str] = {}

    def persona(self, persona_id: str) -> Persona | None:
        if persona_id not in self._personas:
            self._personas[persona_id] = self._load(persona_id)
        return self._personas[persona_id]

    def coaching(self, info: SessionInfo) -> Coaching | None:
        persona = self.persona(info.persona)
        if persona is None:
            return None
        return coach(self.store.turns(info.id), persona, self.data)

    def _key(self, info: SessionInfo) -> str | None:
        if self._version_of is None:
            return None
        if info.persona not in self._versions:
            self._versions[info.persona] = self._version_of(info.persona)
        return f"{COACH_VERSION}:{self._versions[info.persona]}:{info.turns}"

    def scores(self, infos: Sequence[SessionInfo]) -> list[SessionScore]:
        """Each session's score, from the cache where it still holds (one query for them all)."""
        cached = self.store.all_cached_scores()
        out = []
        for info in infos:
            hit = cached.get(info.id)
            key = self._key(info)
            if hit is not None and hit[0] == key:
                out.append(SessionScore(info, hit[1], hit[2], hit[3]))
            else:
                out.append(self._compute(info, key))
        return out

    def score(self, info: SessionInfo) -> SessionScore:
        key = self._key(info)
        cached = self.store.cached_score(info.id, key) if key else None
        if cached is not None:
            return SessionScore(info, *cached)
        return self._compute(info, key)

    def _compute(self, info: SessionInfo, key: str | None) -> SessionScore:
        """Coach the session and keep its score in the cache under `key`."""
        result = self.coaching(info)
        if result is None or not result.notes:
            found = SessionScore(info, None, None, 0)
        else:
            asked = int(result.insights["questions_asked"])
            share = float(result.insights["open_share"]) if asked else None
            found = SessionScore(info, result.score, share, asked)
        if key and result is not None:
            self.store.save_score(info.id, key, found.score, found.open_share, found.questions)
        return found


def sparkline(values: Sequence[float | None], top: float = 100.0) -> str:
    """One block character per value, oldest first; a gap for a session with no score."""
    out = []
    for value in values:
        if value is None:
            out.append(" ")
        else:
            step = round(max(0.0, min(value, top)) / top * (len(SPARKS) - 1))
            out.append(SPARKS[step])
    return "".join(out)


def progress(scorer: Scorer, infos: Sequence[SessionInfo]) -> list[SessionScore]:
    """Oldest first: each session's score and share of open questions."""
    return scorer.scores(sorted(infos, key=lambda i: (i.started, i.id)))


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def question_bank(
    scorer: Scorer, infos: Sequence[SessionInfo], limit: int = 20
) -> list[BankedQuestion]:
    """The user's best questions: open, one at a time, not leading, on a topic worth asking
    (not openings or pay); follow-ups first, then the most recent."""
    found: list[BankedQuestion] = []
    seen: set[str] = set()
    for info in sorted(infos, key=lambda i: (i.started, i.id), reverse=True):
        persona = scorer.persona(info.persona)
        if persona is None:
            continue
        main = set(focus(scorer.data, persona.persona.scenario))
        worth = (set(scorer.data.topics) - {"ask_about_openings", "ask_compensation"}) | main
        for reading in read(scorer.store.turns(info.id)):
            a = reading.analysis
            good = a.form == "open" and not a.stacked and not a.leading
            if not good or reading.intent not in worth or _key(reading.turn.text) in seen:
                continue
            seen.add(_key(reading.turn.text))
            found.append(
                BankedQuestion(
                    reading.turn.text,
                    reading.intent,
                    info.id,
                    reading.index,
                    info.persona,
                    a.follow_up,
                )
            )
    # Newest first, and a stable sort keeps that order among equals.
    found.sort(key=lambda q: not q.follow_up)
    return found[:limit]


def open_scorer(store: Store) -> Scorer:
    """A scorer over the installed dialogue data; a persona that no longer loads scores None."""
    from chatbot import paths
    from chatbot.dialogue.coach_loader import coach_file, load_coach, questions_file
    from chatbot.dialogue.loader import catalog_of, load_intents
    from chatbot.engine.practice import dialogue_hash, load_persona
    from chatbot.errors import RehearseError

    root = paths.dialogues_dir()
    catalog = catalog_of(load_intents(root))
    coach_bytes = b"".join(p.read_bytes() for p in (questions_file(root), coach_file(root)))

    def persona(persona_id: str) -> Persona | None:
        try:
            return load_persona(persona_id, catalog)
        except RehearseError:
            return None

    def version(persona_id: str) -> str:
        try:
            persona_hash = dialogue_hash(persona_id)
        except RehearseError:
            persona_hash = "gone"
        return hashlib.sha256(persona_hash.encode() + coach_bytes).hexdigest()[:16]

    return Scorer(store, load_coach(root), persona, version)
