"""The boilerplate stage: strip site chrome line by line (stage.py). Its parts: site_rules.py
(the rule files' rules applied), repetition.py (lines repeated across pages, counted in the first
pass), lines.py (a page's lines in units), structure.py (where a repeated line stands), copies.py
(text the page repeats), region.py (where the article sits), metadata.py (what the chrome tells)."""

from corpus.stages.boilerplate.stage import BoilerplateConfig, BoilerplateStage

__all__ = ["BoilerplateConfig", "BoilerplateStage"]
