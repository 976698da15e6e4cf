"""Chooses the reading's bands by cross-validation: how often each confidence is right."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chatbot import paths  # noqa: E402
from chatbot.dialogue.contract import is_question_intent  # noqa: E402
from chatbot.dialogue.loader import catalog_of, load_intents  # noqa: E402
from chatbot.engine.evaluation import folds  # noqa: E402
from chatbot.engine.training import build, read_config  # noqa: E402

GRID = [round(0.05 * i, 2) for i in range(1, 19)]


def pooled(k: int) -> list[tuple[str, str, float]]:
    """(gold, top, score) for every training example, scored by the model that never saw it."""
    intents = load_intents(paths.dialogues_dir())
    catalog = catalog_of(intents)
    config = read_config(paths.model_config_path())
    examples = [(t, i.id) for i in intents for t in i.examples]
    labels = [i.id for i in intents]
    out = []
    for number, held_out in enumerate(folds(examples, k, int(config["training"]["seed"]))):
        held = set(held_out)
        nlp = build([e for i, e in enumerate(examples) if i not in held], labels, config)
        print(f"fold {number + 1}/{k}", file=sys.stderr)
        for doc, index in zip(nlp.pipe(examples[i][0] for i in held_out), held_out, strict=True):
            top, score = max(doc.cats.items(), key=lambda kv: kv[1])
            gold = examples[index][1]
            out.append((gold, gold if gold in catalog.lineage(top) else top, score))
    return out


def choose(rows: list[tuple[str, str, float]]) -> dict[str, Any]:
    """For questions and for statements, how often the model's first choice is right at each
    confidence (0.1 wide bins), and the lowest bin from which it is right often enough.

    A question met with a neutral "go on" is left unanswered, so a question is answered once
    its first choice is right more often than not (0.5); a neutral reply to a statement is
    still a fair reply, so a statement is answered committally only from 0.75."""
    out: dict[str, Any] = {}
    for kind, keep, floor in (("question", True, 0.5), ("statement", False, 0.75)):
        mine = [r for r in rows if is_question_intent(r[0]) == keep and r[0] != "out_of_scope"]
        table = []
        for t in GRID:
            inside = [r for r in mine if t <= r[2] < t + 0.1]
            right = sum(g == p for g, p, _ in inside)
            table.append((t, round(right / len(inside), 3) if inside else None, len(inside)))
        chosen = next(
            (t for i, (t, _, _) in enumerate(table)
             if all(p is None or p >= floor for _, p, _ in table[i:])),
            GRID[-1],
        )  # fmt: skip
        out[kind] = {"threshold": chosen, "floor": floor, "bins": table}
    oos = [r for r in rows if r[1] == "out_of_scope"]
    out["out_of_scope_precision"] = [
        (t, round(sum(1 for g, _, s in oos if s >= t and g == "out_of_scope")
                  / max(1, sum(1 for *_, s in oos if s >= t)), 3))
        for t in GRID
    ]  # fmt: skip
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cv", type=int, default=5)
    args = parser.parse_args()
    rows = pooled(args.cv)
    accuracy = sum(g == p for g, p, _ in rows) / len(rows)
    print(json.dumps({"n": len(rows), "accuracy": round(accuracy, 4),
                      **choose(rows)}, indent=1))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
