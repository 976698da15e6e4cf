"""Security: nothing in the package can run or unpickle what a file or a user supplies."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "chatbot"
BANNED_CALLS = {"eval", "exec", "compile", "__import__", "input"}
BANNED_MODULES = {"pickle", "cPickle", "dill", "marshal", "shelve", "jsonpickle"}
BANNED_YAML = {"load", "unsafe_load", "full_load", "load_all", "unsafe_load_all", "full_load_all"}


def _offences(source: str, name: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            found += [f"{name}: imports {m}" for m in modules if m.split(".")[0] in BANNED_MODULES]
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in BANNED_CALLS:
            found.append(f"{name}: calls {func.id}()")
        if isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else ""
            if owner == "yaml" and func.attr in BANNED_YAML:
                found.append(f"{name}: calls yaml.{func.attr}()")
            if owner == "os" and func.attr in {"system", "popen"}:
                found.append(f"{name}: calls os.{func.attr}()")
        for keyword in node.keywords:
            if keyword.arg == "shell" and not (
                isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            ):
                found.append(f"{name}: a subprocess with shell=")
    return found


def test_the_package_never_evaluates_or_unpickles() -> None:
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        offences += _offences(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE)))
    assert offences == []


@pytest.mark.parametrize(
    "code",
    [
        "import pickle",
        "from marshal import loads",
        "yaml.load(text)",
        "yaml.full_load(text)",
        "eval(text)",
        "exec(text)",
        "os.system(text)",
        "subprocess.run(text, shell=True)",
    ],
)
def test_the_scan_catches_each_kind(code: str) -> None:
    """The scan above is only worth something if it would fail: each pattern is caught."""
    assert _offences(code, "x") != []


def test_yaml_is_read_only_through_safe_load() -> None:
    uses = [
        path.relative_to(PACKAGE)
        for path in PACKAGE.rglob("*.py")
        if "yaml.safe_load" in path.read_text(encoding="utf-8")
    ]
    assert uses  # the one way in is used, and the scan above rules out the others
