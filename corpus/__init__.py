"""corpus: raw scraped text to a clean, deduplicated, auditable corpus."""

from corpus.document import Document, Drop, Edit
from corpus.edits import replay

__all__ = ["Document", "Drop", "Edit", "replay"]
