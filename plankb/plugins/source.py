"""Every value one click from its source.

- `/-/source/{value_id}`: the document text around the value, with the
  number marked (`<mark id="value">`) inside its sentence or table row, which
  the page scrolls into view; for a table cell, the recovered table
  (`source_tables.cells`) with the cell marked.
- `/-/review/{document_id}`: all of a document's values beside its full text,
  every located value marked there; values whose place in the text is
  unknown (`char_start` null) are listed apart, not hidden.

Links: `value_raw` links to the source page wherever an `indicator_values`
row is shown (table and row pages, and any query whose rows have `id`,
`name_raw` and `value_raw`); `documents.n_values` links to the review page.
"""

from __future__ import annotations

import json

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

from plankb.plugins.highlight import (
    Mark,
    context_window,
    evidence_span,
    mark_in,
    mark_text,
    mark_value,
    table_html,
)
from plankb.serve import DATABASE_NAME

VALUE_COLUMNS = (
    "id, document_id, indicator_id, name_raw, region, parent_region, kind, period, year, value, value_max,"
    " unit, comparator, value_raw, unit_raw, evidence, char_start, char_end, source, table_id, row_index,"
    " col_index, column_header, page, section, parent_name"
)
DOCUMENT_COLUMNS = "id, source_file, format, title, city, doc_type, period, year, issued_date, doc_number, issuer, text"


@hookimpl
def register_routes():
    return [
        (r"^/-/source/(?P<value_id>[0-9]+)$", source_page),
        (r"^/-/review/(?P<document_id>[0-9]+)$", review_page),
    ]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if database != DATABASE_NAME:
        return None
    keys = set(row.keys())
    if column == "value_raw" and "id" in keys and (
        table == "indicator_values" or (table is None and {"name_raw", "value_raw"} <= keys)
    ):
        return Markup('<a href="{}" title="原文出处 / the value in its source">{}</a>').format(
            datasette.urls.path(f"/-/source/{row['id']}"), "" if value is None else value
        )
    if column == "n_values" and table == "documents" and "id" in keys:
        return Markup('<a href="{}" title="逐条核对 / review the values beside the text">{}</a>').format(
            datasette.urls.path(f"/-/review/{row['id']}"), "" if value is None else value
        )
    return None


async def source_page(datasette, request):
    db = await _database(datasette, request, "indicator_values")
    value = await _first(db, f"select {VALUE_COLUMNS} from indicator_values where id = :id",
                         {"id": int(request.url_vars["value_id"])})
    if value is None:
        raise NotFound(f"No value with id {request.url_vars['value_id']} in indicator_values")
    document = await _first(db, f"select {DOCUMENT_COLUMNS} from documents where id = :id", {"id": value["document_id"]})
    if document is None:
        raise NotFound(f"Value {value['id']} names document {value['document_id']}, which is not in documents")
    text = document["text"] or ""
    context = None
    if _located(value, text):
        start, end = value["char_start"], value["char_end"]
        ev_start, ev_end = evidence_span(text, start, end, value["evidence"])
        left, right = context_window(text, ev_start, ev_end)
        context = {
            "html": mark_value(text[left:right], start - left, end - left, ev_start - left, ev_end - left),
            "cut_before": left > 0,
            "cut_after": right < len(text),
            "as_written": text[start:end],
        }
    table = None
    if value["table_id"] is not None:
        table = await _first(db, "select id, seq, caption, unit_caption, page, cells from source_tables where id = :id",
                             {"id": value["table_id"]})
        if table is not None:
            table["html"] = table_html(json.loads(table["cells"] or "[]"), value["row_index"], value["col_index"],
                                       value["value_raw"])
    return Response.html(
        await datasette.render_template(
            "plankb_source.html",
            {
                "database": DATABASE_NAME,
                "value": value,
                "document": document,
                "context": context,
                "evidence_html": mark_in(value["evidence"], value["value_raw"]),
                "table": table,
                "value_url": datasette.urls.row(DATABASE_NAME, "indicator_values", str(value["id"])),
                "document_url": datasette.urls.row(DATABASE_NAME, "documents", str(document["id"])),
                "review_url": datasette.urls.path(f"/-/review/{document['id']}") + f"#v{value['id']}",
                "table_url": datasette.urls.row(DATABASE_NAME, "source_tables", str(value["table_id"])) if table else None,
                "number": _number,
            },
            request=request,
        )
    )


async def review_page(datasette, request):
    db = await _database(datasette, request, "documents")
    document = await _first(db, f"select {DOCUMENT_COLUMNS} from documents where id = :id",
                            {"id": int(request.url_vars["document_id"])})
    if document is None:
        raise NotFound(f"No document with id {request.url_vars['document_id']} in documents")
    text = document["text"] or ""
    values = [
        dict(r)
        for r in await db.execute(
            f"select {VALUE_COLUMNS} from indicator_values where document_id = :id"
            " order by char_start is null, char_start, id",
            {"id": document["id"]},
        )
    ]
    located = [v for v in values if _located(v, text)]
    unlocated = [v for v in values if not _located(v, text)]
    marks = [
        Mark(
            v["char_start"],
            v["char_end"],
            anchor=f"v{v['id']}",
            css_class=f"value kind-{v['kind']}",
            title=_describe(v),
            href=f"#row-v{v['id']}",
        )
        for v in located
    ]
    for v in unlocated:
        v["evidence_html"] = mark_in(v["evidence"], v["value_raw"])
    return Response.html(
        await datasette.render_template(
            "plankb_review.html",
            {
                "database": DATABASE_NAME,
                "document": document,
                "text_html": mark_text(text, marks),
                "located": located,
                "unlocated": unlocated,
                "document_url": datasette.urls.row(DATABASE_NAME, "documents", str(document["id"])),
                "values_url": datasette.urls.table(DATABASE_NAME, "indicator_values")
                + f"?document_id={document['id']}",
                "source_url": lambda v: datasette.urls.path(f"/-/source/{v['id']}"),
                "number": _number,
            },
            request=request,
        )
    )


async def _database(datasette, request, table: str):
    """The plankb database, once the actor may see the table (Datasette's
    usual permissions); 404 when the site serves no plankb database."""
    if DATABASE_NAME not in datasette.databases:
        raise NotFound(f"No database named {DATABASE_NAME}")
    await datasette.ensure_permissions(
        request.actor,
        [("view-table", (DATABASE_NAME, table)), ("view-database", DATABASE_NAME), "view-instance"],
    )
    return datasette.get_database(DATABASE_NAME)


async def _first(db, sql: str, params: dict) -> dict | None:
    row = (await db.execute(sql, params)).first()
    return dict(row) if row is not None else None


def _located(value: dict, text: str) -> bool:
    start, end = value["char_start"], value["char_end"]
    return start is not None and end is not None and 0 <= start < end <= len(text)


def _describe(value: dict) -> str:
    when = " ".join(str(x) for x in (value["period"], value["year"]) if x is not None)
    where = f" {value['region']}" if value["region"] else ""
    return f"{value['name_raw']}: {value['value_raw']} ({value['kind']} {when}{where})"


def _number(x) -> str:
    """480000.0 → '480000', 3.8 → '3.8'; None → ''."""
    if x is None:
        return ""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return str(x)
