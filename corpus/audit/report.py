"""One self-contained HTML file for a run: stats with charts, a filterable list of documents,
each document's diff rebuilt in the browser from its cleaned text and edits.

The data (cleaned texts and edits, never the originals) is JSON, gzip-compressed and base64
encoded in a non-executable <script> block; the page decodes it with DecompressionStream and
rebuilds an original only when its document is opened. A strict Content-Security-Policy
allows only the page's own script and style (by hash) and no network at all.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import os
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from corpus.audit.stats import run_stats
from corpus.errors import RunError
from corpus.output import RunOutput

_PLACEHOLDER = re.compile(r"\{(script_hash|style_hash|title|style|data|script)\}")


def write_report(run: RunOutput, target: Path) -> None:
    """Write the report to `target` atomically (a temporary file beside it, then renamed)."""
    page = report_html(run)
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        temporary.write_text(page, encoding="utf-8")
        temporary.replace(target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise RunError(str(target), f"cannot write the report: {error.strerror}", "choose another -o") from None


def report_html(run: RunOutput) -> str:
    assets = files("corpus.audit") / "report"
    script = (assets / "report.js").read_text(encoding="utf-8")
    style = (assets / "report.css").read_text(encoding="utf-8")
    # JSON inside base64: no "<" can reach the HTML parser, so no data can close the <script> block.
    data = base64.b64encode(gzip.compress(orjson.dumps(_payload(run)), compresslevel=6, mtime=0)).decode("ascii")
    values = {
        "script_hash": _csp_hash(script),
        "style_hash": _csp_hash(style),
        "title": html.escape(str(run.path)),
        "style": style,
        "data": data,
        "script": script,
    }
    template = (assets / "report.html").read_text(encoding="utf-8")
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def _csp_hash(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


def _payload(run: RunOutput) -> dict[str, Any]:
    """Columns of documents (kept, then dropped, each in input order) and each one's edits, flat:
    [label index, start, end, before, after] per edit, labels ("stage/rule") stored once."""
    kept = run.scan("documents").select(
        "id",
        "source",
        "url",
        "language",
        "text",
        kept=pl.lit(True),
        stage=pl.lit(None, pl.String),
        reason=pl.lit(None, pl.String),
        detail=pl.lit(None, pl.String),
        duplicate_of=pl.lit(None, pl.String),
    )
    dropped = run.scan("dropped")
    duplicate_of = (
        pl.col("duplicate_of") if "duplicate_of" in dropped.collect_schema().names() else pl.lit(None, pl.String)
    )
    dropped = dropped.select(
        "id",
        "source",
        url=pl.lit(None, pl.String),
        language=pl.lit(None, pl.String),
        text="text",
        kept=pl.lit(False),
        stage="stage",
        reason="reason",
        detail="detail",
        duplicate_of=duplicate_of,
    )
    docs = pl.concat([kept, dropped]).collect()
    edits = run.scan("edits").with_columns(label=pl.concat_str("stage", pl.lit("/"), "rule")).collect()
    labels = edits["label"].unique(maintain_order=True).to_list()
    index = {label: number for number, label in enumerate(labels)}
    by_doc: dict[str, list[Any]] = {}
    for doc_id, label, start, end, before, after in edits.select(
        "id", "label", "start", "end", "before", "after"
    ).iter_rows():
        by_doc.setdefault(doc_id, []).extend((index[label], start, end, before, after))
    manifest = run.manifest
    return {
        "run": {
            "path": str(run.path),
            "corpus_version": manifest.get("corpus_version", ""),
            "stages": manifest.get("stages", []),
            "libraries": manifest.get("libraries", {}),
            "rule_files": manifest.get("rule_files", []),
        },
        "stats": run_stats(run).as_dict(),
        "labels": labels,
        "docs": docs.to_dict(as_series=False),
        "edits": [by_doc.get(doc_id) for doc_id in docs["id"]],
    }
