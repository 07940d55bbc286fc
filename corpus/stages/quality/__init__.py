"""Document quality: per-document signals named as in the literature (Gopher, C4, FineWeb),
and rules over them as data (presets in corpus/quality_presets/)."""

from corpus.stages.quality.stage import QualityConfig, QualityStage

__all__ = ["QualityConfig", "QualityStage"]
