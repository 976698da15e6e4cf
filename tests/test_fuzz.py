"""Fuzzing with hypothesis: the YAML loader, the engine, the importer and the coach never break."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatbot.coach.scorecard import coach
from chatbot.dialogue.coach_loader import load_coach
from chatbot.dialogue.contract import CONTRACT_INTENTS, ENDED, STAGES
from chatbot.dialogue.loader import catalog_of, load_intents, load_persona_file, load_slots
from chatbot.dialogue.models import Persona
from chatbot.dialogue.source import DialogueError
from chatbot.engine import transfer
from chatbot.engine.turns import Turn
from chatbot.errors import RehearseError
from tests.conftest import ROOT

# CI runs a reduced budget; REHEARSE_FULL_BUDGET=1 runs the full one.
settings.register_profile("ci", max_examples=60, deadline=None)
settings.register_profile("full", max_examples=1000, deadline=None)
settings.load_profile("full" if os.environ.get("REHEARSE_FULL_BUDGET") == "1" else "ci")
QUIET = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

DIALOGUES = ROOT / "dialogues"
CATALOG = catalog_of(load_intents(DIALOGUES))
SLOTS = set(load_slots(DIALOGUES, CATALOG))
PERSONA: Persona = load_persona_file(DIALOGUES / "personas" / "victor.yaml", CATALOG, SLOTS)
COACH = load_coach(DIALOGUES)

# Any text at all: controls, markup, bidi overrides, emoji, lone surrogates, very long runs.
hostile = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=300),
    st.sampled_from(
        ["[bold]x[/]", "[/]", "[@click=app.quit]q[/]", "\x1b[2J\x1b[31m", "\u202eevil", "🙂" * 50,
         "\ud800", "{question}", "%s%s", "a" * 50_000, "?" * 1000, "" ]
    ),
)  # fmt: skip
leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=40))
tree = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=30,
)


@QUIET
@given(
    data=st.one_of(
        tree,
        st.fixed_dictionaries(
            {"version": st.just(1)},
            optional={k: tree for k in ("persona", "stages", "opening", "rubric", "replies")},
        ),
    )
)
def test_yaml_loader_reports_or_loads(data: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "persona.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_persona_file(path, CATALOG, SLOTS)
    except DialogueError as exc:
        assert exc.problems and all(p.file == str(path) and p.line >= 1 for p in exc.problems)


@QUIET
@given(raw=st.one_of(st.binary(max_size=500), st.text(max_size=500).map(str.encode)))
def test_yaml_loader_survives_any_bytes(
    raw: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "persona.yaml"
    path.write_bytes(raw)
    try:
        load_persona_file(path, CATALOG, SLOTS)
    except RehearseError as exc:
        assert str(path) in exc.message


@pytest.fixture(scope="module")
def engine_parts(classifier: Any) -> Any:
    return classifier


@QUIET
@given(lines=st.lists(hostile, min_size=1, max_size=12), seed=st.integers(0, 2**31 - 1))
def test_engine_never_raises_and_stays_in_a_stage(
    lines: list[str], seed: int, engine_parts: Any
) -> None:
    from chatbot.engine.engine import Engine

    clf = engine_parts
    engine = Engine(PERSONA, clf.catalog, clf.understand, seed, clf.list_slots)
    engine.start()
    for text in lines:
        if engine.ended:
            break
        for turn in engine.say(text):
            assert turn.stage in (*STAGES, ENDED)
            assert isinstance(turn.text, str)
        assert engine.stage in (*STAGES, ENDED)


@QUIET
@given(data=st.one_of(tree, st.fixed_dictionaries(
    {"format": st.just("rehearse-session"), "version": st.just(1)},
    optional={"session": tree, "turns": st.lists(tree, max_size=5)})))  # fmt: skip
def test_importer_refuses_or_accepts_cleanly(
    data: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "session.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    try:
        _, turns = transfer.read(path)
    except RehearseError as exc:
        assert exc.message.startswith(str(path))
    else:
        assert [t.index for t in turns] == list(range(len(turns)))


turn_strategy = st.builds(
    lambda speaker, text, stage, intent, meta: (speaker, text, stage, intent, meta),
    st.sampled_from(["user", "persona"]),
    hostile,
    st.sampled_from([*STAGES, ENDED, "nonsense"]),
    st.one_of(st.none(), st.sampled_from(CONTRACT_INTENTS), st.text(max_size=10)),
    st.dictionaries(
        st.sampled_from(["elapsed", "rapport", "revealed", "reason", "slots", "x"]),
        tree,
        max_size=3,
    ),
)


@QUIET
@given(raw=st.lists(turn_strategy, max_size=30))
def test_coach_scores_any_session(raw: list[tuple[str, str, str, Any, dict[str, Any]]]) -> None:
    turns = [
        Turn(i, speaker, text, stage, intent if speaker == "user" else None, None, None, meta)  # type: ignore[arg-type]
        for i, (speaker, text, stage, intent, meta) in enumerate(raw)
    ]
    result = coach(turns, PERSONA, COACH)
    assert 0 <= result.score <= 100
    assert len(result.notes) == sum(1 for t in turns if t.speaker == "user")
    json.dumps(result.to_json())  # and it can always be written out
