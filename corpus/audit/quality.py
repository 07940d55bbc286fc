"""The quality stage's figures for `corpus stats` and the report: each signal's distribution over
the documents it measured (kept, and dropped by a quality rule), and what each rule dropped.

Signals are read one at a time (a column of 8 bytes per document), so a run of any size fits.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from corpus.stages.quality.signals import BY_PATH

QUANTILES = {"p10": 0.1, "median": 0.5, "p90": 0.9}
HISTOGRAM_BINS = 10


def quality_figures(
    documents: pl.LazyFrame, dropped: pl.LazyFrame
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
    """(signals, rules); None for a run without the quality stage's column (before schema 5).

    signals: signal ("gopher.word_count"), meaning, documents, min, p10, median, p90, max,
    histogram (counts in HISTOGRAM_BINS equal bins from min to max). rules: rule, dropped (the
    first rule a document failed, as dropped.parquet's reason), also (documents another rule
    dropped that it would have dropped too)."""
    schema = documents.collect_schema()
    if "quality" not in schema.names():
        return None
    struct = schema["quality"]
    by_quality = dropped.filter(pl.col("stage") == "quality")
    details = by_quality.select(
        pl.col("detail").str.json_decode(pl.Struct({"signals": struct, "also": pl.List(pl.String)})).alias("detail")
    ).unnest("detail")
    kept = documents.filter(pl.col("quality").is_not_null()).select("quality")
    measured = pl.concat([kept, details.select(quality="signals")])
    signals = []
    for family in struct.fields:  # type: ignore[attr-defined]
        for field in family.dtype.fields:
            path = f"{family.name}.{field.name}"
            column = measured.select(pl.col("quality").struct.field(family.name).struct.field(field.name)).collect()
            values = column.to_series().drop_nulls().cast(pl.Float64).to_numpy()
            signals.append(_distribution(path, values))
    first = by_quality.group_by(rule="reason").agg(dropped=pl.len())
    also = details.select(rule=pl.col("also")).explode("rule").drop_nulls().group_by("rule").agg(also=pl.len())
    rules = (
        first.join(also, on="rule", how="full", coalesce=True)
        .fill_null(0)
        .sort(["dropped", "also", "rule"], descending=[True, True, False])
        .collect()
    )
    return signals, rules.to_dicts()


def _distribution(path: str, values: np.ndarray) -> dict[str, Any]:
    known = BY_PATH.get(path)
    row: dict[str, Any] = {"signal": path, "meaning": known.meaning if known else "", "documents": int(values.size)}
    if not values.size:
        return {**row, "min": None, **dict.fromkeys(QUANTILES), "max": None, "histogram": []}
    low, high = float(values.min()), float(values.max())
    counts, _ = np.histogram(values, bins=HISTOGRAM_BINS, range=(low, high if high > low else low + 1))
    return {
        **row,
        "min": _round(low),
        **{key: _round(float(np.quantile(values, q, method="nearest"))) for key, q in QUANTILES.items()},
        "max": _round(high),
        "histogram": counts.tolist(),
    }


def _round(value: float) -> float | int:
    return int(value) if value.is_integer() else round(value, 4)
