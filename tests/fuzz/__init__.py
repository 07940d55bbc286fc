"""Fuzzers over every reader and over edits and replay.

Two kinds, both kept here and run briefly by `pytest` (tests/fuzz/test_fuzz.py):

- mutation (`mutate.py`): real files (the seeds, Zyte's pages, Common Crawl's WARC/WET and
  Dolma's JSONL samples, Parquet and zstd made from them) mutated byte by byte, and for
  compressed formats either in their compressed bytes or in the text inside, then read as a
  run reads them (and their documents put through the encoding stage and replayed);
- hypothesis (`test_fuzz.py`): structured inputs (JSON records, WARC records with odd headers,
  gzip/zstd frames split, concatenated and cut; edit sequences) checked against a simple model.

For as long as you like: `python -m tests.fuzz --minutes 60` (see `python -m tests.fuzz --help`).
A crashing input is saved in tests/fuzz/crashes/<target>/ and replayed by every later `pytest`.
"""
