"""A run in figures, from its Parquet files: what was read, kept, dropped and changed, and by which rule."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import polars as pl
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from corpus.audit.diff import without_controls
from corpus.audit.quality import quality_figures
from corpus.output import RunOutput

TOP = 15  # rows in the "most frequent" tables


@dataclass(frozen=True)
class Stats:
    read: int
    kept: int
    dropped: int
    dropped_by_reason: list[dict[str, Any]]  # stage, reason, documents
    edits_by_rule: list[dict[str, Any]]  # stage, rule, edits, documents, chars_removed, chars_added
    languages: list[dict[str, Any]]  # language, documents
    duplicate_clusters: list[dict[str, Any]] | None  # kept, duplicates; None when the run has no dedup column
    removed_lines: list[dict[str, Any]]  # line, times
    typo_corrections: list[dict[str, Any]]  # before, after, rule, times
    # the quality stage (None for a run without its column): each signal's distribution, and
    # what each rule dropped (corpus/audit/quality.py)
    quality_signals: list[dict[str, Any]] | None
    quality_rules: list[dict[str, Any]] | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_stats(run: RunOutput, *, top: int = TOP) -> Stats:
    documents, edits, dropped = run.scan("documents"), run.scan("edits"), run.scan("dropped")
    kept = documents.select(pl.len()).collect().item()
    dropped_count = dropped.select(pl.len()).collect().item()
    by_reason = (
        dropped.group_by("stage", "reason")
        .agg(documents=pl.len())
        .sort(["documents", "stage", "reason"], descending=[True, False, False])
        .collect()
    )
    by_rule = (
        edits.group_by("stage", "rule")
        .agg(
            edits=pl.len(),
            documents=pl.col("id").n_unique(),
            chars_removed=pl.col("before").str.len_chars().sum(),
            chars_added=pl.col("after").str.len_chars().sum(),
        )
        .sort(["edits", "stage", "rule"], descending=[True, False, False])
        .collect()
    )
    languages = (
        documents.group_by(pl.col("language").fill_null("(not detected)"))
        .agg(documents=pl.len())
        .sort(["documents", "language"], descending=[True, False])
        .collect()
    )
    removed_lines = (
        edits.filter(pl.col("after") == "")
        .select(line=pl.col("before").str.split("\n"))
        .explode("line")
        .select(pl.col("line").str.strip_chars())
        .filter(pl.col("line") != "")
        .group_by("line")
        .agg(times=pl.len())
        .sort(["times", "line"], descending=[True, False])
        .head(top)
        .collect()
    )
    typos = (
        edits.filter(pl.col("stage") == "typos")
        .group_by("before", "after", "rule")
        .agg(times=pl.len())
        .sort(["times", "before"], descending=[True, False])
        .head(top)
        .collect()
    )
    quality = quality_figures(documents, dropped)
    return Stats(
        read=kept + dropped_count,
        kept=kept,
        dropped=dropped_count,
        dropped_by_reason=by_reason.to_dicts(),
        edits_by_rule=by_rule.to_dicts(),
        languages=languages.to_dicts(),
        duplicate_clusters=_duplicate_clusters(dropped, top),
        removed_lines=removed_lines.to_dicts(),
        typo_corrections=typos.select("before", "after", "rule", "times").to_dicts(),
        quality_signals=quality[0] if quality else None,
        quality_rules=quality[1] if quality else None,
    )


def _duplicate_clusters(dropped: pl.LazyFrame, top: int) -> list[dict[str, Any]] | None:
    """The kept documents with the most duplicates dropped, once dropped.parquet has `duplicate_of` (dedup)."""
    if "duplicate_of" not in dropped.collect_schema().names():
        return None
    return (
        dropped.filter(pl.col("duplicate_of").is_not_null())
        .group_by(kept="duplicate_of")
        .agg(duplicates=pl.len())
        .sort(["duplicates", "kept"], descending=[True, False])
        .head(top)
        .collect()
        .to_dicts()
    )


def print_stats(stats: Stats, console: Console) -> None:
    share = f" ({stats.kept / stats.read:.1%} kept)" if stats.read else ""
    console.print(
        f"[bold]{stats.read}[/] documents read, [bold]{stats.kept}[/] kept, [bold]{stats.dropped}[/] dropped{share}"
    )
    _table(console, "Dropped, by reason", ("stage", "reason", "documents"), stats.dropped_by_reason)
    _table(
        console,
        "Edits, by stage and rule (characters removed and added)",
        ("stage", "rule", "edits", "documents", "chars_removed", "chars_added"),
        stats.edits_by_rule,
        headers=("stage", "rule", "edits", "docs", "removed", "added"),
    )
    _table(console, "Languages (kept documents)", ("language", "documents"), stats.languages)
    if stats.duplicate_clusters is not None:
        _table(
            console,
            "Largest duplicate clusters",
            ("kept", "duplicates"),
            stats.duplicate_clusters,
            headers=("kept document", "duplicates dropped"),
        )
    _table(console, "Most frequent removed lines", ("times", "line"), stats.removed_lines)
    _table(console, "Typo corrections", ("before", "after", "rule", "times"), stats.typo_corrections)
    if stats.quality_rules is not None:
        _table(
            console,
            "Quality rules: documents each dropped, and dropped by another rule that it would have too",
            ("rule", "dropped", "also"),
            stats.quality_rules,
        )
    if stats.quality_signals is not None:
        measured = max((row["documents"] for row in stats.quality_signals), default=0)
        _table(
            console,
            f"Quality signals over the {measured:,} documents measured (kept, and dropped by a quality rule)",
            ("signal", "p10", "median", "p90", "max"),
            stats.quality_signals,
        )


def _table(
    console: Console,
    title: str,
    keys: tuple[str, ...],
    rows: list[dict[str, Any]],
    headers: tuple[str, ...] | None = None,
) -> None:
    table = Table(
        *(headers or keys),
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        min_width=len(title),
    )
    for column, key in zip(table.columns, keys):
        if rows and any(isinstance(row[key], (int, float)) for row in rows):  # figures whole; names fold, text wraps
            column.justify, column.no_wrap = "right", True
            column.min_width = max(len(_figure(row[key])) for row in rows)
        elif key == "signal":  # at most 38 characters, never folded
            column.no_wrap = True
        elif key in ("stage", "rule", "reason", "language", "kept"):
            column.overflow = "fold"
    for row in rows:
        table.add_row(
            *(Text(_figure(row[key])) if isinstance(row[key], (int, float)) else Text(_cell(row[key])) for key in keys)
        )
    if not rows:
        table.add_row(*(["(none)"] + [""] * (len(keys) - 1)))
    console.print(table)


def _figure(value: int | float | None) -> str:
    if value is None:
        return ""
    return f"{value:,}" if isinstance(value, int) else f"{value:.4g}"


def _cell(value: Any) -> str:
    """Untrusted text on one line, at most 100 characters (rich.Text: shown as itself, never as markup)."""
    text = without_controls(str(value)).replace("\n", "⏎")
    return (text[:99] + "…") if len(text) > 100 else text
