"""JSON Schemas of the dialogue formats, generated from the models for editors to use."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from chatbot.dialogue.coaching import CoachFile, QuestionsFile
from chatbot.dialogue.models import IntentsFile, Persona, SlotsFile

SCHEMAS: dict[str, type[BaseModel]] = {
    "persona.schema.json": Persona,
    "intents.schema.json": IntentsFile,
    "slots.schema.json": SlotsFile,
    "questions.schema.json": QuestionsFile,
    "coach.schema.json": CoachFile,
}


def render(model: type[BaseModel]) -> str:
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def stale(folder: Path) -> list[str]:
    """The schema files in `folder` that differ from what the models generate now."""
    out = []
    for name, model in SCHEMAS.items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != render(model):
            out.append(name)
    return out


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = folder / name
        path.write_text(render(model), encoding="utf-8")
        written.append(path)
    return written
