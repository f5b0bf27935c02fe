"""Corpus → database.

`corpus_to_files` lists the files to read; `file_to_record` reads and extracts
one file (no database involved, so it can run in any process); `write_database`
writes every record into a new SQLite file that replaces the live database
only once it is complete.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import os
import re
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from db.checks import check_rows, document_checks
from db.names import write_indicator_names
from db.schema import INDEXES, TABLES
from db.search import add_to_search, create_search_tables, row_values, search_texts
from db.views import write_comparison_tables
from extract import EXTRACTOR_VERSION, Extraction, extract_document
from extract.linking import link_indicator, load_indicators
from ingest import SUPPORTED_SUFFIXES, Document, Metadata, read_document
from ingest.manifest import load_manifest
from ingest.metadata import city_info, detect_metadata

MANIFEST_NAMES = {"manifest.yml", "manifest.yaml"}


@dataclass
class FileError:
    path: str
    stage: str  # read | metadata | extract
    error_type: str
    message: str


@dataclass
class DocumentRecord:
    source_file: str
    sha256: str
    document: Document
    metadata: Metadata
    extraction: Extraction
    city_en: str | None = None
    other_paths: list[str] = field(default_factory=list)
    # table → what its search index holds for each paragraph / value, in order
    # (db.search.search_texts), computed in the worker: the writer only inserts.
    search: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)


@dataclass
class BuildReport:
    db_path: Path
    documents: int = 0
    values: int = 0
    by_format: dict[str, int] = field(default_factory=dict)
    without_values: list[str] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    reused: int = 0  # documents taken from the build cache instead of read again
    unread: int = 0  # extracted again from the document an earlier build read (the extractor changed, the file did not)
    up_to_date: bool = False  # nothing changed: the database was left as it was


class BuildError(Exception):
    """A file failed and the build was asked to be strict."""


# --- files -----------------------------------------------------------------------


def corpus_to_files(corpus_dir: Path) -> list[Path]:
    """Every supported file under the corpus folder, in a stable order; other
    files (and the manifest) are skipped."""
    files = []
    for path in sorted(corpus_dir.rglob("*")):
        if not path.is_file() or path.name in MANIFEST_NAMES or path.name.startswith("."):
            continue
        if path.suffix.lower() in SUPPORTED_SUFFIXES:
            files.append(path)
    return files


def file_to_record(path: Path, corpus_dir: Path, overrides: dict, earlier: bytes | None = None) -> DocumentRecord:
    """Read, describe and extract one file. Raises with the stage in the
    exception's `stage` attribute when any step fails.

    `earlier` is what the file extracted to in an earlier build, packed as
    the build cache stores it: when it was extracted from these very bytes,
    its document is extracted again and the file is not read (parsed) again."""
    relative = path.relative_to(corpus_dir).as_posix()
    try:
        data = path.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        document = _earlier_document(earlier, sha256) or read_document(path)
    except Exception as e:  # any reader failure is this file's failure only
        e.stage = "read"
        raise
    document.path = relative
    try:
        metadata = merge_metadata(detect_metadata(document.text), overrides.get(relative, {}))
        document.metadata = metadata
    except Exception as e:
        e.stage = "metadata"
        raise
    try:
        extraction = extract_document(document, metadata)
    except Exception as e:
        e.stage = "extract"
        raise
    info = city_info(metadata.city) if metadata.city else None
    city_en = overrides.get(relative, {}).get("city_en") or (info or {}).get("name_en")
    return DocumentRecord(
        source_file=relative,
        sha256=sha256,
        document=document,
        metadata=metadata,
        extraction=extraction,
        city_en=city_en,
        search={
            "paragraphs": search_texts("paragraphs", ({"text": p.text} for p in document.paragraphs)),
            "indicator_values": search_texts("indicator_values", (vars(v) for v in extraction.values)),
        },
    )


def _earlier_document(earlier: bytes | None, sha256: str) -> Document | None:
    """The document of a packed earlier outcome of the same bytes, if any."""
    if earlier is None:
        return None
    from db.cache import unpack

    outcome = unpack(earlier)
    return outcome.document if isinstance(outcome, DocumentRecord) and outcome.sha256 == sha256 else None


# A small document that goes through every step of reading and extraction.
WARM_UP_TEXT = """2017年就业工作计划
一、主要目标
全年城镇新增就业10万人，城镇登记失业率控制在4%以内。
序号 | 指标 | 单位 | 目标
1 | 城镇新增就业 | 万人 | 10
"""


def warm_up() -> None:
    """Load the lexicons, tables and patterns and build the spaCy pipeline
    now (about 0.3 s): worker processes forked afterwards share them instead
    of each loading its own."""
    from ingest.txt import text_to_document

    document = text_to_document(WARM_UP_TEXT)
    extract_document(document, detect_metadata(document.text))


def merge_metadata(detected: Metadata, override: dict) -> Metadata:
    """The manifest overrides what detection found, field by field."""
    fields = {f.name for f in dataclasses.fields(Metadata)}
    changes = {k: v for k, v in override.items() if k in fields and v is not None}
    if "issued_date" in changes:
        changes["issued_date"] = str(changes["issued_date"])
    return dataclasses.replace(detected, **changes)


def files_to_records(
    files: Iterable[Path],
    corpus_dir: Path,
    overrides: dict,
    report: BuildReport,
    strict: bool = False,
    progress: Callable[[Path], None] | None = None,
    workers: int | None = 1,
    cache=None,
    scheduler: str | None = None,
) -> Iterable[DocumentRecord]:
    """The record of every file that could be read, in the order of `files`
    whatever order they are extracted in (`db.parallel`): in this process, in
    `workers` processes, or on the Dask cluster at `scheduler`; files that
    `cache` (a `db.cache.BuildCache`) holds are not read again. A failed file
    goes to `report.errors`, or stops the build when `strict`."""
    from db.parallel import outcomes_in_order

    outcomes = outcomes_in_order(list(files), corpus_dir, overrides, workers, cache, scheduler)
    try:
        for path, outcome in outcomes:
            try:
                if isinstance(outcome, FileError):
                    if strict:
                        raise BuildError(f"{outcome.path}: {outcome.stage} failed: {outcome.error_type}: {outcome.message}")
                    report.errors.append(outcome)
                else:
                    yield outcome
            finally:
                if progress:
                    progress(path)
    finally:
        outcomes.close()  # stops the workers when the build stops early


def file_to_outcome(path: Path, corpus_dir: Path, overrides: dict, earlier: bytes | None = None) -> DocumentRecord | FileError:
    """`file_to_record`, with a failure returned as the file's `FileError`."""
    try:
        return file_to_record(path, corpus_dir, overrides, earlier)
    except Exception as e:  # any failure is this file's failure only
        return FileError(
            path=path.relative_to(corpus_dir).as_posix(),
            stage=getattr(e, "stage", "read"),
            error_type=type(e).__name__,
            message=_error_message(e, path),
        )


def _error_message(e: Exception, path: Path) -> str:
    message = str(e) or "".join(traceback.format_exception_only(type(e), e)).strip()
    # Readers put the path first already; keep the message about the reason.
    return message.replace(f"{path}: ", "")


# --- database --------------------------------------------------------------------


def create_tables(db: sqlite_utils.Database) -> None:
    # Indexes are made by `create_indexes` after the rows are in: faster than
    # keeping them up to date row by row.
    for name, spec in TABLES.items():
        db[name].create(
            spec["columns"],
            pk=spec["pk"],
            not_null=spec.get("not_null"),
            foreign_keys=spec.get("foreign_keys"),
        )


def create_indexes(db: sqlite_utils.Database) -> None:
    for table, columns in INDEXES:
        db[table].create_index(columns)


def write_reference_tables(db: sqlite_utils.Database) -> None:
    insert_rows(db, "indicators", [
        {
            "id": i["id"],
            "name_zh": i["name_zh"],
            "name_en": i["name_en"],
            "domain": i["domain"],
            "measure": i["measure"],
            "unit": i.get("unit"),
            "direction": i.get("direction", "higher"),
            "aliases": json.dumps(i.get("aliases", []), ensure_ascii=False),
        }
        for i in load_indicators()
    ])
    cities_csv = Path(__file__).resolve().parent.parent / "ingest" / "data" / "cities.csv"
    with cities_csv.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(line for line in f if not line.startswith("#"))]
    insert_rows(db, "cities", [
        {
            "name_zh": r["name_zh"],
            "name_en": r.get("name_en"),
            "province": r.get("province_zh"),
            "province_en": r.get("province_en"),
            "level": r.get("level"),
        }
        for r in rows
    ], or_ignore=True)


@dataclass
class WriteState:
    """What the writer carries from one document to the next."""

    ids: dict[str, int] = field(default_factory=lambda: dict.fromkeys(["table", "paragraph", "value", "score", "check"], 0))
    regions: set[tuple[str | None, str]] = field(default_factory=set)  # (city, region) written
    measures: dict[str, str | None] = field(default_factory=dict)  # canonical indicator → its measure


def write_record(db: sqlite_utils.Database, record: DocumentRecord, document_id: int, state: WriteState) -> int:
    """Write one document and everything extracted from it; returns its value count."""
    doc, meta = record.document, record.metadata
    values = record.extraction.values
    insert_rows(db, "documents", [
        {
            "id": document_id,
            "source_file": record.source_file,
            "other_paths": json.dumps(record.other_paths, ensure_ascii=False) if record.other_paths else None,
            "sha256": record.sha256,
            "format": doc.format,
            "title": meta.title,
            "city": meta.city,
            "city_en": record.city_en,
            "province": meta.province,
            "doc_type": meta.doc_type,
            "period": meta.period,
            "year": meta.year,
            "issued_date": meta.issued_date,
            "doc_number": meta.doc_number,
            "issuer": meta.issuer,
            "encoding": doc.encoding,
            "pages": doc.pages,
            "n_values": len(values),
            "text": doc.text,
        }
    ])
    table_ids = {}
    tables = []
    for seq, table in enumerate(doc.tables):
        state.ids["table"] += 1
        table_ids[seq] = state.ids["table"]
        tables.append(
            {
                "id": state.ids["table"],
                "document_id": document_id,
                "seq": seq,
                "caption": table.caption,
                "unit_caption": table.unit_caption,
                "n_rows": table.n_rows,
                "n_cols": table.n_cols,
                "page": table.page,
                "char_start": table.start,
                "char_end": table.end,
                "cells": json.dumps(table.grid(), ensure_ascii=False),
            }
        )
    insert_rows(db, "source_tables", tables)
    paragraphs = []
    for seq, paragraph in enumerate(doc.paragraphs):
        state.ids["paragraph"] += 1
        paragraphs.append(
            {
                "id": state.ids["paragraph"],
                "document_id": document_id,
                "seq": seq,
                "text": paragraph.text,
                "char_start": paragraph.start,
                "char_end": paragraph.end,
                "page": paragraph.page,
            }
        )
    insert_rows(db, "paragraphs", paragraphs)
    # Chinese is segmented for the search index (and, in the site, the query): db/search.py.
    add_to_search(db, "paragraphs", [p["id"] for p in paragraphs], _search_texts(record, "paragraphs", paragraphs))
    rows = []
    for v in values:
        state.ids["value"] += 1
        rows.append(
            {
                "id": state.ids["value"],
                "document_id": document_id,
                "indicator_id": v.indicator_id,
                "name_raw": v.name_raw,
                "region": v.region,
                "parent_region": v.parent_region,
                "kind": v.kind,
                "period": v.period,
                "year": v.year,
                "value": v.value,
                "value_max": v.value_max,
                "unit": v.unit,
                "comparator": v.comparator,
                "value_raw": v.value_raw,
                "unit_raw": v.unit_raw,
                "evidence": v.evidence,
                "char_start": v.char_start,
                "char_end": v.char_end,
                "source": v.source,
                "table_id": table_ids.get(v.table_index) if v.table_index is not None else None,
                "row_index": v.row_index,
                "col_index": v.col_index,
                "column_header": v.column_header,
                "page": v.page,
                "section": v.section,
                "parent_name": v.parent_name,
            }
        )
    insert_rows(db, "indicator_values", rows)
    add_to_search(db, "indicator_values", [r["id"] for r in rows], _search_texts(record, "indicator_values", rows))
    scores = []
    for s in record.extraction.scores:
        state.ids["score"] += 1
        scores.append(
            {
                "id": state.ids["score"],
                "document_id": document_id,
                "indicator_id": link_indicator(s.name_raw, None),
                "name_raw": s.name_raw,
                "region": s.region,
                "points": s.points,
                "rule": s.rule,
                "evidence": s.evidence,
                "char_start": s.char_start,
                "char_end": s.char_end,
                "table_id": table_ids.get(s.table_index) if s.table_index is not None else None,
                "row_index": s.row_index,
                "col_index": s.col_index,
            }
        )
    insert_rows(db, "scores", scores)
    checks = check_rows(document_checks(rows, state.measures), state.ids["check"] + 1)
    state.ids["check"] += len(checks)
    insert_rows(db, "checks", checks)
    _write_regions(db, meta.city, values, state.regions)
    return len(values)


def _search_texts(record: DocumentRecord, table: str, rows: list[dict]) -> list[tuple[str, ...]]:
    # A record made other than by `file_to_record` may not carry them.
    texts = record.search.get(table)
    return texts if texts is not None and len(texts) == len(rows) else search_texts(table, rows)


def insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict], or_ignore: bool = False) -> None:
    """Insert rows that all have the same keys, in one statement.

    sqlite-utils' `insert` and `insert_all` inspect the table and every value
    of every row (to store lists and dicts as JSON, to add missing columns),
    which made them the writer's largest cost; these rows hold only text,
    numbers and None, and their table exists with every column.
    """
    if not rows:
        return
    columns = list(rows[0])
    db.conn.executemany(
        f"insert {'or ignore ' if or_ignore else ''}into [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
        f"values ({', '.join('?' * len(columns))})",
        map(row_values(columns), rows),
    )


REGION_LEVELS = [("街道", "street"), ("镇", "town"), ("乡", "township"), ("新区", "new_area"), ("开发区", "zone"),
                 ("园区", "zone"), ("保税区", "zone"), ("高新区", "zone"), ("区", "district"), ("县", "county"), ("市", "city")]


def region_level(name: str) -> str | None:
    base = re.sub(r"[（(].*$", "", name)
    return next((level for suffix, level in REGION_LEVELS if base.endswith(suffix)), None)


def _write_regions(db: sqlite_utils.Database, city: str | None, values, written: set) -> None:
    """Add the regions of a document's values that `written` (the (city,
    name) pairs this build has written) does not hold yet."""
    new = {}
    for v in values:
        if v.region and (city, v.region) not in written and (city, v.region) not in new:
            new[(city, v.region)] = v.parent_region
    insert_rows(db, "regions", [
        {"city": city, "name": name, "parent": parent, "level": region_level(name)}
        for (city, name), parent in new.items()
    ])
    written.update(new)


def write_build_info(db: sqlite_utils.Database, report: BuildReport, corpus_dir: Path) -> None:
    db["build_info"].insert_all(
        [
            {"key": "extractor_version", "value": EXTRACTOR_VERSION},
            {"key": "corpus", "value": str(corpus_dir)},
            {"key": "documents", "value": str(report.documents)},
            {"key": "values", "value": str(report.values)},
            {"key": "errors", "value": str(len(report.errors))},
        ]
    )


# --- build -------------------------------------------------------------------------


def build(
    corpus_dir: str | Path = "corpus",
    db_path: str | Path = "plankb.db",
    strict: bool = False,
    progress: Callable[[Path], None] | None = None,
    workers: int | None = 1,
    cache: bool = False,
    scheduler: str | None = None,
) -> BuildReport:
    """Build the database from every supported file in the corpus folder.

    The database is written to a temporary file beside `db_path` and moved
    over it only when complete: a failed or killed build leaves the previous
    database as it was.

    `workers` processes read and extract the files (None: one per CPU), or
    the workers of the Dask cluster at `scheduler`; the database is the same
    either way. With `cache`, what each file extracted to is kept beside the
    database (`db.cache`): the next build reads only files that changed, and
    does nothing at all when nothing did.
    """
    corpus_dir, db_path = Path(corpus_dir), Path(db_path)
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    report = BuildReport(db_path=db_path)
    fingerprint = None
    if cache:
        from db.cache import build_fingerprint, up_to_date

        fingerprint = build_fingerprint(corpus_dir)
        summary = up_to_date(corpus_dir, db_path)
        if summary is not None and not (strict and summary["errors"]):
            return _report_from_summary(db_path, summary)
    overrides = load_manifest(corpus_dir)
    files = corpus_to_files(corpus_dir)
    build_cache = _open_cache(db_path, corpus_dir, overrides) if cache else None
    records = None
    tmp_path = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    tmp_path.unlink(missing_ok=True)
    remove_stale_temp_files(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        db = sqlite_utils.Database(tmp_path)
        db.conn.execute("PRAGMA journal_mode = OFF")
        db.conn.execute("PRAGMA synchronous = OFF")
        create_tables(db)
        create_search_tables(db)
        write_reference_tables(db)
        state = WriteState(measures={i["id"]: i.get("measure") for i in load_indicators()})
        by_hash: dict[str, int] = {}
        with db.conn:
            records = files_to_records(files, corpus_dir, overrides, report, strict, progress, workers, build_cache, scheduler)
            for record in records:
                if record.sha256 in by_hash:
                    _add_other_path(db, by_hash[record.sha256], record.source_file)
                    report.duplicates.append((record.source_file, record.sha256))
                    continue
                report.documents += 1
                by_hash[record.sha256] = report.documents
                n = write_record(db, record, report.documents, state)
                report.values += n
                report.by_format[record.document.format] = report.by_format.get(record.document.format, 0) + 1
                if n == 0:
                    report.without_values.append(record.source_file)
            db["ingest_errors"].insert_all(dataclasses.asdict(e) for e in report.errors)
            write_build_info(db, report, corpus_dir)
            create_indexes(db)
        write_comparison_tables(db)
        write_indicator_names(db)
        db.conn.execute("PRAGMA journal_mode = DELETE")
        db.conn.commit()
        db.close()
        os.replace(tmp_path, db_path)
        if build_cache is not None:
            report.reused = build_cache.hits
            report.unread = build_cache.unread
            build_cache.finish(files, db_path, _report_summary(report), fingerprint)
    finally:
        if records is not None:
            records.close()  # a failed write stops the workers at once
        tmp_path.unlink(missing_ok=True)
        if build_cache is not None:
            build_cache.close()
    return report


def _open_cache(db_path: Path, corpus_dir: Path, overrides: dict):
    from db.cache import BuildCache

    return BuildCache(db_path, corpus_dir, overrides)


def _report_summary(report: BuildReport) -> dict:
    """What a skipped build reports: the counts of the build that made the database."""
    return {
        "documents": report.documents,
        "values": report.values,
        "by_format": report.by_format,
        "without_values": report.without_values,
        "errors": [dataclasses.asdict(e) for e in report.errors],
        "duplicates": report.duplicates,
    }


def _report_from_summary(db_path: Path, summary: dict) -> BuildReport:
    return BuildReport(
        db_path=db_path,
        documents=summary["documents"],
        values=summary["values"],
        by_format=summary["by_format"],
        without_values=summary["without_values"],
        errors=[FileError(**e) for e in summary["errors"]],
        duplicates=[tuple(d) for d in summary["duplicates"]],
        reused=summary["documents"],
        up_to_date=True,
    )


STALE_AFTER_S = 24 * 3600


def remove_stale_temp_files(db_path: Path) -> list[Path]:
    """Remove the temporary files (`.NAME.PID.tmp`, and its `-journal`) that
    killed builds left beside the database: those whose build process is gone,
    or that nothing has written to for a day. A build still running keeps its
    file. Returns the removed paths."""
    pattern = re.compile(rf"^\.{re.escape(db_path.name)}\.(\d+)\.tmp(-journal)?$")
    removed = []
    for path in db_path.parent.glob(f".{db_path.name}.*.tmp*"):
        m = pattern.match(path.name)
        if not m or int(m.group(1)) == os.getpid():
            continue
        try:
            idle = time.time() - path.stat().st_mtime
            if _process_running(int(m.group(1))) and idle < STALE_AFTER_S:
                continue
            path.unlink()
            removed.append(path)
        except FileNotFoundError:  # its build finished or removed it meanwhile
            pass
    return removed


def _process_running(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _add_other_path(db: sqlite_utils.Database, document_id: int, path: str) -> None:
    row = db["documents"].get(document_id)
    others = json.loads(row["other_paths"]) if row["other_paths"] else []
    others.append(path)
    db["documents"].update(document_id, {"other_paths": json.dumps(others, ensure_ascii=False)})
