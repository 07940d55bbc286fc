"""Where the output cannot go: a full disk, a read-only place, a file or a loop in the path, a name
too long, something else appearing at OUT during the run. One line each; nothing half-written
left, and an earlier OUT as it was."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SEEDS, messages, run_cli
from tests.test_resume import inputs, journal, start, stories, wait_for  # noqa: F401  (fixtures)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB file system of its own (tmpfs); skipped where mounting is not allowed."""
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_is_one_line_and_leaves_the_previous_output_as_it_was(small_disk: Path, inputs: Path) -> None:
    assert run_cli("clean", SEEDS, "-o", small_disk / "out").returncode == 0
    before = {path.name: path.read_bytes() for path in (small_disk / "out").iterdir()}
    result = run_cli(
        "clean",
        inputs / "part0.jsonl",
        inputs / "part1.jsonl",
        "-o",
        small_disk / "out",
        "--overwrite",
        "--skip",
        "language,typos",
    )
    assert result.returncode == 1
    assert messages(result.stderr) == [
        f"corpus: error: {small_disk / 'out'}: cannot write the output: No space left on "
        "device; nothing was published (free space, then run again)"
    ]
    assert sorted(path.name for path in small_disk.iterdir()) == ["out"]  # no staging folder, no lock
    assert {path.name: path.read_bytes() for path in (small_disk / "out").iterdir()} == before


@pytest.mark.parametrize("case", ["file in the path", "symlink loop", "name too long"])
def test_an_output_path_that_cannot_be_is_one_line(tmp_path: Path, case: str) -> None:
    if case == "file in the path":
        (tmp_path / "afile").write_text("x")
        out, expected = tmp_path / "afile" / "sub", f"{tmp_path / 'afile'}: is a file, not a folder"
    elif case == "symlink loop":
        (tmp_path / "a").symlink_to(tmp_path / "b")
        (tmp_path / "b").symlink_to(tmp_path / "a")
        out, expected = tmp_path / "a" / "out", f"{tmp_path / 'a'}: is a symbolic link that leads nowhere"
    else:
        out, expected = tmp_path / ("x" * 300), "cannot write the output: File name too long"
    result = run_cli("clean", SEEDS, "-o", out)
    assert result.returncode in (1, 2)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("corpus: error: ")
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_a_read_only_place_is_one_line(tmp_path: Path) -> None:
    mount = tmp_path / "ro"
    mount.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(mount)], capture_output=True
    ).returncode:
        pytest.skip("cannot mount a read-only tmpfs here (needs root)")
    try:
        result = run_cli("clean", SEEDS, "-o", mount / "out")
        assert result.returncode == 2
        assert result.stderr == (
            f"corpus: error: {mount}: cannot write beside the output folder: Read-only file "
            "system (choose an -o in a folder you can write to)\n"
        )
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_what_appears_at_the_output_during_a_run_is_never_replaced(inputs: Path) -> None:
    process = start(inputs, "out-taken")
    assert wait_for(process, inputs, "out-taken", lambda j: j.get("chunks_done", 0) >= 2)
    (inputs / "out-taken").mkdir()
    (inputs / "out-taken" / "mine.txt").write_text("a user's file")
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 1
    assert messages(stderr) == [
        f"corpus: error: {inputs / 'out-taken'}: something else appeared at the output path during the run, "
        f"so the finished output was not put there; it is complete in {inputs / '.out-taken.partial'} "
        "(move it into place yourself)"
    ]
    assert [path.name for path in (inputs / "out-taken").iterdir()] == ["mine.txt"]
    assert (inputs / ".out-taken.partial" / "manifest.json").is_file()
