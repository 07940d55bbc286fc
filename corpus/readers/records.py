"""Structured records (a JSONL line, a Parquet row) to Documents, by the configured field paths."""

from __future__ import annotations

from typing import Any

from corpus.config import ReadConfig
from corpus.document import Document, ReadFailure, metadata_json
from corpus.readers import reasons

_MISSING = object()


def record_to_document(record: Any, *, source: str, config: ReadConfig, encoding: str) -> Document | ReadFailure:
    if not isinstance(record, dict):
        return ReadFailure(source, reasons.NOT_AN_OBJECT, f"record is a JSON {type(record).__name__}, not an object")
    text = _get(record, config.text_field)
    if text is _MISSING:
        fields = ", ".join(sorted(record)[:12])
        return ReadFailure(
            source, reasons.MISSING_TEXT_FIELD, f"no {config.text_field!r} field (fields: {fields}); set --text-field"
        )
    if not isinstance(text, str):
        return ReadFailure(
            source,
            reasons.INVALID_TEXT_FIELD,
            f"{config.text_field!r} is {'null' if text is None else type(text).__name__}, not text",
        )
    raw_id = _get(record, config.id_field)
    url = next((value for path in config.url_field if isinstance(value := _get(record, path), str) and value), None)
    metadata = {key: value for key, value in record.items() if key not in (config.text_field, config.id_field)}
    try:
        metadata_json(metadata)  # checked here so that a bad record is a drop, not a failed run
    except ValueError as error:
        return ReadFailure(source, reasons.INVALID_METADATA, str(error))
    if raw_id in (_MISSING, None, ""):
        doc_id = source
    elif isinstance(raw_id, str):
        doc_id = raw_id
    else:
        doc_id = metadata_json(raw_id)  # 7 -> "7", {"a": 1} -> '{"a":1}'
    return Document(
        id=doc_id,
        source=source,
        text=text,
        url=url,
        encoding=encoding,
        metadata=metadata,
    )


def _get(record: dict[str, Any], path: str) -> Any:
    """A dotted path into nested objects (`metadata.url`); an exact top-level key wins."""
    if path in record:
        return record[path]
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value
