"""The build cache: what each file of the corpus extracted to last time, so that
a rebuild reads and extracts only the files that changed.

The cache is a SQLite file beside the database (`plankb.db` → `plankb.cache.db`)
with one row per corpus file: its size, modification time and SHA-256, the
*extractor key* it was extracted with, and the outcome — the `DocumentRecord`
(or the `FileError` of a file that failed), pickled and compressed.

A file is taken from the cache when its row has the current extractor key and

* its size and modification time are those recorded (nothing is read), or
* they differ but its SHA-256 is the recorded one (touched, not changed), or
* another path has the same bytes and key (a renamed or copied file).

The extractor key is a hash of `EXTRACTOR_VERSION` and of every code and data
file that decides what a file extracts to: `extract/` and `ingest/` (their
`.py` files and `data/` lexicons, cue words, header patterns, city lists) and
`db/builder.py` (`file_to_record`) with `db/search.py` (the search texts it
segments); and, per file, of its manifest entry.
Changing any of them re-extracts every document, so a build from the cache
gives the same database as a full rebuild.

Re-extracting does not mean reading again: the *reader key* hashes `ingest/`
alone, and an unchanged file whose row has the current reader key is
extracted again from the document its stored outcome holds (a lexicon, cue
word or extractor change re-runs extraction, not PDF layout analysis).

When nothing changed at all — the same files with the same sizes and times,
the same extractor key, the same `db/` code and manifest, and the database
still the file the last build wrote — the build is skipped altogether
(`up_to_date`). Checking that reads no document and imports neither spaCy nor
the readers, so `plankb build` on an unchanged corpus answers at once.

The cache only speeds builds up: deleting it is always safe, and a build
without it (`plankb build --no-cache`) neither reads nor writes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import sqlite3
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What a file extracts to depends on these trees and files (code and data).
EXTRACTOR_SOURCES = [ROOT / "extract", ROOT / "ingest", ROOT / "db" / "builder.py", ROOT / "db" / "search.py"]
# What a file reads to (its `Document`) depends on these.
READER_SOURCES = [ROOT / "ingest"]
# What the database holds besides the records depends on these too.
DATABASE_SOURCES = [ROOT / "db"]
SOURCE_SUFFIXES = {".py", ".yml", ".yaml", ".csv", ".tsv", ".json", ".txt"}
EXTRACTOR_VERSION_SOURCE = ROOT / "extract" / "pipeline.py"
SCHEMA_VERSION = "2"

_SCHEMA = """
create table if not exists files (
    path text primary key,  -- relative to the corpus folder
    size integer not null,
    mtime_ns integer not null,
    sha256 text,            -- null for a file that could not be read
    key text not null,      -- extractor key + manifest entry
    reader_key text,        -- the readers the document was read with; null: no document (failed)
    blob blob not null      -- zlib(pickle(DocumentRecord | FileError))
);
create index if not exists files_sha256 on files (sha256, key);
create table if not exists meta (name text primary key, value text);
"""


def cache_path(db_path: Path) -> Path:
    """Where the cache of `db_path` lives: `plankb.db` → `plankb.cache.db`."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}.cache{db_path.suffix or '.db'}")


# --- keys ---------------------------------------------------------------------------


def extractor_version() -> str:
    """`EXTRACTOR_VERSION` as written in extract/pipeline.py, read from the
    source so that checking the cache does not import spaCy."""
    m = re.search(r'^EXTRACTOR_VERSION\s*=\s*["\']([^"\']*)["\']', EXTRACTOR_VERSION_SOURCE.read_text("utf-8"), re.MULTILINE)
    return m.group(1) if m else ""


def source_files(sources: Iterable[Path]) -> list[Path]:
    files = []
    for source in sources:
        if source.is_file():
            files.append(source)
        elif source.is_dir():
            files += [
                p
                for p in source.rglob("*")
                if p.is_file() and p.suffix in SOURCE_SUFFIXES and "__pycache__" not in p.parts
            ]
    return sorted(set(files))


def hash_files(files: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for path in files:
        h.update(path.relative_to(ROOT).as_posix().encode() if path.is_relative_to(ROOT) else str(path).encode())
        h.update(b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def extractor_key() -> str:
    """Hash of EXTRACTOR_VERSION and of the extractor's code and data files."""
    return hashlib.sha256(f"{extractor_version()}\0{hash_files(source_files(EXTRACTOR_SOURCES))}".encode()).hexdigest()


def reader_key() -> str:
    """Hash of the readers' code and data files."""
    return hash_files(source_files(READER_SOURCES))


def file_key(extractor: str, override: dict | None) -> str:
    """The key of one file: the extractor key and its manifest entry."""
    entry = json.dumps(override or {}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{extractor}\0{entry}".encode()).hexdigest()


def sha256_file(path: Path) -> str | None:
    try:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


# --- packing --------------------------------------------------------------------------


def pack(outcome) -> bytes:
    return zlib.compress(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes):
    return pickle.loads(zlib.decompress(blob))


# --- the whole-build fingerprint ------------------------------------------------------------


def corpus_stats(corpus_dir: Path) -> list[tuple[str, int, int]]:
    """(relative path, size, mtime_ns) of every file under the corpus folder:
    documents, the manifest, and anything else (a new file of any kind makes
    the next build look, which costs little when it is no document)."""
    stats = []
    for path in sorted(corpus_dir.rglob("*")):
        if path.is_file():
            st = path.stat()
            stats.append((path.relative_to(corpus_dir).as_posix(), st.st_size, st.st_mtime_ns))
    return stats


def build_fingerprint(corpus_dir: Path) -> str:
    """Everything a build's output depends on, without reading a document:
    the extractor key, the db/ code, the corpus folder and the size and time
    of every file in it (the manifest included)."""
    corpus_dir = Path(corpus_dir)
    parts = {
        "schema": SCHEMA_VERSION,
        "extractor": extractor_key(),
        "database": hash_files(source_files(DATABASE_SOURCES)),
        "corpus": str(corpus_dir.resolve()),
        "files": corpus_stats(corpus_dir),
    }
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def _db_stamp(db_path: Path) -> list[int] | None:
    try:
        st = Path(db_path).stat()
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def up_to_date(corpus_dir: Path, db_path: Path) -> dict | None:
    """The summary the last build stored when the database is up to date with
    the corpus (nothing a build depends on changed since), else None."""
    path = cache_path(db_path)
    if not path.is_file() or not Path(db_path).is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            rows = dict(conn.execute("select name, value from meta").fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    if rows.get("fingerprint") != build_fingerprint(corpus_dir):
        return None
    if json.loads(rows.get("db_stamp") or "null") != _db_stamp(db_path):
        return None
    return json.loads(rows.get("summary") or "null")


# --- the cache of records -------------------------------------------------------------------


@dataclass
class Entry:
    size: int
    mtime_ns: int
    sha256: str | None
    key: str
    reader_key: str | None


class BuildCache:
    """The cache of one database, open for one build.

    `lookup(path)` tells whether a file's outcome can be taken as stored
    (`load(path)`); when not, `earlier_outcome(path)` gives the outcome of an
    unchanged file that the same readers read, to extract again without
    reading; `store(...)` records a new one; `finish(...)` drops the rows of
    files that are gone and records the fingerprint of a successful build.
    """

    COMMIT_EVERY = 200

    def __init__(self, db_path: Path, corpus_dir: Path, overrides: dict):
        self.path = cache_path(db_path)
        self.corpus_dir = Path(corpus_dir)
        self.overrides = overrides
        self.extractor = extractor_key()
        self.reader = reader_key()
        self.hits = 0
        self.unread = 0  # files extracted again from the document an earlier build read
        self._unchanged: set[str] = set()  # files whose bytes are those of their row, read with the current readers
        self.misses = 0
        self._pending = 0
        self.conn = self._open()
        self.entries = {
            path: Entry(size, mtime_ns, sha, key, reader)
            for path, size, mtime_ns, sha, key, reader in self.conn.execute(
                "select path, size, mtime_ns, sha256, key, reader_key from files"
            )
        }

    def _open(self) -> sqlite3.Connection:
        try:
            conn = self._connect()
        except sqlite3.DatabaseError:  # not a cache (or a damaged one): start afresh
            self.path.unlink(missing_ok=True)
            conn = self._connect()
        return conn

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30)
        conn.execute("pragma journal_mode = delete")
        conn.execute("pragma synchronous = normal")
        conn.executescript(_SCHEMA)
        version = conn.execute("select value from meta where name = 'schema'").fetchone()
        if version and version[0] != SCHEMA_VERSION:  # a cache of another layout: start afresh
            conn.executescript("drop table files; drop table meta;" + _SCHEMA)
        conn.execute("insert or replace into meta values ('schema', ?)", (SCHEMA_VERSION,))
        conn.commit()
        return conn

    def key_of(self, relative: str) -> str:
        return file_key(self.extractor, self.overrides.get(relative))

    def lookup(self, path: Path) -> bool:
        """True when `path` is unchanged since its outcome was stored with the
        current key (its outcome is then `load(path)`); False when it must be
        extracted. Reads the file only when its size or time changed."""
        relative = path.relative_to(self.corpus_dir).as_posix()
        key = self.key_of(relative)
        st = path.stat()
        entry = self.entries.get(relative)
        unchanged = entry is not None and (entry.size, entry.mtime_ns) == (st.st_size, st.st_mtime_ns)
        if unchanged and entry.key == key:
            return self._hit()
        sha = sha256_file(path)
        if sha is None:
            return self._miss()
        if entry and entry.sha256 == sha:
            unchanged = True
            if entry.key == key:
                self.conn.execute("update files set size = ?, mtime_ns = ? where path = ?", (st.st_size, st.st_mtime_ns, relative))
                entry.size, entry.mtime_ns = st.st_size, st.st_mtime_ns
                self._count_write()
                return self._hit()
        row = self.conn.execute("select blob, reader_key from files where sha256 = ? and key = ? limit 1", (sha, key)).fetchone()
        if row is None:
            if unchanged and entry.sha256 is not None and entry.reader_key == self.reader:
                self._unchanged.add(relative)
            return self._miss()
        self._put(relative, st.st_size, st.st_mtime_ns, sha, key, _repath(row[0], relative), row[1])
        return self._hit()

    def earlier_outcome(self, path: Path) -> bytes | None:
        """The packed outcome stored for a file that `lookup` missed only
        because the extractor changed: its bytes are those it was read from,
        by the same readers, so its document can be extracted again without
        reading the file. None for any other file."""
        relative = path.relative_to(self.corpus_dir).as_posix()
        if relative not in self._unchanged:
            return None
        self.unread += 1
        return self.load(path)

    def load(self, path: Path) -> bytes:
        """The packed outcome of a file that `lookup` found."""
        relative = path.relative_to(self.corpus_dir).as_posix()
        return self.conn.execute("select blob from files where path = ?", (relative,)).fetchone()[0]

    def _hit(self) -> bool:
        self.hits += 1
        return True

    def _miss(self) -> bool:
        self.misses += 1
        return False

    def store(self, path: Path, stat: os.stat_result, sha256: str | None, blob: bytes, has_document: bool = True) -> None:
        """Record the outcome of a file extracted in this build; `has_document`
        is False for a file that failed (its outcome holds no document).
        `stat` is the file's stat from before it was read: a change made while
        it was being read makes it look changed next time."""
        relative = path.relative_to(self.corpus_dir).as_posix()
        reader = self.reader if has_document else None
        self._put(relative, stat.st_size, stat.st_mtime_ns, sha256, self.key_of(relative), blob, reader)

    def _put(self, relative: str, size: int, mtime_ns: int, sha: str | None, key: str, blob: bytes, reader: str | None) -> None:
        self.conn.execute(
            "insert or replace into files values (?, ?, ?, ?, ?, ?, ?)", (relative, size, mtime_ns, sha, key, reader, blob)
        )
        self.entries[relative] = Entry(size, mtime_ns, sha, key, reader)
        self._count_write()

    def _count_write(self) -> None:
        self._pending += 1
        if self._pending >= self.COMMIT_EVERY:
            self.conn.commit()
            self._pending = 0

    def finish(self, files: list[Path], db_path: Path, summary: dict, fingerprint: str | None) -> None:
        """After a successful build: forget files that are gone and remember
        what this build was made from, so that an identical build is skipped."""
        present = {p.relative_to(self.corpus_dir).as_posix() for p in files}
        gone = [(p,) for p in self.entries if p not in present]
        self.conn.executemany("delete from files where path = ?", gone)
        meta = {"fingerprint": fingerprint, "db_stamp": json.dumps(_db_stamp(db_path)), "summary": json.dumps(summary, ensure_ascii=False)}
        self.conn.executemany("insert or replace into meta values (?, ?)", list(meta.items()))
        self.conn.commit()

    def close(self) -> None:
        self.conn.commit()
        self.conn.close()


def _repath(blob: bytes, relative: str) -> bytes:
    """The packed outcome of a file's bytes, moved to another path."""
    outcome = unpack(blob)
    if hasattr(outcome, "document"):
        outcome.source_file = relative
        outcome.document.path = relative
        outcome.other_paths = []
    else:
        outcome.path = relative
    return pack(outcome)
