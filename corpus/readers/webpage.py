"""HTML pages read but not yet parsed: the parsing (about 5 ms a page) runs in the worker
processes rather than in the single reading process, so WARC crawls use every core."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corpus.document import Document, ReadFailure
from corpus.readers import reasons
from corpus.readers.html import HtmlMode, html_page


@dataclass(slots=True)
class UnparsedHtml:
    source: str
    data: bytes
    id: str | None = None
    url: str | None = None  # the container's (WARC-Target-URI); else the page's canonical URL
    declared_charset: str | None = None  # the HTTP header's, if any
    mode: HtmlMode = "visible"  # [read] html_mode
    metadata: dict[str, Any] = field(default_factory=dict)

    def parse(self) -> Document | ReadFailure:
        page = html_page(self.data, declared_charset=self.declared_charset, mode=self.mode)
        metadata = dict(self.metadata)
        if page.title:
            metadata["title"] = page.title
        if self.mode == "main":  # the main text only: later stages take it as an article, not a page
            metadata["html_mode"] = "main"
        url = self.url or page.url
        if self.url and page.url and page.url != self.url:
            metadata["canonical_url"] = page.url
        if page.no_main_text:  # html_mode = "main": visible text, but no article in it
            return ReadFailure(self.source, reasons.NO_MAIN_TEXT, page.no_main_text, id=self.id, text=page.visible_text)
        if not page.text.strip():
            return ReadFailure(self.source, reasons.EMPTY_DOCUMENT, "no visible text in the HTML", id=self.id)
        return Document(
            id=self.id or self.source,
            source=self.source,
            text=page.text,
            url=url,
            encoding=page.encoding,
            metadata=metadata,
        )
