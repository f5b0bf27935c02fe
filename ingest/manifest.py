"""The corpus manifest: optional per-file metadata that overrides detection.

A corpus folder may hold `manifest.yml` (or `manifest.yaml`): a list of entries,
each naming a `file` (path relative to the corpus folder) and the metadata to use
for it instead of what `ingest.metadata.detect_metadata` finds::

    - file: 000_ea48af81f9ea94bf.txt
      city: 天津市
      doc_type: annual_plan
      year: 2017

A folder without a manifest is fine: everything is detected from the text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path, PurePosixPath

import yaml

from ingest.document import Metadata
from ingest.metadata import DOC_TYPES

MANIFEST_NAMES = ("manifest.yml", "manifest.yaml")

ALLOWED_KEYS = (
    "file",
    "title",
    "city",
    "city_en",
    "province",
    "doc_type",
    "period",
    "year",
    "issuer",
    "doc_number",
    "issued_date",
    "source_url",
    "notes",
)

# 十一五 … 十九五 (and 十五, the tenth plan)
_PERIOD = re.compile(r"十[一二三四五六七八九]?五")


class ManifestError(ValueError):
    """The corpus manifest is malformed: a bad key, value or file name."""


def find_manifest(corpus_dir: Path) -> Path | None:
    """The manifest file in `corpus_dir`, or None when there is none."""
    present = [corpus_dir / name for name in MANIFEST_NAMES if (corpus_dir / name).is_file()]
    if len(present) > 1:
        raise ManifestError(
            f"{corpus_dir}: both {present[0].name} and {present[1].name} exist; keep one"
        )
    return present[0] if present else None


def load_manifest(corpus_dir: Path) -> dict[str, dict]:
    """Overrides per file, keyed by the path relative to `corpus_dir` ({} without a manifest).

    Raises `ManifestError` naming the manifest, the entry and what is wrong.
    """
    corpus_dir = Path(corpus_dir)
    path = find_manifest(corpus_dir)
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise ManifestError(f"{path}: not valid YAML: {e}") from e
    if data is None:
        return {}
    if not isinstance(data, list):
        raise ManifestError(
            f"{path}: must be a list of entries, each starting with `- file: NAME`, "
            f"not a {type(data).__name__}"
        )
    entries: dict[str, dict] = {}
    for number, raw in enumerate(data, start=1):
        where = f"{path.name}, entry {number}"
        entry = _validate_entry(raw, where)
        file = entry.pop("file")
        if file in entries:
            raise ManifestError(f"{where}: file {file!r} is listed twice")
        if not (corpus_dir / file).is_file():
            raise ManifestError(
                f"{where}: file {file!r} is not in {corpus_dir}; "
                "give the path relative to the corpus folder"
            )
        entries[file] = entry
    return entries


def _validate_entry(raw: object, where: str) -> dict:
    """One manifest entry, checked and normalised (year int, issued_date ISO str)."""
    if not isinstance(raw, dict):
        raise ManifestError(f"{where}: must be a mapping such as `- file: NAME`, not {raw!r}")
    unknown = [k for k in raw if k not in ALLOWED_KEYS]
    if unknown:
        raise ManifestError(
            f"{where}: unknown key {unknown[0]!r}; allowed keys: {', '.join(ALLOWED_KEYS)}"
        )
    if not raw.get("file"):
        raise ManifestError(f"{where}: missing `file` (the path relative to the corpus folder)")
    entry = {k: v for k, v in raw.items() if v is not None}
    entry["file"] = _normalise_file(str(entry["file"]), where)
    for key in ALLOWED_KEYS:
        if key in entry and key not in ("year", "issued_date"):
            entry[key] = str(entry[key]).strip()
    if "doc_type" in entry and entry["doc_type"] not in DOC_TYPES:
        raise ManifestError(
            f"{where}: doc_type must be one of {', '.join(DOC_TYPES)}, not {entry['doc_type']!r}"
        )
    if "period" in entry and not _PERIOD.fullmatch(entry["period"]):
        raise ManifestError(
            f"{where}: period must be a plan period label such as 十三五, not {entry['period']!r}"
        )
    if "year" in entry:
        entry["year"] = _check_year(entry["year"], where)
    if "issued_date" in entry:
        entry["issued_date"] = _check_date(entry["issued_date"], where)
    return entry


def _normalise_file(file: str, where: str) -> str:
    """'./a\\b.txt' → 'a/b.txt'; absolute paths and '..' are refused."""
    posix = PurePosixPath(file.replace("\\", "/"))
    if posix.is_absolute() or ".." in posix.parts:
        raise ManifestError(f"{where}: file {file!r} must be relative to the corpus folder")
    return str(posix)


def _check_year(value: object, where: str) -> int:
    if isinstance(value, bool) or not re.fullmatch(r"(?:19|20)\d{2}", str(value).strip()):
        raise ManifestError(f"{where}: year must be a four-digit year such as 2017, not {value!r}")
    return int(str(value).strip())


def _check_date(value: object, where: str) -> str:
    """YAML reads 2017-03-21 as a date; a quoted string must be ISO too."""
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ManifestError(
            f"{where}: issued_date must be an ISO date such as 2017-03-21, not {value!r}"
        ) from None


def apply_manifest(detected: Metadata, overrides: dict | None) -> Metadata:
    """`detected` with the manifest's values in place of the detected ones.

    Keys that `Metadata` has no field for (city_en, source_url, notes) are left
    to the caller.
    """
    fields = {f.name for f in dataclasses.fields(Metadata)}
    changes = {k: v for k, v in (overrides or {}).items() if k in fields}
    return dataclasses.replace(detected, **changes)
