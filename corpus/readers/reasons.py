"""Why an input file or record is not read: the drop reasons of stage `read` in dropped.parquet."""

from __future__ import annotations

# The file itself
UNSUPPORTED_FORMAT = "unsupported_format"  # no reader for its name
NOT_A_FILE = "not_a_file"  # a device, socket, pipe, or a link to a folder
BROKEN_LINK = "broken_link"  # a symbolic link to nothing, or a loop
UNREADABLE_FOLDER = "unreadable_folder"  # a folder that cannot be listed
UNREADABLE_FILE = "unreadable_file"  # an I/O error, or a reader library's own error
FORMAT_MISMATCH = "format_mismatch"  # the bytes are not what the name says (.gz that is not gzip)
CORRUPT_FILE = "corrupt_file"  # damaged compression, archive or Parquet; a compression bomb
TRUNCATED_RECORD = "truncated_record"  # a WARC record cut short
# One document or record
TOO_LARGE = "too_large"  # over [read] max_document_bytes
EMPTY_DOCUMENT = "empty_document"  # no text at all
BINARY_CONTENT = "binary_content"  # bytes that are not text in any encoding
INVALID_JSON = "invalid_json"
NOT_AN_OBJECT = "not_an_object"  # a JSON line that is not an object
MISSING_TEXT_FIELD = "missing_text_field"
INVALID_TEXT_FIELD = "invalid_text_field"  # the text field is null, a number, a list...
INVALID_METADATA = "invalid_metadata"  # an id or URL field of the wrong type
NO_MAIN_TEXT = "no_main_text"  # an HTML page where the main-text extractor found no article

READ_REASONS = (
    UNSUPPORTED_FORMAT, NOT_A_FILE, BROKEN_LINK, UNREADABLE_FOLDER, UNREADABLE_FILE, FORMAT_MISMATCH, CORRUPT_FILE,
    TRUNCATED_RECORD, TOO_LARGE, EMPTY_DOCUMENT, BINARY_CONTENT, INVALID_JSON, NOT_AN_OBJECT, MISSING_TEXT_FIELD,
    INVALID_TEXT_FIELD, INVALID_METADATA, NO_MAIN_TEXT,
)  # fmt: skip
