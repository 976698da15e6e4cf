"""The persona cards on the home screen, read without pydantic or spaCy: a quick first frame."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chatbot import paths
from chatbot.dialogue.yaml_cache import cached_safe_load


@dataclass(frozen=True)
class Card:
    id: str
    name: str
    role: str
    scenario: str
    brief: str
    setting: str
    expected_minutes: int


def _card(data: Any) -> Card | None:
    info = data.get("persona") if isinstance(data, dict) else None
    if not isinstance(info, dict):
        return None
    texts = ("id", "name", "role", "scenario", "brief", "setting")
    if not all(isinstance(info.get(k), str) for k in texts):
        return None
    minutes = info.get("expected_minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        return None
    return Card(
        id=info["id"],
        name=info["name"],
        role=info["role"],
        scenario=info["scenario"],
        brief=info["brief"],
        setting=info["setting"],
        expected_minutes=minutes,
    )


def persona_cards() -> list[Card]:
    """Each persona's card. A broken file is left out here; practice and `rehearse validate`
    load it fully and say what is wrong."""
    cards = []
    for path in sorted((paths.dialogues_dir() / "personas").glob("*.yaml")):
        try:
            raw = path.read_bytes()
            card = _card(cached_safe_load(raw, raw.decode("utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
        except Exception as exc:  # a YAML syntax error: yaml is imported only on a cache miss
            if type(exc).__module__.startswith("yaml"):
                continue
            raise
        if card is not None:
            cards.append(card)
    return cards
