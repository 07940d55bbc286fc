"""manifest.json: how a run was made (config, rule files, libraries, inputs, counts), then timings."""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Iterable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import orjson

from corpus.readers import reasons
from corpus.readers.files import InputFile, InputProblem, check_file, open_regular, printable

SCHEMA_VERSION = 5  # 2: documents gained published and author; line_stats.parquet
# 3: dropped gained duplicate_of, similarity, duplicate_in; dedup_index and dedup_passages.parquet
# 4: a large run's documents/edits/dropped in shards (documents-00000.parquet...), listed in the
#    manifest's `files`; dropped's stage `run` with reason `worker_died`
# 5: documents gained quality (the quality stage's signals); the manifest gained plugins, its config pipeline
DEDUP_INDEX_VERSIONS = (3, 4, 5)  # outputs whose dedup_index/dedup_passages a run can dedup against
# Libraries that read, decode, match (google-re2: rule patterns) or write the text, besides those
# each stage names itself.
IO_LIBRARIES = ("chardet", "google-re2", "html-text", "lxml", "orjson", "polars", "warcio", "zstandard")


def library_versions(extra: Iterable[tuple[str, str]] = (), *, html_mode: str = "visible") -> dict[str, str]:
    versions = {"python": platform.python_version(), "corpus": _version("corpus")}
    versions.update({name: _version(name) for name in IO_LIBRARIES})
    if html_mode == "main":  # trafilatura chose the text of every HTML page
        versions["trafilatura"] = _version("trafilatura")
    versions.update(extra)
    return dict(sorted(versions.items()))


def file_sha256(path: Path) -> str:
    """The file's sha256; InputProblem (corpus.readers.files) for anything but a readable regular
    file, which is never opened in a way that could block (a named pipe)."""
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        try:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        except OSError as error:
            raise InputProblem(reasons.UNREADABLE_FILE, f"{type(error).__name__}: {error.strerror or error}") from None
    return digest.hexdigest()


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    path.write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")


def input_entries(files: Sequence[InputFile]) -> list[dict[str, Any]]:
    """Each input as found: `source` (the name its documents' `source` starts with) lets a rerun
    read the same files under the same names without walking the folders again. `bytes` and
    `sha256` are null for an input that could not be read (its dropped row says why)."""
    entries = []
    for f in files:
        try:
            size, sha256 = check_file(f.path).st_size, file_sha256(f.path)
        except InputProblem:
            size, sha256 = None, None
        entries.append({"path": printable(str(f.path)), "source": f.source, "bytes": size, "sha256": sha256})
    return entries


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"
