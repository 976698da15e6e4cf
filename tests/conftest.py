"""Shared fixtures: the real trained model, private data folders, and the CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from chatbot import paths

ROOT = Path(__file__).resolve().parent.parent
# The tests, and the commands they start, keep their YAML cache to themselves.
os.environ.setdefault("REHEARSE_CACHE", tempfile.mkdtemp(prefix="rehearse-cache-"))
DEV_SET = ROOT / "tests" / "data" / "dev.yaml"
# Written blind (its writer saw neither training data nor dev set); never used for tuning.
HELDOUT_SET = ROOT / "tests" / "data" / "heldout.yaml"


@pytest.fixture(scope="session")
def classifier():  # type: ignore[no-untyped-def]
    """The real intent model, trained from dialogues/ on first use exactly as the app does."""
    from chatbot.engine.practice import load_classifier

    return load_classifier()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private data folder for sessions, for this test only."""
    folder = tmp_path / "home"
    monkeypatch.setenv("REHEARSE_HOME", str(folder))
    yield folder


def cli(
    *args: str,
    input: bytes | str | None = None,
    home: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m chatbot ARGS` as a user would, capturing its output as text."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    if home is not None:
        env["REHEARSE_HOME"] = str(home)
    data = input.encode("utf-8", "surrogatepass") if isinstance(input, str) else input
    done = subprocess.run(
        [sys.executable, "-m", "chatbot", *args],
        input=data if data is not None else b"",
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
    )
    return subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


@pytest.fixture(scope="session")
def dialogues() -> Path:
    return paths.dialogues_dir()
