"""Label each document's language with seeded langdetect, answering `und` rather than guessing.

The stage is in stage.py; langdetect's detection, reproduced exactly and in batches, in
exact_langdetect.py; the Unicode scripts behind the script check in scripts.py.
"""

from corpus.stages.language.stage import UND, LanguageConfig, LanguageStage

__all__ = ["UND", "LanguageConfig", "LanguageStage"]
