"""Reads a dialogue file with yaml.safe_load and maps any problem back to its file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from chatbot.dialogue.yaml_cache import cached_safe_load
from chatbot.errors import RehearseError

PathKey = tuple[str | int, ...]
_TAG = re.compile(r"^(str|int|bool|constrained-\w+|function-\w+\[.*\]|[A-Z]\w*)$")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}: {where}{self.message}"


class DialogueError(RehearseError):
    """One or more problems in the dialogue data, each with file, line and path."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def dotted(path: PathKey) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


@dataclass
class Source:
    """One YAML file: its text, its data, and (only when a problem needs it) its node tree."""

    path: Path
    text: str
    data: Any = field(default=None)

    @classmethod
    def read(cls, path: Path) -> Source:
        name = str(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise DialogueError([Problem(name, 1, "", f"cannot read: {exc.strerror}")]) from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise DialogueError([Problem(name, line, "", "not UTF-8 text")]) from None
        try:
            data = cached_safe_load(raw, text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            what = " ".join(p for p in (exc.context, exc.problem) if p)
            raise DialogueError([Problem(name, line, "", f"invalid YAML: {what}")]) from None
        except yaml.YAMLError as exc:
            raise DialogueError([Problem(name, 1, "", f"invalid YAML: {exc}")]) from None
        return cls(path, text, data)

    @cached_property
    def _root(self) -> yaml.Node | None:
        try:
            return yaml.compose(self.text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            return None

    def line_of(self, path: PathKey) -> int:
        """The line of the deepest node along `path` (for the last step, the key's own line)."""
        node = self._root
        line = 1
        if node is None:
            return line
        line = node.start_mark.line + 1
        for key in path:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if str(key_node.value) == str(key):
                        line = key_node.start_mark.line + 1
                        node = value_node
                        break
                else:
                    return line
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                if not 0 <= key < len(node.value):
                    return line
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                return line
        return line

    def problem(self, path: PathKey, message: str) -> Problem:
        return Problem(str(self.path), self.line_of(path), dotted(path), message)

    def duplicate_keys(self) -> list[Problem]:
        """YAML lets a later key silently replace an earlier one; we call it an error."""
        problems: list[Problem] = []

        def walk(node: yaml.Node | None, path: PathKey) -> None:
            if isinstance(node, yaml.MappingNode):
                seen: set[str] = set()
                for key_node, value_node in node.value:
                    key = str(key_node.value)
                    if key in seen:
                        where = Problem(
                            str(self.path), key_node.start_mark.line + 1, dotted((*path, key)), ""
                        )
                        problems.append(
                            Problem(where.file, where.line, where.path, "duplicate key")
                        )
                    seen.add(key)
                    walk(value_node, (*path, key))
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    walk(item, (*path, index))

        walk(self._root, ())
        return problems

    def parse(self, model: type[M]) -> M:
        """Validate the data into `model`, or raise every problem found, located."""
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            errors = exc.errors()
            # "too short" on a list is noise when the cause is a bad item inside it.
            inner = [tuple(e["loc"]) for e in errors]
            errors = [
                e
                for e in errors
                if e["type"] != "too_short"
                or not any(
                    loc[: len(e["loc"])] == tuple(e["loc"]) and loc != tuple(e["loc"])
                    for loc in inner
                )
            ]
            # One problem per place: a bad item in a union fails each branch in turn.
            explained: dict[tuple[str, int], Problem] = {}
            for err in errors:
                problem = self._explain(err)
                explained.setdefault((problem.path, problem.line), problem)
            raise DialogueError(list(explained.values())) from None

    def _explain(self, err: Any) -> Problem:
        # Drop the union-branch tags pydantic puts in the path ("str", "Guarded", ...).
        path: PathKey = tuple(
            k for k in err["loc"] if isinstance(k, int) or not (k == "[key]" or _TAG.match(k))
        )
        message = str(err["msg"])
        given = err.get("input")
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        elif err["type"] == "missing":
            message = "required key is missing"
        elif isinstance(given, bool) and "string" in message:
            message += (
                f" (got {str(given).lower()}: unquoted yes/no/on/off/true/false are booleans"
                " in YAML; put the text in quotes)"
            )
        elif given is None and err["type"] != "missing":
            message += " (got nothing: an empty value is null in YAML)"
        elif isinstance(given, (int, float)) and "string" in message:
            message += f" (got the number {given}: put the text in quotes)"
        if self.data is not None and not isinstance(self.data, dict) and not path:
            message = "the file must be a mapping with a `version:` key"
        return self.problem(path, message)
