"""Shared fixtures: the public benchmark data, the seeds, and the CLI (in this process, or installed)."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import subprocess
import sys
import tarfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus import cli

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
# The progress line a run prints on stderr every 30 s when stderr is not a terminal ("corpus:
# pass 1/4: 512 documents read, ..."): how many a run prints depends on the machine's load.
_PROGRESS = re.compile(r"corpus: (?!error:)[^:]+: ")
DATA = Path(os.environ.get("CORPUS_BENCH_DATA", REPO.parent / "shared" / "benchmarks" / "data"))


def shared_data(*parts: str) -> Path:
    """A path in the public benchmark data; skipped where it is absent, but never in CI."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"benchmark data missing in CI: {path}")
        pytest.skip(f"benchmark data not found: {path}")
    return path


@functools.cache
def cleaneval_file(member: str) -> bytes:
    """One file of CleanEval's archive ("cleaneval/final/input/694.html")."""
    with tarfile.open(shared_data("boilerplate-cleaneval", "cleaneval.tar.xz")) as archive:
        handle = archive.extractfile(member)
        assert handle is not None, member
        return handle.read()


def messages(stderr: str | bytes) -> list[str]:
    """The lines of a run's stderr but its progress lines, which come with time, not behaviour."""
    text = stderr.decode() if isinstance(stderr, bytes) else stderr
    return [line for line in text.strip().splitlines() if not _PROGRESS.match(line)]


@dataclass(frozen=True)
class CliResult:
    """What a test reads of a finished command, as subprocess.CompletedProcess names it."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str | Path, cwd: Path | None = None) -> CliResult:
    """The `corpus` command run in this process, as the installed one runs it but for the process
    around it (see `run_installed`): its own stdin, stdout and stderr (click's CliRunner), working
    folder and Python warnings, all restored after. Starting the command for each of the suite's
    hundreds of runs would cost seconds of imports, word lists and compiled rules each."""
    with contextlib.chdir(cwd or Path.cwd()), CliRunner().isolation() as (stdout, stderr, _), _warnings_on_stderr():
        try:
            code = cli.run([str(arg) for arg in args], prog_name="corpus")
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
    return CliResult(code, _text(stdout.getvalue()), _text(stderr.getvalue()))


def run_installed(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed `corpus` command, as a user runs it: for what only a process shows (its entry
    point, signals, exit status, a kill)."""
    command = Path(sys.executable).parent / "corpus"
    return subprocess.run([str(command), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=600)


@contextlib.contextmanager
def _warnings_on_stderr() -> Iterator[None]:
    """Python's warnings shown on the command's stderr with Python's default filters, as the
    installed command shows them, instead of collected by pytest."""

    def show(message, category, filename, lineno, file=None, line=None) -> None:  # type: ignore[no-untyped-def]
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))

    with warnings.catch_warnings():
        warnings.resetwarnings()  # then shown once per place, but for Python's ignored categories:
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
            warnings.simplefilter("ignore", category)
        warnings.showwarning = show
        yield


def _text(output: bytes) -> str:
    """Bytes read as subprocess.run(text=True) reads them: UTF-8 with universal newlines."""
    return io.TextIOWrapper(io.BytesIO(output), encoding="utf-8").read()
