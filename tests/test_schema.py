"""The committed JSON Schemas match the models, and the shipped files conform to them."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from chatbot.dialogue import schema
from tests.conftest import cli


def test_committed_schemas_are_current(dialogues: Path) -> None:
    assert schema.stale(dialogues / "schema") == [], "run `rehearse schema` and commit the result"


def test_schema_check_command_fails_on_drift(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "dialogues"
    (folder / "schema").mkdir(parents=True)
    schema.write(folder / "schema")
    (folder / "schema" / "persona.schema.json").write_text("{}", encoding="utf-8")
    assert schema.stale(folder / "schema") == ["persona.schema.json"]
    assert cli("schema", "--check").returncode == 0


def test_schema_describes_the_persona_format(dialogues: Path) -> None:
    persona = json.loads((dialogues / "schema" / "persona.schema.json").read_text(encoding="utf-8"))
    assert {"version", "persona", "opening", "replies", "stages"} <= set(persona["required"])
    assert persona["additionalProperties"] is False
    shipped = yaml.safe_load((dialogues / "personas" / "priya.yaml").read_text(encoding="utf-8"))
    assert set(shipped) <= set(persona["properties"])


def test_authoring_guide_lists_every_rubric_check(dialogues: Path) -> None:
    from chatbot.dialogue.models import RUBRIC_CHECKS

    guide = (dialogues / "README.md").read_text(encoding="utf-8")
    assert [c for c in RUBRIC_CHECKS if f"`{c}`" not in guide] == []
