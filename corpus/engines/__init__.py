"""Engines other than the local worker processes, each an optional extra (`pip install 'corpus[ray]'`).

An engine runs the runner's units of work elsewhere; the runner (corpus/pipeline.py) keeps the
journal, the aggregation of first passes and the assembly of the output, so the output bytes
are the same whatever runs the work.
"""
