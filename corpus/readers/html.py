"""HTML bytes to visible text, one block per line, chrome included (draft)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import html_text
from lxml import etree

from corpus.readers.decoding import decode

_SNIFF_BYTES = 8192
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_INVISIBLE = ("script", "style", "noscript", "template", "iframe", "frame", "frameset",
              "object", "embed", "applet", "svg", "math")
_NEWLINE_TAGS = html_text.NEWLINE_TAGS | {
    "section", "address", "caption", "summary", "dialog", "menu", "hgroup", "center",
    "search", "dir", "noframes",
}
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class HtmlPage:
    text: str
    title: str | None
    url: str | None
    encoding: str


def sniff_charset(data: bytes) -> str | None:
    head = data[:_SNIFF_BYTES]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return m.group(1).decode("ascii").lower() if m else None


def _collapse(value: str | None) -> str | None:
    if value is None:
        return None
    value = _WS.sub(" ", value).strip()
    return value or None


def _first(root: etree._Element, xpath: str) -> str | None:
    for value in root.xpath(xpath):
        if (collapsed := _collapse(str(value))) is not None:
            return collapsed
    return None


_PARSER = etree.HTMLParser(
    encoding="utf-8", recover=True, remove_comments=True, remove_pis=True,
    huge_tree=True, no_network=True,
)


def html_page(data: bytes, *, declared_charset: str | None = None) -> HtmlPage:
    decoded = decode(data, declared=declared_charset or sniff_charset(data))
    try:
        return _from_text(decoded.text, decoded.encoding)
    except Exception:  # noqa: BLE001
        return HtmlPage("", None, None, decoded.encoding)


def _from_text(text: str, encoding: str) -> HtmlPage:
    raw = text.replace("\x00", "").encode("utf-8", "replace")
    if not raw.strip():
        return HtmlPage("", None, None, encoding)
    root = etree.fromstring(raw, _PARSER)
    if root is None:
        return HtmlPage("", None, None, encoding)
    title = _first(root, "//head//title/text()") or _first(
        root, "//meta[@property='og:title' or @name='og:title']/@content"
    )
    url = _first(
        root,
        "//link[contains(concat(' ', translate(normalize-space(@rel), 'CANOICL', 'canoicl'), ' '),"
        " ' canonical ')]/@href",
    ) or _first(root, "//meta[@property='og:url' or @name='og:url']/@content")
    etree.strip_elements(root, *_INVISIBLE, with_tail=False)
    body = root.find("body")
    target = body if body is not None else root
    if target is root:
        head = root.find("head")
        if head is not None:
            root.remove(head)
    out = html_text.etree_to_text(target, newline_tags=_NEWLINE_TAGS)
    lines = (line.strip() for line in out.splitlines())
    return HtmlPage("\n".join(line for line in lines if line), title, url, encoding)
