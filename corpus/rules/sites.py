"""Which documents a rule file applies to: its [site] table, and a document's site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from corpus.document import Document
from corpus.errors import ConfigError
from corpus.rules.schema import known_keys, q, strings, typed


@dataclass(frozen=True)
class Site:
    """A file's [site] table."""

    hosts: tuple[str, ...] = ()  # lower case, no "www."; a document's site matches a host or its subdomains
    markers: tuple[str, ...] = ()  # for documents without a site: a plain, case-sensitive substring
    all: bool = False  # every document
    description: str = ""

    def matches(self, site: str | None, text: str) -> bool:
        """True for every document (all = true), for a site that is a host or its subdomain, and
        for a document without a site whose text contains a marker."""
        if self.all:
            return True
        if site is not None:
            site = site.lower().rstrip(".").removeprefix("www.")
            return any(site == host or site.endswith("." + host) for host in self.hosts)
        return any(marker in text for marker in self.markers)


def site_of(doc: Document) -> str | None:
    """A document's site: its URL's host, lowercased, without "www."; else a `site` field in its
    metadata; else None."""
    if doc.url:
        try:
            host = urlsplit(doc.url).hostname
        except ValueError:
            host = None
        if host:
            return host.removeprefix("www.")
    site = doc.metadata.get("site") if isinstance(doc.metadata, dict) else None
    return site.lower().removeprefix("www.") if isinstance(site, str) and site.strip() else None


def check_site(table: Any, where: str) -> Site:
    """The [site] table, checked."""
    how = 'add [site] with hosts = ["example.com"] or markers = ["text only its pages contain"]'
    if table is None:
        raise ConfigError(where, "missing [site] table", how)
    section = "[site]: "
    if not isinstance(table, dict):
        raise ConfigError(where, "site must be a table", how)
    known_keys(table, ("hosts", "markers", "all", "description"), where, section)
    # Sites are compared without "www." (a document's site is its URL's host without it).
    hosts = tuple(host.lower().removeprefix("www.") for host in strings(table, "hosts", where, section, required=False))
    for host in hosts:
        if "/" in host or ":" in host or host.startswith(".") or " " in host:
            raise ConfigError(
                where,
                f"{section}host {q(host)} is not a host name",
                'write the bare host, like "antiwar.com"; it also matches its subdomains',
            )
    markers = strings(table, "markers", where, section, required=False)
    every = typed(table, "all", bool, where, section, default=False)
    description = typed(table, "description", str, where, section, default="")
    if every and (hosts or markers):
        raise ConfigError(
            where, f"{section}all = true applies to every document", "drop hosts and markers, or drop all"
        )
    if not (every or hosts or markers):
        raise ConfigError(
            where,
            f"{section}applies to no document",
            f"{how.removeprefix('add [site] with ')} (or all = true for every document)",
        )
    return Site(hosts, markers, every, description)
