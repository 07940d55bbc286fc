"""What a run leaves in OUT for a later run to dedup against, and reading it back (`--dedup-against`).

dedup_index.parquet     one row per kept document: id, text_hash, band_keys, shingles
dedup_passages.parquet  one row per passage of `min_passage_words` or more: passage_hash, id (where first seen)

A later run compares its documents with these without rehashing the earlier corpus; it must
shingle, hash and band the same way, which is checked against the earlier run's manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import polars as pl

from corpus.errors import UsageError
from corpus.manifest import DEDUP_INDEX_VERSIONS, SCHEMA_VERSION, file_sha256
from corpus.stages.dedup.fingerprints import offsets

INDEX_FILE = "dedup_index.parquet"
PASSAGES_FILE = "dedup_passages.parquet"
INDEX_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "id": pl.String,
    "text_hash": pl.UInt64,
    "band_keys": pl.List(pl.UInt64),
    "shingles": pl.List(pl.UInt32),
}
PASSAGES_SCHEMA = {"passage_hash": pl.UInt64, "id": pl.String}
# The settings that decide what the index holds: a later run must use the same to compare with it.
INDEX_SETTINGS = ("shingle_words", "num_perm", "bands", "rows")
HOW = "give the -o folder of a finished `corpus clean` run with the dedup stage"


@dataclass
class Previous:
    """An earlier run's index: its kept documents (band keys, shingles) and passages."""

    name: str  # the duplicate_in value: its path as given, and its manifest's sha256
    ids: list[str]
    text_hashes: np.ndarray
    band_keys: np.ndarray
    shingles: np.ndarray
    shingle_offsets: np.ndarray
    passages: dict[int, str]  # passage hash -> id of the document where it first occurs

    def __len__(self) -> int:
        return len(self.ids)

    def shingles_of(self, index: int) -> np.ndarray:
        return self.shingles[self.shingle_offsets[index] : self.shingle_offsets[index + 1]]


def check_previous(path: Path, settings: dict[str, Any]) -> str:
    """Check that `path` holds a dedup index built with `settings`; its duplicate_in name."""
    where = str(path)
    if not path.is_dir():
        raise UsageError(where, "dedup-against: no such output folder", HOW)
    manifest_path = path / "manifest.json"
    for needed in (manifest_path, path / INDEX_FILE, path / PASSAGES_FILE):
        if not needed.is_file():
            raise UsageError(where, f"dedup-against: {needed.name} is missing", HOW)
    try:
        manifest = orjson.loads(manifest_path.read_bytes())
        earlier = manifest["config"]["stages"]["dedup"]
        version = manifest["schema_version"]
    except (orjson.JSONDecodeError, KeyError, TypeError) as error:
        raise UsageError(where, f"dedup-against: manifest.json is not a corpus manifest ({error})", HOW) from None
    if version not in DEDUP_INDEX_VERSIONS:
        raise UsageError(
            where,
            f"dedup-against: written with output schema {version}, this corpus reads {SCHEMA_VERSION}",
            "rerun the earlier corpus with this version",
        )
    different = [
        f"{key} {earlier.get(key)} there, {settings[key]} here"
        for key in INDEX_SETTINGS
        if earlier.get(key) != settings[key]
    ]
    if different:
        raise UsageError(
            where,
            f"dedup-against: its index was built differently ({'; '.join(different)})",
            "use the same [stages.dedup] shingle_words, num_perm, bands and rows",
        )
    for name, schema in ((INDEX_FILE, INDEX_SCHEMA), (PASSAGES_FILE, PASSAGES_SCHEMA)):
        try:
            found = dict(pl.read_parquet_schema(path / name))
        except (pl.exceptions.PolarsError, OSError) as error:
            raise UsageError(where, f"dedup-against: cannot read {name}: {_first_line(error)}", HOW) from None
        if found != schema:
            raise UsageError(where, f"dedup-against: {name} does not have the expected columns", HOW)
    return f"{path}@sha256:{file_sha256(manifest_path)}"


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def load_previous(path: Path, name: str, bands: int) -> Previous:
    where = str(path)
    try:
        index = pl.read_parquet(path / INDEX_FILE)
        passages = pl.read_parquet(path / PASSAGES_FILE)
    except (pl.exceptions.PolarsError, OSError) as error:  # checked already; changed since?
        raise UsageError(where, f"dedup-against: cannot read its dedup tables: {_first_line(error)}", HOW) from None
    keys = index["band_keys"].explode().to_numpy() if index.height else np.empty(0, np.uint64)
    if keys.size != index.height * bands or index["id"].null_count() or passages["id"].null_count():
        raise UsageError(where, "dedup-against: its dedup_index.parquet is damaged (rows of the wrong size)", HOW)
    lengths = index["shingles"].list.len().to_numpy()
    shingles = index["shingles"].explode().drop_nulls().to_numpy()
    return Previous(
        name=name,
        ids=index["id"].to_list(),
        text_hashes=index["text_hash"].to_numpy(),
        band_keys=keys.astype(np.uint64).reshape(index.height, bands),
        shingles=shingles.astype(np.uint32),
        shingle_offsets=offsets(lengths),
        passages=dict(zip(passages["passage_hash"].to_list(), passages["id"].to_list())),
    )


def index_table(
    ids: list[str], text_hashes: np.ndarray, band_keys: np.ndarray, shingle_sets: list[np.ndarray]
) -> pl.DataFrame:
    return pl.DataFrame(
        {"id": ids, "text_hash": text_hashes, "band_keys": list(band_keys), "shingles": shingle_sets},
        schema=INDEX_SCHEMA,
    )


def passages_table(passages: dict[int, str]) -> pl.DataFrame:
    return pl.DataFrame({"passage_hash": list(passages), "id": list(passages.values())}, schema=PASSAGES_SCHEMA)
