"""yaml.safe_load, remembered as JSON by the file's hash (light: no pydantic, no spaCy)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any


def _cache_dir() -> Path:
    override = os.environ.get("REHEARSE_CACHE")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("rehearse")) / "yaml"


def cached_safe_load(raw: bytes, text: str) -> Any:
    """yaml.safe_load, remembered as JSON by the file's hash: parsing YAML in pure Python
    costs a tenth of a second per persona at every start, reading JSON almost nothing."""
    path = _cache_dir() / f"{hashlib.sha256(raw).hexdigest()}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    import yaml  # only on a cache miss: the first frame of the app needs no YAML parser

    data = yaml.safe_load(text)
    try:
        encoded = json.dumps(data, ensure_ascii=False)
        # Dates, sets or non-string keys do not survive JSON: such files are never cached.
        if json.loads(encoded) == data:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(encoded, encoding="utf-8")
            partial.replace(path)
    except (OSError, TypeError, ValueError):
        pass  # a cache that cannot be written only costs time
    return data
