"""Pick the reader for a file by its content, falling back on its suffix."""

from __future__ import annotations

import importlib
from pathlib import Path

from ingest.document import Document, UnreadableDocument, UnsupportedFormat
from ingest.traditional import document_to_simplified, looks_traditional

SUPPORTED_SUFFIXES = {
    ".txt": "txt",
    ".text": "txt",
    ".docx": "docx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
}


def sniff_format(path: Path, head: bytes) -> str:
    """The format of a file from its first bytes; the suffix decides for text-like files.

    A `.txt` that is really a PDF is read as a PDF; a `.pdf` that holds no PDF
    header is reported as unreadable by the PDF reader rather than guessed at.
    """
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and suffix in (".docx", ".txt", ""):
        return "docx"
    if suffix in SUPPORTED_SUFFIXES:
        return SUPPORTED_SUFFIXES[suffix]
    raise UnsupportedFormat(
        f"{path}: unsupported file type {suffix or '(no suffix)'!r}; "
        f"plankb reads {', '.join(sorted(SUPPORTED_SUFFIXES))}"
    )


def read_document(path: str | Path) -> Document:
    """Read one file into a `Document` with the reader for its format.

    Raises `UnsupportedFormat` or `UnreadableDocument` (with the path and the
    reason) rather than returning a half-read document. A document written in
    traditional characters comes back in simplified ones (`ingest.traditional`).
    """
    path = Path(path)
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as e:
        raise UnreadableDocument(f"{path}: cannot open file: {e.strerror or e}") from e
    fmt = sniff_format(path, head)
    reader = importlib.import_module(f"ingest.{fmt}")
    document = reader.read(path)
    if not document.text.strip():
        raise UnreadableDocument(f"{path}: no text in the {fmt} file (an empty document)")
    # Traditional characters are read as simplified, offsets unchanged.
    return document_to_simplified(document) if looks_traditional(document.text) else document
