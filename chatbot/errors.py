"""The error types every layer raises for problems a user can fix."""

from pathlib import Path


class RehearseError(Exception):
    """A problem with input, data or state, worded for the person who can fix it."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class DamagedStore(RehearseError):
    """The session store at `path` is not one we can read: left as it is, to be moved aside."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path
