"""Two runs side by side, for a user tuning a rule: documents kept in one and dropped in the
other, and edits found in only one, grouped by rule with examples."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from corpus.audit.diff import visible, without_controls
from corpus.output import RunOutput

EXAMPLES = 3  # per rule and direction
EDIT_KEY = ["id", "stage", "rule", "before", "after"]  # offsets move when an earlier edit goes; these do not


@dataclass(frozen=True)
class Comparison:
    first: str
    second: str
    in_both: int
    only_first: int  # documents (ids) only the first run read
    only_second: int
    status_changes: list[dict[str, Any]]  # id, first, second ("kept" or "dropped at stage: reason")
    rules: list[dict[str, Any]]  # stage, rule, gone, added, gone_examples, added_examples


def compare(first: RunOutput, second: RunOutput) -> Comparison:
    one, two = _status(first), _status(second)
    joined = one.join(two, on="id", how="full", coalesce=True, suffix="_2")
    changed = joined.filter(
        pl.col("status").is_not_null() & pl.col("status_2").is_not_null() & (pl.col("kept") != pl.col("kept_2"))
    ).select("id", first="status", second="status_2")
    gone, added = _only_in(first, second), _only_in(second, first)
    counts = (
        pl.concat(
            [
                gone.group_by("stage", "rule").agg(gone=pl.len(), added=pl.lit(0, pl.UInt32)),
                added.group_by("stage", "rule").agg(gone=pl.lit(0, pl.UInt32), added=pl.len()),
            ]
        )
        .group_by("stage", "rule")
        .agg(pl.col("gone").sum(), pl.col("added").sum())
        .sort(pl.col("gone") + pl.col("added"), "stage", "rule", descending=[True, False, False])
    )
    rules = [
        {**row, "gone_examples": _examples(gone, row), "added_examples": _examples(added, row)}
        for row in counts.to_dicts()
    ]
    return Comparison(
        first=str(first.path),
        second=str(second.path),
        in_both=joined.filter(pl.col("status").is_not_null() & pl.col("status_2").is_not_null()).height,
        only_first=joined.filter(pl.col("status_2").is_null()).height,
        only_second=joined.filter(pl.col("status").is_null()).height,
        status_changes=changed.to_dicts(),
        rules=rules,
    )


def _status(run: RunOutput) -> pl.DataFrame:
    kept = run.scan("documents").select("id", status=pl.lit("kept"), kept=pl.lit(True))
    dropped = run.scan("dropped").select(
        "id", status=pl.format("dropped at {}: {}", "stage", "reason"), kept=pl.lit(False)
    )
    return pl.concat([kept, dropped]).collect()


def _only_in(run: RunOutput, other: RunOutput) -> pl.DataFrame:
    """Edits of `run` with no equal edit in `other`, counted as a multiset (the nth copy against the nth)."""

    def numbered(frame: pl.LazyFrame) -> pl.LazyFrame:
        return frame.select(*EDIT_KEY).with_columns(copy=pl.int_range(pl.len()).over(EDIT_KEY))

    return (
        numbered(run.scan("edits"))
        .join(numbered(other.scan("edits")), on=[*EDIT_KEY, "copy"], how="anti", nulls_equal=True)
        .collect()
    )


def _examples(edits: pl.DataFrame, row: dict[str, Any]) -> list[dict[str, str]]:
    return (
        edits.filter((pl.col("stage") == row["stage"]) & (pl.col("rule") == row["rule"]))
        .head(EXAMPLES)
        .select("id", "before", "after")
        .to_dicts()
    )


def print_comparison(comparison: Comparison, console: Console) -> None:
    console.print(Text(f"1: {comparison.first}\n2: {comparison.second}"))
    console.print(
        f"[bold]{comparison.in_both}[/] documents in both runs"
        + (f", {comparison.only_first} only in 1" if comparison.only_first else "")
        + (f", {comparison.only_second} only in 2" if comparison.only_second else "")
    )
    table = Table(
        "id",
        "run 1",
        "run 2",
        title="Kept in one run, dropped in the other",
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        min_width=40,
    )
    for row in comparison.status_changes:
        table.add_row(*(Text(without_controls(row[key])) for key in ("id", "first", "second")))
    if not comparison.status_changes:
        table.add_row("(none)", "", "")
    console.print(table)
    console.print(Text("Edits in only one run, by rule", style="bold"))
    for row in comparison.rules:
        console.print(
            Text.assemble(
                f"  {row['stage']} / ",
                (row["rule"], "bold"),
                f": {row['gone']:,} gone in 2, {row['added']:,} added in 2",
            )
        )
        for sign, key, style in (("-", "gone_examples", "red"), ("+", "added_examples", "green")):
            for example in row[key]:
                console.print(
                    Text.assemble(
                        f"    {sign} ", (without_controls(example["id"]), "dim"), "  ", (_change(example), style)
                    ),
                    no_wrap=True,
                    overflow="ellipsis",
                )
    if not comparison.rules:
        console.print("  (none)")


def _change(edit: dict[str, str], width: int = 100) -> str:
    before, after = visible(edit["before"]).replace("\n", "⏎"), visible(edit["after"]).replace("\n", "⏎")
    shown = (f"[-{before}-]" if before else "") + (f"{{+{after}+}}" if after else "")
    return shown if len(shown) <= width else shown[: width - 1] + "…"
