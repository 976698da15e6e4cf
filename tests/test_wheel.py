"""Installed from a wheel, the app finds its dialogues and trains its model inside the package."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_carries_the_data_and_runs(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("rehearse-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "chatbot/_data/dialogues/personas/priya.yaml" in names
    assert "chatbot/_data/models/config.cfg" in names
    assert not any(name.startswith("chatbot/_data/models/intent/") for name in names)
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("REHEARSE_") and k != "PYTHONPATH"
    }
    env.update(PYTHONPATH=str(target), REHEARSE_HOME=str(tmp_path / "home"))
    done = subprocess.run(
        [sys.executable, "-m", "chatbot", "practice", "--plain", "--json", "--persona", "priya"],
        input=b"hi, I'm Ana\n",
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr.decode()
    last = json.loads(done.stdout.decode().splitlines()[-1])
    assert last["session"] == 1
    assert (target / "chatbot" / "_data" / "models" / "intent" / "fingerprint.json").exists()
