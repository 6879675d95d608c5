"""The code passes ruff and mypy, and README's command reference mentions every option."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT


def test_ruff_check_passes():
    beside_python = Path(sys.executable).parent / "ruff"
    ruff = str(beside_python) if beside_python.exists() else shutil.which("ruff")
    if not ruff:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [ruff, "check", "kg", "tests"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_no_type_errors():
    pytest.importorskip("mypy", reason="mypy is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "kg"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_documents_every_option():
    from click import Group

    from kg.cli import cli

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = []

    def walk(group, prefix):
        for name, command in group.commands.items():
            if isinstance(command, Group):
                walk(command, f"{prefix} {name}")
                continue
            assert f"{prefix} {name}" in readme or name in readme, f"{prefix} {name}"
            for param in command.params:
                for opt in getattr(param, "opts", []):
                    if opt.startswith("--") and opt not in readme:
                        missing.append(f"{prefix} {name} {opt}")

    walk(cli, "kg")
    assert missing == [], f"README.md's command line section lacks: {missing}"
    assert sys.version_info >= (3, 11)
