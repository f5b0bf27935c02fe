"""The `plankb` command line: thin click commands over library calls."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from plankb import __version__

DEFAULT_CORPUS = "corpus"
DEFAULT_DB = "plankb.db"


def corpus_option(f):
    return click.option(
        "--corpus",
        "corpus",
        type=click.Path(file_okay=False, path_type=Path),
        default=DEFAULT_CORPUS,
        show_default=True,
        help="Folder of documents (txt, docx, pdf, html) and an optional manifest.yml.",
    )(f)


def db_option(f):
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_DB,
        show_default=True,
        help="SQLite database file.",
    )(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="plankb")
def cli():
    """plankb: Chinese planning documents → indicator targets and achieved values in SQLite, served with Datasette."""


@cli.command()
@corpus_option
@db_option
@click.option("--strict", is_flag=True, help="Stop at the first file that fails instead of recording it and going on.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--workers", "-j", type=click.IntRange(min=1), default=None,
              help="Processes that read and extract the files [default: one per CPU]; 1 builds in this process.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Extract on the workers of the Dask cluster at ADDRESS (tcp://host:8786); "
                   "the corpus must be on a path every worker can read.")
@click.option("--cache/--no-cache", default=True, show_default=True,
              help="Reuse what unchanged files extracted to last time (kept in NAME.cache.db beside the database); "
                   "--no-cache reads every file again.")
def build(corpus, db_path, strict, quiet, workers, scheduler, cache):
    """Read every document under the corpus folder, extract its values and
    write the database (atomically: the old database stays until the new one
    is complete). Files are read in parallel; a rebuild reads only the files
    that changed, and does nothing when nothing did.

    Example:

        plankb build --corpus corpus --db plankb.db --workers 4
    """
    if not corpus.is_dir():
        raise click.ClickException(f"corpus folder not found: {corpus} (give one with --corpus DIR)")
    if workers is not None and scheduler:
        raise click.UsageError("--workers and --scheduler exclude each other: with --scheduler the cluster's workers extract.")
    if cache:
        from db.cache import up_to_date  # imports neither spaCy nor the readers

        summary = up_to_date(corpus, db_path)
        if summary is not None and not (strict and summary["errors"]):
            print_up_to_date(db_path, summary)
            if summary["errors"]:
                sys.exit(1)
            return
    from db import BuildError
    from db import build as build_db
    from db.builder import corpus_to_files

    n_files = len(corpus_to_files(corpus))
    options = {"strict": strict, "workers": workers, "cache": cache, "scheduler": scheduler}
    try:
        if quiet or n_files == 0:
            report = build_db(corpus, db_path, **options)
        else:
            with click.progressbar(length=n_files, label="Building", file=sys.stderr, show_pos=True) as bar:
                report = build_db(corpus, db_path, progress=lambda _path: bar.update(1), **options)
    except BuildError as e:
        raise click.ClickException(str(e))
    print_summary(report)
    if report.errors:
        sys.exit(1)


def print_up_to_date(db_path, summary: dict) -> None:
    formats = ", ".join(f"{n} {fmt}" for fmt, n in sorted(summary["by_format"].items())) or "none"
    click.echo(f"{db_path} is up to date: {summary['documents']} documents ({formats}), {summary['values']} values; "
               "nothing changed since it was built.")
    if summary["errors"]:
        click.echo(f"{len(summary['errors'])} file(s) failed (see the ingest_errors table):", err=True)
        for e in summary["errors"]:
            click.echo(f"  {e['path']}: {e['stage']}: {e['error_type']}: {e['message']}", err=True)


def print_summary(report) -> None:
    formats = ", ".join(f"{n} {fmt}" for fmt, n in sorted(report.by_format.items())) or "none"
    click.echo(f"Built {report.db_path}: {report.documents} documents ({formats}), {report.values} values.")
    if report.reused:
        click.echo(f"{report.reused} file(s) unchanged since the last build, taken from the build cache.")
    if report.unread:
        click.echo(f"{report.unread} file(s) extracted again (the extractor changed) from the text read last time, not read again.")
    if report.duplicates:
        click.echo(f"{len(report.duplicates)} duplicate file(s) recorded as other paths of the same document.")
    if report.without_values:
        click.echo(f"{len(report.without_values)} document(s) without any value: " + ", ".join(report.without_values))
    if report.errors:
        click.echo(f"{len(report.errors)} file(s) failed (see the ingest_errors table):", err=True)
        for e in report.errors:
            click.echo(f"  {e.path}: {e.stage}: {e.error_type}: {e.message}", err=True)


@cli.command()
@corpus_option
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind; 0.0.0.0 publishes on the network.")
@click.option("--port", "-p", default=8001, show_default=True, type=int)
@click.option("--no-build", is_flag=True, help="Serve the database as it is, even when stale.")
def serve(corpus, db_path, host, port, no_build):
    """Serve the database with Datasette (read-only), building it first when it
    is missing or older than the corpus.

    Example:

        plankb serve --port 8001
    """
    from plankb.serve import is_stale, serve_database

    if not no_build and is_stale(db_path, corpus):
        click.echo(f"Building {db_path} from {corpus} …", err=True)
        from db import build as build_db

        print_summary(build_db(corpus, db_path))
    if not db_path.exists():
        raise click.ClickException(f"database not found: {db_path} (run `plankb build` first)")
    serve_database(db_path, host=host, port=port)


@cli.command(name="eval")
@click.option("--gold", "gold_dir", required=True, type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Folder of gold JSONL files, one per document.")
@corpus_option
@db_option
@click.option("--rebuild/--no-rebuild", default=True, show_default=True, help="Build the database first.")
@click.option("--details/--no-details", default=True, show_default=True, help="List misses and false positives.")
def eval_command(gold_dir, corpus, db_path, rebuild, details):
    """Score the extracted values against a gold answer key: precision, recall
    and F1 per document and overall, and the accuracy of kind, year,
    comparator and region on matched values.

    Example:

        plankb eval --gold tests/gold
    """
    from plankb.evaluate import evaluate, format_report

    if rebuild or not db_path.exists():
        from db import build as build_db

        build_db(corpus, db_path)
    result = evaluate(db_path, gold_dir)
    click.echo(format_report(result, details=details))


@cli.command()
@db_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default="export", show_default=True)
def export(db_path, out_dir):
    """Write the values as tidy CSV and Parquet with a JSON description of
    every column.

    Example:

        plankb export --out export/
    """
    from plankb.export import export_values

    if not db_path.exists():
        raise click.ClickException(f"database not found: {db_path} (run `plankb build` first)")
    for path in export_values(db_path, out_dir):
        click.echo(f"wrote {path}")


if __name__ == "__main__":
    cli()
