"""The JSON memory of yaml.safe_load: same data, and it never serves a stale or lossy copy."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from chatbot.dialogue.source import Source


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("REHEARSE_CACHE", str(folder))
    return folder


def _entry(cache: Path, path: Path) -> Path:
    return cache / f"{hashlib.sha256(path.read_bytes()).hexdigest()}.json"


def test_cached_data_equals_a_fresh_parse(cache: Path, dialogues: Path) -> None:
    path = dialogues / "personas" / "priya.yaml"
    first = Source.read(path).data
    assert _entry(cache, path).exists()
    assert Source.read(path).data == first == yaml.safe_load(path.read_text(encoding="utf-8"))


def test_an_edit_is_never_served_from_the_cache(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("version: 1\nname: first\n", encoding="utf-8")
    assert Source.read(path).data["name"] == "first"
    path.write_text("version: 1\nname: second\n", encoding="utf-8")
    assert Source.read(path).data["name"] == "second"


def test_a_damaged_cache_entry_is_ignored(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("version: 1\nname: kept\n", encoding="utf-8")
    Source.read(path)
    _entry(cache, path).write_text("{not json", encoding="utf-8")
    assert Source.read(path).data == {"version": 1, "name": "kept"}


def test_data_json_cannot_hold_is_not_cached(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("version: 1\nwhen: 2026-11-22\n1: one\n", encoding="utf-8")
    data = Source.read(path).data
    assert data == yaml.safe_load(path.read_text(encoding="utf-8"))
    assert not _entry(cache, path).exists()
