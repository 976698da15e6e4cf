"""Loads the dialogue folder into checked, frozen models, or fails with every problem located."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field

from chatbot.dialogue import checks
from chatbot.dialogue.coach_loader import coach_file, load_coach, questions_file
from chatbot.dialogue.models import Frozen, Id, Intent, IntentsFile, Persona, Slot, SlotsFile, Text
from chatbot.dialogue.source import DialogueError, Problem, Source


@dataclass(frozen=True)
class Catalog:
    """The intents as the rest of the product sees them: ids and their parents."""

    parents: Mapping[str, str | None]

    @property
    def ids(self) -> set[str]:
        return set(self.parents)

    def lineage(self, intent: str) -> list[str]:
        chain: list[str] = []
        current: str | None = intent
        while current is not None and current not in chain:
            chain.append(current)
            current = self.parents.get(current)
        return chain


class LabelledExample(Frozen):
    text: Text
    intent: Id
    # How it is said (formal, indirect, terse...), for accuracy by register.
    style: Id | None = Field(default=None, alias="register")


class LabelledFile(Frozen):
    """A labelled file for `rehearse eval`: `examples:` a list of {text, intent}."""

    version: int = 1
    examples: Annotated[tuple[LabelledExample, ...], Field(min_length=1)]


def nlu_files(root: Path) -> list[Path]:
    return sorted((root / "nlu").glob("*.yaml"))


def persona_files(root: Path) -> list[Path]:
    return sorted((root / "personas").glob("*.yaml"))


def slots_file(root: Path) -> Path:
    return root / "slots.yaml"


def _parse(path: Path, model: type[BaseModel], strict: bool = False) -> tuple[Source, BaseModel]:
    source = Source.read(path)
    parsed = source.parse(model)
    if strict:
        duplicates = source.duplicate_keys()
        if duplicates:
            raise DialogueError(duplicates)
    return source, parsed


def load_intents(root: Path, strict: bool = False) -> tuple[Intent, ...]:
    """Every intent in dialogues/nlu/, checked across files."""
    paths = nlu_files(root)
    if not paths:
        raise DialogueError([Problem(str(root / "nlu"), 1, "", "no intent files (*.yaml) here")])
    problems: list[Problem] = []
    files: list[tuple[Source, tuple[Intent, ...]]] = []
    for path in paths:
        try:
            source, parsed = _parse(path, IntentsFile, strict)
        except DialogueError as exc:
            problems += exc.problems
            continue
        assert isinstance(parsed, IntentsFile)
        files.append((source, parsed.intents))
        if strict:
            problems += checks.check_patterns(source, parsed.intents)
    problems += checks.check_intents(files)
    if problems:
        raise DialogueError(problems)
    return tuple(intent for _, intents in files for intent in intents)


def catalog_of(intents: Iterable[Intent]) -> Catalog:
    return Catalog({intent.id: intent.parent for intent in intents})


def load_slots(root: Path, catalog: Catalog, strict: bool = False) -> Mapping[str, Slot]:
    path = slots_file(root)
    if not path.exists():
        return {}
    source, parsed = _parse(path, SlotsFile, strict)
    assert isinstance(parsed, SlotsFile)
    problems = checks.check_slots(source, parsed.slots, catalog.ids)
    if problems:
        raise DialogueError(problems)
    return parsed.slots


def load_persona_file(
    path: Path, catalog: Catalog, slot_names: set[str], strict: bool = False
) -> Persona:
    source, parsed = _parse(path, Persona, strict)
    assert isinstance(parsed, Persona)
    problems = checks.check_persona(source, parsed, catalog.ids, catalog.parents, slot_names)
    if problems:
        raise DialogueError(problems)
    return parsed


def load_labelled(path: Path, catalog: Catalog) -> tuple[LabelledExample, ...]:
    source, parsed = _parse(path, LabelledFile)
    assert isinstance(parsed, LabelledFile)
    problems = [
        source.problem(("examples", i, "intent"), f"unknown intent {example.intent!r}")
        for i, example in enumerate(parsed.examples)
        if example.intent not in catalog.ids
    ]
    if problems:
        raise DialogueError(problems)
    return parsed.examples


def validate(root: Path, paths: list[Path] | None = None) -> list[Problem]:
    """Every problem in the dialogue folder, or in the given files checked against it."""
    problems: list[Problem] = []
    try:
        intents = load_intents(root, strict=True)
    except DialogueError as exc:
        problems += exc.problems
        intents = ()
    catalog = catalog_of(intents)
    slot_names: set[str] = set()
    try:
        slot_names = set(load_slots(root, catalog, strict=True))
    except DialogueError as exc:
        problems += exc.problems
    try:
        load_coach(root)
    except DialogueError as exc:
        problems += exc.problems
    targets = persona_files(root) if paths is None else paths
    shared = ("slots.yaml", "questions.yaml", "coach.yaml")
    for path in targets:
        if path.resolve().parent == (root / "nlu").resolve() or path.name in shared:
            continue  # checked above, with the rest of their folder
        try:
            load_persona_file(path, catalog, slot_names, strict=True)
        except DialogueError as exc:
            problems += exc.problems
    if paths is not None:
        wanted = {p.resolve() for p in paths}
        own = {
            p.resolve()
            for p in [*nlu_files(root), slots_file(root), questions_file(root), coach_file(root)]
        }
        problems = [
            p
            for p in problems
            if Path(p.file).resolve() in wanted or Path(p.file).resolve() not in own
        ]
    return sorted(set(problems))
