"""The judged dev conversations: scripts load checked, scores count verdicts, the CLI reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatbot.dialogue.loader import Catalog
from chatbot.dialogue.scripts import Judged, Verdict, load_judged, load_script
from chatbot.dialogue.source import DialogueError
from chatbot.engine.scripted import Exchange, score
from tests.conftest import ROOT, cli

DEV = ROOT / "tests" / "conversations" / "dev"


def test_every_dev_script_and_verdict_file_loads() -> None:
    scripts = sorted(DEV.glob("*.yaml"))
    assert len(scripts) >= 10
    personas = [load_script(p).persona for p in scripts]
    assert {personas.count(p) for p in set(personas)} == {2}  # two per persona
    for path in scripts:
        judged = load_judged(DEV / "judged" / path.name)
        assert judged.script == path.stem
        assert all(v.reason and v.reason != "TODO" for v in judged.verdicts)


def test_a_bad_script_is_refused_with_its_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\npersona: priya\nstyle: x\nseed: 1\nlines:\n  - text: hi\n    intent: Greet\n",
        encoding="utf-8",
    )
    with pytest.raises(DialogueError) as caught:
        load_script(bad)
    assert f"{bad}:7" in str(caught.value)


def _exchange(line: int, text: str, reply: str, intent: str | None = "greet") -> Exchange:
    return Exchange(line, text, "greet", (), intent, "confident", (intent or "",), "", reply)


def test_score_counts_verdicts_and_lists_replies_that_changed() -> None:
    catalog = Catalog({"greet": None, "ask_role_likes": None, "ask_role_best": "ask_role_likes"})
    runs = {
        "a": [
            _exchange(1, "hi", "Hello!"),
            _exchange(2, "hey", "Hi there."),
            _exchange(3, "yo", "Changed since judged."),
            _exchange(4, "late", "", intent=None),
        ]
    }
    verdicts = (
        Verdict(line=1, user="hi", reply="Hello!", verdict="FITS", reason="greets back"),
        Verdict(line=2, user="hey", reply="Hi there.", verdict="MISFIT", kind="other", reason="x"),
        Verdict(line=3, user="yo", reply="Old reply.", verdict="FITS", reason="was fine"),
    )
    report = score(runs, {"a": Judged(version=1, script="a", verdicts=verdicts)}, catalog)
    assert (report["lines"], report["heard"], report["judged"]) == (4, 3, 2)
    assert report["fits"] == 0.5
    assert [u["user"] for u in report["unjudged"]] == ["yo"]
    assert report["misfits"] == [{"script": "a", "line": 2, "kind": "other", "why": "x"}]


def test_eval_conversations_reports_agreement_and_fit() -> None:
    done = cli("eval", "--conversations", str(DEV), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["scripts"] >= 10 and report["lines"] >= 200
    assert 0.0 < report["intent_agreement"] <= 1.0
    assert report["judged"] > 0 and 0.0 < report["fits"] <= 1.0
