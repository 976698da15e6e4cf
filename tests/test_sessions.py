"""Saved sessions: migration, search, delete, export, import, exact replay, resume from a turn."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from chatbot.engine.store import DB_NAME, Store
from chatbot.engine.store_schema import MIGRATIONS, SCHEMA_VERSION, statements
from chatbot.engine.transfer import MAX_BYTES, read
from chatbot.engine.turns import Turn
from chatbot.errors import RehearseError
from tests.conftest import ROOT, cli

SESSIONS = sorted((ROOT / "tests" / "sessions").glob("*.json"))


@pytest.fixture(scope="module", autouse=True)
def _model(classifier: Any) -> None:
    """Train once in this process so that no subprocess has to."""


def _add(store: Store, texts: list[str], persona: str = "priya") -> int:
    session = store.create(persona, "informal_interview", 1, "d", "m", "0")
    turns = [
        Turn(i, "user" if i % 2 else "persona", text, "greeting", "greet" if i % 2 else None)
        for i, text in enumerate(texts)
    ]
    store.append(session, turns, "greeting", False)
    return session


def test_a_version_1_store_is_migrated_in_place(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    with sqlite3.connect(home / DB_NAME) as db:
        for statement in statements(MIGRATIONS[1]):
            db.execute(statement)
        db.execute(
            "INSERT INTO sessions VALUES (1, 'u1', '2026-01-01T00:00:00', 'priya',"
            " 'informal_interview', 7, 'd', 'm', '0', 'greeting', 0, NULL, NULL)"
        )
        db.execute(
            "INSERT INTO turns VALUES (1, 0, 'user', 'the kumquat question', 'greeting',"
            " 'greet', 0.9, NULL, '{}', 'x')"
        )
        db.execute("PRAGMA user_version = 1")
    with Store(home) as store:
        assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [t.text for t in store.turns(1)] == ["the kumquat question"]
        assert store.search("kumquat") == [(1, 0, "the kumquat question")]


def test_search_matches_words_and_never_obeys_query_syntax(tmp_path: Path) -> None:
    with Store(tmp_path / "home") as store:
        first = _add(store, ["Hello!", "I love Café culture", "Nice.", "what about the team?"])
        second = _add(store, ["Hi.", "the team is great", "ok", 'NEAR( "AND* OR -'])
        assert {s for s, _, _ in store.search("team")} == {first, second}
        assert store.search("cafe") == [(first, 1, "I love Café culture")]  # diacritics folded
        assert store.search("love team") == []  # every word, in one turn
        for hostile in ['"', "AND", "team*", "NEAR(", '"AND* OR -', ") OR (", "", "   "]:
            store.search(hostile)  # no error, whatever it finds
        assert store.search('NEAR( "AND* OR -') == [(second, 3, 'NEAR( "AND* OR -')]


def test_delete_removes_the_session_its_turns_and_their_search(tmp_path: Path) -> None:
    with Store(tmp_path / "home") as store:
        gone = _add(store, ["a", "unique zebra words"])
        kept = store.create("priya", "informal_interview", 1, "d", "m", "0", parent=(gone, 1))
        store.delete(gone)
        assert [s.id for s in store.sessions()] == [kept]
        assert store.session(kept).parent_id is None
        assert store.search("zebra") == []
        with pytest.raises(RehearseError, match="no session"):
            store.delete(gone)


def test_export_import_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "source"
    assert cli("import", str(SESSIONS[0]), home=source).returncode == 0
    exported = tmp_path / "out.json"
    done = cli("export", "1", "--format", "json", "-o", str(exported), home=source)
    assert done.returncode == 0, done.stderr
    assert exported.stat().st_mode & 0o777 == 0o600
    assert json.loads(exported.read_text()) == json.loads(SESSIONS[0].read_text())
    target = tmp_path / "target"
    assert cli("import", str(exported), home=target).returncode == 0
    with Store(source) as a, Store(target) as b:
        assert a.turns(1) == b.turns(1)
        left, right = a.session(1), b.session(1)
        assert (left.uid, left.seed, left.dialogue_hash) == (
            right.uid,
            right.seed,
            right.dialogue_hash,
        )
    again = cli("import", str(exported), home=target)
    assert again.returncode == 1 and "already here as session 1" in again.stderr
    markdown = cli("export", "1", "--format", "md", home=target).stdout
    assert "## Transcript" in markdown and "## Checks" in markdown


def _hostile(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _valid() -> dict[str, Any]:
    return json.loads(SESSIONS[0].read_text())  # type: ignore[no-any-return]


def _with(**changes: Any) -> bytes:
    data = _valid()
    for dotted, value in changes.items():
        target = data
        keys = dotted.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        target[keys[-1]] = value
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\xff\xfe garbage \x89PNG", "not UTF-8"),
        (b"{not json", "bad JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"format": "something-else", "version": 1}', "not a Rehearse session file"),
        (_with(version=2), "version 2"),
        (_with(session__seed="seven"), "session.seed"),
        (_with(turns__0__speaker="narrator"), "turns.0.speaker"),
        (_with(turns__1__index=7), "numbered 0, 1, 2"),
        (_with(session__persona="../../etc/passwd"), "session.persona"),
        (_with(turns__0__text="x" * 60_000), "turns.0.text"),
        (_with(turns__0__meta={"a": [[[[[[[[[[[1]]]]]]]]]]]}), "nested too deeply"),
        (_with(extra_key=1), "extra_key"),
    ],
    # Short ids: pytest puts the id in the environment of every command a test starts.
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else "",
)
def test_hostile_imports_are_refused_and_change_nothing(
    tmp_path: Path, content: bytes, message: str
) -> None:
    home = tmp_path / "home"
    Store(home).close()
    before = (home / DB_NAME).read_bytes()
    done = cli("import", str(_hostile(tmp_path, "bad.json", content)), home=home)
    assert done.returncode == 1 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert (home / DB_NAME).read_bytes() == before


def test_a_huge_import_is_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as stream:
        stream.truncate(MAX_BYTES + 1)  # sparse: no disk needed
    with pytest.raises(RehearseError, match="too big"):
        read(huge)


def test_imported_markup_and_escapes_stay_literal(tmp_path: Path) -> None:
    nasty = "[bold red]x[/] [@click=app.quit]q[/] \x1b[2J\x1b]0;title\x07 \u202eevil"
    path = _hostile(tmp_path, "nasty.json", _with(turns__1__text=nasty))
    home = tmp_path / "home"
    assert cli("import", str(path), home=home).returncode == 0
    with Store(home) as store:
        assert store.turns(1)[1].text == nasty
    replay = cli("replay", "1", "--plain", home=home)
    assert replay.returncode == 0 and nasty in replay.stdout  # a pipe gets the text as it is


@pytest.mark.parametrize("path", SESSIONS, ids=[p.stem for p in SESSIONS])
def test_saved_sessions_replay_exactly(path: Path, tmp_path: Path) -> None:
    """Committed sessions double as regression tests of the dialogue and the model."""
    assert cli("import", str(path), home=tmp_path).returncode == 0
    done = cli("replay", "1", "--check", home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "replay the same" in done.stdout


def test_replay_check_shows_where_a_changed_dialogue_differs(tmp_path: Path) -> None:
    dialogues = tmp_path / "dialogues"
    shutil.copytree(ROOT / "dialogues", dialogues)
    persona = dialogues / "personas" / "victor.yaml"
    recorded = json.loads((ROOT / "tests" / "sessions" / "victor_rude.json").read_text())
    line = recorded["turns"][0]["text"]
    persona.write_text(persona.read_text().replace(line, "A brand new opening line."))
    assert (
        cli(
            "import", str(ROOT / "tests" / "sessions" / "victor_rude.json"), home=tmp_path
        ).returncode
        == 0
    )
    done = cli("replay", "1", "--check", home=tmp_path, env={"REHEARSE_DIALOGUES": str(dialogues)})
    assert done.returncode == 1
    assert "the dialogue changed since it was recorded" in done.stdout
    assert "turn 0 text" in done.stdout and "A brand new opening line." in done.stdout


def test_resume_from_turn_n_equals_the_original_at_n(tmp_path: Path) -> None:
    assert (
        cli("import", str(ROOT / "tests" / "sessions" / "priya.json"), home=tmp_path).returncode
        == 0
    )
    with Store(tmp_path) as store:
        original = store.turns(1)
    yours = [t.index for t in original if t.speaker == "user"]
    for n in (yours[0], yours[len(yours) // 2], yours[-1]):
        done = cli("resume", "1", "--turn", str(n), "--plain", "--json", home=tmp_path)
        assert done.returncode == 0, done.stderr
        with Store(tmp_path) as store:
            newest = store.sessions()[0]
            resumed = store.turns(newest.id)
        assert (newest.parent_id, newest.parent_turn) == (1, n)
        assert resumed == original[: len(resumed)]
        assert len(resumed) == n  # everything before turn n, and nothing of it
    persona_line = next(t.index for t in original if t.speaker == "persona" and t.index > 0)
    bad = cli("resume", "1", "--turn", str(persona_line), "--plain", home=tmp_path)
    assert bad.returncode == 1 and "not one of your turns" in bad.stderr


def test_two_instances_at_once_lose_no_turns(tmp_path: Path) -> None:
    """Two sessions written at the same moment into one store: every turn of both is kept."""
    import os
    import subprocess
    import sys

    lines = [line for script in json.loads(json.dumps(_scripts())) for line in script]
    env = {**os.environ, "REHEARSE_HOME": str(tmp_path)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "chatbot",
                "practice",
                "--plain",
                "--json",
                "--persona",
                persona,
                "--seed",
                "1",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env=env,
        )
        for persona in ("priya", "ruth")
    ]
    outputs = [p.communicate(("\n".join(lines) + "\n").encode(), timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e.decode()[-500:] for _, e in outputs]
    with Store(tmp_path) as store:
        sessions = store.sessions()
        assert len(sessions) == 2
        for (out, _), info in zip(outputs, sorted(sessions, key=lambda s: s.persona), strict=True):
            shown = [json.loads(line) for line in out.decode().splitlines()]
            turns = store.turns(info.id)
            assert [t.text for t in turns] == [r["text"] for r in shown if "speaker" in r]


def _scripts() -> list[list[str]]:
    import yaml

    data = yaml.safe_load((ROOT / "tests" / "scenarios" / "priya.yaml").read_text())
    return [s["lines"] for s in data["scripts"] if s["name"] == "well_run"]
