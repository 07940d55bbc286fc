"""Input paths to input files: folders walked in sorted order, and every entry that is not a
readable regular file named with the reason it cannot be read, never skipped in silence.

A named pipe, a device or a socket is never opened (reading one can wait forever or never
end), links to folders are not followed (a loop, or a second copy of a tree), and an entry the
operating system refuses becomes a `dropped` row, so one bad entry never stops a run.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from corpus.errors import UsageError
from corpus.readers import reasons


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    source: str  # the path relative to the argument it was found under


class InputProblem(Exception):
    """Why an input path cannot be read as a file: a drop reason and its detail."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def find_inputs(arguments: Sequence[Path], *, exclude: Path | None = None) -> list[InputFile]:
    """Every entry under the arguments, folders walked recursively in sorted order; hidden
    entries (a name starting with ".") skipped. Only a path that does not exist is an error:
    whatever else is wrong with an entry is found when it is read (`check_file`).

    `exclude` (the output folder, when it sits inside an input folder) is not walked, so a
    rerun does not read its own output back as input.
    """
    inputs: list[InputFile] = []
    excluded = resolved(exclude) if exclude is not None else None
    for argument in arguments:
        try:
            os.lstat(argument)
        except (FileNotFoundError, NotADirectoryError):
            raise UsageError(str(argument), "no such file or folder", "check the input path") from None
        except OSError:
            pass  # lstat refused (a folder on the way cannot be searched): check_file says why
        if argument.is_dir():
            # Resolve paths only where the excluded folder lies under this argument.
            skip = excluded if excluded is not None and excluded.is_relative_to(resolved(argument)) else None
            inputs.extend(
                InputFile(
                    path,
                    printable(
                        path.relative_to(argument).as_posix() if path != argument else argument.name or str(argument)
                    ),
                )
                for path in _walk(argument, skip)
            )
        else:
            inputs.append(InputFile(argument, printable(argument.name)))
    return inputs


def _walk(folder: Path, skip: Path | None) -> Iterator[Path]:
    """Entries under `folder` in the order of their relative paths' parts (as sorting Paths
    gives); a folder that cannot be listed is yielded itself, so that reading it says why."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        yield folder
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if skip is not None and resolved(path).is_relative_to(skip):
            continue
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_folder = False
        if is_folder:
            yield from _walk(path, skip)
        else:
            yield path


def resolved(path: Path) -> Path:
    """The absolute path with links resolved as far as they go: Path.resolve raises on a link loop."""
    return Path(os.path.realpath(path))


def check_file(path: Path) -> os.stat_result:
    """The file's status, if it is a regular file this process may read; InputProblem otherwise."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise InputProblem(
                reasons.BROKEN_LINK, f"a symbolic link to {os.readlink(path)!r}, which does not exist"
            ) from None
        raise InputProblem(reasons.UNREADABLE_FILE, "the file is gone (removed during the run?)") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise InputProblem(reasons.BROKEN_LINK, "a symbolic link loop") from None
        raise InputProblem(reasons.UNREADABLE_FILE, _describe(error)) from None
    if stat.S_ISDIR(info.st_mode):
        if os.path.islink(path):
            raise InputProblem(
                reasons.NOT_A_FILE,
                "a symbolic link to a folder (links to folders are not followed; "
                "give the folder itself as an input to read it)",
            )
        try:
            os.listdir(path)
        except OSError as error:
            raise InputProblem(reasons.UNREADABLE_FOLDER, f"the folder cannot be listed: {_describe(error)}") from None
        raise InputProblem(reasons.UNREADABLE_FILE, "a folder, not a file")  # appeared during the run
    if not stat.S_ISREG(info.st_mode):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise InputProblem(reasons.NOT_A_FILE, f"{kind}: only regular files are read")
    with open_regular(path):
        pass
    return info


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading, refusing anything but a regular file without blocking: a file
    swapped for a named pipe after it was checked would otherwise hang the open itself."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise InputProblem(reasons.UNREADABLE_FILE, _describe(error)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputProblem(
                reasons.NOT_A_FILE,
                f"{_KINDS.get(stat.S_IFMT(mode), 'not a regular file')}: only regular files are read",
            )
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _describe(error: OSError) -> str:
    return f"{type(error).__name__}: {error.strerror or error}"


def printable(name: str) -> str:
    """A file name that is not valid UTF-8 (bytes Python keeps as surrogates) with those bytes as \\xNN."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
