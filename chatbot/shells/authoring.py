"""Authoring commands: validate, train, eval, data examples and schema."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from chatbot import paths
from chatbot.dialogue import schema
from chatbot.dialogue.loader import catalog_of, load_intents, load_labelled, validate
from chatbot.engine.training import Fingerprint, read_config, train
from chatbot.errors import RehearseError
from chatbot.shells.output import Printer, err, progress_to_stderr


def cmd_validate(targets: list[str], out: Printer) -> int:
    root = paths.dialogues_dir()
    files: list[Path] | None = None
    if targets:
        files = []
        for target in map(Path, targets):
            if target.is_dir():
                files += sorted(target.rglob("*.yaml"))
            elif target.exists():
                files.append(target)
            else:
                raise RehearseError(f"{target}: no such file or folder")
    problems = validate(root, files)
    for problem in problems:
        out.line(str(problem))
    if problems:
        err(f"{len(problems)} problem{'s' * (len(problems) != 1)} found")
        return 1
    checked = len(files) if files is not None else "all"
    err(f"ok: {checked} dialogue files valid")
    return 0


def cmd_train(out: Printer) -> int:
    started = time.perf_counter()
    fingerprint = train(
        paths.dialogues_dir(),
        paths.model_config_path(),
        paths.model_dir(),
        progress_to_stderr("train"),
    )
    seconds = time.perf_counter() - started
    out.line(
        f"trained {len(fingerprint.labels)} intents in {seconds:.1f}s into {paths.model_dir()}"
        f" (model {fingerprint.model_hash[:12]}, seed {fingerprint.seed})"
    )
    return 0


def _classifier_for(nlp: Any, settings: dict[str, Any], parents: dict[str, str | None]) -> Any:
    from chatbot.engine.nlu import IntentClassifier

    labels = list(parents)
    fingerprint = Fingerprint("", "", 0, labels, parents, {}, settings)
    classifier = IntentClassifier(nlp, fingerprint, {})
    return lambda text: classifier.understand(text).intent


def cmd_eval(file: str | None, cv: int | None, as_json: bool, out: Printer) -> int:
    from chatbot.engine import evaluation
    from chatbot.engine.practice import load_classifier

    if cv is not None:
        if cv < 2:
            raise RehearseError("--cv needs at least 2 folds")
        intents = load_intents(paths.dialogues_dir())
        catalog = catalog_of(intents)
        config = read_config(paths.model_config_path())
        settings = {k: v for k, v in config["rehearse"].items() if k != "batch_size"}
        examples = [(t, i.id) for i in intents for t in i.examples]
        report = evaluation.cross_validate(
            examples,
            [i.id for i in intents],
            config,
            catalog,
            lambda nlp: _classifier_for(nlp, settings, dict(catalog.parents)),
            cv,
            progress_to_stderr("cv"),
        )
    else:
        if file is None:
            raise RehearseError("give a labelled FILE, or --cv K", exit_code=2)
        from chatbot.engine.listening import hearing

        classifier = load_classifier(progress_to_stderr("train"))
        labelled = load_labelled(Path(file), classifier.catalog)

        heard = hearing(classifier)

        report = evaluation.evaluate(
            [(e.text, e.intent) for e in labelled], heard, classifier.catalog
        )
        styles = sorted({e.style for e in labelled if e.style})
        if styles:
            report["by_register"] = {
                style: evaluation.evaluate(
                    [(e.text, e.intent) for e in labelled if e.style == style],
                    heard,
                    classifier.catalog,
                )["accuracy"]
                for style in styles
            }
    if as_json:
        out.json(report)
    else:
        _print_report(report, out)
    return 0


def _print_report(report: dict[str, Any], out: Printer) -> None:
    title = f"{report['folds']}-fold cross-validation" if "folds" in report else "evaluation"
    out.line(f"{title}: {report['n']} examples")
    out.line(f"accuracy  {report['accuracy']:.1%}   macro F1  {report['macro_f1']:.3f}")
    lat = report["latency_ms"]
    out.line(f"latency   p50 {lat['p50']:.2f} ms   p99 {lat['p99']:.2f} ms\n")
    for style, accuracy in report.get("by_register", {}).items():
        out.line(f"  {style:12s} {accuracy:.1%}")
    rows = [
        [intent, f"{m['precision']:.2f}", f"{m['recall']:.2f}", f"{m['f1']:.2f}", str(m["support"])]
        for intent, m in sorted(report["per_intent"].items(), key=lambda kv: kv[1]["f1"])
    ]
    out.table(rows, ["intent", "P", "R", "F1", "n"])
    if report["confusions"]:
        out.line("\nmost confused (gold -> predicted):")
        for gold, predicted, count in report["confusions"][:10]:
            out.line(f"  {count:3d}  {gold} -> {predicted}")


def cmd_examples(as_json: bool, out: Printer) -> int:
    intents = load_intents(paths.dialogues_dir())
    pairs = [{"text": t, "intent": i.id} for i in intents for t in i.examples]
    if as_json:
        out.json(pairs)
    else:
        for pair in pairs:
            out.line(f"{pair['intent']}\t{pair['text']}")
    return 0


def cmd_schema(check: bool, out: Printer) -> int:
    folder = paths.dialogues_dir() / "schema"
    if check:
        stale = schema.stale(folder)
        for name in stale:
            out.line(f"{folder / name}: out of date (run `rehearse schema`)")
        return 1 if stale else 0
    for path in schema.write(folder):
        out.line(f"wrote {path}")
    return 0


def cmd_eval_conversations(
    folder: str, transcripts: str | None, as_json: bool, out: Printer
) -> int:
    """Scripted conversations: intent agreement on their lines, and the replies that fit."""
    import json

    from chatbot.engine.practice import load_classifier
    from chatbot.engine.scripted import run_folder, score

    root = Path(folder)
    if not sorted(root.glob("*.yaml")):
        raise RehearseError(f"no scripts (*.yaml) in {root}")
    classifier = load_classifier(progress_to_stderr("train"))
    runs, judged = run_folder(root, classifier)
    report = score(runs, judged, classifier.catalog)
    if transcripts is not None:
        where = Path(transcripts)
        where.mkdir(parents=True, exist_ok=True)
        for name, exchanges in runs.items():
            lines = [json.dumps(x.to_json(), ensure_ascii=False) for x in exchanges]
            (where / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if as_json:
        out.json(report)
        return 0
    out.line(
        f"{report['scripts']} scripts, {report['lines']} lines, {report['heard']} heard; "
        f"intent agreement {report['intent_agreement']:.1%}"
    )
    out.line(
        f"replies judged: {report['judged']}, fit {report['fits']:.1%};"
        f" not yet judged: {len(report['unjudged'])}"
    )
    for miss in report["misfits"]:
        out.line(f"  MISFIT {miss['script']} line {miss['line']} ({miss['kind']}): {miss['why']}")
    return 0
