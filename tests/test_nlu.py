"""The intent model: trained here from our examples, measured on a dev set it never saw."""

from __future__ import annotations

import collections
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from chatbot import paths
from chatbot.dialogue.checks import normalise_example
from chatbot.dialogue.contract import CONTRACT_INTENTS
from chatbot.dialogue.loader import load_intents, load_labelled
from chatbot.engine.evaluation import evaluate, folds
from chatbot.engine.training import is_current, read_fingerprint, train
from tests.conftest import DEV_SET, HELDOUT_SET, ROOT, cli


def _labelled(classifier: Any, path: Path = DEV_SET) -> list[tuple[str, str]]:
    return [(e.text, e.intent) for e in load_labelled(path, classifier.catalog)]


@pytest.mark.parametrize("path", [DEV_SET, HELDOUT_SET], ids=["dev", "heldout"])
def test_labelled_sets_are_separate_from_training_and_cover_every_intent(
    classifier: Any, path: Path
) -> None:
    texts = [t for i in load_intents(paths.dialogues_dir()) for t in i.examples]
    # Lines of only emoji or punctuation normalise to nothing: those are compared as typed.
    training = {normalise_example(t) or t for t in texts}
    rows = _labelled(classifier, path)
    assert [t for t, _ in rows if (normalise_example(t) or t) in training] == []
    counts = collections.Counter(intent for _, intent in rows)
    assert {i: counts[i] for i in CONTRACT_INTENTS if counts[i] < 8} == {}


def test_every_contract_intent_has_thirty_examples_and_is_a_model_label(classifier: Any) -> None:
    loaded = load_intents(paths.dialogues_dir())
    # A contract intent with finer children counts its children's examples as its own.
    family = {
        i.id: len(i.examples) + sum(len(c.examples) for c in loaded if c.parent == i.id)
        for i in loaded
    }
    assert {i: family[i] for i in CONTRACT_INTENTS if family[i] < 30} == {}
    assert set(CONTRACT_INTENTS) <= set(classifier.fingerprint.labels)


@pytest.mark.parametrize("path", [DEV_SET, HELDOUT_SET], ids=["dev", "heldout"])
def test_accuracy_on_unseen_phrasing_is_at_least_90_percent(classifier: Any, path: Path) -> None:
    rows = _labelled(classifier, path)
    report = evaluate(rows, lambda t: classifier.understand(t).intent, classifier.catalog)
    assert report["accuracy"] >= 0.90, report["confusions"][:10]


def test_casing_does_not_change_the_intent(classifier: Any) -> None:
    dev = _labelled(classifier, HELDOUT_SET)
    same = sum(
        classifier.understand(t.upper()).intent == classifier.understand(t.lower()).intent
        for t, _ in dev
    )
    assert same / len(dev) >= 0.97


@pytest.mark.parametrize(
    "junk",
    [
        "asdfghjkl",
        "SELECT * FROM users WHERE 1=1;",
        "sudo rm -rf / --no-preserve-root",
        "🍕🍕🍕",
        '{"a": [1, 2]}',
    ],
)
def test_junk_is_out_of_scope(classifier: Any, junk: str) -> None:
    assert classifier.understand(junk).intent == "out_of_scope"


@pytest.mark.parametrize(
    ("text", "intent", "slots"),
    [
        ("hi, my name is sam and I work in support", None, {"name": ("Sam",)}),
        (
            "I'm Priyanka, I've been a nurse for six years",
            "introduce_self",
            {"name": ("Priyanka",)},
        ),
        ("long term I'd like to lead a data team", "share_goals", {"goal": ("lead a data team",)}),
        (
            "my goal is to grow my own team, but slowly",
            "share_goals",
            {"goal": ("grow your own team",)},
        ),
        (
            "I'm good at untangling messy data",
            "share_skills",
            {"skill": ("untangling messy data",)},
        ),
        (
            "here's my list: Acme Robotics, Globex and IBM",
            "share_target_companies",
            {"companies": ("Acme Robotics", "Globex", "IBM")},
        ),
    ],
)
def test_slots_are_read_from_the_right_turns(
    classifier: Any, text: str, intent: str | None, slots: dict[str, tuple[str, ...]]
) -> None:
    understood = classifier.understand(text)
    if intent:
        assert understood.intent == intent
    assert dict(understood.slots) == slots


def test_a_huge_paste_is_read_by_its_beginning_only(classifier: Any) -> None:
    head = "what does a typical day look like for you? I'm curious about the mornings. "
    paste = head * 400  # about 30,000 characters
    whole = classifier.understand(paste)
    assert whole.intent == "ask_typical_day"
    assert whole == classifier.understand(paste[: classifier.max_chars])


def _short_config(tmp_path: Path) -> Path:
    config = tmp_path / "config.cfg"
    text = paths.model_config_path().read_text(encoding="utf-8")
    config.write_text(text.replace("max_epochs = 10", "max_epochs = 2"), encoding="utf-8")
    return config


def test_same_data_and_seed_give_the_same_model(tmp_path: Path) -> None:
    config = _short_config(tmp_path)
    first = train(paths.dialogues_dir(), config, tmp_path / "a")
    second = train(paths.dialogues_dir(), config, tmp_path / "b")
    assert first.model_hash == second.model_hash
    assert (tmp_path / "a" / "textcat" / "model").read_bytes() == (
        tmp_path / "b" / "textcat" / "model"
    ).read_bytes()
    other = tmp_path / "other.cfg"
    other.write_text(
        config.read_text(encoding="utf-8").replace("seed = 7", "seed = 8"), encoding="utf-8"
    )
    assert train(paths.dialogues_dir(), other, tmp_path / "c").model_hash != first.model_hash


def test_a_change_to_the_examples_makes_the_model_stale(tmp_path: Path) -> None:
    dialogues = tmp_path / "dialogues"
    shutil.copytree(paths.dialogues_dir() / "nlu", dialogues / "nlu")
    config = _short_config(tmp_path)
    train(dialogues, config, tmp_path / "model")
    assert is_current(tmp_path / "model", dialogues, config)
    path = dialogues / "nlu" / "opening.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert not is_current(tmp_path / "model", dialogues, config)


def test_patterns_from_the_yaml_win_over_the_model(tmp_path: Path) -> None:
    from chatbot.engine.nlu import IntentClassifier

    dialogues = tmp_path / "dialogues"
    shutil.copytree(paths.dialogues_dir() / "nlu", dialogues / "nlu")
    path = dialogues / "nlu" / "opening.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    greet = next(i for i in data["intents"] if i["id"] == "greet")
    greet["patterns"] = [[{"LOWER": "howdy"}, {"LOWER": "partner"}]]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    train(dialogues, _short_config(tmp_path), tmp_path / "model")
    classifier = IntentClassifier.load(tmp_path / "model", {})
    understood = classifier.understand("well howdy partner, what's the pay like")
    assert (understood.intent, understood.source, understood.confidence) == (
        "greet",
        "pattern",
        1.0,
    )


def test_a_fresh_clone_trains_the_model_on_first_use(tmp_path: Path) -> None:
    """No model yet: line mode trains one, says so on stderr, then holds the conversation."""
    model = tmp_path / "model"
    done = cli(
        "practice",
        "--plain",
        "--persona",
        "priya",
        input="hello\n",
        home=tmp_path,
        env={"REHEARSE_MODEL_DIR": str(model)},
    )
    assert done.returncode == 0, done.stderr
    assert "training the intent model" in done.stderr and "100%" in done.stderr
    assert read_fingerprint(model) is not None
    assert done.stdout.startswith("Priya Raman: ")


def test_folds_are_stratified_and_cover_everything() -> None:
    examples = [(f"t{i}", "a" if i % 3 else "b") for i in range(30)]
    parts = folds(examples, 5, seed=1)
    assert sorted(i for part in parts for i in part) == list(range(30))
    for part in parts:
        assert sum(1 for i in part if examples[i][1] == "b") == 2


def test_root_is_the_checkout() -> None:
    assert paths.dialogues_dir() == ROOT / "dialogues"
