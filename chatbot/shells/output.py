"""Printing for the line shells: JSON lines, and text made inert before it reaches a terminal."""

from __future__ import annotations

import json
import re
import sys
from typing import Any, TextIO

# C0 and C1 controls (but tab), DEL, and the bidirectional overrides that can reorder a line.
_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def neutralise(text: str) -> str:
    """Show control and bidi-override characters as escapes instead of obeying them."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class Printer:
    """Writes to a stream; text for a terminal is neutralised, text for a pipe is left as it is."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.terminal = self.stream.isatty()

    def line(self, text: str = "") -> None:
        self.stream.write((neutralise(text) if self.terminal else text) + "\n")
        self.stream.flush()

    def json(self, value: Any) -> None:
        self.stream.write(json.dumps(value, ensure_ascii=False) + "\n")
        self.stream.flush()

    def table(self, rows: list[list[str]], header: list[str]) -> None:
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.line("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def err(message: str) -> None:
    """A status line on standard error (progress, notes), made inert like everything else."""
    stream = sys.stderr
    stream.write((neutralise(message) if stream.isatty() else message) + "\n")
    stream.flush()


def progress_to_stderr(label: str) -> Any:
    """A training progress callback that prints a line per step to standard error."""

    def report(fraction: float, message: str) -> None:
        err(f"{label}: {fraction:4.0%} {message}")

    return report
