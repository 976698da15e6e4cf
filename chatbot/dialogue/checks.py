"""Second-pass checks of dialogue data: references, reachability and completeness."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from chatbot.dialogue.contract import CONTRACT_INTENTS, MIN_EXAMPLES, STAGES
from chatbot.dialogue.models import Guarded, Intent, Persona, Slot, Stage, Tree
from chatbot.dialogue.source import PathKey, Problem, Source

SLOT_RE = re.compile(r"\{([^{}]*)\}")
# The two topics a "did you mean X or Y?" line names.
CHOICE_SLOTS = frozenset({"first", "second"})
_ID_FIELDS = frozenset(
    {
        "when_any",
        "expects",
        "intents",
        "leave_on",
        "detours",
        "after_any",
        "not_after",
        "unlocked_by",
        "answers",
        "covered_by",
    }
)
_STAGE_ONLY = {
    "tree": "questions",
    "resume": "questions",
    "detours": "questions",
    "more": "interviewee_questions",
}


def normalise_example(text: str) -> str:
    """Two examples that differ only in case, punctuation or spacing count as the same."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def check_intents(files: list[tuple[Source, tuple[Intent, ...]]]) -> list[Problem]:
    problems: list[Problem] = []
    where: dict[str, tuple[Source, int]] = {}
    examples: dict[str, tuple[str, Source, PathKey]] = {}
    for source, intents in files:
        for i, intent in enumerate(intents):
            path: PathKey = ("intents", i, "id")
            if intent.id in where:
                other = where[intent.id][0].path
                problems.append(source.problem(path, f"intent {intent.id!r} is also in {other}"))
                continue
            where[intent.id] = (source, i)
            has_children = any(i.parent == intent.id for _, its in files for i in its)
            # A parent whose finer children carry most of its examples needs only a few.
            if len(intent.examples) < (3 if has_children else MIN_EXAMPLES):
                problems.append(
                    source.problem(
                        ("intents", i, "examples"),
                        f"{len(intent.examples)} examples; at least {MIN_EXAMPLES} are needed",
                    )
                )
            for j, text in enumerate(intent.examples):
                key = normalise_example(text)
                ex_path: PathKey = ("intents", i, "examples", j)
                if not key:
                    continue
                if key in examples:
                    first, first_source, first_path = examples[key]
                    line = first_source.line_of(first_path)
                    problems.append(
                        source.problem(
                            ex_path,
                            f"same example as {first_source.path}:{line} (intent {first})",
                        )
                    )
                else:
                    examples[key] = (intent.id, source, ex_path)
    for source, intents in files:
        for i, intent in enumerate(intents):
            if intent.parent is not None and intent.parent not in where:
                problems.append(
                    source.problem(("intents", i, "parent"), f"unknown intent {intent.parent!r}")
                )
            elif intent.parent == intent.id:
                problems.append(
                    source.problem(("intents", i, "parent"), "an intent is not its own parent")
                )
    if files:
        missing = [i for i in CONTRACT_INTENTS if i not in where]
        if missing:
            folder = str(files[0][0].path.parent)
            problems.append(
                Problem(folder, 1, "", f"contract intents missing: {', '.join(missing)}")
            )
    return problems


def check_slots(source: Source, slots: Mapping[str, Slot], intents: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    for name, slot in slots.items():
        for i, intent in enumerate(slot.intents):
            if intent not in intents:
                problems.append(
                    source.problem(("slots", name, "intents", i), f"unknown intent {intent!r}")
                )
        problems += _check_patterns(source, ("slots", name, "patterns"), slot.patterns)
        if slot.take != "titles" and not slot.patterns:
            problems.append(source.problem(("slots", name), f"take: {slot.take} needs patterns"))
    return problems


def check_patterns(source: Source, intents: tuple[Intent, ...]) -> list[Problem]:
    problems: list[Problem] = []
    for i, intent in enumerate(intents):
        problems += _check_patterns(source, ("intents", i, "patterns"), intent.patterns)
    return problems


def _check_patterns(source: Source, path: PathKey, patterns: tuple[Any, ...]) -> list[Problem]:
    if not patterns:
        return []
    from spacy.schemas import validate_token_pattern  # only when there are patterns to check

    problems = []
    for i, pattern in enumerate(patterns):
        for error in validate_token_pattern([dict(token) for token in pattern]):
            problems.append(source.problem((*path, i), f"bad Matcher pattern: {error}"))
    return problems


def check_persona(
    source: Source,
    persona: Persona,
    intents: set[str],
    parents: Mapping[str, str | None],
    slots: set[str],
) -> list[Problem]:
    problems: list[Problem] = []
    if source.path.stem != persona.id:
        problems.append(
            source.problem(("persona", "id"), f"the file must be named {persona.id}.yaml")
        )
    for path, value in _walk(persona, ()):
        field_name = next((k for k in reversed(path) if isinstance(k, str)), "")
        if path[:2] == ("listening", "choice"):
            if isinstance(value, str) and set(SLOT_RE.findall(value)) != CHOICE_SLOTS:
                problems.append(source.problem(path, "needs {first} and {second}, and no slot"))
            continue
        if field_name in _ID_FIELDS and isinstance(value, str):
            if value not in intents:
                problems.append(source.problem(path, f"unknown intent {value!r}"))
        elif field_name == "slots" and isinstance(value, str):
            if value not in slots:
                problems.append(source.problem(path, f"unknown slot {value!r}"))
        elif isinstance(value, tuple) and any(isinstance(v, Guarded) for v in value):
            plain = [v for v in value if isinstance(v, str)]
            if not plain or all(SLOT_RE.search(text) for text in plain):
                problems.append(
                    source.problem(
                        path, "needs a plain variant with no slot, for when no guard holds"
                    )
                )
        elif isinstance(value, str):
            for name in SLOT_RE.findall(value):
                if name not in slots:
                    known = ", ".join(sorted(slots)) or "none"
                    problems.append(
                        source.problem(path, f"unknown slot {{{name}}} (known: {known})")
                    )
        elif isinstance(value, tuple) and value and all(isinstance(v, str) for v in value):
            if field_name in _ID_FIELDS:
                continue
            seen: set[str] = set()
            for j, text in enumerate(value):
                if text in seen:
                    problems.append(source.problem((*path, j), "variant repeated in this list"))
                seen.add(text)
            if all(SLOT_RE.search(text) for text in value):
                problems.append(
                    source.problem(path, "every variant needs a slot; add one that needs none")
                )
    for key in persona.replies:
        if key not in intents:
            problems.append(source.problem(("replies", key), f"unknown intent {key!r}"))
    for stage_name in STAGES:
        stage = persona.stages.get(stage_name)
        problems += _check_stage(source, stage_name, stage, intents)
    problems += _unique(source, "discoverables", [d.id for d in persona.discoverables], "id")
    discoverable_ids = {d.id for d in persona.discoverables}
    for path, value in _walk(persona, ()):
        if "revealed" in path and isinstance(value, str) and value not in discoverable_ids:
            problems.append(source.problem(path, f"unknown discoverable {value!r}"))
    problems += _unique(source, "rubric", [r.check for r in persona.rubric], "check")
    timing = persona.time
    if timing and (timing.warn_after_turns or timing.warn_at_minutes) and not timing.warn:
        problems.append(source.problem(("time",), "a warning time needs `warn` lines"))
    problems += _check_replies_complete(source, persona, intents, parents)
    return problems


def _unique(source: Source, field: str, values: list[str], key: str) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for i, value in enumerate(values):
        if value in seen:
            problems.append(source.problem((field, i, key), f"{value!r} appears twice"))
        seen.add(value)
    return problems


def _check_stage(source: Source, name: str, stage: Stage, intents: set[str]) -> list[Problem]:
    base: PathKey = ("stages", name)
    problems = []
    for key in stage.replies:
        if key not in intents:
            problems.append(source.problem((*base, "replies", key), f"unknown intent {key!r}"))
    for field_name, owner in _STAGE_ONLY.items():
        if getattr(stage, field_name) and name != owner:
            problems.append(source.problem((*base, field_name), f"only used in the {owner} stage"))
    rule = stage.advance
    if name == "questions":
        if stage.tree is None:
            problems.append(source.problem(base, "the questions stage needs a tree"))
        else:
            problems += _check_tree(source, (*base, "tree"), stage.tree)
    else:
        for field_name in ("tree_done", "yield_after_questions"):
            if getattr(rule, field_name):
                problems.append(
                    source.problem(
                        (*base, "advance", field_name), "only used in the questions stage"
                    )
                )
    if not (rule.when_any or rule.max_turns or (rule.tree_done and stage.tree is not None)):
        problems.append(
            source.problem(
                (*base, "advance"), "the stage has no way out: give when_any or max_turns"
            )
        )
    if rule.max_turns is not None and rule.min_turns > rule.max_turns:
        problems.append(
            source.problem((*base, "advance", "min_turns"), "min_turns exceeds max_turns")
        )
    return problems


def _check_tree(source: Source, base: PathKey, tree: Tree) -> list[Problem]:
    problems = []
    nodes = tree.nodes
    if tree.start not in nodes:
        problems.append(source.problem((*base, "start"), f"unknown node {tree.start!r}"))
    edges: dict[str, list[str | None]] = {}
    for node_id, node in nodes.items():
        targets: list[str | None] = []
        outs: list[tuple[PathKey, str | None]] = [
            ((*base, "nodes", node_id, "branches", i, "next"), b.next)
            for i, b in enumerate(node.branches)
        ]
        outs.append(((*base, "nodes", node_id, "default", "next"), node.default.next))
        for path, target in outs:
            if target is not None and target not in nodes:
                problems.append(source.problem(path, f"next: unknown node {target!r}"))
            else:
                targets.append(target)
        edges[node_id] = targets
    reached: set[str] = set()
    frontier = [tree.start] if tree.start in nodes else []
    while frontier:
        node_id = frontier.pop()
        if node_id in reached:
            continue
        reached.add(node_id)
        frontier += [t for t in edges[node_id] if t is not None]
    for node_id in nodes:
        if node_id not in reached:
            problems.append(
                source.problem((*base, "nodes", node_id), "unreachable from the tree's start")
            )
    can_end = {n for n, ts in edges.items() if None in ts}
    changed = True
    while changed:
        changed = False
        for node_id, ts in edges.items():
            if node_id not in can_end and any(t in can_end for t in ts):
                can_end.add(node_id)
                changed = True
    for node_id in nodes:
        if node_id in reached and node_id not in can_end:
            problems.append(
                source.problem((*base, "nodes", node_id), "the tree cannot end from this node")
            )
    return problems


def _check_replies_complete(
    source: Source, persona: Persona, intents: set[str], parents: Mapping[str, str | None]
) -> list[Problem]:
    stages = [persona.stages.get(s) for s in STAGES]
    missing = []
    for intent in sorted(intents):
        chain: list[str] = []
        current: str | None = intent
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        if any(i in persona.replies for i in chain):
            continue
        if all(any(i in stage.replies for i in chain) for stage in stages):
            continue
        missing.append(intent)
    if missing:
        return [source.problem(("replies",), f"no reply for intents: {', '.join(missing)}")]
    return []


def _walk(value: Any, path: PathKey) -> Iterator[tuple[PathKey, Any]]:
    """Every value in a model, with its path in the YAML."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name), (*path, name))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(item, (*path, str(key)))
    elif isinstance(value, tuple):
        yield path, value
        for i, item in enumerate(value):
            yield from _walk(item, (*path, i))
    else:
        yield path, value
