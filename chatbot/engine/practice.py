"""A practice session: a persona, the intent model and the engine, saved turn by turn."""

from __future__ import annotations

import functools
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from chatbot import __version__, paths
from chatbot.dialogue.loader import Catalog, load_persona_file, load_slots, persona_files
from chatbot.dialogue.models import Persona
from chatbot.engine.engine import Engine
from chatbot.engine.nlu import IntentClassifier
from chatbot.engine.store import SessionInfo, Store
from chatbot.engine.training import Progress, is_current, read_fingerprint, train
from chatbot.engine.turns import Turn
from chatbot.errors import RehearseError


def ensure_model(progress: Progress | None = None) -> Path:
    """The model folder, trained first if it is missing or older than the dialogue data."""
    model_dir = paths.model_dir()
    if not is_current(model_dir, paths.dialogues_dir(), paths.model_config_path()):
        train(paths.dialogues_dir(), paths.model_config_path(), model_dir, progress)
    return model_dir


def load_classifier(progress: Progress | None = None) -> IntentClassifier:
    model_dir = ensure_model(progress)
    fingerprint = read_fingerprint(model_dir)
    assert fingerprint is not None
    slots = load_slots(paths.dialogues_dir(), Catalog(fingerprint.parents))
    return IntentClassifier.load(model_dir, slots)


_SWAP = {"you": "me", "your": "my", "yours": "mine", "me": "you", "my": "your", "mine": "yours"}


@functools.lru_cache(maxsize=1)
def topic_labels() -> dict[str, str]:
    """Each askable topic as the persona would name it back ("what a typical day looks like
    for me"), from the coach's labels in dialogues/questions.yaml; none if that file is bad."""
    from chatbot.dialogue.coach_loader import load_coach
    from chatbot.dialogue.source import DialogueError

    try:
        topics = load_coach(paths.dialogues_dir()).topics
    except DialogueError:
        return {}
    return {
        topic: " ".join(_SWAP.get(w, w) for w in data.discussed.split())
        for topic, data in topics.items()
    }


def engine_for(persona: Persona, classifier: IntentClassifier, seed: int) -> Engine:
    """An engine over the loaded model, with its bands and the topics' labels."""
    return Engine(
        persona,
        classifier.catalog,
        classifier.understand,
        seed,
        classifier.list_slots,
        classifier.bands,
        topic_labels(),
        classifier.slot_intents,
    )


def persona_ids(root: Path | None = None) -> list[str]:
    return [p.stem for p in persona_files(root or paths.dialogues_dir())]


def persona_path(persona_id: str, root: Path | None = None) -> Path:
    root = root or paths.dialogues_dir()
    path = root / "personas" / f"{persona_id}.yaml"
    if persona_id not in persona_ids(root):
        known = ", ".join(persona_ids(root)) or "none"
        raise RehearseError(f"unknown persona {persona_id!r} (known: {known})")
    return path


def load_persona(persona_id: str, catalog: Catalog) -> Persona:
    root = paths.dialogues_dir()
    path = persona_path(persona_id, root)
    slot_names = set(load_slots(root, catalog))
    return load_persona_file(path, catalog, slot_names)


def dialogue_hash(persona_id: str) -> str:
    """What a session's replies depend on besides the model: its persona file and the slots."""
    root = paths.dialogues_dir()
    digest = hashlib.sha256()
    for path in (persona_path(persona_id, root), root / "slots.yaml"):
        if path.exists():
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def changed_since(info: SessionInfo, classifier: IntentClassifier) -> list[str]:
    """What a session's replies depended on that is different today."""
    changed = []
    if dialogue_hash(info.persona) != info.dialogue_hash:
        changed.append("the dialogue")
    if classifier.model_hash != info.model_hash:
        changed.append("the intent model")
    return changed


def new_seed() -> int:
    return secrets.randbelow(2**31)


def resumable(store: Store, session_id: int, before: int) -> tuple[SessionInfo, list[Turn]]:
    """The session and its turns, when `before` is one of the user's turns in it; otherwise a
    message that lists the turns one can resume before."""
    info = store.session(session_id)
    recorded = store.turns(session_id)
    yours = [t.index for t in recorded if t.speaker == "user"]
    if before not in yours:
        shown = ", ".join(map(str, yours[:12])) + (", ..." if len(yours) > 12 else "")
        raise RehearseError(
            f"turn {before} of session {session_id} is not one of your turns; resume before"
            f" one of them: {shown or 'none yet'}"
        )
    return info, recorded


@dataclass
class Practice:
    """An engine whose every exchange is committed to the store before it is shown."""

    engine: Engine
    store: Store
    session_id: int
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def begin(
        cls,
        store: Store,
        persona: Persona,
        classifier: IntentClassifier,
        seed: int,
        parent: tuple[int, int] | None = None,
    ) -> Practice:
        engine = engine_for(persona, classifier, seed)
        session_id = store.create(
            persona=persona.id,
            scenario=persona.persona.scenario,
            seed=seed,
            dialogue_hash=dialogue_hash(persona.id),
            model_hash=classifier.model_hash,
            app_version=__version__,
            parent=parent,
        )
        return cls(engine, store, session_id)

    @classmethod
    def resume(
        cls,
        store: Store,
        persona: Persona,
        classifier: IntentClassifier,
        session_id: int,
        before: int,
    ) -> Practice:
        """A new session, linked to `session_id`, in exactly the state that session was in just
        before turn `before`: its user turns fed again with its seed and elapsed times."""
        from chatbot.engine.replay import rerun

        info, recorded = resumable(store, session_id, before)
        if info.persona != persona.id:
            raise RehearseError(
                f"session {session_id} was held with {info.persona}, not {persona.id}"
            )
        practice = cls.begin(store, persona, classifier, info.seed, parent=(session_id, before))
        practice.engine = rerun(persona, classifier, info.seed, recorded, before)
        engine = practice.engine
        store.append(practice.session_id, engine.turns, engine.stage, engine.ended)
        elapsed = [t.meta["elapsed"] for t in engine.turns if "elapsed" in t.meta]
        # The clock goes on from where the recording was, so time budgets hold as they did.
        practice.started = time.monotonic() - (float(elapsed[-1]) if elapsed else 0.0)
        return practice

    def start(self) -> list[Turn]:
        return self._commit(self.engine.start)

    def say(self, text: str) -> list[Turn]:
        elapsed = time.monotonic() - self.started
        return self._commit(lambda: self.engine.say(text, elapsed))

    def settle(self) -> None:
        """Housekeeping for the pause after an exchange is shown (see Store.settle)."""
        self.store.settle()

    def _commit(self, step: Callable[[], list[Turn]]) -> list[Turn]:
        turns = step()
        self.store.append(self.session_id, turns, self.engine.stage, self.engine.ended)
        return turns
