"""The benchmark's listening section: blind lines by register, and the judged conversations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HELDOUT2 = ROOT / "tests" / "data" / "heldout2.yaml"
CONVERSATIONS = ROOT / "tests" / "conversations" / "dev"


def listening() -> dict[str, Any]:
    """Accuracy on the second blind set (overall, by register, out-of-scope P/R) as the
    persona hears a line, and the dev conversations: agreement, lines heard, replies that fit."""
    from chatbot.dialogue.loader import load_labelled
    from chatbot.engine.evaluation import evaluate
    from chatbot.engine.listening import hearing
    from chatbot.engine.practice import load_classifier
    from chatbot.engine.scripted import run_folder, score

    classifier = load_classifier()

    heard = hearing(classifier)

    labelled = load_labelled(HELDOUT2, classifier.catalog)
    report = evaluate([(e.text, e.intent) for e in labelled], heard, classifier.catalog)
    oos = report["per_intent"]["out_of_scope"]
    out: dict[str, Any] = {
        "heldout2": report["accuracy"],
        "heldout2_n": report["n"],
        "heldout2_oos_precision": oos["precision"],
        "heldout2_oos_recall": oos["recall"],
        "by_register": {},
    }
    for style in sorted({e.style for e in labelled if e.style}):
        rows = [(e.text, e.intent) for e in labelled if e.style == style]
        out["by_register"][style] = evaluate(rows, heard, classifier.catalog)["accuracy"]
    runs, judged = run_folder(CONVERSATIONS, classifier)
    scored = score(runs, judged, classifier.catalog)
    out["conversations"] = {
        k: scored[k] for k in ("scripts", "lines", "heard", "intent_agreement", "judged", "fits")
    }
    out["conversations"]["unjudged"] = len(scored["unjudged"])
    return out
