"""Where the dialogue data, the intent model and the user's sessions live."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_root() -> Path:
    """The folder holding dialogues/ and models/: inside an installed wheel, or the checkout."""
    bundled = _PACKAGE / "_data"
    return bundled if bundled.is_dir() else _PACKAGE.parent


def dialogues_dir() -> Path:
    override = os.environ.get("REHEARSE_DIALOGUES")
    return Path(override) if override else data_root() / "dialogues"


def model_config_path() -> Path:
    return data_root() / "models" / "config.cfg"


def model_dir() -> Path:
    """The trained intent model: models/intent beside the data, or the user cache when read-only."""
    override = os.environ.get("REHEARSE_MODEL_DIR")
    if override:
        return Path(override)
    models = data_root() / "models"
    if os.access(models, os.W_OK):
        return models / "intent"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("rehearse")) / "models" / "intent"


def sessions_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The private folder for sessions: --data-dir, then REHEARSE_HOME, then the platform's."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("REHEARSE_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("rehearse", appauthor=False))
