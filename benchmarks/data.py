"""Where the public benchmark data lives: $CORPUS_BENCH_DATA, else ../shared/benchmarks/data."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    return Path(os.environ.get("CORPUS_BENCH_DATA", REPO.parent / "shared" / "benchmarks" / "data"))
