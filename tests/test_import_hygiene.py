"""The engine imports no Textual; imports run one way: shells → coach → engine → dialogue data."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "chatbot"


def test_engine_and_line_mode_import_no_textual() -> None:
    code = (
        "import sys\n"
        "import chatbot.engine.practice, chatbot.engine.evaluation, chatbot.engine.store\n"
        "import chatbot.dialogue.loader, chatbot.dialogue.schema, chatbot.dialogue.coach_loader\n"
        "import chatbot.coach.scorecard, chatbot.coach.history\n"
        "import chatbot.shells.plain, chatbot.shells.commands, chatbot.shells.authoring\n"
        "import chatbot.cli\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_layers_import_only_downwards() -> None:
    forbidden = {
        "dialogue": (
            "chatbot.engine",
            "chatbot.coach",
            "chatbot.shells",
            "chatbot.tui",
            "chatbot.cli",
            "textual",
        ),
        "engine": ("chatbot.coach", "chatbot.shells", "chatbot.tui", "chatbot.cli", "textual"),
        "coach": ("chatbot.shells", "chatbot.tui", "chatbot.cli", "textual"),
    }
    offences = []
    for layer, banned in forbidden.items():
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            for name in _imports(path):
                if name.startswith(banned):
                    offences.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offences == []


def test_every_module_has_a_one_line_docstring() -> None:
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        if not doc or "\n" in doc.strip():
            missing.append(str(path.relative_to(PACKAGE)))
    assert missing == []
