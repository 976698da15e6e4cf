"""Ruff (lint and format) and mypy pass, so that the one test command covers them too."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_lint() -> None:
    done = _run("ruff", "check", "chatbot", "tests", "bench")
    assert done.returncode == 0, done.stdout


def test_ruff_format() -> None:
    done = _run("ruff", "format", "--check", "chatbot", "tests", "bench")
    assert done.returncode == 0, done.stdout


def test_mypy() -> None:
    done = _run("mypy")
    assert done.returncode == 0, done.stdout
