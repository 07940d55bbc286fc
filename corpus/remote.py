"""Inputs and OUT on any filesystem pyarrow reaches (s3://, gs://, hdfs://, abfs://...).

The runner works on local paths (its staging folder, journal, lock and atomic publish need a
POSIX filesystem), so a remote input is copied into a local folder before the run and a remote
OUT is written locally, then uploaded. Both live in `.corpus-remote/<key>/` in the current folder,
named after the command's inputs and OUT, so `--resume` finds them again; copies of inputs keep
the remote files' size and modification time, so an unchanged input is not fetched twice and a
changed one is caught by the resume check. Folders are walked recursively in sorted order, hidden
files skipped, and documents get the same `source` names as from a local copy of the folder.

An object store has no atomic rename: the upload writes every table first and manifest.json
last, so a reader that waits for the manifest never sees half an output.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corpus.errors import RunError, UsageError
from corpus.manifest import write_manifest

ROOT = ".corpus-remote"
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_BLOCK = 8 << 20


def is_remote(location: str) -> bool:
    return bool(_URI.match(location)) and not location.startswith("file://")


def _filesystem(uri: str) -> tuple[Any, str]:
    try:
        from pyarrow import fs
    except ImportError:
        raise UsageError(
            uri, "reading or writing a remote location needs pyarrow", "pip install 'corpus[ray]'"
        ) from None
    try:
        return fs.FileSystem.from_uri(uri)
    except (OSError, ValueError) as error:
        raise UsageError(uri, f"cannot open this location: {_first_line(error)}") from None


class RemotePaths:
    """Local stand-ins for the remote inputs and OUT of one command."""

    def __init__(self, inputs: Sequence[str], out: str) -> None:
        key = hashlib.sha256(json.dumps([list(inputs), out]).encode()).hexdigest()[:16]
        self.folder = Path(ROOT) / key
        self.inputs = list(inputs)
        self.out = out
        self.files: set[int] = set()  # the inputs that are single files (the others are folders)

    @property
    def needed(self) -> bool:
        return any(map(is_remote, [*self.inputs, self.out]))

    def local_out(self) -> Path:
        return self.folder / "out" if is_remote(self.out) else Path(self.out)

    def check_out(self, *, overwrite: bool) -> None:
        """A remote OUT must be empty (or replaced with --overwrite), as a local one."""
        if not is_remote(self.out):
            return
        from pyarrow import fs

        filesystem, path = _filesystem(self.out)
        try:
            found = filesystem.get_file_info(fs.FileSelector(path, allow_not_found=True, recursive=False))
        except OSError as error:
            raise UsageError(self.out, f"cannot read the output location: {_first_line(error)}") from None
        if found and not overwrite:
            raise UsageError(self.out, "output location exists and is not empty", "use --overwrite or another -o")

    def local_inputs(self) -> list[Path]:
        """Each input as a local path: remote ones copied in (files already there unchanged are kept)."""
        local = []
        for number, location in enumerate(self.inputs):
            if not is_remote(location):
                local.append(Path(location))
                continue
            target = self.folder / "inputs" / str(number)
            local.append(self._fetch(location, target, number))
        return local

    def _fetch(self, uri: str, target: Path, number: int) -> Path:
        from pyarrow import fs

        filesystem, root = _filesystem(uri)
        try:
            info = filesystem.get_file_info(root)
            if info.type == fs.FileType.NotFound:
                raise UsageError(uri, "no such file or folder", "check the input path")
            if info.type == fs.FileType.File:
                name = root.rstrip("/").rsplit("/", 1)[-1]
                _download(filesystem, info, target / name)
                self.files.add(number)
                return target / name
            found = filesystem.get_file_info(fs.FileSelector(root, recursive=True))
            for entry in sorted((entry for entry in found if entry.type == fs.FileType.File), key=lambda e: e.path):
                relative = entry.path[len(root.rstrip("/")) + 1 :]
                if not any(part.startswith(".") for part in relative.split("/")):
                    _download(filesystem, entry, target / relative)
        except OSError as error:
            raise UsageError(uri, f"cannot read the input: {_first_line(error)}") from None
        target.mkdir(parents=True, exist_ok=True)
        return target

    def publish(self, *, overwrite: bool) -> None:
        """Upload the finished local OUT (tables first, the manifest last), then drop the local copies."""
        if is_remote(self.out):
            self._upload(overwrite=overwrite)
        shutil.rmtree(self.folder, ignore_errors=True)
        if Path(ROOT).is_dir() and not any(Path(ROOT).iterdir()):
            Path(ROOT).rmdir()

    def _upload(self, *, overwrite: bool) -> None:
        filesystem, root = _filesystem(self.out)
        local = self.local_out()
        manifest = json.loads((local / "manifest.json").read_text(encoding="utf-8"))
        for entry in manifest["inputs"]:  # name the inputs as the user gave them, not their local copies
            entry["path"] = self._remote_name(entry["path"])
        write_manifest(local / "manifest.json", manifest)
        root = root.rstrip("/")
        try:
            if overwrite:
                filesystem.delete_dir_contents(root, missing_dir_ok=True)
            filesystem.create_dir(root, recursive=True)
            names = sorted(path.name for path in local.iterdir() if path.is_file() and path.name != "manifest.json")
            for name in [*names, "manifest.json"]:
                with (
                    (local / name).open("rb") as source,
                    filesystem.open_output_stream(f"{root}/{name}", compression=None) as sink,
                ):
                    shutil.copyfileobj(source, sink, _BLOCK)
        except OSError as error:
            raise RunError(
                self.out, f"cannot upload the output: {_first_line(error)}", f"it is complete in {local}"
            ) from None

    def _remote_name(self, path: str) -> str:
        prefix = str(self.folder / "inputs") + os.sep
        if not path.startswith(prefix):
            return path
        number, _, rest = path[len(prefix) :].partition(os.sep)
        uri = self.inputs[int(number)]
        return uri if int(number) in self.files else f"{uri.rstrip('/')}/{rest}"


def _download(filesystem: Any, info: Any, target: Path) -> None:
    """One remote file, unless the copy already there has its size and modification time."""
    if target.is_file():
        found = target.stat()
        if found.st_size == info.size and (info.mtime_ns is None or found.st_mtime_ns == info.mtime_ns):
            return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with filesystem.open_input_stream(info.path, compression=None) as source, partial.open("wb") as sink:
        shutil.copyfileobj(source, sink, _BLOCK)
    if info.mtime_ns is not None:
        os.utime(partial, ns=(info.mtime_ns, info.mtime_ns))
    os.replace(partial, target)


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
