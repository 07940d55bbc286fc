"""The quality stage: every document's signals measured, kept with it, and rules over them
that drop junk, each drop naming its rule and carrying every signal's value.

The stage never edits text. It runs after the language stage (rules can be limited to
languages) and before typos and dedup: a junk page dropped here neither protects its
misspellings in the typo stage's word counts nor becomes the copy dedup keeps (docs/stages/quality.md,
"Where it runs").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import version

import orjson

from corpus.document import Document, Drop
from corpus.rules import NO_RULES, RuleSet
from corpus.stages.base import Stage
from corpus.stages.quality.presets import preset_names, select_rules
from corpus.stages.quality.signals import measure
from corpus.stages.quality.words import WordCutter

STAGE = "quality"


@dataclass(frozen=True)
class QualityConfig:
    presets: tuple[str, ...] = ("default",)  # junk only: edited news and articles pass (see the quality stage)
    disable: tuple[str, ...] = ()  # rule ids to turn off, e.g. ["quality.default.min_words"]
    thresholds: Mapping[str, float] = field(default_factory=dict)  # rule id -> its new threshold

    def __post_init__(self) -> None:
        unknown = [name for name in self.presets if name not in preset_names()]
        if unknown:
            raise ValueError(f"presets: unknown preset {unknown[0]!r} (valid: {', '.join(preset_names())})")


class QualityStage(Stage):
    name = STAGE
    config_class = QualityConfig
    drop_reasons = ("quality.<preset>.<rule>",)  # the first rule of the presets in effect the document failed

    def __init__(self, config: QualityConfig, rules: RuleSet = NO_RULES) -> None:
        super().__init__(config, rules)
        self.quality_rules = select_rules(config.presets, config.disable, config.thresholds)
        self.cutter = WordCutter()

    def apply(self, doc: Document, fitted: None = None) -> Document | Drop:
        signals = measure(doc.text, self.cutter)
        failed = [rule for rule in self.quality_rules if rule.applies_to(doc.language) and rule.fires(signals)]
        if failed:
            first = failed[0]
            detail = {
                "rule": first.id,
                "signal": first.signal,
                "value": first.value(signals),
                "threshold": first.threshold,
                "drop": first.drop,
                "also": [rule.id for rule in failed[1:]],
                "signals": signals,
            }
            return Drop(first.id, orjson.dumps(detail).decode())
        doc.quality = signals
        return doc

    @classmethod
    def library_versions(cls) -> dict[str, str]:
        """regex's Unicode tables decide what a letter and a sentence's end are; numpy counts n-grams."""
        return {"numpy": version("numpy"), "regex": version("regex")}
