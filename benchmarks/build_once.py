"""One build in its own process, for `benchmarks.run` to time and watch:

    python -m benchmarks.build_once --corpus DIR --db PATH [--workers N] [--cache] [--scheduler ADDRESS]
                                    [--extractor-salt TEXT]

Prints one JSON line: the seconds spent in `db.build` (Python start-up and
imports excluded; they are in the caller's wall time), the counts, and the
pages of the PDFs built.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--cache", action="store_true")
    parser.add_argument("--scheduler")
    # Pretend the extractor changed, as an edit of a lexicon or of cue words
    # does: every cache key changes, so every document is extracted again.
    parser.add_argument("--extractor-salt")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    from db import build  # imports spaCy, the readers and the extractor

    if args.extractor_salt:
        import db.cache

        version = db.cache.extractor_version
        db.cache.extractor_version = lambda: f"{version()}+{args.extractor_salt}"

    imported = time.perf_counter()
    report = build(args.corpus, args.db, workers=args.workers, cache=args.cache, scheduler=args.scheduler)
    done = time.perf_counter()
    conn = sqlite3.connect(args.db)
    pages = conn.execute("select coalesce(sum(pages), 0) from documents where format = 'pdf'").fetchone()[0]
    conn.close()
    print(
        json.dumps(
            {
                "import_s": imported - start,
                "build_s": done - imported,
                "documents": report.documents,
                "values": report.values,
                "errors": len(report.errors),
                "reused": report.reused,
                "unread": report.unread,
                "up_to_date": report.up_to_date,
                "pages": pages,
            }
        )
    )


if __name__ == "__main__":
    main()
