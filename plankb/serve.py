"""Publish the database with Datasette, read-only, described by `metadata.yml`.

    >>> ds = make_datasette(Path("plankb.db"))        # doctest: +SKIP
    >>> serve_database(Path("plankb.db"), port=8001)  # doctest: +SKIP

The database is opened immutable (SQLite `immutable=1`): nothing can write to
it through the site, and Datasette counts its rows once at startup and offers
it for download. Because it is immutable, a server does not see a rebuild made
while it runs; restart it (`plankb serve` rebuilds first when the corpus is
newer than the database).

The database is always served under the name `plankb` (URLs `/plankb/…`),
whatever the file is called, so that the `databases: plankb:` block of
`metadata.yml` (descriptions and canned queries) applies to it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from datasette.app import Datasette
from datasette.utils import parse_metadata

DATABASE_NAME = "plankb"
# metadata.yml lives at the repository root, beside the packages.
METADATA_PATH = Path(__file__).resolve().parent.parent / "metadata.yml"
SETTINGS = {
    "sql_time_limit_ms": 3000,
    # Rows a query page shows (Datasette's default). A page of 5,000 values
    # took 1.7 s and 7 MB of HTML; `plankb export` and the CSV stream of a
    # table give every row.
    "max_returned_rows": 1000,
    # Researchers download the whole database (/plankb.db) and CSV exports.
    "allow_download": True,
    "allow_csv_stream": True,
    # Datasette 0.65 cannot hide a column through metadata; long cells such as
    # documents.text are cut in HTML tables instead (JSON and CSV stay whole).
    "truncate_cells_html": 300,
}


def make_datasette(db_path: Path, metadata_path: Path | None = None) -> Datasette:
    """A Datasette instance serving `db_path` read-only as the `plankb` database,
    with the repository's metadata.yml (or `metadata_path`)."""
    db_path = Path(db_path).resolve()
    if not db_path.is_file():
        raise FileNotFoundError(f"database not found: {db_path} (run `plankb build` first)")
    _check_database(db_path)
    metadata_path = Path(metadata_path) if metadata_path is not None else METADATA_PATH
    if not metadata_path.is_file():
        raise FileNotFoundError(f"Datasette metadata not found: {metadata_path}")
    metadata = parse_metadata(metadata_path.read_text(encoding="utf-8"))
    _disable_rich_tracebacks()
    from plankb.plugins import register as register_plugin  # imports this module

    register_plugin()  # Chinese search, /-/source and /-/review pages: plankb/plugins/
    ds = Datasette(immutables=[str(db_path)], metadata=metadata, settings=SETTINGS)
    # Datasette names a database after its file's stem; serve it as `plankb`.
    database = next(d for d in ds.databases.values() if d.path == str(db_path))
    if database.name != DATABASE_NAME:
        ds.remove_database(database.name)
        ds.add_database(database, name=DATABASE_NAME)
    return ds


def serve_database(db_path: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Serve the database with uvicorn until interrupted."""
    import uvicorn

    ds = make_datasette(db_path)
    uvicorn.run(ds.app(), host=host, port=port, log_level="info", lifespan="on", workers=1)


def is_stale(db_path: Path, corpus_dir: Path) -> bool:
    """True when the database is missing or anything under the corpus folder is
    newer than it. Folders count too: removing or renaming a file changes its
    folder's time, so a deletion also makes the database stale."""
    db_path, corpus_dir = Path(db_path), Path(corpus_dir)
    if not db_path.is_file():
        return True
    if not corpus_dir.is_dir():
        return False
    built = db_path.stat().st_mtime
    paths = [corpus_dir] + [
        p for p in corpus_dir.rglob("*") if not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    ]
    return any(p.stat().st_mtime > built for p in paths)


def _check_database(db_path: Path) -> None:
    """Fail early, with the path, when the file is not a SQLite database."""
    try:
        conn = sqlite3.connect(f"{Path(db_path).absolute().as_uri()}?immutable=1", uri=True)
        try:
            conn.execute("select count(*) from sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise sqlite3.DatabaseError(f"{db_path} is not a readable SQLite database ({e}); rebuild it with `plankb build`") from e


def _disable_rich_tracebacks() -> None:
    """Datasette 0.65's default error handler prints every error with `rich`
    when rich is installed (spaCy installs it). For a URL that matches no route
    it does so outside an `except` block, where rich raises ValueError, so a
    mistyped URL answers 500 instead of 404. Without rich, errors are handled
    as usual (and the console is not flooded with tracebacks of 404s)."""
    import datasette.handle_exception

    datasette.handle_exception.rich = None
