"""Fix real misspellings ("imporved", "Soth Korea") and split words run together ("eitherin");
leave names, acronyms, jargon, loanwords, British spellings and text in other languages alone.

The stage is in stage.py; which words it looks at in tokens.py, what its first pass asks of each
word form in forms.py and keeps on disk in vocabulary.py; the decision for each token in
checker.py, from the dictionaries and word frequencies (words.py), the candidates and their costs
(spelling.py, weights.py) and the words English makes from known ones (morphology.py).
"""

from corpus.stages.typos.checker import FORCED, IN_CONTEXT, SPELLING, SPLIT
from corpus.stages.typos.stage import TyposConfig, TyposStage

__all__ = ["FORCED", "IN_CONTEXT", "SPELLING", "SPLIT", "TyposConfig", "TyposStage"]
