"""The `rehearse` command line: parses arguments and hands each command to its shell."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from chatbot import __version__
from chatbot.errors import RehearseError


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="where sessions are saved (default: $REHEARSE_HOME, else the platform's data folder)",
    )
    parser = argparse.ArgumentParser(
        prog="rehearse",
        description="Rehearse the conversations that come before a job.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"rehearse {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    practice = sub.add_parser("practice", parents=[common], help="hold a practice conversation")
    practice.add_argument(
        "--persona", metavar="ID", help="who to talk to (see `rehearse personas`)"
    )
    practice.add_argument(
        "--seed", type=int, help="fix the persona's choices (same seed, same replies)"
    )
    practice.add_argument("--plain", action="store_true", help="line mode: one turn per input line")
    practice.add_argument(
        "--json", action="store_true", help="with --plain: one JSON object per turn"
    )
    practice.add_argument(
        "--coach",
        action="store_true",
        help="with --plain: a coaching hint after a turn when it helps",
    )

    personas = sub.add_parser("personas", parents=[common], help="list the personas")
    personas.add_argument("--json", action="store_true")

    sessions = sub.add_parser("sessions", parents=[common], help="list saved sessions")
    sessions.add_argument("--json", action="store_true")
    sessions.add_argument(
        "--move-aside",
        action="store_true",
        help="rename a damaged session store (nothing is deleted) so that a new one starts",
    )

    replay = sub.add_parser("replay", parents=[common], help="replay a saved session")
    replay.add_argument("session", type=int, metavar="SESSION")
    replay.add_argument(
        "--plain", action="store_true", help="print the annotated transcript (else: the app)"
    )
    replay.add_argument(
        "--check",
        action="store_true",
        help="replay it through today's dialogue and model; exit 1 where the replies differ",
    )

    resume = sub.add_parser(
        "resume", parents=[common], help="practise again from a turn of a saved session"
    )
    resume.add_argument("session", type=int, metavar="SESSION")
    resume.add_argument(
        "--turn", type=int, required=True, metavar="N", help="start again just before turn N"
    )
    resume.add_argument(
        "--plain", action="store_true", help="line mode, as practice --plain (else: the app)"
    )
    resume.add_argument("--json", action="store_true")
    resume.add_argument("--coach", action="store_true")

    export = sub.add_parser("export", parents=[common], help="write a session to share it")
    export.add_argument("session", type=int, metavar="SESSION")
    export.add_argument("--format", choices=["md", "json"], required=True)
    export.add_argument("-o", "--output", metavar="FILE", help="a file (default: standard output)")

    import_ = sub.add_parser("import", parents=[common], help="add a session from a JSON export")
    import_.add_argument("file", metavar="FILE")

    report = sub.add_parser("report", parents=[common], help="the scorecard of a saved session")
    report.add_argument("session", type=int, metavar="SESSION")
    shape = report.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true")
    shape.add_argument("--markdown", action="store_true")
    shape.add_argument("--note", action="store_true", help="just the follow-up email")

    progress = sub.add_parser("progress", parents=[common], help="your scores over time")
    progress.add_argument("--json", action="store_true")

    questions = sub.add_parser("questions", parents=[common], help="your best questions so far")
    questions.add_argument("--json", action="store_true")
    questions.add_argument("--limit", type=int, default=20, metavar="N")

    validate = sub.add_parser("validate", parents=[common], help="check dialogue files")
    validate.add_argument("paths", nargs="*", metavar="PATH")

    sub.add_parser("train", parents=[common], help="build the intent model in models/")

    evaluate = sub.add_parser("eval", parents=[common], help="measure the intent model")
    evaluate.add_argument("file", nargs="?", metavar="FILE", help="a labelled YAML file")
    evaluate.add_argument("--cv", type=int, metavar="K", help="k-fold cross-validation instead")
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument(
        "--conversations",
        metavar="DIR",
        help="scripted conversations (DIR/*.yaml, verdicts in DIR/judged/) instead",
    )
    evaluate.add_argument(
        "--transcripts", metavar="OUT", help="with --conversations: write each run to OUT"
    )

    data = sub.add_parser("data", parents=[common], help="inspect the training data")
    data_sub = data.add_subparsers(dest="data_command", metavar="WHAT", required=True)
    examples = data_sub.add_parser("examples", parents=[common], help="every (text, intent) pair")
    examples.add_argument("--json", action="store_true")

    schema = sub.add_parser("schema", parents=[common], help="write the dialogue JSON Schemas")
    schema.add_argument("--check", action="store_true", help="exit 1 if they are out of date")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if getattr(args, "data_dir", None):
        os.environ["REHEARSE_HOME"] = args.data_dir
    try:
        return _dispatch(args)
    except RehearseError as exc:
        sys.stderr.write(f"rehearse: error: {exc.message}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): nothing left to say, and nothing to complain about.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _dispatch(args: argparse.Namespace) -> int:
    from chatbot.shells.output import Printer

    out = Printer()
    command = args.command
    if command in (None, "practice") and not getattr(args, "plain", False):
        from chatbot.shells.commands import cmd_tui

        return cmd_tui(args)
    if command == "practice":
        from chatbot.shells.commands import cmd_practice_plain

        return cmd_practice_plain(args.persona, args.seed, args.json, out, args.coach)
    if command == "personas":
        from chatbot.shells.commands import cmd_personas

        return cmd_personas(args.json, out)
    if command == "sessions":
        from chatbot.shells.commands import cmd_sessions

        return cmd_sessions(args.json, out, args.move_aside)
    if command == "replay":
        from chatbot.shells.commands import cmd_replay, cmd_replay_check

        if args.check:
            return cmd_replay_check(args.session, out)
        return cmd_replay(args.session, args.plain, out)
    if command == "resume":
        from chatbot.shells.commands import cmd_resume

        return cmd_resume(args, out)
    if command in ("export", "import"):
        from chatbot.shells import sharing

        if command == "export":
            return sharing.cmd_export(args.session, args.format, args.output, out)
        return sharing.cmd_import(args.file, out)
    if command in ("report", "progress", "questions"):
        from chatbot.shells import coaching

        if command == "report":
            fmt = next((f for f in ("json", "markdown", "note") if getattr(args, f)), "text")
            return coaching.cmd_report(args.session, fmt, out)
        if command == "progress":
            return coaching.cmd_progress(args.json, out)
        return coaching.cmd_questions(args.json, args.limit, out)
    from chatbot.shells import authoring

    if command == "validate":
        return authoring.cmd_validate(args.paths, out)
    if command == "train":
        return authoring.cmd_train(out)
    if command == "eval":
        if args.conversations:
            return authoring.cmd_eval_conversations(
                args.conversations, args.transcripts, args.json, out
            )
        return authoring.cmd_eval(args.file, args.cv, args.json, out)
    if command == "data":
        return authoring.cmd_examples(args.json, out)
    if command == "schema":
        return authoring.cmd_schema(args.check, out)
    raise RehearseError(f"unknown command {command!r}", exit_code=2)
