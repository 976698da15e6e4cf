"""Benchmark helper: one Python child process with the project's store folder, its output back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(*args: str, home: str, stdin: bytes = b"") -> str:
    """Run `python ARGS` at the project's root with REHEARSE_HOME=`home`; its standard output."""
    done = subprocess.run(
        [sys.executable, *args],
        input=stdin,
        capture_output=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "REHEARSE_HOME": home},
    )
    return done.stdout.decode()
