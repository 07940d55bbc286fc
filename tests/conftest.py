"""Shared fixtures: the public benchmark data, the seeds, and the installed CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
DATA = Path(os.environ.get("CORPUS_BENCH_DATA", REPO.parent / "shared" / "benchmarks" / "data"))


def shared_data(*parts: str) -> Path:
    """A path in the public benchmark data; skipped where it is absent, but never in CI."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"benchmark data missing in CI: {path}")
        pytest.skip(f"benchmark data not found: {path}")
    return path


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed `corpus` command, as a user runs it."""
    command = Path(sys.executable).parent / "corpus"
    return subprocess.run([str(command), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=600)
