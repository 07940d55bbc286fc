"""Diffs for the terminal: git's --word-diff look, each change followed by its stage/rule."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import click
import polars as pl

from corpus.audit.diff import Change, DocumentDiff, document_diff, visible, without_controls
from corpus.document import Edit
from corpus.edits import replay
from corpus.errors import UsageError
from corpus.output import RunOutput

CONTEXT_LINES = 2  # lines of unchanged text shown around each change
CONTEXT_CHARS = 240  # and at most this many characters of them, on each side
BATCH = 256  # documents read from the Parquet files at a time


@dataclass(frozen=True)
class Header:
    doc_id: str
    source: str
    url: str | None
    status: str  # "kept (en)", "dropped at boilerplate: empty_after_boilerplate"...
    duplicate_of: str | None = None


def render(
    header: Header, diff: DocumentDiff, *, stage: str | None = None, rule: str | None = None, color: bool = False
) -> str:
    """The document's header and every change (or those of `stage`/`rule`) in context.

    With a filter, changes by other stages and rules are shown applied, as plain text.
    """
    style = _Style(color)
    lines = [
        style.header(without_controls(f"── {header.doc_id}")),
        style.dim(without_controls(f"source: {header.source}" + (f"   url: {header.url}" if header.url else ""))),
        style.dim(
            without_controls(header.status + (f"   duplicate of: {header.duplicate_of}" if header.duplicate_of else ""))
        ),
    ]
    items: list[str | Change] = []
    for segment in diff.segments:
        if isinstance(segment, Change) and not segment.matches(stage, rule):
            segment = segment.after
        if isinstance(segment, str):
            segment = without_controls(segment)
        if isinstance(segment, str) and items and isinstance(items[-1], str):
            items[-1] += segment
        else:
            items.append(segment)
    shown = [item for item in items if isinstance(item, Change)]
    if not shown:
        lines.append(style.dim("(no changes" + (" by this stage or rule)" if stage or rule else ")")))
        return "\n".join(lines) + "\n\n"
    body: list[str] = []
    for index, item in enumerate(items):
        if isinstance(item, Change):
            body.append(style.change(item))
        elif index == 0:
            body.append(_tail(item, style))
        elif index == len(items) - 1:
            body.append(_head(item, style))
        else:
            body.append(_middle(item, style))
    lines.append("".join(body).strip("\n"))
    return "\n".join(lines) + "\n\n"


def _head(text: str, style: _Style) -> str:
    kept = "\n".join(text.split("\n")[: CONTEXT_LINES + 1])[:CONTEXT_CHARS]
    return kept + (style.dim("…") if len(kept) < len(text) else "")


def _tail(text: str, style: _Style) -> str:
    kept = "\n".join(text.split("\n")[-CONTEXT_LINES - 1 :])[-CONTEXT_CHARS:]
    return (style.dim("…") if len(kept) < len(text) else "") + kept


def _middle(text: str, style: _Style) -> str:
    if text.count("\n") <= 2 * CONTEXT_LINES + 1 and len(text) <= 2 * CONTEXT_CHARS:
        return text
    return _head(text, style) + "\n" + style.dim("  ⋯") + "\n" + _tail(text, style)


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def header(self, text: str) -> str:
        return click.style(text, fg="cyan", bold=True) if self.color else text

    def dim(self, text: str) -> str:
        return click.style(text, dim=True) if self.color else text

    def change(self, change: Change) -> str:
        label = "‹" + ", ".join(change.labels) + "›"
        if change.after.isspace():  # line breaks kept shown as ⏎, and kept in the layout
            label += "\n" * change.after.count("\n")
        before, after = visible(change.before), visible(change.after)
        if not self.color:
            return (f"[-{before}-]" if before else "") + (f"{{+{after}+}}" if after else "") + label
        return (
            (click.style(before, fg="red", strikethrough=True) if before else "")
            + (click.style(after, fg="green", bold=True) if after else "")
            + click.style(label, fg="yellow", dim=True)
        )


def diff_pages(
    run: RunOutput, ids: Sequence[str], *, stage: str | None, rule: str | None, limit: int, color: bool
) -> Iterator[str]:
    """Rendered diffs of the documents named, or of every document where `stage`/`rule` changed
    something, in input order; at most `limit` documents (0: all)."""
    if ids:
        chosen = list(dict.fromkeys(ids))
        known = set(run.scan("documents").select("id").collect()["id"]) | set(
            run.scan("dropped").select("id").collect()["id"]
        )
        for doc_id in chosen:
            if doc_id not in known:
                raise UsageError(str(run.path), f"no document with id {doc_id!r}", "ids are in documents.parquet")
    else:
        edits = run.scan("edits")
        if stage is not None:
            edits = edits.filter(pl.col("stage") == stage)
        if rule is not None:
            edits = edits.filter(pl.col("rule") == rule)
        chosen = edits.select(pl.col("id").unique(maintain_order=True)).collect()["id"].to_list()
        if not chosen and (stage or rule):
            raise UsageError(
                " ".join(f"--{name} {value}" for name, value in (("stage", stage), ("rule", rule)) if value),
                "made no edit in this run",
                "`corpus stats` lists the stages and rules that did",
            )
    if not chosen:
        yield "(no document was changed in this run)\n"
    if limit:
        chosen = chosen[:limit]
    for start in range(0, len(chosen), BATCH):
        batch = chosen[start : start + BATCH]
        headers, texts = _headers(run, batch)
        edits_by_id: dict[str, list[Edit]] = {doc_id: [] for doc_id in batch}
        rows = run.scan("edits").filter(pl.col("id").is_in(batch)).collect()
        for row in rows.iter_rows(named=True):
            edits_by_id[row.pop("id")].append(Edit(**row))
        for doc_id in batch:
            doc_edits = edits_by_id[doc_id]
            diff = document_diff(doc_id, replay(texts[doc_id], doc_edits, reverse=True), doc_edits)
            yield render(headers[doc_id], diff, stage=stage, rule=rule, color=color)


def _headers(run: RunOutput, ids: list[str]) -> tuple[dict[str, Header], dict[str, str]]:
    headers: dict[str, Header] = {}
    texts: dict[str, str] = {}
    kept = run.scan("documents").filter(pl.col("id").is_in(ids)).select("id", "source", "url", "language", "text")
    for row in kept.collect().iter_rows(named=True):
        status = "kept" + (f" ({row['language']})" if row["language"] else "")
        headers[row["id"]] = Header(row["id"], row["source"], row["url"], status)
        texts[row["id"]] = row["text"]
    dropped = run.scan("dropped").filter(pl.col("id").is_in(ids))
    duplicate = "duplicate_of" in dropped.collect_schema().names()
    for row in dropped.collect().iter_rows(named=True):
        status = f"dropped at {row['stage']}: {row['reason']}" + (f" ({row['detail']})" if row["detail"] else "")
        headers[row["id"]] = Header(row["id"], row["source"], None, status, row["duplicate_of"] if duplicate else None)
        texts[row["id"]] = row["text"] or ""
    return headers, texts
