"""One copy of each story: exact and near-duplicate documents dropped, repeated passages removed.

The stage is in stage.py; the first pass fingerprints documents (shingles.py, minhash.py, lsh.py,
fingerprints.py), the merge decides (decide.py), and an earlier run's output can join in (previous.py).
"""

from corpus.stages.dedup.stage import DedupConfig, DedupStage

__all__ = ["DedupConfig", "DedupStage"]
