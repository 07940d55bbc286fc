"""Where a run writes until it is complete: a lock beside OUT, a staging folder that holds the
run's progress (so `--resume` can continue it), and the publish that puts it in OUT's place.

    .OUT.lock       held (flock) by the running process; names it. The kernel frees it when the
                    process dies, however it dies, so a lock that can be taken belongs to no run.
    .OUT.partial/   the run being made, with its journal (`_work/journal.json`); renamed to OUT
                    when complete. Left by a run that died: the next run resumes it (`--resume`),
                    discards it (`--overwrite`, saying so) or refuses to start.

The publish never replaces what the run did not expect: OUT as it was when the run started
(absent, or the folder `--overwrite` replaces) must still be there, and on Linux the swap is one
atomic `renameat2`, so OUT names either the old output or the new one at every instant.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import json
import os
import shutil
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.errors import RunError, UsageError

JOURNAL = "journal.json"


@dataclass(frozen=True)
class Staging:
    out: Path  # resolved
    folder: Path  # .OUT.partial
    resumed: dict[str, Any] | None  # the journal of the run being resumed

    @property
    def work(self) -> Path:
        """Intermediate files, removed before publishing."""
        return self.folder / "_work"


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


def staging_path(out: Path) -> Path:
    return out.parent / f".{out.name}.partial"


@contextmanager
def staging_folder(
    out: Path, *, overwrite: bool, resume: bool, key: dict[str, Any], warn: Any = None
) -> Iterator[Staging]:
    """Lock OUT, prepare (or reopen) its staging folder, and publish it when the block finishes.

    `key` says what the run is (inputs, config, rules, versions): a run resumes only a staging
    folder made with the same key. `warn(line)` reports a discarded unfinished run.
    """
    out = Path(os.path.abspath(out))
    if resume and not overwrite and not staging_path(out).exists() and (out / "manifest.json").is_file():
        # Killed after its publish: the run it would continue had finished.
        raise UsageError(
            str(out),
            "nothing to resume: no unfinished run, and OUT holds a finished one",
            "use it as it is, or run again with --overwrite",
        )
    _check_output_folder(out, overwrite=overwrite)
    _make_parent(out)
    with _locked(out):
        folder = staging_path(out)
        resumed = _reopen(folder, out, key, overwrite=overwrite, resume=resume, warn=warn)
        if resumed is None:
            folder.mkdir()
            (folder / "_work").mkdir()
            write_journal(folder / "_work", {"key": key})
        expected = _state(out)
        try:
            yield Staging(out, folder, resumed)
        except BaseException as error:
            # An error of the run itself (not an interruption) will happen again: keep nothing.
            if not isinstance(error, (KeyboardInterrupt, SystemExit)) and not getattr(error, "resumable", False):
                shutil.rmtree(folder, ignore_errors=True)
            raise
        _publish(folder, out, expected)


def read_journal(work: Path) -> dict[str, Any]:
    return json.loads((work / JOURNAL).read_text(encoding="utf-8"))


def write_journal(work: Path, journal: dict[str, Any]) -> None:
    """Replace the journal atomically and durably: after a power loss it is the old or the new one."""
    temporary = work / f"{JOURNAL}.tmp"
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump(journal, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, work / JOURNAL)
    sync_folder(work)


def sync_folder(folder: Path) -> None:
    """Make the folder's entries (new and renamed files) durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _check_output_folder(out: Path, *, overwrite: bool) -> None:
    """Refuse to clobber a non-empty OUT; dotfiles such as .gitkeep do not count."""
    if out.is_symlink() and not out.exists():
        raise UsageError(str(out), "is a symbolic link that leads nowhere (or in a loop)", "choose another -o")
    if out.exists() and not out.is_dir():
        raise UsageError(str(out), "exists and is not a folder", "choose another -o")
    try:
        busy = out.is_dir() and any(not p.name.startswith(".") for p in out.iterdir())
    except OSError as error:
        raise UsageError(str(out), f"cannot read the output folder: {error.strerror}") from None
    if busy and not overwrite:
        raise UsageError(str(out), "output folder exists and is not empty", "use --overwrite or another -o")


def _make_parent(out: Path) -> None:
    for folder in reversed(out.parents):
        if folder.is_symlink() and not folder.exists():
            raise UsageError(str(folder), "is a symbolic link that leads nowhere (or in a loop)", "choose another -o")
        if folder.exists() and not folder.is_dir():
            raise UsageError(
                str(folder), "is a file, not a folder, so the output cannot go under it", "choose another -o"
            )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            str(error.filename or out.parent),
            f"cannot create the output's parent folder: {error.strerror}",
            "choose another -o",
        ) from None


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    path = lock_path(out)
    try:
        handle = path.open("a+", encoding="utf-8")
    except OSError as error:
        raise UsageError(
            str(path.parent),
            f"cannot write beside the output folder: {error.strerror}",
            "choose an -o in a folder you can write to",
        ) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise UsageError(
                str(out),
                f"another corpus run is writing this output ({holder})",
                "wait for it to finish, or choose another -o",
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            path.unlink(missing_ok=True)  # still ours: we hold the lock


def _reopen(
    folder: Path, out: Path, key: dict[str, Any], *, overwrite: bool, resume: bool, warn: Any
) -> dict[str, Any] | None:
    """The journal of an unfinished run to resume, or None once no staging folder is left."""
    for stale in sorted(out.parent.glob(f".{out.name}.tmp-*")):  # left by versions before resume
        shutil.rmtree(stale, ignore_errors=True)
        if warn:
            warn(f"removed {stale.name}, left by a run of an earlier version that did not finish")
    if not folder.exists():
        if resume and warn:
            warn(f"{out}: no unfinished run to resume: starting from the beginning")
        return None
    try:
        journal = read_journal(folder / "_work")
    except (OSError, ValueError):
        journal = None
    progress = _progress(journal)
    if resume:
        if journal is None:
            raise RunError(
                str(folder),
                "cannot resume: the unfinished run's journal is missing or damaged",
                "start over with --overwrite",
            )
        changed = _changed(journal.get("key", {}), key)
        if changed:
            raise UsageError(
                str(out),
                f"cannot resume: {changed} since the unfinished run started",
                "run it as it was, or start over with --overwrite",
            )
        return journal
    if not overwrite:
        raise UsageError(
            str(out),
            f"an unfinished run is in {folder.name} ({progress})",
            "continue it with --resume, or discard it with --overwrite",
        )
    shutil.rmtree(folder)
    if warn:
        warn(f"discarded the unfinished run in {folder.name} ({progress})")
    return None


def _progress(journal: dict[str, Any] | None) -> str:
    if not journal or "progress" not in journal:
        return "nothing finished yet"
    return journal["progress"]


def _changed(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """What differs between two run keys, in words; None when they are the same run."""
    names = {
        "inputs": "the inputs changed",
        "config": "the config changed",
        "rules": "the rule files changed",
        "versions": "the corpus or library versions changed",
        "stages": "the stages changed",
        "layout": "the run layout changed",
    }
    for part, words in names.items():
        if old.get(part) != new.get(part):
            if part == "inputs":
                before = {entry[0]: entry for entry in old.get(part, [])}
                for entry in new.get(part, []):
                    if before.get(entry[0]) != entry:
                        return f"the input {entry[0]} changed"
            return words
    return None


def _state(out: Path) -> tuple[int, int] | None:
    """What is at OUT: None when nothing is, else its (device, inode)."""
    try:
        found = out.lstat()
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


def _publish(staging: Path, out: Path, expected: tuple[int, int] | None) -> None:
    if _state(out) != expected:
        what = "appeared" if expected is None else "was replaced or removed"
        raise RunError(
            str(out),
            f"something else {what} at the output path during the run, so the finished "
            f"output was not put there; it is complete in {staging}",
            "move it into place yourself",
        ) from None
    try:
        if expected is None:
            _rename_no_replace(staging, out)
            return
        for keep in out.iterdir():  # .gitkeep and friends stay with the folder
            if keep.name.startswith(".") and keep.is_file():
                shutil.copy2(keep, staging / keep.name)
        _exchange(staging, out)
    except OSError as error:
        raise RunError(
            str(out), f"cannot move the finished output into place: {error.strerror}", f"it is complete in {staging}"
        ) from None
    shutil.rmtree(staging, ignore_errors=True)  # now the old OUT


_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2


def _renameat2(source: Path, target: Path, flags: int) -> bool:
    """Linux's renameat2; False where the C library or the file system does not offer it."""
    if sys.platform != "linux":
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    function = getattr(libc, "renameat2", None)
    if function is None:
        return False
    at_fdcwd = -100
    if function(at_fdcwd, os.fsencode(source), at_fdcwd, os.fsencode(target), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL):
        return False
    raise OSError(code, os.strerror(code), str(target))


def _rename_no_replace(source: Path, target: Path) -> None:
    if not _renameat2(source, target, _RENAME_NOREPLACE):
        if target.exists():
            raise OSError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
        os.rename(source, target)


def _exchange(source: Path, target: Path) -> None:
    """Swap the two names atomically (Linux); elsewhere, retire the old one first."""
    if _renameat2(source, target, _RENAME_EXCHANGE):
        return
    retired = target.parent / f".{target.name}.old-{os.getpid()}"
    os.rename(target, retired)
    os.rename(source, target)
    os.rename(retired, source)
