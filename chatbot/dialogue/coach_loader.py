"""Loads dialogues/questions.yaml and dialogues/coach.yaml, checked, or fails with every problem."""

from __future__ import annotations

import string
from pathlib import Path

from chatbot.dialogue.coaching import TOPICS, CoachData, CoachFile, Hints, Note, QuestionsFile
from chatbot.dialogue.contract import SCENARIOS
from chatbot.dialogue.source import DialogueError, M, Problem, Source

# The placeholders each line may use, and the ones it must use to make sense.
_HINT_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    "closed": ({"question"}, {"question"}),
    "stacked": ({"count"}, set()),
    "no_question": ({"question"}, {"question"}),
    "needs_not_asked": ({"label"}, {"label"}),
    "suggest": ({"label", "question"}, {"label", "question"}),
}
_NOTE_FIELDS: dict[str, set[str]] = {
    "subject": {"first_name"},
    "greeting": {"first_name"},
    "discussed": {"topics"},
    "thanks": {"thanks"},
}


def questions_file(root: Path) -> Path:
    return root / "questions.yaml"


def coach_file(root: Path) -> Path:
    return root / "coach.yaml"


def _placeholders(text: str) -> set[str] | None:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None  # an unmatched brace


def _check_line(
    source: Source, path: tuple[str, str], text: str, allowed: set[str], needed: set[str]
) -> list[Problem]:
    found = _placeholders(text)
    if found is None:
        return [source.problem(path, "unmatched { or }: write {{ or }} for a literal brace")]
    problems = [
        source.problem(
            path,
            f"unknown placeholder {{{name}}} (allowed: {', '.join(sorted(allowed)) or 'none'})",
        )
        for name in sorted(found - allowed)
    ]
    problems += [
        source.problem(path, f"missing placeholder {{{name}}}") for name in sorted(needed - found)
    ]
    return problems


def _check_questions(source: Source, parsed: QuestionsFile) -> list[Problem]:
    problems = [
        source.problem(
            ("topics",), f"missing topic {topic!r}: every ask_* intent needs model questions"
        )
        for topic in TOPICS
        if topic not in parsed.topics
    ]
    problems += [
        source.problem(("topics", topic), f"unknown topic {topic!r} (topics are the ask_* intents)")
        for topic in parsed.topics
        if topic not in TOPICS
    ]
    seen: dict[str, str] = {}
    for topic, entry in parsed.topics.items():
        for i, question in enumerate(entry.questions):
            key = " ".join(question.lower().split())
            if key in seen:
                problems.append(
                    source.problem(
                        ("topics", topic, "questions", i), f"repeats a question of {seen[key]}"
                    )
                )
            seen.setdefault(key, topic)
            if "{" in question or "}" in question:
                problems.append(
                    source.problem(("topics", topic, "questions", i), "braces are not allowed here")
                )
    return problems


def _check_coach(source: Source, parsed: CoachFile) -> list[Problem]:
    problems = [
        source.problem(("scenarios",), f"missing scenario {scenario!r}")
        for scenario in SCENARIOS
        if scenario not in parsed.scenarios
    ]
    for name in Hints.model_fields:
        allowed, needed = _HINT_FIELDS.get(name, (set(), set()))
        problems += _check_line(
            source, ("hints", name), getattr(parsed.hints, name), allowed, needed
        )
    for name in Note.model_fields:
        needed = _NOTE_FIELDS.get(name, set())
        problems += _check_line(source, ("note", name), getattr(parsed.note, name), needed, needed)
    return problems


def _read(path: Path, model: type[M]) -> tuple[Source, M]:
    if not path.exists():
        raise DialogueError([Problem(str(path), 1, "", "missing: the coach needs this file")])
    source = Source.read(path)
    return source, source.parse(model)


def load_coach(root: Path) -> CoachData:
    """The model questions and the coach's words, or a DialogueError naming every problem."""
    problems: list[Problem] = []
    questions = coach = None
    try:
        source, questions = _read(questions_file(root), QuestionsFile)
        problems += source.duplicate_keys() + _check_questions(source, questions)
    except DialogueError as exc:
        problems += exc.problems
    try:
        source, coach = _read(coach_file(root), CoachFile)
        problems += source.duplicate_keys() + _check_coach(source, coach)
    except DialogueError as exc:
        problems += exc.problems
    if problems or questions is None or coach is None:
        raise DialogueError(problems)
    return CoachData(topics={t: questions.topics[t] for t in TOPICS}, coach=coach)
