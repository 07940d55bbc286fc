"""Input paths the operating system makes hard: special files, broken links, unreadable files and
folders. Each is a dropped row with a reason and the rest of the run goes on; only a path that
does not exist at all stops the run, with one line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from corpus.readers import find_inputs
from tests.conftest import SEEDS, run_cli

SEED_NAMES = sorted(path.name for path in SEEDS.glob("*.txt"))


def dropped(out: Path) -> dict[str, tuple[str, str]]:
    frame = pl.read_parquet(out / "dropped.parquet")
    return {row["id"]: (row["reason"], row["detail"]) for row in frame.iter_rows(named=True)}


def kept(out: Path) -> list[str]:
    return pl.read_parquet(out / "documents.parquet")["id"].to_list()


def test_special_entries_in_a_folder_are_dropped_with_a_reason_and_the_seeds_are_kept(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    os.mkfifo(folder / "pipe.txt")
    (folder / "dangling.txt").symlink_to("nowhere.txt")
    (folder / "loop.txt").symlink_to("loop.txt")
    (folder / "device.txt").symlink_to("/dev/zero")  # an endless character device
    (folder / "linked-folder").symlink_to(SEEDS, target_is_directory=True)
    (folder / "folder.jsonl.gz").mkdir()  # a folder named like a file is walked like any folder
    shutil.copy(SEEDS / SEED_NAMES[0], folder / "folder.jsonl.gz" / "inside.txt")

    result = run_cli("clean", folder, "-o", tmp_path / "out", "--workers", "2", "--skip", "dedup")

    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert kept(out) == [*SEED_NAMES, "folder.jsonl.gz/inside.txt"]
    reasons = {name: reason for name, (reason, _) in dropped(out).items()}
    assert reasons == {
        "dangling.txt": "broken_link",
        "device.txt": "not_a_file",
        "linked-folder": "not_a_file",
        "loop.txt": "broken_link",
        "pipe.txt": "not_a_file",
    }
    details = dropped(out)
    assert "named pipe" in details["pipe.txt"][1] and "character device" in details["device.txt"][1]
    assert "'nowhere.txt', which does not exist" in details["dangling.txt"][1]
    assert "not followed" in details["linked-folder"][1]
    manifest = json.loads((out / "manifest.json").read_text())
    entries = {entry["source"]: entry for entry in manifest["inputs"]}
    assert entries["pipe.txt"]["sha256"] is None and entries["pipe.txt"]["bytes"] is None
    assert entries[SEED_NAMES[0]]["sha256"] is not None
    assert manifest["counts"]["dropped"] == {"read.broken_link": 2, "read.not_a_file": 3}


def test_special_files_named_on_the_command_line_are_reported_as_what_they_are(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.jsonl")
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    result = run_cli(
        "clean", tmp_path / "pipe.jsonl", tmp_path / "loop.txt", SEEDS / SEED_NAMES[1], "-o", tmp_path / "out"
    )
    assert result.returncode == 0, result.stderr
    assert {name: reason for name, (reason, _) in dropped(tmp_path / "out").items()} == {
        "pipe.jsonl": "not_a_file",
        "loop.txt": "broken_link",
    }
    assert kept(tmp_path / "out") == [SEED_NAMES[1]]

    missing = run_cli("clean", tmp_path / "missing.txt", "-o", tmp_path / "out2")
    assert missing.returncode == 2
    assert (
        missing.stderr.strip()
        == f"corpus: error: {tmp_path / 'missing.txt'}: no such file or folder (check the input path)"
    )


def test_folders_are_walked_in_the_order_sorted_paths_give() -> None:
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        for relative in ("a b/x.txt", "a/x.txt", "a-b.txt", "a/b/c.txt", "Z.txt", ".hidden/y.txt", "a/.h.txt"):
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text("text")
        found = [entry.source for entry in find_inputs([root])]
        expected = sorted(
            path.relative_to(root)
            for path in root.rglob("*.txt")
            if not any(part.startswith(".") for part in path.relative_to(root).parts)
        )
        assert found == [path.as_posix() for path in expected]


@pytest.fixture
def unprivileged() -> Iterator[tuple[Path, list[str]]]:
    """A world-writable folder, and the command that runs corpus as a user the permission bits
    apply to: root reads everything, so as root the command runs it as `nobody` (util-linux's
    setpriv, which reaches an interpreter installed under /root where subprocess's `user=` is refused)."""
    folder = Path(tempfile.mkdtemp(prefix="corpus-perm-"))
    folder.chmod(0o777)
    command = [str(Path(sys.executable).parent / "corpus")]
    if os.geteuid() == 0:
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        try:
            usable = subprocess.run([*command, "--version"], capture_output=True, timeout=60).returncode == 0
        except FileNotFoundError:
            usable = False
        if not usable:
            shutil.rmtree(folder)
            pytest.skip("running as root without a working setpriv: permission bits cannot be tested")
    try:
        yield folder, command
    finally:
        for path in folder.rglob("*"):
            if not path.is_symlink():
                path.chmod(0o777)
        shutil.rmtree(folder)


def test_an_unreadable_file_and_folder_are_dropped_rows_and_the_run_finishes(unprivileged) -> None:  # noqa: ANN001
    folder, command = unprivileged
    inputs = folder / "in"
    shutil.copytree(SEEDS, inputs)
    (inputs / "secret.txt").write_text((SEEDS / SEED_NAMES[2]).read_text())
    (inputs / "secret.txt").chmod(0)
    (inputs / "closed").mkdir()
    (inputs / "closed" / "story.txt").write_text((SEEDS / SEED_NAMES[3]).read_text())
    (inputs / "closed").chmod(0)
    for path in [inputs, *inputs.iterdir()]:
        if path.name not in ("secret.txt", "closed"):
            path.chmod(0o777 if path.is_dir() else 0o666)

    result = subprocess.run(
        [*command, "clean", "in", "-o", "out"], cwd=folder, capture_output=True, text=True, timeout=600
    )

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert kept(folder / "out") == SEED_NAMES
    assert dropped(folder / "out") == {
        "closed": ("unreadable_folder", "the folder cannot be listed: PermissionError: Permission denied"),
        "secret.txt": ("unreadable_file", "PermissionError: Permission denied"),
    }
    manifest = json.loads((folder / "out" / "manifest.json").read_text())
    secret = next(entry for entry in manifest["inputs"] if entry["source"] == "secret.txt")
    assert secret["sha256"] is None
