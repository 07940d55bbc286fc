"""The dedup stage's first pass, aggregated on disk: which documents go (and which they duplicate),
which passages go, and the tables a later run dedups against.

Input order decides "first": an earlier run's documents (`--dedup-against`) come before all of
this run's, then this run's by input position (`_ordinal`). Positions: an earlier run's document
i of m is i - m (negative), this run's document is its ordinal; "first" is the smallest.

What is kept in memory grows with the duplicates and the documents that have a candidate pair,
never with the text: the band keys are grouped by DuckDB, the shingles of the candidates are
read back from a flat file on disk for the exact Jaccard check, and the passages are decided
in one ordered scan over the repeated ones only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import polars as pl

from corpus.document import Drop
from corpus.stages.dedup.lsh import MAX_BUCKET_PAIRS, jaccard
from corpus.stages.dedup.previous import INDEX_FILE, PASSAGES_FILE

EXACT = "exact_duplicate"
NEAR = "near_duplicate"
SHORT = "short_after_dedup"


@dataclass(frozen=True)
class Settings:
    threshold: float
    keep: str  # "first" | "longest"
    exact: bool
    near: bool
    passages: bool
    min_passage_words: int
    min_words: int


@dataclass
class Decisions:
    """One batch's share of the decisions: what `apply` carries out."""

    drops: dict[str, Drop] = field(default_factory=dict)
    removals: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # id -> (paragraph, detail)


def decide(store: Any, settings: Settings, previous: Path | None, previous_name: str | None) -> None:
    """Every decision, as lookups for the next pass, and dedup_index / dedup_passages for OUT."""
    earlier = _previous_views(store, previous)
    store.execute("CREATE TEMP TABLE duplicates (_ordinal BIGINT, reason VARCHAR, target BIGINT, similarity DOUBLE)")
    if settings.exact:
        _exact(store, earlier)
    if settings.near:
        _near(store, settings, earlier)
    store.execute("CREATE TEMP TABLE shorts (_ordinal BIGINT, detail VARCHAR)")
    store.execute("CREATE TEMP TABLE removals (_ordinal BIGINT, number INTEGER, first_in BIGINT, first_in_id VARCHAR)")
    if settings.passages:
        _passages(store, settings, earlier)
    # Positions name documents: an earlier run's (negative) by its index's id, this run's by its own.
    named = "SELECT _ordinal AS pos, id FROM docs" + (" UNION ALL SELECT pos, id FROM previous_docs" if earlier else "")
    name_in = f"'{_sql_text(previous_name)}'" if previous_name else "NULL"
    store.lookup(f"""
        SELECT d._ordinal, docs.id, d.reason, n.id AS duplicate_of,
               d.similarity, CASE WHEN d.target < 0 THEN {name_in} END AS duplicate_in,
               NULL::VARCHAR AS detail, NULL::INTEGER AS number, NULL::VARCHAR AS first_in
          FROM duplicates d JOIN docs USING (_ordinal) JOIN ({named}) n ON n.pos = d.target
        UNION ALL
        SELECT s._ordinal, docs.id, '{SHORT}', NULL, NULL, NULL, s.detail, NULL, NULL
          FROM shorts s JOIN docs USING (_ordinal)
        UNION ALL
        SELECT r._ordinal, docs.id, NULL, NULL, NULL,
               CASE WHEN r.first_in_id IS NOT NULL THEN {name_in} END, NULL, r.number,
               coalesce(r.first_in_id, f.id)
          FROM removals r JOIN docs USING (_ordinal) LEFT JOIN docs f ON f._ordinal = r.first_in""")
    # The fit files are in input order already: filtered by polars as they stream, not sorted again.
    dropped = store.fetch("SELECT _ordinal FROM duplicates UNION ALL SELECT _ordinal FROM shorts")["_ordinal"]
    gone = pl.DataFrame({"_ordinal": dropped}, schema={"_ordinal": pl.Int64}).lazy()
    store.table_frame(
        INDEX_FILE,
        store.scan("docs")
        .join(gone, on="_ordinal", how="anti", maintain_order="left")
        .select("id", "text_hash", "band_keys", "shingles"),
    )
    in_earlier = "AND hash NOT IN (SELECT passage_hash FROM previous_passages)" if earlier else ""
    if not settings.passages:  # nothing was compared, so nothing is listed
        in_earlier += " AND false"
    store.table(
        PASSAGES_FILE,
        f"""
        SELECT passage_hash, id FROM (
            SELECT p.hash AS passage_hash, d.id, p._ordinal, p.number,
                   row_number() OVER (PARTITION BY p.hash ORDER BY p._ordinal, p.number) AS nth
              FROM paragraphs p JOIN docs d USING (_ordinal)
             WHERE p._ordinal NOT IN (SELECT _ordinal FROM duplicates UNION ALL SELECT _ordinal FROM shorts)
                   {in_earlier})
        WHERE nth = 1 ORDER BY _ordinal, number""",
    )


def batch_decisions(lookups: dict[str, list[Any]]) -> Decisions:
    decisions = Decisions()
    columns = ("id", "reason", "duplicate_of", "similarity", "duplicate_in", "detail", "number", "first_in")
    for doc_id, reason, duplicate_of, similarity, duplicate_in, detail, number, first_in in zip(
        *(lookups.get(column, ()) for column in columns)
    ):
        if reason is not None:
            decisions.drops[doc_id] = Drop(
                reason, detail, duplicate_of, similarity, duplicate_in if reason != SHORT else None
            )
            continue
        evidence = {"first_in": first_in, "duplicate_in": duplicate_in} if duplicate_in else {"first_in": first_in}
        decisions.removals.setdefault(doc_id, []).append((number, orjson.dumps(evidence).decode()))
    for removed in decisions.removals.values():
        removed.sort()
    return decisions


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


def _previous_views(store: Any, previous: Path | None) -> int:
    """An earlier run's index as views at positions -m..-1; m (0 without one)."""
    if previous is None:
        return 0
    index = str(previous / INDEX_FILE).replace("'", "''")
    passages = str(previous / PASSAGES_FILE).replace("'", "''")
    count = int(store.fetch(f"SELECT count(*) AS n FROM read_parquet('{index}')")["n"][0])
    store.execute(f"""CREATE TEMP VIEW previous_docs AS
        SELECT file_row_number - {count} AS pos, id, text_hash, band_keys, shingles
          FROM read_parquet('{index}', file_row_number = true)""")
    store.execute(f"CREATE TEMP VIEW previous_passages AS SELECT passage_hash, id FROM read_parquet('{passages}')")
    return count


def _exact(store: Any, earlier: int) -> None:
    """Every later copy of a text is an exact duplicate of its first copy (an earlier run's, if
    it holds the text). A text without words copies nothing: there is nothing to compare."""
    first_earlier = ""
    if earlier:
        store.execute("""CREATE TEMP TABLE earlier_texts AS
            SELECT text_hash, min(pos) AS pos FROM previous_docs GROUP BY text_hash""")
        first_earlier = "LEFT JOIN earlier_texts e ON e.text_hash = d.text_hash"
    store.execute(f"""INSERT INTO duplicates
        SELECT _ordinal, '{EXACT}', target, 1.0 FROM (
            SELECT d._ordinal, {"coalesce(e.pos, f.first)" if earlier else "f.first"} AS target
              FROM docs d JOIN (SELECT text_hash, min(_ordinal) AS first FROM docs WHERE words > 0
                                GROUP BY text_hash) f ON f.text_hash = d.text_hash
              {first_earlier}
             WHERE d.words > 0)
        WHERE target <> _ordinal""")


def _near(store: Any, settings: Settings, earlier: int) -> None:
    """Cluster the first copies (and an earlier run's documents) by candidate pairs that share a
    band and pass the exact Jaccard check; every member of a cluster but the kept one is a near
    duplicate of it."""
    earlier_rows = "UNION ALL SELECT pos, band_keys, shingles, 0 AS words FROM previous_docs" if earlier else ""
    store.execute(f"""CREATE TEMP VIEW members AS
        SELECT _ordinal AS pos, band_keys, shingles, words FROM docs
         WHERE _ordinal NOT IN (SELECT _ordinal FROM duplicates)
        {earlier_rows}""")
    store.execute("""CREATE TEMP TABLE keyed AS
        SELECT pos, unnest(band_keys) AS key, unnest(generate_series(1, len(band_keys))) AS band FROM members""")
    store.execute("""CREATE TEMP TABLE buckets AS
        SELECT band, key, pos, size FROM keyed
          JOIN (SELECT band, key, count(*) AS size FROM keyed GROUP BY band, key HAVING count(*) > 1)
            USING (band, key)""")
    store.execute("DROP TABLE keyed")
    # A bucket of more than MAX_BUCKET_PAIRS documents is linked as a chain of neighbours, not as all
    # its pairs. Two earlier documents are never a pair: they were settled in their own run.
    store.execute(f"""CREATE TEMP TABLE pairs AS
        SELECT DISTINCT a.pos AS first, b.pos AS second FROM buckets a JOIN buckets b
            ON a.band = b.band AND a.key = b.key AND b.pos > a.pos
         WHERE a.size <= {MAX_BUCKET_PAIRS} AND b.pos >= 0
        UNION
        SELECT first, second FROM (
            SELECT pos AS first, lead(pos) OVER (PARTITION BY band, key ORDER BY pos) AS second
              FROM buckets WHERE size > {MAX_BUCKET_PAIRS})
         WHERE second >= 0""")
    store.execute("DROP TABLE buckets")
    shingles = _Shingles.written(
        store,
        "SELECT DISTINCT pos FROM (SELECT first AS pos FROM pairs UNION ALL SELECT second FROM pairs)",
        earlier=bool(earlier),
    )
    parent = _UnionFind(shingles.positions)
    for frame in store.stream("SELECT first, second FROM pairs ORDER BY first, second", name="pairs"):
        for first, second in frame.iter_rows():
            if jaccard(shingles.of(first), shingles.of(second)) >= settings.threshold:
                parent.union(first, second)
    rows: list[tuple[int, str, int, float]] = []
    for root, positions in parent.clusters():
        members = [int(position) for position in positions if position >= 0]
        if not members or (len(members) == 1 and root >= 0):
            continue
        if root < 0:
            kept = root
        elif settings.keep == "longest":
            kept = min(members, key=lambda p: (-shingles.words_of(p), p))
        else:
            kept = members[0]
        for position in members:
            if position != kept:
                rows.append((position, NEAR, kept, round(jaccard(shingles.of(position), shingles.of(kept)), 4)))
    shingles.close()
    _insert(
        store, "near", rows, {"_ordinal": pl.Int64, "reason": pl.String, "target": pl.Int64, "similarity": pl.Float64}
    )
    # An exact copy of a near duplicate is a near duplicate of the kept one (at the first copy's similarity).
    store.execute(f"""UPDATE duplicates SET reason = '{NEAR}', target = n.target, similarity = n.similarity
        FROM near n WHERE duplicates.target = n._ordinal""")
    store.execute("INSERT INTO duplicates SELECT * FROM near")


def _passages(store: Any, settings: Settings, earlier: int) -> None:
    """In input order over the documents kept: paragraphs seen in an earlier kept document go,
    and a document left with fewer than `min_words` words goes. Only passages that two kept
    documents share (or an earlier run holds) can go, so only those are read."""
    union_earlier = "UNION SELECT passage_hash FROM previous_passages" if earlier else ""
    earlier_id = "e.id" if earlier else "NULL"
    earlier_join = "LEFT JOIN previous_passages e ON e.passage_hash = p.hash" if earlier else ""
    # The distinct (passage, document) pairs as a table of their own, then counted: a grouped
    # count(DISTINCT ...) holds its groups' sets in memory, where a plain GROUP BY spills to disk.
    store.execute("""CREATE TEMP TABLE passage_documents AS
        SELECT hash, _ordinal FROM paragraphs WHERE _ordinal NOT IN (SELECT _ordinal FROM duplicates)
        GROUP BY hash, _ordinal""")
    store.execute(f"""CREATE TEMP TABLE repeated AS
        SELECT hash FROM passage_documents GROUP BY hash HAVING count(*) > 1 {union_earlier}""")
    store.execute("DROP TABLE passage_documents")
    query = f"""
        SELECT p._ordinal, p.number, p.hash, p.words, d.words AS total, {earlier_id} AS earlier
          FROM paragraphs p SEMI JOIN repeated r ON r.hash = p.hash JOIN docs d USING (_ordinal) {earlier_join}
         WHERE p._ordinal NOT IN (SELECT _ordinal FROM duplicates)
         ORDER BY p._ordinal, p.number"""
    seen: dict[int, int] = {}  # passage hash -> the first kept document holding it
    shorts: list[tuple[int, str]] = []
    removals: list[tuple[int, int, int | None, str | None]] = []
    for ordinal, rows in _by_document(store.stream(query, name="passages")):
        removed: list[tuple[int, int, int | None, str | None]] = []
        for number, passage, count, _, in_earlier in rows:
            if in_earlier is not None:
                removed.append((number, count, None, in_earlier))
            elif seen.get(passage, ordinal) != ordinal:
                removed.append((number, count, seen[passage], None))
        if removed:
            left = rows[0][3] - sum(count for _, count, _, _ in removed)
            if left < settings.min_words:
                shorts.append((ordinal, f"{left} words left after removing {len(removed)} repeated passage(s)"))
                continue
            removals.extend((ordinal, number, first, earlier_id) for number, _, first, earlier_id in removed)
        for _, passage, _, _, in_earlier in rows:
            if in_earlier is None:
                seen.setdefault(passage, ordinal)
    _insert(store, "short_rows", shorts, {"_ordinal": pl.Int64, "detail": pl.String})
    store.execute("INSERT INTO shorts SELECT * FROM short_rows")
    _insert(
        store,
        "removal_rows",
        removals,
        {"_ordinal": pl.Int64, "number": pl.Int32, "first_in": pl.Int64, "first_in_id": pl.String},
    )
    store.execute("INSERT INTO removals SELECT * FROM removal_rows")


def _by_document(frames: Iterator[pl.DataFrame]) -> Iterator[tuple[int, list[tuple[int, int, int, int, str | None]]]]:
    """Rows (ordinal, number, hash, words, total, earlier) grouped by document, in order."""
    current: int | None = None
    rows: list[tuple[int, int, int, int, str | None]] = []
    for frame in frames:
        for ordinal, number, passage, count, total, in_earlier in frame.iter_rows():
            if ordinal != current:
                if current is not None:
                    yield current, rows
                current, rows = ordinal, []
            rows.append((number, passage, count, total, in_earlier))
    if current is not None:
        yield current, rows


def _insert(store: Any, name: str, rows: list[tuple[Any, ...]], schema: dict[str, Any]) -> None:
    """Rows computed here as a table DuckDB can join (through a Parquet file: no pyarrow needed)."""
    path = store.scratch(f"{name}.parquet")
    pl.DataFrame(rows, schema=schema, orient="row").write_parquet(path)
    store.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM read_parquet('{_sql_text(str(path))}')")


class _UnionFind:
    """Union-find over the (sorted) positions of candidate pairs, in numpy arrays: 16 bytes a
    document that has a candidate. The smaller root wins, so a cluster's root is its earliest
    document (an earlier run's first)."""

    def __init__(self, positions: np.ndarray) -> None:
        self.positions = positions
        self.parent = np.arange(len(positions), dtype=np.int64)

    def _root(self, index: int) -> int:
        parent = self.parent
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = int(parent[index])
        return index

    def union(self, first: int, second: int) -> None:
        a = self._root(int(np.searchsorted(self.positions, first)))
        b = self._root(int(np.searchsorted(self.positions, second)))
        if a != b:  # indices are in position order, so the smaller index is the earlier document
            self.parent[max(a, b)] = min(a, b)

    def clusters(self) -> Iterator[tuple[int, np.ndarray]]:
        """(root position, member positions in order) of every cluster of two or more."""
        roots = self.parent.copy()
        while True:  # pointer jumping: every index to its root
            jumped = roots[roots]
            if np.array_equal(jumped, roots):
                break
            roots = jumped
        order = np.argsort(roots, kind="stable")
        bounds = np.flatnonzero(np.diff(roots[order])) + 1
        for group in np.split(order, bounds):
            if len(group) > 1:
                yield int(self.positions[roots[group[0]]]), self.positions[group]


class _Shingles:
    """The shingle sets of the documents in candidate pairs, in a flat file read at random: a
    pair's check reads its two sets from disk, so memory holds an offset per such document."""

    def __init__(
        self, path: Path, positions: np.ndarray, starts: np.ndarray, sizes: np.ndarray, words: np.ndarray
    ) -> None:
        self.positions = positions  # sorted
        self.starts = starts  # where each one's shingles start in the file, in uint32s
        self.sizes = sizes
        self.words = words
        self.descriptor = os.open(path, os.O_RDONLY)
        self.of = lru_cache(maxsize=4096)(self._read)

    @classmethod
    def written(cls, store: Any, positions_sql: str, *, earlier: bool) -> _Shingles:
        path = store.scratch("shingles.u32")
        found: list[np.ndarray] = []
        lengths: list[np.ndarray] = []
        words: list[np.ndarray] = []
        earlier_rows = "UNION ALL SELECT pos, shingles, 0 AS words FROM previous_docs" if earlier else ""
        query = f"""SELECT m.pos, m.shingles, m.words FROM (
                        SELECT _ordinal AS pos, shingles, words FROM docs {earlier_rows}) m
                    SEMI JOIN ({positions_sql}) p ON p.pos = m.pos"""  # any order: sorted below
        with path.open("wb") as handle:
            for frame in store.stream(query, name="candidates"):
                for values in frame["shingles"].to_list():
                    handle.write(np.asarray(values, dtype=np.uint32).tobytes())
                found.append(frame["pos"].to_numpy())
                lengths.append(frame["shingles"].list.len().to_numpy().astype(np.int64))
                words.append(frame["words"].to_numpy())
        positions = np.concatenate(found) if found else np.empty(0, np.int64)
        sizes = np.concatenate(lengths) if lengths else np.empty(0, np.int64)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64) if len(sizes) else sizes
        order = np.argsort(positions, kind="stable")
        counts = np.concatenate(words) if words else np.empty(0, np.int64)
        return cls(path, positions[order], starts[order], sizes[order], counts[order])

    def words_of(self, position: int) -> int:
        return int(self.words[np.searchsorted(self.positions, position)])

    def _read(self, position: int) -> np.ndarray:
        at = int(np.searchsorted(self.positions, position))
        start, size = int(self.starts[at]), int(self.sizes[at])
        data = os.pread(self.descriptor, size * 4, start * 4)
        return np.frombuffer(data, dtype=np.uint32)

    def close(self) -> None:
        os.close(self.descriptor)
