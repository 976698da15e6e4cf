"""Scripted conversations run through the engine, scored against their labels and verdicts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatbot.dialogue.loader import Catalog
from chatbot.dialogue.scripts import Judged, Script
from chatbot.engine.engine import Engine
from chatbot.engine.nlu import IntentClassifier
from chatbot.engine.turns import Turn


@dataclass(frozen=True)
class Exchange:
    """One scripted user line, what it was read as, and what the persona said to it."""

    line: int
    text: str
    gold: str
    also: tuple[str, ...]
    intent: str | None  # None: the conversation had ended before this line
    band: str | None
    parts: tuple[str, ...]
    before: str  # the persona's last line before this one
    reply: str

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "user": self.text,
            "gold": self.gold,
            "also": list(self.also),
            "intent": self.intent,
            "band": self.band,
            "parts": list(self.parts),
            "before": self.before,
            "reply": self.reply,
        }


def _persona_text(turns: Sequence[Turn]) -> str:
    return " / ".join(t.text for t in turns if t.speaker == "persona")


def run_script(script: Script, engine: Engine) -> list[Exchange]:
    """Every line of the script said in turn, until the persona closes the meeting."""
    before = _persona_text(engine.start())
    out: list[Exchange] = []
    for number, line in enumerate(script.lines, start=1):
        if engine.ended:
            out.append(Exchange(number, line.text, line.intent, line.also, None, None, (), "", ""))
            continue
        turns = engine.say(line.text)
        user = turns[0]
        reading = user.meta.get("reading", {})
        parts = tuple(str(p.get("intent")) for p in reading.get("parts", []))
        reply = _persona_text(turns)
        out.append(
            Exchange(
                number,
                line.text,
                line.intent,
                line.also,
                user.intent,
                reading.get("band"),
                parts,
                before,
                reply,
            )
        )
        before = reply or before
    return out


def agrees(predicted: str | None, gold: str, catalog: Catalog) -> bool:
    """The main intent matches the label, a finer child of it included."""
    return predicted is not None and gold in catalog.lineage(predicted)


def score(
    runs: Mapping[str, list[Exchange]],
    judged: Mapping[str, Judged],
    catalog: Catalog,
) -> dict[str, Any]:
    """Intent agreement, lines heard, and the share of replies judged to fit."""
    lines = heard = agreed = fits = misfits = 0
    unjudged: list[dict[str, Any]] = []
    misfit_list: list[dict[str, Any]] = []
    for name, exchanges in runs.items():
        verdicts = {(v.user, v.reply): v for v in judged[name].verdicts} if name in judged else {}
        for x in exchanges:
            lines += 1
            if x.intent is None:
                continue
            heard += 1
            agreed += agrees(x.intent, x.gold, catalog)
            verdict = verdicts.get((x.text, x.reply))
            if verdict is None:
                unjudged.append({"script": name, **x.to_json()})
            elif verdict.verdict == "FITS":
                fits += 1
            else:
                misfits += 1
                misfit_list.append(
                    {"script": name, "line": x.line, "kind": verdict.kind, "why": verdict.reason}
                )
    judged_n = fits + misfits
    return {
        "scripts": len(runs),
        "lines": lines,
        "heard": heard,
        "intent_agreement": round(agreed / heard, 4) if heard else 0.0,
        "judged": judged_n,
        "fits": round(fits / judged_n, 4) if judged_n else 0.0,
        "unjudged": unjudged,
        "misfits": misfit_list,
    }


def run_folder(
    folder: Path, classifier: IntentClassifier
) -> tuple[dict[str, list[Exchange]], dict[str, Judged]]:
    """Every script in `folder` (*.yaml) run with its own seed, and its verdicts (judged/)."""
    from chatbot.dialogue.scripts import load_judged, load_script
    from chatbot.engine.practice import engine_for, load_persona

    runs: dict[str, list[Exchange]] = {}
    judged: dict[str, Judged] = {}
    for path in sorted(folder.glob("*.yaml")):
        script = load_script(path)
        persona = load_persona(script.persona, classifier.catalog)
        runs[path.stem] = run_script(script, engine_for(persona, classifier, script.seed))
        verdicts = folder / "judged" / f"{path.stem}.yaml"
        if verdicts.exists():
            judged[path.stem] = load_judged(verdicts)
    return runs, judged
