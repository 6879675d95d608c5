"""The benchmark still runs end to end (on the seeds, without the peer): its numbers are
only worth something while the script that makes them works."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT, SEEDS, SHARED


def test_bench_build_times_kg_and_the_floor_and_prints_the_ratios(tmp_path):
    if not (SHARED / "bench" / "floor.py").exists():
        pytest.skip("../shared/bench is absent (it lives beside the repo)")
    table = tmp_path / "table.md"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_build.py"), str(SEEDS),
         "--skip-peer", "--repeat", "2", "--markdown", str(table)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    text = table.read_text(encoding="utf-8")
    for row in ("| kg | ", "| kg rebuild, +1% files | ", "| floor | ", "| kg / floor | "):
        assert row in text
    assert "warning:" not in result.stderr  # every run exited 0
    runs = next(line for line in text.splitlines() if line.startswith("kg runs (s): "))
    assert len(runs.split(";")[0].split(", ")) == 2 and "3 files" in text
