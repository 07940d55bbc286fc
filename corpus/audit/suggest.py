"""`corpus rules suggest`: a site rule file drafted, for review, from the lines a finished run
counted in line_stats.parquet, leaving out those the rule files in effect already remove."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from corpus.errors import RunError, UsageError
from corpus.rules import RuleSet
from corpus.rules.schema import q as _q
from corpus.stages.boilerplate.site_rules import removals, site_rules


def frequent_lines(stats: Path, site: str | None, *, min_documents: int, limit: int) -> list[tuple[str, int]]:
    """(line, documents) from a run's line_stats.parquet: the site's lines (site=None: the counts
    over the whole input) found in at least `min_documents` documents, most frequent first."""
    if not stats.is_file():
        raise UsageError(
            str(stats),
            "no line statistics here",
            "give the -o folder of a finished `corpus clean` that ran the boilerplate stage",
        )
    try:
        table = pl.read_parquet(stats, columns=["line", "site", "documents"])
    except (pl.exceptions.PolarsError, OSError) as error:
        raise RunError(
            str(stats),
            f"cannot read line statistics: {str(error).strip().splitlines()[0]}",
            "rerun corpus clean to rebuild it",
        ) from None
    rows = table.filter(pl.col("site").is_null() if site is None else pl.col("site") == site)
    if site is not None and rows.height == 0:
        sites = table["site"].drop_nulls().unique().sort().to_list()
        close = difflib.get_close_matches(site, sites, n=3)
        hint = (
            f"did you mean {' or '.join(map(_q, close))}? " if close else ""
        ) + f"the run has lines of {len(sites)} sites"
        raise UsageError(
            "--site",
            f"no lines of {_q(site)} in {stats}",
            hint if sites else "this run saw no document with a URL; omit --site and give --marker",
        )
    rows = rows.filter(pl.col("documents") >= min_documents).sort(["documents", "line"], descending=[True, False])
    return [(line, count) for line, count in rows.select("line", "documents").iter_rows() if line.strip()][
        : limit or None
    ]


def suggest_site_file(
    lines: Sequence[tuple[str, int]],
    *,
    site: str | None,
    markers: Sequence[str],
    min_documents: int,
    command: str,
    already_removed: int = 0,
) -> str:
    """A rule file for review: a [site] table and one exact_line rule holding `lines`, each with
    its document count; its first three lines are the rule's remove examples."""
    name = site or "the documents without a URL"
    out = [
        f"# Suggested by `{command}`: the lines found in at least {min_documents} documents",
        f"# of {name}, most frequent first."
        + (
            f" Left out: {already_removed} line{'s' * (already_removed != 1)} that the rule files in effect"
            " already remove."
            if already_removed
            else ""
        ),
        "# Review every line before use: a line repeated across a site can still be article text",
        f"# (a recurring section title, a disclaimer you want to keep). Save as rules/{site or '<name>'}.toml",
        "# and test it with `corpus rules check`.",
        "[site]",
    ]
    if site:
        out.append(f"hosts = [{_toml_string(site)}]")
    if markers:
        out.append(f"markers = [{', '.join(map(_toml_string, markers))}]")
    out += [
        "",
        "[[boilerplate]]",
        'id = "repeated_lines"',
        'kind = "exact_line"',
        f"description = {_toml_string(f'Lines repeated in at least {min_documents} documents of {name}')}",
        "lines = [",
        *(f"  {_toml_string(line)},  # {count} documents" for line, count in lines),
        "]",
        f"examples = {{ remove = [{', '.join(_toml_string(line) for line, _ in lines[:3])}] }}",
    ]
    return "\n".join(out) + "\n"


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def not_yet_removed(
    lines: Sequence[tuple[str, int]], rules: RuleSet, site: str | None, markers: Sequence[str]
) -> list[tuple[str, int]]:
    """The (line, documents) that no rule file in effect for the site (or for documents holding
    the markers) removes."""
    in_effect = [file for file in site_rules(rules) if file.applies_to_all or file.applies_to(site, "\n".join(markers))]
    return [(line, count) for line, count in lines if not any(removals(file, [line]) for file in in_effect)]
