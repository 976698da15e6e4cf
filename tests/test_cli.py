"""The command-line contract of DESIGN.md, run as a user runs it: a real process, real files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chatbot.dialogue.contract import CONTRACT_INTENTS, SCENARIOS, STAGES
from tests.conftest import DEV_SET, cli
from tests.test_engine import FULL


@pytest.fixture(scope="module", autouse=True)
def _model(classifier: Any) -> None:
    """Train once in this process so that no subprocess has to."""


def _practice(home: Path, lines: list[str], *extra: str) -> Any:
    return cli(
        "practice",
        "--plain",
        "--persona",
        "priya",
        "--seed",
        "4",
        *extra,
        input="\n".join(lines) + "\n",
        home=home,
    )


def test_personas_json(tmp_path: Path) -> None:
    done = cli("personas", "--json", home=tmp_path)
    assert done.returncode == 0, done.stderr
    personas = json.loads(done.stdout)
    assert {"id", "name", "role", "scenario"} <= set(personas[0])
    assert all(p["scenario"] in SCENARIOS for p in personas)
    assert "priya" in [p["id"] for p in personas]


def test_personas_table(tmp_path: Path) -> None:
    done = cli("personas", home=tmp_path)
    assert (
        done.returncode == 0
        and "Priya Raman" in done.stdout
        and "informal_interview" in done.stdout
    )


def test_plain_practice_prints_name_colon_text_and_ends(tmp_path: Path) -> None:
    done = _practice(tmp_path, FULL)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines and all(line.startswith("Priya Raman: ") for line in lines)
    assert len(lines) > len(FULL)


def test_plain_json_turns_and_final_line(tmp_path: Path) -> None:
    done = _practice(tmp_path, FULL, "--json")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    *turns, last = records
    assert last["ended"] is True and last["stage"] == "ended" and isinstance(last["session"], int)
    for turn in turns:
        assert {"speaker", "text", "stage"} <= set(turn)
        assert turn["speaker"] in ("user", "persona")
        assert turn["stage"] in (*STAGES, "ended")
        if turn["speaker"] == "user":
            assert turn["intent"] in CONTRACT_INTENTS and 0 <= turn["confidence"] <= 1
    assert [t["text"] for t in turns if t["speaker"] == "user"] == FULL


def test_same_seed_same_transcript_through_the_cli(tmp_path: Path) -> None:
    first = _practice(tmp_path / "a", FULL).stdout
    second = _practice(tmp_path / "b", FULL).stdout
    assert first == second


def test_end_of_input_before_the_end_saves_an_unfinished_session(tmp_path: Path) -> None:
    done = _practice(tmp_path, FULL[:3], "--json")
    last = json.loads(done.stdout.splitlines()[-1])
    assert done.returncode == 0 and last["ended"] is False
    sessions = json.loads(cli("sessions", "--json", home=tmp_path).stdout)
    assert sessions[0]["id"] == last["session"] and sessions[0]["turns"] > 3


def test_sessions_json_newest_first_and_counts_every_turn(tmp_path: Path) -> None:
    first = json.loads(_practice(tmp_path, FULL[:2], "--json").stdout.splitlines()[-1])["session"]
    done = _practice(tmp_path, FULL, "--json")
    second = json.loads(done.stdout.splitlines()[-1])["session"]
    sessions = json.loads(cli("sessions", "--json", home=tmp_path).stdout)
    assert [s["id"] for s in sessions] == [second, first]
    assert {"id", "started", "persona", "scenario", "turns", "score"} <= set(sessions[0])
    assert sessions[0]["turns"] == len(done.stdout.splitlines()) - 1
    assert sessions[0]["persona"] == "priya" and sessions[0]["scenario"] == "informal_interview"


def test_replay_plain_annotates_every_turn(tmp_path: Path) -> None:
    session = json.loads(_practice(tmp_path, FULL, "--json").stdout.splitlines()[-1])["session"]
    done = cli("replay", str(session), "--plain", home=tmp_path)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    for stage in (
        "1. greeting",
        "2. small talk",
        "3. questions",
        "4. interviewee questions",
        "5. wrap up",
    ):
        assert stage in text
    assert "You: I'm Sam, I've been in customer support for three years  [introduce_self" in text
    assert "name=Sam" in text and "node background" in text


def test_hostile_lines_round_trip_literally(tmp_path: Path) -> None:
    lines = [
        "[bold]hi[/] [@click=app.quit]x[/]",
        "\x1b[2J\x1b[31mred",
        "emoji ☕🙂 مرحبا",
        "x" * 20_000,
    ]
    done = _practice(tmp_path, lines, "--json")
    records = [json.loads(line) for line in done.stdout.splitlines()[:-1]]
    assert [r["text"] for r in records if r["speaker"] == "user"] == lines
    replay = cli("replay", "1", "--plain", home=tmp_path).stdout
    assert "[bold]hi[/] [@click=app.quit]x[/]" in replay and "\x1b[2J" in replay


def test_invalid_utf8_input_is_replaced_not_fatal(tmp_path: Path) -> None:
    done = cli(
        "practice",
        "--plain",
        "--json",
        "--persona",
        "priya",
        input=b"caf\xe9 au lait\n",
        home=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    user = [json.loads(line) for line in done.stdout.splitlines()[:-1] if '"user"' in line]
    assert user[0]["text"] == "caf\ufffd au lait"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["practice", "--plain", "--persona", "nobody"], "unknown persona 'nobody'"),
        (["practice", "--plain"], "needs --persona"),
        (["replay", "999", "--plain"], "no session 999"),
        # Without --plain these open the app: a bad id fails first, with the terminal as it was.
        (["replay", "999"], "no session 999"),
        (["resume", "999", "--turn", "1"], "no session 999"),
        (["resume", "999", "--turn", "1", "--json"], "--json goes with --plain"),
        (["practice", "--persona", "priya", "--json"], "--json goes with --plain"),
        (["eval"], "give a labelled FILE"),
    ],
)
def test_bad_requests_get_a_message_not_a_traceback(
    tmp_path: Path, args: list[str], message: str
) -> None:
    done = cli(*args, home=tmp_path)
    assert done.returncode != 0
    assert message in done.stderr and "Traceback" not in done.stderr


def test_a_corrupt_store_is_reported_and_kept(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "sessions.db").write_bytes(b"\x00garbage" * 512)
    done = cli("sessions", home=tmp_path)
    assert (
        done.returncode == 1 and "move it aside" in done.stderr and "Traceback" not in done.stderr
    )
    assert (tmp_path / "sessions.db").read_bytes() == b"\x00garbage" * 512


def test_data_dir_flag_overrides_the_environment(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    done = cli(
        "--data-dir",
        str(elsewhere),
        "practice",
        "--plain",
        "--persona",
        "priya",
        input="hi\n",
        home=tmp_path / "env",
    )
    assert done.returncode == 0
    assert (elsewhere / "sessions.db").exists() and not (tmp_path / "env").exists()
    done = cli("sessions", "--json", "--data-dir", str(elsewhere))
    assert len(json.loads(done.stdout)) == 1


def test_data_examples_json_lists_the_training_pairs() -> None:
    done = cli("data", "examples", "--json")
    pairs = json.loads(done.stdout)
    # The contract's intents, and the finer ones that declare a contract intent their parent.
    assert {p["intent"] for p in pairs} == {*CONTRACT_INTENTS, "ask_role_best", "ask_role_hard"}
    assert all(set(p) == {"text", "intent"} for p in pairs)


def test_eval_json_has_the_contract_keys() -> None:
    done = cli("eval", str(DEV_SET), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {"n", "accuracy", "macro_f1", "per_intent", "confusions", "latency_ms"} <= set(report)
    assert set(report["per_intent"]) >= set(CONTRACT_INTENTS)
    assert {"precision", "recall", "f1", "support"} == set(report["per_intent"]["greet"])
    assert {"p50", "p99"} == set(report["latency_ms"])
    assert all(len(row) == 3 for row in report["confusions"])


def test_eval_rejects_an_unknown_intent_with_file_and_line(tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.yaml"
    labelled.write_text(
        'examples:\n  - {text: "hi", intent: greet}\n  - {text: "x", intent: wave}\n'
    )
    done = cli("eval", str(labelled))
    assert done.returncode == 1
    assert f"{labelled}:3: examples[1].intent: unknown intent 'wave'" in done.stderr
