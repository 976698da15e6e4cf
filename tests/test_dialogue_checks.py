"""Bad dialogue data gets a message with file, line and path; good data loads into frozen models."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml

from chatbot.dialogue.contract import CONTRACT_INTENTS
from chatbot.dialogue.loader import catalog_of, load_intents, load_persona_file, validate
from chatbot.dialogue.source import DialogueError
from tests.conftest import cli

SLOTS = {"name", "goal"}


def minimal_persona() -> dict[str, Any]:
    """A small persona that passes every check: the base each test breaks in one place."""
    stage = {"replies": {}, "advance": {"when_any": ["affirm"], "max_turns": 3}}
    return {
        "version": 1,
        "persona": {
            "id": "mini",
            "name": "Mini Persona",
            "role": "Tester",
            "scenario": "informal_interview",
            "brief": "A test persona.",
            "setting": "A test.",
            "style": "Plain.",
            "expected_minutes": 10,
        },
        "leave_on": ["goodbye"],
        "opening": ["Hello there.", "Hi, {name}."],
        "replies": {i: [f"Reply to {i}."] for i in CONTRACT_INTENTS},
        "silence": ["Take your time."],
        "fallback": ["Hmm."],
        "closing": ["Bye."],
        "stages": {
            "greeting": copy.deepcopy(stage),
            "small_talk": copy.deepcopy(stage),
            "questions": {
                "enter": ["Let me ask you things."],
                "tree": {
                    "start": "first",
                    "nodes": {
                        "first": {
                            "ask": ["First question?"],
                            "expects": ["share_background"],
                            "default": {"reply": ["Noted."], "next": "second"},
                        },
                        "second": {
                            "ask": ["Second question?"],
                            "expects": ["share_goals"],
                            "branches": [{"intents": ["deny"], "reply": ["Fair."], "next": None}],
                            "default": {"reply": ["Good."], "next": None},
                        },
                    },
                },
                "advance": {"tree_done": True, "max_turns": 10},
            },
            "interviewee_questions": copy.deepcopy(stage),
            "wrap_up": copy.deepcopy(stage),
        },
        "rubric": [{"check": "thanked_them", "why": "Say thank you."}],
        "discoverables": [
            {
                "id": "secret",
                "what": "A secret.",
                "unlocked_by": ["ask_team_needs"],
                "say": ["The secret."],
            }
        ],
    }


def write(folder: Path, data: Any, name: str = "mini.yaml") -> tuple[Path, str]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False, width=200)
    path.write_text(text, encoding="utf-8")
    return path, text


def line_of(text: str, marker: str, nth: int = 0) -> int:
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if marker in line]
    return lines[nth]


def problems_for(dialogues: Path, path: Path) -> list[str]:
    return [str(p) for p in validate(dialogues, [path])]


def test_minimal_persona_is_valid(tmp_path: Path, dialogues: Path) -> None:
    path, _ = write(tmp_path, minimal_persona())
    assert problems_for(dialogues, path) == []


def test_the_shipped_dialogues_are_valid(dialogues: Path) -> None:
    assert [str(p) for p in validate(dialogues)] == []


def test_loaded_models_are_frozen(tmp_path: Path, dialogues: Path) -> None:
    path, _ = write(tmp_path, minimal_persona())
    catalog = catalog_of(load_intents(dialogues))
    persona = load_persona_file(path, catalog, SLOTS)
    with pytest.raises(pydantic.ValidationError):
        persona.persona.name = "Changed"  # type: ignore[misc]
    assert isinstance(persona.opening, tuple)


def test_malformed_yaml_names_file_and_line(tmp_path: Path, dialogues: Path) -> None:
    path, _ = write(tmp_path, "version: 1\npersona:\n  id: mini\n  name: [unclosed\n  role: x\n")
    (problem,) = problems_for(dialogues, path)
    assert problem.startswith(f"{path}:")
    assert "invalid YAML" in problem
    assert int(problem.split(":")[1]) in (4, 5)


def test_unquoted_yes_is_a_boolean_not_text(tmp_path: Path, dialogues: Path) -> None:
    data = minimal_persona()
    data["silence"] = [True]
    path, text = write(tmp_path, data)
    (problem,) = problems_for(dialogues, path)
    assert problem.startswith(f"{path}:{line_of(text, '- true')}: silence[0]: ")
    assert "put the text in quotes" in problem


def test_a_number_where_text_is_expected(tmp_path: Path, dialogues: Path) -> None:
    data = minimal_persona()
    data["persona"]["name"] = 1.0
    path, text = write(tmp_path, data)
    (problem,) = problems_for(dialogues, path)
    assert f":{line_of(text, 'name: 1.0')}: persona.name: " in problem
    assert "quotes" in problem


@pytest.mark.parametrize(
    ("change", "marker", "expected"),
    [
        (
            lambda d: d["replies"].update({"ask_weather": ["Sunny."]}),
            "ask_weather:",
            "unknown intent 'ask_weather'",
        ),
        (
            lambda d: d["stages"]["small_talk"]["advance"].update({"when_any": ["wave"]}),
            "- wave",
            "unknown intent 'wave'",
        ),
        (
            lambda d: d["stages"]["questions"]["tree"]["nodes"]["first"]["default"].update(
                {"next": "nowhere"}
            ),
            "next: nowhere",
            "next: unknown node 'nowhere'",
        ),
        (
            lambda d: d["stages"]["questions"]["tree"]["nodes"].update(
                {
                    "lonely": {
                        "ask": ["Lonely?"],
                        "expects": ["affirm"],
                        "default": {"reply": ["Ok."], "next": None},
                    }
                }
            ),
            "lonely:",
            "unreachable from the tree's start",
        ),
        (
            lambda d: d["stages"]["questions"]["tree"]["nodes"]["second"].update(
                {"branches": [], "default": {"reply": ["Again."], "next": "first"}}
            ),
            "first:",
            "the tree cannot end from this node",
        ),
        (
            lambda d: d["stages"]["small_talk"].update({"advance": {"min_turns": 1}}),
            ("advance:", 1),
            "no way out",
        ),
        (lambda d: d.update({"silence": []}), "silence: []", "at least 1 item"),
        (lambda d: d.update({"fallback": ["Hmm.", "Hmm."]}), ("- Hmm.", 1), "variant repeated"),
        (
            lambda d: d.update({"closing": ["Bye, {name}."]}),
            "closing:",
            "every variant needs a slot",
        ),
        (
            lambda d: d.update({"closing": ["Bye, {nickname}.", "Bye."]}),
            "{nickname}",
            "unknown slot {nickname}",
        ),
        (lambda d: d.update({"colour": "blue"}), "colour:", "unknown key"),
        (
            lambda d: d["persona"].update({"scenario": "speed_dating"}),
            "speed_dating",
            "Input should be",
        ),
        (lambda d: d["persona"].update({"id": "other"}), "id: other", "must be named other.yaml"),
        (
            lambda d: d["replies"].pop("ask_culture"),
            "replies:",
            "no reply for intents: ask_culture",
        ),
        (
            lambda d: d["stages"]["greeting"].update({"more": ["More?"]}),
            "more:",
            "only used in the interviewee_questions stage",
        ),
        (lambda d: d["stages"].pop("wrap_up"), "stages:", "required key is missing"),
        (
            lambda d: d["replies"].update(
                {"ask_culture": [{"when": {"rapport_at_least": 1}, "say": ["Warm."]}]}
            ),
            "ask_culture:",
            "needs a plain variant",
        ),
        (
            lambda d: d["replies"].update(
                {"ask_culture": [{"when": {"slots": ["shoe_size"]}, "say": ["Hm."]}, "Plain."]}
            ),
            "- shoe_size",
            "unknown slot 'shoe_size'",
        ),
        (
            lambda d: d["replies"].update(
                {"ask_culture": [{"when": {"moon": "full"}, "say": ["x"]}, "y"]}
            ),
            "moon: full",
            "unknown key",
        ),
        (
            lambda d: d["discoverables"][0].update({"unlocked_by": ["ask_secrets"]}),
            "- ask_secrets",
            "unknown intent",
        ),
        (
            lambda d: d["discoverables"].append(dict(d["discoverables"][0])),
            ("id: secret", 1),
            "appears twice",
        ),
        (
            lambda d: d.update({"rubric": [{"check": "was_charming", "why": "x"}]}),
            "was_charming",
            "Input should be",
        ),
        (lambda d: d.update({"time": {"warn_after_turns": 3}}), "time:", "needs `warn` lines"),
        (lambda d: d.update({"rubric": []}), "rubric: []", "at least 1 item"),
    ],
)
def test_each_problem_is_located(
    tmp_path: Path, dialogues: Path, change: Any, marker: Any, expected: str
) -> None:
    data = minimal_persona()
    change(data)
    path, text = write(tmp_path, data)
    found = problems_for(dialogues, path)
    marker, nth = marker if isinstance(marker, tuple) else (marker, 0)
    prefix = f"{path}:{line_of(text, marker, nth)}:"
    assert any(expected in p and p.startswith(prefix) for p in found), (found, prefix)


def test_duplicate_keys_are_reported(tmp_path: Path, dialogues: Path) -> None:
    _, text = write(tmp_path, minimal_persona())
    text = text.replace("fallback:", "silence:\n- Again.\nfallback:", 1)
    path, _ = write(tmp_path, text)
    found = problems_for(dialogues, path)
    assert any("duplicate key" in p and f":{line_of(text, 'silence:', 1)}:" in p for p in found), (
        found
    )


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path, dialogues: Path) -> None:
    data = minimal_persona()
    data["replies"]["nope"] = ["x"]
    data["closing"] = ["Bye, {nickname}.", "Bye."]
    data["stages"]["questions"]["tree"]["start"] = "zeroth"
    path, _ = write(tmp_path, data)
    assert len(problems_for(dialogues, path)) >= 3


def _nlu_copy(tmp_path: Path, dialogues: Path) -> Path:
    root = tmp_path / "dialogues"
    shutil.copytree(dialogues / "nlu", root / "nlu")
    return root


def test_intent_problems(tmp_path: Path, dialogues: Path) -> None:
    root = _nlu_copy(tmp_path, dialogues)
    path = root / "nlu" / "control.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["intents"] = [i for i in data["intents"] if i["id"] != "unsure"]
    data["intents"][0]["examples"] = data["intents"][0]["examples"][:5]
    data["intents"][1]["parent"] = "no_such_intent"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(DialogueError) as raised:
        load_intents(root)
    message = raised.value.message
    assert "contract intents missing: unsure" in message
    assert "5 examples; at least 30 are needed" in message
    assert "unknown intent 'no_such_intent'" in message


def test_duplicate_examples_across_files_point_at_both(tmp_path: Path, dialogues: Path) -> None:
    root = _nlu_copy(tmp_path, dialogues)
    first = yaml.safe_load((root / "nlu" / "opening.yaml").read_text(encoding="utf-8"))
    greeting = first["intents"][0]["examples"][0]
    path = root / "nlu" / "wrap_up.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["intents"][0]["examples"].append(greeting.upper() + "!!")
    path.write_text(yaml.safe_dump(data, sort_keys=False, width=500), encoding="utf-8")
    with pytest.raises(DialogueError) as raised:
        load_intents(root)
    (problem,) = raised.value.problems
    assert problem.file == str(path) and "same example as" in problem.message
    assert "opening.yaml" in problem.message


def test_validate_command_exits_1_with_located_problems(tmp_path: Path) -> None:
    data = minimal_persona()
    data["replies"]["ask_weather"] = ["Sunny."]
    path, text = write(tmp_path, data)
    done = cli("validate", str(path))
    assert done.returncode == 1
    assert (
        f"{path}:{line_of(text, 'ask_weather:')}: replies.ask_weather: unknown intent"
        in done.stdout
    )
    assert "Traceback" not in done.stderr


def test_validate_command_passes_on_the_shipped_data() -> None:
    done = cli("validate")
    assert done.returncode == 0, done.stdout
    assert "ok" in done.stderr


def test_validate_names_a_missing_path() -> None:
    done = cli("validate", "no/such/file.yaml")
    assert done.returncode == 1
    assert "no such file" in done.stderr and "Traceback" not in done.stderr


def test_not_utf8_is_reported_with_its_line(tmp_path: Path, dialogues: Path) -> None:
    path = tmp_path / "mini.yaml"
    path.write_bytes(b"version: 1\npersona:\n  name: caf\xe9\n")
    (problem,) = problems_for(dialogues, path)
    assert problem == f"{path}:3: not UTF-8 text"
