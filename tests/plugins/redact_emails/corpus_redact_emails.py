"""A corpus stage that masks personal e-mail addresses.

An address found on many documents (a newsroom's press@ address) is public and stays, which
takes a first pass over the corpus; every other address becomes "<EMAIL>", each one an edit
that corpus records and can undo; a document that is mostly addresses (a scraped mailing
list) is dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from corpus import Document, Drop, Stage, edits

ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class RedactEmailsConfig:
    public_min_documents: int = 3  # an address on this many documents is a public contact, kept
    max_address_share: float = 0.5  # a document with more addresses per word is a list, dropped


class RedactEmailsStage(Stage):
    name = "redact_emails"
    config_class = RedactEmailsConfig
    needs_fit = True
    drop_reasons = ("address_list",)
    rule_ids = ("redact_emails.address",)

    def fit(self, docs: Sequence[Document]) -> Counter[str]:
        """Documents holding each address, in this batch."""
        return Counter(address.lower() for doc in docs for address in set(ADDRESS.findall(doc.text)))

    def merge(self, partials: Sequence[Counter[str]]) -> frozenset[str]:
        """The public addresses."""
        total: Counter[str] = sum(partials, Counter())
        return frozenset(address for address, n in total.items() if n >= self.config.public_min_documents)

    def apply(self, doc: Document, fitted: frozenset[str] | None = None) -> Document | Drop:
        public = fitted or frozenset()
        found = ADDRESS.findall(doc.text)
        words = len(doc.text.split())
        if found and len(found) / words > self.config.max_address_share:
            return Drop("address_list", f"{len(found)} addresses in {words} words")
        edits.substitute(
            doc,
            ADDRESS,
            lambda match: match.group(0) if match.group(0).lower() in public else "<EMAIL>",
            stage=self.name,
            rule="redact_emails.address",
        )
        return doc
