"""Parquet round trips: documents survive the spill between passes exactly."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import edits
from corpus.document import Document
from corpus.writer import SPILL_SCHEMA, ChunkWriter, chunk_files, read_spill, spill_row

text = st.text(max_size=200)  # any code point readers can produce (no lone surrogates), NULs included
metadata = st.dictionaries(
    st.text(max_size=10),
    st.one_of(st.none(), st.integers(), st.text(max_size=20), st.lists(st.booleans(), max_size=3)),
    max_size=4,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(text, text, metadata, st.one_of(st.none(), st.floats(0, 1))), min_size=1, max_size=20))
def test_documents_round_trip_through_spill_shards(rows: list) -> None:
    docs = []
    for index, (original, new, meta, score) in enumerate(rows):
        doc = Document(
            id=f"d{index}",
            source=f"in.jsonl:{index + 1}",
            text=original,
            metadata=meta,
            url=None if index % 2 else "https://example.org/",
            language_score=score,
        )
        edits.rewrite(doc, new, stage="test", rule="test.rewrite", detail=None if index % 3 else "why")
        docs.append(doc)
    with TemporaryDirectory() as tmp:
        writer = ChunkWriter(Path(tmp), SPILL_SCHEMA)
        writer.extend(3, [spill_row(ordinal * 7, doc) for ordinal, doc in enumerate(docs)])
        writer.end_chunk(3)
        back = [item for path in chunk_files(Path(tmp), 3) for item in read_spill(path)]
    assert [ordinal for ordinal, _ in back] == [ordinal * 7 for ordinal in range(len(docs))]
    assert [doc for _, doc in back] == docs
