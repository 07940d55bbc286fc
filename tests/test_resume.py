"""A run that dies (kill -9, SIGTERM) is continued by --resume and ends byte-identical to a run
that never stopped; a second run on the same OUT is refused; nothing is left running."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from tests.conftest import messages, run_cli
from tests.test_dedup import lightly_edited, resendable, stories  # noqa: F401  (a fixture)

TABLES = (
    "documents.parquet",
    "edits.parquet",
    "dropped.parquet",
    "line_stats.parquet",
    "dedup_index.parquet",
    "dedup_passages.parquet",
)
# Small units of work, so that 600 stories make ten of them per pass.
CONFIG = '[run]\nchunk_documents = 64\nskip = ["language", "typos"]\n'


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory, stories: dict[str, str]) -> Path:
    """600 Reuters stories, a few of them again lightly edited (near duplicates), in two files."""
    folder = tmp_path_factory.mktemp("resume")
    texts = list(stories.values())[:580]
    records = [{"id": f"r{n}", "text": text} for n, text in enumerate(texts)]
    records += [
        {"id": f"copy{n}", "text": lightly_edited(text)}
        for n, text in enumerate([text for text in texts if resendable(text)][:20])
    ]
    for part, rows in enumerate((records[:250], records[250:])):
        (folder / f"part{part}.jsonl").write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    (folder / "corpus.toml").write_text(CONFIG)
    return folder


@pytest.fixture(scope="module")
def reference(inputs: Path) -> Path:
    result = run_cli("clean", "part0.jsonl", "part1.jsonl", "-o", "reference", "--workers", "2", cwd=inputs)
    assert result.returncode == 0, result.stderr
    return inputs / "reference"


def start(folder: Path, out: str, *extra: str) -> subprocess.Popen[bytes]:
    command = Path(sys.executable).parent / "corpus"
    return subprocess.Popen(
        [command, "clean", "part0.jsonl", "part1.jsonl", "-o", out, "--workers", "2", *extra],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def journal(folder: Path, out: str) -> dict | None:
    try:
        return json.loads((folder / f".{out}.partial" / "_work" / "journal.json").read_text())
    except (OSError, ValueError):
        return None


def wait_for(process: subprocess.Popen[bytes], folder: Path, out: str, reached) -> bool:
    """Poll the journal until `reached(journal)`; False if the run finished first."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        found = journal(folder, out)
        if found is not None and reached(found):
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.02)
    raise AssertionError("the run never reached the point to stop it at")


def run_processes(folder: Path, out: str) -> list[int]:
    """Processes (the run and its workers) working in `folder` whose command line names `-o out`:
    the working folder tells them from another test session's runs of the same command."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (
                    f"-o\0{out}\0".encode() in (entry / "cmdline").read_bytes()
                    and (entry / "cwd").resolve() == folder.resolve()
                ):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def gone(folder: Path, out: str, seconds: float = 60) -> bool:
    """Whether the run writing `out` from `folder` and its workers are all gone within `seconds`
    (the workers see their parent die through PR_SET_PDEATHSIG at once; exiting takes what the
    machine's load gives)."""
    deadline = time.monotonic() + seconds
    while run_processes(folder, out):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def identical(first: Path, second: Path) -> bool:
    return all((first / name).read_bytes() == (second / name).read_bytes() for name in TABLES)


# Points of a run to kill it at, read from its journal: (pass, chunks done, first pass aggregated).
KILL_POINTS = {
    "first chunk of the first pass": lambda j: j.get("chunks_done", 0) >= 1 and j.get("pass_number") == 0,
    "middle of the first pass": lambda j: j.get("chunks_done", 0) >= 5 and j.get("pass_number") == 0,
    "just after an aggregation": lambda j: j.get("pass_number") == 1 or j.get("merged") is True,
    "middle of the second pass": lambda j: j.get("pass_number") == 1 and j.get("chunks_done", 0) >= 4,
    "last pass": lambda j: j.get("pass_number", 0) >= 2 and j.get("chunks_done", 0) >= 3,
    "end of the last pass": lambda j: j.get("pass_number", 0) >= 3,
}


@pytest.mark.parametrize("point", sorted(KILL_POINTS))
def test_a_run_killed_at_any_point_resumes_to_the_same_bytes(inputs: Path, reference: Path, point: str) -> None:
    out = f"out-{point.replace(' ', '-')}"
    process = start(inputs, out)
    stopped = wait_for(process, inputs, out, KILL_POINTS[point])
    if stopped:
        process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    if stopped:
        assert not (inputs / out).exists()  # never published half-made
        assert gone(inputs, out), "workers outlived the killed run"
        refused = run_cli("clean", "part0.jsonl", "part1.jsonl", "-o", out, cwd=inputs)
        assert refused.returncode == 2
        assert "an unfinished run is in" in refused.stderr and "--resume" in refused.stderr
    resumed = run_cli("clean", "part0.jsonl", "part1.jsonl", "-o", out, "--workers", "1", "--resume", cwd=inputs)
    assert resumed.returncode == 0, resumed.stderr
    assert identical(inputs / out, reference)
    manifest = json.loads((inputs / out / "manifest.json").read_text())
    expected = json.loads((reference / "manifest.json").read_text())
    assert manifest["counts"] == expected["counts"] and manifest["renamed_ids"] == expected["renamed_ids"]
    assert not (inputs / f".{out}.partial").exists() and not (inputs / f".{out}.lock").exists()


def test_sigterm_keeps_the_work_done_and_resume_finishes_it(inputs: Path, reference: Path) -> None:
    process = start(inputs, "out-term")
    assert wait_for(process, inputs, "out-term", KILL_POINTS["middle of the first pass"])
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)  # returns only once no worker holds the pipes
    assert process.returncode == 130
    assert messages(stderr) == [
        "corpus: error: out-term: interrupted; the work done so far is kept "
        "(continue it with the same command and --resume)"
    ]
    assert not (inputs / "out-term").exists() and (inputs / ".out-term.partial").is_dir()
    resumed = run_cli("clean", "part0.jsonl", "part1.jsonl", "-o", "out-term", "--resume", cwd=inputs)
    assert resumed.returncode == 0, resumed.stderr
    assert identical(inputs / "out-term", reference)


def test_resume_refuses_changed_inputs_and_overwrite_discards_the_unfinished_run(inputs: Path) -> None:
    process = start(inputs, "out-changed")
    assert wait_for(process, inputs, "out-changed", KILL_POINTS["middle of the first pass"])
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    changed = inputs / "changed"
    changed.mkdir()
    for name in ("part0.jsonl", "part1.jsonl", "corpus.toml"):
        shutil.copy2(inputs / name, changed / name)
    os.replace(inputs / ".out-changed.partial", changed / ".out-changed.partial")
    with (changed / "part1.jsonl").open("ab") as handle:
        handle.write(orjson.dumps({"id": "late", "text": "A story added after the run started."}) + b"\n")
    refused = run_cli("clean", "part0.jsonl", "part1.jsonl", "-o", "out-changed", "--resume", cwd=changed)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"corpus: error: {changed / 'out-changed'}: cannot resume: the input "
        "part1.jsonl changed since the unfinished run started (run it as it was, "
        "or start over with --overwrite)"
    )
    fresh = run_cli("clean", "part0.jsonl", "part1.jsonl", "-o", "out-changed", "--overwrite", cwd=changed)
    assert fresh.returncode == 0, fresh.stderr
    assert "warning: discarded the unfinished run in .out-changed.partial" in fresh.stderr


def test_a_second_run_on_the_same_output_is_refused_while_the_first_runs(inputs: Path) -> None:
    process = start(inputs, "out-busy")
    assert wait_for(process, inputs, "out-busy", lambda j: True)
    second = run_cli("clean", "part0.jsonl", "part1.jsonl", "-o", "out-busy", cwd=inputs)
    process.communicate(timeout=300)
    assert process.returncode == 0
    assert second.returncode == 2
    assert f"{inputs / 'out-busy'}: another corpus run is writing this output (pid {process.pid} on" in second.stderr


def test_resume_after_the_run_finished_says_there_is_nothing_to_resume(inputs: Path, reference: Path) -> None:
    """A kill that lands after the publish leaves a finished OUT: --resume says so and keeps it."""
    before = {name: (reference / name).read_bytes() for name in TABLES}
    result = run_cli("clean", "part0.jsonl", "part1.jsonl", "-o", "reference", "--resume", cwd=inputs)
    assert result.returncode == 2
    assert "nothing to resume" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert {name: (reference / name).read_bytes() for name in TABLES} == before
