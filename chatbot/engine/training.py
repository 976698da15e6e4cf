"""Builds the intent model from the dialogue examples, reproducibly, and tells when it is stale."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from chatbot.dialogue.loader import load_intents
from chatbot.dialogue.loader import nlu_files as _nlu_files
from chatbot.engine.textcat import FEATURES_VERSION, fit_idf

Progress = Callable[[float, str], None]
FINGERPRINT = "fingerprint.json"


@dataclass(frozen=True)
class Fingerprint:
    """What a trained model was built from, saved beside it."""

    data_hash: str
    model_hash: str
    seed: int
    labels: list[str]
    parents: dict[str, str | None]
    patterns: dict[str, list[list[dict[str, Any]]]]
    settings: dict[str, float | int]


def data_hash(dialogues: Path, config: Path) -> str:
    """The hash of everything a model depends on: examples, config, features and spaCy."""
    digest = hashlib.sha256()
    for part in (f"features={FEATURES_VERSION}", f"spacy={version('spacy')}"):
        digest.update(part.encode())
    for path in [*_nlu_files(dialogues), config]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def read_fingerprint(model_dir: Path) -> Fingerprint | None:
    try:
        raw = json.loads((model_dir / FINGERPRINT).read_text(encoding="utf-8"))
        return Fingerprint(**raw)
    except (OSError, ValueError, TypeError):
        return None


def is_current(model_dir: Path, dialogues: Path, config: Path) -> bool:
    found = read_fingerprint(model_dir)
    return found is not None and found.data_hash == data_hash(dialogues, config)


def _tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != FINGERPRINT):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def read_config(config: Path) -> Any:
    from thinc.api import Config

    return Config().from_disk(config)


def build(
    examples: Sequence[tuple[str, str]],
    labels: Sequence[str],
    config: Any,
    progress: Progress | None = None,
) -> Any:
    """Train a spaCy pipeline in memory on (text, intent) pairs; same inputs, same weights."""
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, load_model_from_config, minibatch

    seed = int(config["training"]["seed"])
    fix_random_seed(seed)
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    assert isinstance(nlp, spacy.Language)
    textcat = nlp.get_pipe("textcat")
    for label in labels:
        textcat.add_label(label)  # type: ignore[attr-defined]
    data = [
        Example.from_dict(
            nlp.make_doc(text), {"cats": {lab: float(lab == intent) for lab in labels}}
        )
        for text, intent in examples
    ]
    optimizer = nlp.initialize(lambda: data)
    fit_idf(textcat.model, (example.predicted for example in data))  # type: ignore[attr-defined]
    rng = random.Random(seed)
    epochs = int(config["training"]["max_epochs"])
    dropout = float(config["training"]["dropout"])
    size = int(config["rehearse"]["batch_size"])
    for epoch in range(epochs):
        rng.shuffle(data)
        losses: dict[str, float] = {}
        for batch in minibatch(data, size=size):
            # The component's own update: nlp.update copies every doc, losing cached features.
            textcat.update(batch, sgd=optimizer, drop=dropout, losses=losses)  # type: ignore[attr-defined]
        if progress:
            progress(
                (epoch + 1) / epochs, f"epoch {epoch + 1}/{epochs}, loss {losses['textcat']:.3f}"
            )
    return nlp


def train(
    dialogues: Path, config_path: Path, model_dir: Path, progress: Progress | None = None
) -> Fingerprint:
    """Train from dialogues/nlu/ and save to model_dir atomically, with its fingerprint."""
    if progress:
        progress(0.0, "reading the examples")
    intents = load_intents(dialogues)
    config = read_config(config_path)
    examples = [(text, intent.id) for intent in intents for text in intent.examples]
    labels = [intent.id for intent in intents]
    nlp = build(examples, labels, config, progress)
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = model_dir.parent / f".{model_dir.name}.{os.getpid()}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    nlp.to_disk(staging)
    fingerprint = Fingerprint(
        data_hash=data_hash(dialogues, config_path),
        model_hash=_tree_hash(staging),
        seed=int(config["training"]["seed"]),
        labels=labels,
        parents={intent.id: intent.parent for intent in intents},
        patterns={i.id: [[dict(t) for t in p] for p in i.patterns] for i in intents if i.patterns},
        settings={k: v for k, v in config["rehearse"].items() if k != "batch_size"},
    )
    (staging / FINGERPRINT).write_text(json.dumps(asdict(fingerprint), indent=2), encoding="utf-8")
    _swap_in(staging, model_dir)
    if progress:
        progress(1.0, "model saved")
    return fingerprint


def _swap_in(staging: Path, model_dir: Path) -> None:
    """Replace the model folder whole, so that a reader never sees half a model; when another
    process swaps in its own model at the same moment, either one will do (same data, same seed)."""
    retired = model_dir.parent / f".{model_dir.name}.{os.getpid()}.old"
    try:
        if model_dir.exists():
            model_dir.rename(retired)
        staging.rename(model_dir)
    except OSError:
        if not model_dir.exists():
            raise
    finally:
        shutil.rmtree(retired, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
