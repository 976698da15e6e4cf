"""Coaching on the command line: --coach, report, progress, questions, coach YAML errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from chatbot.dialogue.coach_loader import load_coach
from chatbot.dialogue.source import DialogueError
from tests.conftest import ROOT, cli


@pytest.fixture(scope="module", autouse=True)
def _model(classifier: Any) -> None:
    """Train once in this process so that no subprocess has to."""


def script(persona: str, name: str) -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "tests" / "scenarios" / f"{persona}.yaml").read_text())
    return next(s for s in data["scripts"] if s["name"] == name)


def practise(home: Path, persona: str, name: str, *flags: str) -> list[str]:
    lines = script(persona, name)
    done = cli(
        "practice",
        "--plain",
        *flags,
        "--persona",
        persona,
        "--seed",
        str(lines["seed"]),
        input="\n".join(lines["lines"]) + "\n",
        home=home,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def report(home: Path, session: int) -> dict[str, Any]:
    done = cli("report", str(session), "--json", home=home)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_rude_networking_scores_far_below_a_well_run_one(tmp_path: Path) -> None:
    practise(tmp_path, "victor", "well_run")
    practise(tmp_path, "victor", "rude_and_rushed")
    good, rude = report(tmp_path, 1), report(tmp_path, 2)
    assert good["score"] >= 80 and rude["score"] <= 30
    assert good["score"] - rude["score"] >= 50
    failed = {c["id"] for c in rude["checks"] if not c["passed"]}
    assert {"asked_for_advice_not_a_job", "no_early_jobs_or_pay", "thanked_them"} <= failed
    early = next(c for c in rude["checks"] if c["id"] == "no_early_jobs_or_pay")
    assert early["evidence"] and all(e["text"] for e in early["evidence"])
    flags = {f for n in rude["notes"] for f in n["flags"]}
    assert {"early_openings", "early_pay", "rushed"} <= flags
    # `sessions` shows the same scores the report gives.
    listed = json.loads(cli("sessions", "--json", home=tmp_path).stdout)
    assert {s["id"]: s["score"] for s in listed} == {1: good["score"], 2: rude["score"]}
    insights = rude["insights"]
    for key in ("questions_asked", "open_share", "topics_covered", "topics_missed", "talk_share"):
        assert key in insights
    assert insights["impression"]


def test_live_hints_match_the_report_and_the_replay(tmp_path: Path) -> None:
    shown = practise(tmp_path, "victor", "rude_and_rushed", "--coach")
    live = [line.removeprefix("Coach: ") for line in shown if line.startswith("Coach: ")]
    assert live, "the rude script should draw hints"
    saved = [n["hint"] for n in report(tmp_path, 1)["notes"] if n["hint"]]
    assert live == saved
    replay = cli("replay", "1", "--plain", home=tmp_path).stdout.splitlines()
    replayed = [line.strip().removeprefix("coach: ") for line in replay if "coach: " in line]
    assert replayed == saved
    as_json = practise(tmp_path, "victor", "rude_and_rushed", "--coach", "--json")
    hints = [json.loads(line).get("coach", {}).get("hint") for line in as_json]
    assert [h for h in hints if h] == saved


def test_report_text_and_markdown_show_user_text_literally(tmp_path: Path) -> None:
    lines = ["hi, I'm [bold]Sam[/] *really* <b>x</b>", "what's the salary range? [@click=app.quit]"]
    done = cli(
        "practice", "--plain", "--persona", "lena", "--seed", "3",
        input="\n".join(lines) + "\n", home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = cli("report", "1", home=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "Score: " in text.stdout and "[@click=app.quit]" in text.stdout
    assert "Follow-up note" in text.stdout and "Subject: Thank you" in text.stdout
    note = cli("report", "1", "--note", home=tmp_path).stdout
    assert note.startswith("Subject: Thank you for your time, Lena\n\nHi Lena,")
    markdown = cli("report", "1", "--markdown", home=tmp_path).stdout
    assert markdown.startswith("# Report: session 1")
    assert "## Checks" in markdown and "## Transcript" in markdown
    assert r"\[bold\]Sam\[/\] \*really\* \<b\>x\</b\>" in markdown


def test_progress_and_question_bank(tmp_path: Path) -> None:
    assert "No scored sessions yet" in cli("progress", home=tmp_path).stdout
    practise(tmp_path, "victor", "rude_and_rushed")
    practise(tmp_path, "priya", "well_run")
    rows = json.loads(cli("progress", "--json", home=tmp_path).stdout)
    assert [r["id"] for r in rows] == [1, 2] and rows[1]["score"] > rows[0]["score"]
    assert rows[1]["open_share"] > 0
    text = cli("progress", home=tmp_path).stdout
    assert any(ch in text for ch in "▁▂▃▄▅▆▇█")
    bank = json.loads(cli("questions", "--json", home=tmp_path).stdout)
    assert bank and all(q["session"] == 2 for q in bank)  # the rude one asked nothing worth keeping
    assert all(q["topic"] not in ("ask_about_openings", "ask_compensation") for q in bank)
    assert "session 2" in cli("questions", home=tmp_path).stdout


def test_report_errors_are_clear(tmp_path: Path) -> None:
    missing = cli("report", "9", home=tmp_path)
    assert missing.returncode == 1 and "no session 9" in missing.stderr
    practise(tmp_path, "victor", "rude_and_rushed")
    dialogues = tmp_path / "dialogues"
    shutil.copytree(ROOT / "dialogues", dialogues)
    (dialogues / "personas" / "victor.yaml").unlink()
    gone = cli("report", "1", home=tmp_path, env={"REHEARSE_DIALOGUES": str(dialogues)})
    assert gone.returncode == 1 and "no longer in the dialogue data" in gone.stderr
    assert "Traceback" not in gone.stderr


def test_coach_yaml_problems_name_file_and_line(tmp_path: Path) -> None:
    root = tmp_path / "dialogues"
    shutil.copytree(ROOT / "dialogues", root)
    questions = root / "questions.yaml"
    text = questions.read_text(encoding="utf-8")
    text = text.replace("  ask_follow_up:", "  ask_weather:", 1)
    questions.write_text(text, encoding="utf-8")
    coach_file = root / "coach.yaml"
    coach_text = coach_file.read_text(encoding="utf-8").replace(
        'suggest: "Try asking about {label}', 'suggest: "Try asking about {topic}', 1
    )
    coach_file.write_text(coach_text.replace("\nfillers:", "\nfillers: oops\nfillers:", 1))
    with pytest.raises(DialogueError) as raised:
        load_coach(root)
    message = raised.value.message
    assert "missing topic 'ask_follow_up'" in message
    assert "unknown topic 'ask_weather'" in message
    assert "unknown placeholder {topic}" in message and "missing placeholder {label}" in message
    assert "duplicate key" in message
    line = text.splitlines().index("  ask_weather:") + 1
    assert f"questions.yaml:{line}:" in message
    done = cli("validate", env={"REHEARSE_DIALOGUES": str(root)})
    assert done.returncode == 1 and "coach.yaml:" in done.stdout + done.stderr


def test_model_questions_practise_what_the_coach_preaches() -> None:
    """Single and not leading; open wherever the coach calls a closed question a miss, since
    it offers these as the better way to ask."""
    from chatbot.coach.analysis import analyse
    from chatbot.coach.notes import INFO_TOPICS
    from chatbot.dialogue.coaching import MIN_MODEL_QUESTIONS, TOPICS

    data = load_coach(ROOT / "dialogues")
    assert set(data.topics) == set(TOPICS)
    for topic_id, topic in data.topics.items():
        assert len(topic.questions) >= MIN_MODEL_QUESTIONS
        for question in topic.questions:
            found = analyse(question)
            assert (found.count, found.leading) == (1, False), question
            assert found.is_question, question
            if topic_id in INFO_TOPICS:
                assert found.form == "open", question
