"""Re-record the committed sessions (tests/sessions/*.json) after a deliberate content change."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chatbot.engine.practice import dialogue_hash, engine_for, load_classifier, load_persona  # noqa: E402
from chatbot.engine.transfer import TurnRecord, read  # noqa: E402


def main() -> int:
    """Each session's own lines, seed and elapsed times through today's dialogue and model;
    its uid and start time are kept, so the file stays the same session."""
    classifier = load_classifier()
    for path in sorted((ROOT / "tests" / "sessions").glob("*.json")):
        info, recorded = read(path)
        persona = load_persona(info["persona"], classifier.catalog)
        engine = engine_for(persona, classifier, info["seed"])
        engine.start()
        for turn in recorded:
            if turn.speaker == "user" and not engine.ended:
                elapsed = turn.meta.get("elapsed")
                engine.say(turn.text, elapsed if isinstance(elapsed, (int, float)) else None)
        info.update(
            dialogue_hash=dialogue_hash(persona.id),
            model_hash=classifier.model_hash,
            stage=engine.stage,
            ended=engine.ended,
        )
        data = json.loads(path.read_text(encoding="utf-8"))
        data["session"] = info
        data["turns"] = [{k: getattr(t, k) for k in TurnRecord.model_fields} for t in engine.turns]
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"{path.name}: {len(engine.turns)} turns, {engine.stage}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
