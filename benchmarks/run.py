"""Measure build speed, memory, incremental rebuilds and query latency.

    python -m benchmarks.run --docs 1000            # everything, on 1,000 synthetic documents
    python -m benchmarks.run --docs 5000 --only build   # throughput and peak memory on 5,000
    python -m benchmarks.run --docs 200 --only queries --values 1000000

Steps (`--only` picks some; all by default):

* `seed`     — `plankb build` of the seed corpus, wall time with Python
               start-up (no cache), median of 3;
* `formats`  — each format's documents built on their own: documents/s (and
               pages/s for PDF), time inside `db.build` (start-up excluded);
* `build`    — all formats together with the build cache on: throughput and
               peak memory (PSS and RSS of the build and its workers);
* `rebuild`  — nothing changed (in `db.build` and with `plankb build`), then
               1 % of the documents changed; the result is compared with a
               full rebuild without the cache (must be identical; skipped
               with `--no-verify`);
* `dask`     — the text documents built on a local Dask cluster of 2 worker
               processes, compared with the local build;
* `queries`  — the built database replicated to `--values` indicator values,
               and the median Datasette response time of the canned queries.

The corpus is generated once under `benchmarks/results/corpus-N/` (see
`benchmarks.corpus`) and reused. The table is printed and written to
`benchmarks/results/latest.md` (and `docs-N.md`); the folder is git-ignored.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from benchmarks.corpus import FORMATS, make_corpus, write_document
from benchmarks.measure import Run, watch

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
STEPS = ["seed", "formats", "build", "rebuild", "dask", "queries"]
# The canned queries a researcher compares with (metadata.yml), timed on the large database.
QUERIES = [
    "indicator_across_cities",
    "city_targets_for_period",
    "document_values",
    "compare_indicator",
    "city_fulfilment",
    "city_allocation",
]


@dataclass
class Row:
    measure: str
    value: str
    target: str = ""
    ok: bool | None = None


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, measure: str, value: str, target: str = "", ok: bool | None = None) -> None:
        row = Row(measure, value, target, ok)
        self.rows.append(row)
        print(f"  {measure}: {value}" + (f"  (target {target}: {'met' if ok else 'MISSED'})" if target else ""), flush=True)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    ram = psutil.virtual_memory().total / 2**30
    return (
        f"{cpu}, {cores} cores, {ram:.0f} GiB RAM; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def build_command(
    corpus: Path, db: Path, workers: int | None, cache: bool, scheduler: str | None = None, extractor_salt: str | None = None
) -> list[str]:
    command = [sys.executable, "-m", "benchmarks.build_once", "--corpus", str(corpus), "--db", str(db)]
    if workers is not None:
        command += ["--workers", str(workers)]
    if cache:
        command.append("--cache")
    if scheduler:
        command += ["--scheduler", scheduler]
    if extractor_salt:
        command += ["--extractor-salt", extractor_salt]
    return command


def run_build(
    corpus: Path, db: Path, workers: int | None, cache: bool = False, scheduler: str | None = None, extractor_salt: str | None = None
) -> Run:
    run = watch(build_command(corpus, db, workers, cache, scheduler, extractor_salt), cwd=str(ROOT))
    if run.output.get("errors"):
        raise RuntimeError(f"build of {corpus} had {run.output['errors']} failed files")
    return run


def dump(db: Path) -> dict[str, list]:
    """Every row of every table (search indexes aside), in rowid order."""
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' order by name")]
        return {
            t: conn.execute(f"select * from [{t}] order by rowid").fetchall()
            for t in tables
            if "_fts" not in t and not t.startswith("sqlite_")
        }
    finally:
        conn.close()


def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.0f} s"


# --- steps ------------------------------------------------------------------------------


def step_seed(results: Results, work: Path) -> None:
    times = []
    for k in range(3):
        db = work / f"seed{k}.db"
        run = watch(["plankb", "build", "--corpus", str(ROOT / "corpus"), "--db", str(db), "-q", "--no-cache"], cwd=str(ROOT))
        times.append(run.wall_s)
    median = sorted(times)[1]
    results.add("seed corpus (5 txt), `plankb build --no-cache` wall, Python start-up included (median of 3)", fmt_s(median), "< 3 s", median < 3)


# A format whose build takes less than this is built 3 times and the median
# reported: on a shared machine one short run can be off by 10 %.
REPEAT_BELOW_S = 30


def step_formats(results: Results, corpus: Path, work: Path, workers: int) -> None:
    for fmt in FORMATS:
        runs = [run_build(corpus / fmt, work / f"format-{fmt}.db", workers)]
        if runs[0].output["build_s"] < REPEAT_BELOW_S:
            runs += [run_build(corpus / fmt, work / f"format-{fmt}.db", workers) for _ in range(2)]
        run = sorted(runs, key=lambda r: r.output["build_s"])[len(runs) // 2]
        out = run.output
        rate = out["documents"] / out["build_s"]
        value = f"{rate:.1f} documents/s ({out['documents']} in {fmt_s(out['build_s'])}; {fmt_s(run.wall_s)} wall with start-up)"
        if len(runs) > 1:
            value += f"; median of {len(runs)} builds: " + ", ".join(f"{r.output['documents'] / r.output['build_s']:.1f}" for r in runs)
        if fmt == "pdf":
            value += f"; {out['pages'] / out['build_s']:.1f} pages/s ({out['pages']} pages)"
        if fmt == "txt":
            results.add(f"{fmt} build throughput, {workers} workers", value, "≥ 50 documents/s", rate >= 50)
        else:
            results.add(f"{fmt} build throughput, {workers} workers", value)


def step_build(results: Results, corpus: Path, work: Path, workers: int, n_docs: int) -> Path:
    db = work / "all.db"
    for leftover in (db, db.with_name("all.cache.db")):
        leftover.unlink(missing_ok=True)
    run = run_build(corpus, db, workers, cache=True)
    out = run.output
    results.add(
        f"all formats, {out['documents']} documents, {workers} workers (first build, cache written)",
        f"{out['documents'] / out['build_s']:.1f} documents/s ({fmt_s(out['build_s'])}; {out['values']:,} values; {fmt_s(run.wall_s)} wall)",
    )
    target = "< 500 MB" if n_docs >= 5000 else ""
    results.add(
        f"peak memory building {out['documents']} documents (build process + {run.peak_processes - 1} workers)",
        f"{run.peak_pss_mb:.0f} MB PSS ({run.peak_rss_mb:.0f} MB RSS summed over processes)",
        target,
        run.peak_pss_mb < 500 if target else None,
    )
    return db


def step_rebuild(results: Results, corpus: Path, work: Path, workers: int, n_docs: int, verify: bool = True) -> None:
    db = work / "all.db"
    if not db.is_file():
        raise RuntimeError("the rebuild step needs the build step first")
    run = run_build(corpus, db, workers, cache=True)
    out = run.output
    assert out["up_to_date"], out
    results.add(
        f"rebuild, nothing changed, {out['documents']} documents (in `db.build`)", fmt_s(out["build_s"]), "< 1 s", out["build_s"] < 1
    )
    cli = watch(["plankb", "build", "--corpus", str(corpus), "--db", str(db), "-q"], cwd=str(ROOT))
    results.add("rebuild, nothing changed, `plankb build` wall (Python start-up included)", fmt_s(cli.wall_s))

    changed = sorted({(k * 100 + 37) % n_docs for k in range(max(1, n_docs // 100))})
    for index in changed:
        write_document(corpus, index, variant=1)
    try:
        run = run_build(corpus, db, workers, cache=True)
        out = run.output
        results.add(
            f"rebuild, {len(changed)} of {n_docs} documents changed (1 %)",
            f"{fmt_s(out['build_s'])} ({out['reused']} taken from the cache, {out['documents'] - out['reused']} extracted)",
        )
        run = run_build(corpus, db, workers, cache=True, extractor_salt="a lexicon edit")
        out = run.output
        results.add(
            f"rebuild after an extractor or lexicon change, {n_docs} documents",
            f"{fmt_s(out['build_s'])} ({out['unread']} extracted again from the text read last time, "
            f"{out['documents'] - out['unread']} read again)",
        )
        if not verify:
            return
        full = work / "full.db"
        run_full = run_build(corpus, full, workers, cache=False)
        same = dump(db) == dump(full)
        results.add(
            "incremental rebuilds (1 % changed, then the extractor) = full rebuild (every row of every table)",
            "identical" if same else "DIFFERENT",
            "identical",
            same,
        )
        results.add(
            f"full rebuild without cache, {run_full.output['documents']} documents",
            f"{fmt_s(run_full.output['build_s'])} ({run_full.output['documents'] / run_full.output['build_s']:.1f} documents/s)",
        )
    finally:
        for index in changed:
            write_document(corpus, index)


def step_dask(results: Results, corpus: Path, work: Path, workers: int) -> None:
    from distributed import LocalCluster

    run_build(corpus / "txt", work / "dask-local.db", workers)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        run = run_build(corpus / "txt", work / "dask.db", None, scheduler=cluster.scheduler_address)
    same = dump(work / "dask.db") == dump(work / "dask-local.db")
    out = run.output
    results.add(
        "Dask build (LocalCluster, 2 worker processes), txt documents",
        f"{out['documents'] / out['build_s']:.1f} documents/s ({out['documents']} in {fmt_s(out['build_s'])}); "
        f"rows {'identical to' if same else 'DIFFERENT from'} the local build",
        "same rows",
        same,
    )


def step_queries(results: Results, built: Path, work: Path, n_values: int) -> None:
    from benchmarks.queries import pick_params, replicate, time_queries

    big = work / "million.db"
    start = time.perf_counter()
    counts = replicate(built, big, n_values)
    results.add(
        "query database (built rows replicated in SQL)",
        f"{counts['indicator_values']:,} values, {counts['documents']:,} documents, "
        f"{big.stat().st_size / 2**20:.0f} MB, made in {fmt_s(time.perf_counter() - start)}",
    )
    params = pick_params(big)
    conn = sqlite3.connect(big)
    by_count = [
        r[0]
        for r in conn.execute(
            "select indicator_id from indicator_values where indicator_id is not null group by indicator_id order by count(*) desc"
        )
    ]
    conn.close()
    # The most common indicator (the worst case: tens of thousands of matching
    # values, sorted, the first 5,000 returned) by name and by id, and one of
    # median frequency.
    variants = [
        params,
        {**params, "indicator_across_cities": {"indicator": by_count[0]}},
        {**params, "indicator_across_cities": {"indicator": by_count[len(by_count) // 2]}},
    ]
    seen = set()
    for variant in variants:
        names = QUERIES if variant is params else ["indicator_across_cities"]
        for timing in time_queries(big, names, params=variant):
            key = (timing.name, tuple(sorted(timing.params.items())))
            if key in seen:
                continue
            seen.add(key)
            args = ", ".join(f"{k}={v}" for k, v in timing.params.items())
            results.add(
                f"`{timing.name}` ({args}), median of 15 Datasette requests",
                f"{timing.median_ms:.0f} ms ({timing.matched:,} matching values, {timing.rows:,} returned; p90 {timing.p90_ms:.0f} ms)",
                "< 100 ms",
                timing.median_ms < 100,
            )
            if variant is params:
                results.notes.append(f"`{timing.name}` plan: " + "; ".join(timing.plan))


# --- main ---------------------------------------------------------------------------------


def to_markdown(results: Results, header: list[str]) -> str:
    lines = header + ["", "| measure | result | target |", "|---|---|---|"]
    for row in results.rows:
        target = f"{row.target} {'✓' if row.ok else '✗ missed'}" if row.target else ""
        lines.append(f"| {row.measure} | {row.value} | {target} |")
    if results.notes:
        lines += ["", "Query plans (EXPLAIN QUERY PLAN):", ""] + [f"- {n}" for n in results.notes]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000, help="documents in the synthetic corpus (default 1000)")
    parser.add_argument("--workers", type=int, default=None, help="build workers (default: one per CPU)")
    parser.add_argument("--values", type=int, default=1_000_000, help="indicator values in the query database")
    parser.add_argument("--only", nargs="+", choices=STEPS, help="run only these steps")
    parser.add_argument("--no-verify", action="store_true", help="skip the full rebuild that checks the incremental one")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    steps = args.only or STEPS
    workers = args.workers or len(os.sched_getaffinity(0))
    args.out.mkdir(parents=True, exist_ok=True)
    work = args.out / f"work-{args.docs}"
    work.mkdir(exist_ok=True)
    corpus = args.out / f"corpus-{args.docs}"
    print(f"machine: {machine()}", flush=True)
    start = time.perf_counter()
    files = make_corpus(corpus, args.docs)
    print(f"corpus: {len(files)} documents under {corpus} ({fmt_s(time.perf_counter() - start)})", flush=True)

    results = Results()
    built = work / "all.db"
    if "seed" in steps:
        step_seed(results, work)
    if "formats" in steps:
        step_formats(results, corpus, work, workers)
    if "build" in steps:
        built = step_build(results, corpus, work, workers, args.docs)
    if "rebuild" in steps:
        step_rebuild(results, corpus, work, workers, args.docs, verify=not args.no_verify)
    if "dask" in steps:
        step_dask(results, corpus, work, workers)
    if "queries" in steps:
        if not built.is_file():
            run_build(corpus, built, workers)
        step_queries(results, built, work, args.values)

    per_format = {fmt: len(list((corpus / fmt).glob(f"*.{fmt}"))) for fmt in FORMATS}
    header = [
        f"## plankb benchmarks — {args.docs} synthetic documents",
        "",
        f"Machine: {machine()}.",
        f"Corpus: {args.docs} documents made from the 5 seeds ({', '.join(f'{n} {f}' for f, n in per_format.items())}); "
        f"{workers} build workers. Command: `python -m benchmarks.run --docs {args.docs}"
        + (f" --only {' '.join(args.only)}" if args.only else "")
        + "`.",
    ]
    text = to_markdown(results, header)
    print()
    print(text)
    (args.out / "latest.md").write_text(text, encoding="utf-8")
    (args.out / f"docs-{args.docs}{'-' + '-'.join(args.only) if args.only else ''}.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
