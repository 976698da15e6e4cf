"""Every persona, played through line mode with scripted conversations from tests/scenarios/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from chatbot.dialogue.contract import SCENARIOS, STAGES
from tests.conftest import ROOT, cli

SCRIPTS = sorted((ROOT / "tests" / "scenarios").glob("*.yaml"))


def _cases() -> list[Any]:
    cases = []
    for path in SCRIPTS:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for script in data["scripts"]:
            cases.append(
                pytest.param(data["persona"], script, id=f"{data['persona']}-{script['name']}")
            )
    return cases


@pytest.fixture(scope="module", autouse=True)
def _model(classifier: Any) -> None:
    """Train once in this process so that no subprocess has to."""


def play(persona: str, script: dict[str, Any], home: Path) -> list[dict[str, Any]]:
    done = cli(
        "practice",
        "--plain",
        "--json",
        "--persona",
        persona,
        "--seed",
        str(script["seed"]),
        input="\n".join(script["lines"]) + "\n",
        home=home,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.mark.parametrize(("persona", "script"), _cases())
def test_scripted_conversation(persona: str, script: dict[str, Any], tmp_path: Path) -> None:
    *turns, last = play(persona, script, tmp_path)
    expect = script["expect"]
    if "ended" in expect:
        assert last["ended"] is expect["ended"]
    stages: list[str] = []
    for turn in turns:
        if turn["stage"] in STAGES and (not stages or stages[-1] != turn["stage"]):
            stages.append(turn["stage"])
    assert stages == sorted(stages, key=STAGES.index), "stages came out of order"
    if "stages" in expect:
        assert stages == expect["stages"]
    revealed = [t["meta"]["revealed"] for t in turns if t["meta"].get("revealed")]
    if "revealed" in expect:
        assert revealed == expect["revealed"]
    rapport = [t["meta"]["rapport"] for t in turns if t["speaker"] == "user"][-1]
    if "rapport_at_least" in expect:
        assert rapport >= expect["rapport_at_least"]
    if "rapport_below" in expect:
        assert rapport < expect["rapport_below"]
    fallbacks = [t["text"] for t in turns if t["meta"].get("key") == "fallback"]
    assert fallbacks == [], "an in-scope line got the fallback reply"


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_same_seed_same_transcript(path: Path, tmp_path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    script = data["scripts"][0]
    first = play(data["persona"], script, tmp_path / "a")
    second = play(data["persona"], script, tmp_path / "b")
    assert [t["text"] for t in first[:-1]] == [t["text"] for t in second[:-1]]


def test_five_scenarios_each_with_scripts() -> None:
    done = cli("personas", "--json")
    personas = json.loads(done.stdout)
    assert sorted(p["scenario"] for p in personas) == sorted(SCENARIOS)
    scripted = {yaml.safe_load(p.read_text(encoding="utf-8"))["persona"] for p in SCRIPTS}
    assert scripted == {p["id"] for p in personas}
