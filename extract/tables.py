"""Tables → values.

A table is read in three steps, each a pure function:

`table_to_layout` finds the header rows, the serial, label, unit, score and rule
columns, the value columns and what each value column means (kind, period, year,
region), and the table's orientation (regions as rows, regions as columns, or
indicators as rows). `layout_to_rows` lines every data row up with the value
columns — rows of merged-cell tables are ragged, so values are aligned from the
right — and names the row (section rows, `其中` sub-rows, nested sub-units).
`rows_to_values` turns the aligned cells into `IndicatorValue`s and `Score`s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from extract.context import DocumentContext
from extract.linking import link_indicator, load_indicators
from extract.periods import find_period, period_of_year, period_years
from extract.quantities import find_quantities, normalise_unit, parse_cell
from extract.resources import header_pattern, load_yaml
from extract.values import IndicatorValue
from ingest.document import Cell, Table

WHITESPACE = re.compile(r"[\s\u3000]+")
SERIAL_VALUE = re.compile(r"^([0-9]{1,3}|[一二三四五六七八九十]{1,3})[.．、]?$")
LEADING_NUMBERING = re.compile(
    r"^\s*(\d{1,3}\s*[.．、]|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*、|[①-⑳])\s*"
)
SUB_ROW = re.compile(r"^\s*其\s*中\s*[:：]?\s*")
TRAILING_UNIT = re.compile(r"\s*[（(]\s*([^（()）]{1,6})\s*[)）]\s*$")
YEAR_IN_HEADER = re.compile(r"(20\d\d|19\d\d)\s*年")
POINTS_IN_LABEL = re.compile(r"[（(]\s*\d+(\.\d+)?\s*分\s*[)）]")


def without_padding(row: list[Cell]) -> list[Cell]:
    """A row without the empty cells that pad it at the end: readers of
    rectangular formats pad short rows, plain text leaves them ragged."""
    end = len(row)
    while end > 0 and not row[end - 1].text.strip():
        end -= 1
    return row[:end]


def squash(text: str) -> str:
    """Text with all whitespace removed (`塘  沽` → `塘沽`)."""
    return WHITESPACE.sub("", text)


def clean_label(text: str) -> str:
    """A row label without numbering, `其中` marker or score in brackets.

    >>> clean_label("1.城镇新增就业人数")
    '城镇新增就业人数'
    >>> clean_label("  其中:参加城镇职工养老保险人数")
    '参加城镇职工养老保险人数'
    >>> clean_label("人才开发服务（25分）")
    '人才开发服务'
    """
    text = SUB_ROW.sub("", text.strip())
    text = LEADING_NUMBERING.sub("", text)
    text = POINTS_IN_LABEL.sub("", text)
    return squash(text)


@dataclass
class Score:
    """A score weight (`分值`) and scoring rule attached to an indicator."""

    name_raw: str
    points: float
    rule: str | None
    region: str | None = None
    evidence: str = ""
    char_start: int | None = None
    char_end: int | None = None
    table_index: int | None = None
    row_index: int | None = None
    col_index: int | None = None


@dataclass
class ValueColumn:
    index: int  # position in the primary header row
    header: str
    kind: str | None = None
    period: str | None = None
    year: int | None = None
    region: str | None = None  # region column of a transposed allocation table
    is_total: bool = False
    is_score: bool = False


@dataclass
class Layout:
    header_rows: list[int]
    header: list[str]  # primary header row, whitespace removed
    value_columns: list[ValueColumn]
    unit_column: int | None
    has_serial: bool
    regions_as_rows: bool
    regions_as_columns: bool
    caption: str | None
    caption_year: int | None = None
    caption_period: str | None = None
    caption_kind: str | None = None
    upper_header: list[str] = field(default_factory=list)


# --- cells ---------------------------------------------------------------------


def is_value_cell(text: str) -> bool:
    return bool(text) and parse_cell(text, None) is not None


def is_serial_cell(text: str) -> bool:
    return bool(SERIAL_VALUE.match(text.strip()))


def is_region(text: str) -> bool:
    name = squash(text)
    return bool(name) and len(name) <= 20 and bool(header_pattern("region").search(name))


def is_total(text: str) -> bool:
    return bool(header_pattern("total").match(squash(text)))


def is_known_unit(text: str) -> bool:
    text = squash(text)
    if not text or len(text) > 6:
        return False
    base, _ = normalise_unit(text)
    return base is not None


# --- layout --------------------------------------------------------------------


def _has_serial_column(rows: list[list[Cell]], header: list[str]) -> bool:
    if header and header_pattern("serial").match(header[0]):
        return True
    firsts = [r[0].text for r in rows if r and r[0].text]
    return len(firsts) >= 3 and sum(is_serial_cell(t) for t in firsts) >= 0.8 * len(firsts)


def _row_values(row: list[Cell], skip_first: bool) -> list[int]:
    start = 1 if skip_first else 0
    return [i for i in range(start, len(row)) if is_value_cell(row[i].text)]


def find_header_rows(table: Table) -> tuple[list[int], bool]:
    """Indices of the leading rows that hold no values, and whether the first
    column holds serial numbers."""
    provisional_serial = _has_serial_column(table.rows[1:], [])
    header_rows = []
    for i, row in enumerate(table.rows):
        if _row_values(row, provisional_serial):
            break
        if header_rows and provisional_serial and row and is_serial_cell(row[0].text):
            break  # a section row (`一 就业`) after the header
        header_rows.append(i)
    header = [squash(c.text) for c in table.rows[header_rows[-1]]] if header_rows else []
    data = table.rows[len(header_rows) :]
    return header_rows, _has_serial_column(data, header)


def column_meaning(header: str, caption: str | None) -> dict:
    """Kind, period and year named by a value column's header (`“十二五”完成值`
    → actual, 十二五, 2015)."""
    period = find_period(header)
    year_match = YEAR_IN_HEADER.search(header)
    year = int(year_match.group(1)) if year_match else None
    kind = None
    if header_pattern("actual").search(header):
        kind = "actual"
    elif header_pattern("target").search(header):
        kind = "target"
    if period and year is None:
        year = period_years(period)[1] if kind != "actual" or "期末" in header or "完成" in header else None
        if year is None:
            year = period_years(period)[1]
    return {"kind": kind, "period": period, "year": year}


def table_to_layout(table: Table) -> Layout | None:
    """The structure of a table, or None when it holds no values."""
    header_rows, has_serial = find_header_rows(table)
    data_rows = table.rows[len(header_rows) :]
    if not data_rows:
        return None
    if header_rows:
        primary = max(header_rows, key=lambda i: (len(without_padding(table.rows[i])), -i))
        header = [squash(c.text) for c in without_padding(table.rows[primary])]
        upper = [squash(c.text) for i in header_rows if i != primary for c in table.rows[i]]
    else:
        header, upper = [], []
    caption = table.caption
    caption_text = squash(caption or "")

    first_label_col = 1 if has_serial else 0
    labels = [squash(r[first_label_col].text) for r in data_rows if len(r) > first_label_col]
    labels = [t for t in labels if t]
    region_labels = sum(is_region(t) or is_total(t) for t in labels)
    regions_as_rows = bool(labels) and region_labels >= 0.6 * len(labels)

    unit_column = next((i for i, h in enumerate(header) if header_pattern("unit").match(h)), None)
    value_columns = []
    for i, h in enumerate(header):
        if i == unit_column or (i == 0 and has_serial):
            continue
        if header_pattern("label").match(h) or header_pattern("serial").match(h):
            continue
        if header_pattern("rule").search(h):
            continue
        if i == first_label_col and not _column_has_values(data_rows, i):
            continue
        if not h and header:
            continue  # a corner or a cell under a merged header: no value column
        meaning = column_meaning(h, caption)
        column = ValueColumn(index=i, header=h, **meaning)
        column.is_score = bool(header_pattern("score").search(h))
        column.is_total = is_total(h)
        if is_region(h) and not column.is_total:
            column.region = h
        value_columns.append(column)
    region_cols = [c for c in value_columns if c.region or c.is_total]
    regions_as_columns = len(value_columns) >= 3 and len(region_cols) >= 0.6 * len(value_columns)

    caption_year = YEAR_IN_HEADER.search(caption_text)
    caption_kind = None
    if header_pattern("actual").search(caption_text) and not header_pattern("target").search(caption_text):
        caption_kind = "actual"
    elif header_pattern("target").search(caption_text) or "分解" in caption_text or "分区" in caption_text:
        caption_kind = "target"
    return Layout(
        header_rows=header_rows,
        header=header,
        value_columns=value_columns,
        unit_column=unit_column,
        has_serial=has_serial,
        regions_as_rows=regions_as_rows and not regions_as_columns,
        regions_as_columns=regions_as_columns,
        caption=caption,
        caption_year=int(caption_year.group(1)) if caption_year else None,
        caption_period=find_period(caption_text),
        caption_kind=caption_kind,
        upper_header=upper,
    )


def _column_has_values(rows: list[list[Cell]], i: int) -> bool:
    return any(len(r) > i and is_value_cell(r[i].text) for r in rows)


# --- rows ----------------------------------------------------------------------


@dataclass
class AlignedRow:
    index: int  # row index in the table
    cells: list[Cell]
    labels: list[str]  # label cells, cleaned, in order
    raw_label: str
    unit_raw: str | None
    values: list[tuple[ValueColumn, Cell]]
    rule: str | None = None
    is_sub_row: bool = False


def align_row(row: list[Cell], layout: Layout) -> tuple[list[Cell], list[tuple[ValueColumn, Cell]], str | None]:
    """Split a data row into label cells, (value column, cell) pairs and a
    trailing rule text.

    Rows as long as the header map by position. Ragged rows (merged cells in
    the source) are aligned from the right: the row's run of value cells is
    matched to the value columns' run; a leading value with no column left is
    the row's total.
    """
    if len(row) != len(layout.header):
        row = without_padding(row)
    if len(row) == len(layout.header):
        skip = {v.index for v in layout.value_columns} | {
            i for i, h in enumerate(layout.header) if header_pattern("rule").search(h)
        }
        labels = [c for i, c in enumerate(row) if i not in skip]
        pairs = [(v, row[v.index]) for v in layout.value_columns if row[v.index].text]
        rule = next((row[i].text for i, h in enumerate(layout.header) if header_pattern("rule").search(h) and row[i].text), None)
        return labels, pairs, rule

    value_idx = [i for i, c in enumerate(row) if is_value_cell(c.text)]
    if not value_idx:
        return list(row), [], None
    first, last = value_idx[0], value_idx[-1]
    if layout.has_serial and first == 0 and len(value_idx) > 1:
        first = value_idx[1]
    run = row[first : last + 1]
    trailing = [c.text for c in row[last + 1 :] if c.text]
    rule = trailing[-1] if trailing and len(trailing[-1]) > 8 else None
    columns = layout.value_columns
    if len(run) <= 2 < len(columns):
        # A short row under many columns (`项目 | 100% | 3 | 评分标准`): its
        # last value belongs to the first column, a value before it is the total.
        columns = columns[:1]
    pairs: list[tuple[ValueColumn, Cell]] = []
    n = min(len(run), len(columns))
    for column, cell in zip(columns[len(columns) - n :], run[len(run) - n :]):
        if cell.text:
            pairs.append((column, cell))
    extra = run[: len(run) - n]
    if len(extra) == 1 and extra[0].text and not layout.regions_as_rows:
        total = ValueColumn(index=-1, header=_total_header(layout), is_total=True)
        pairs.insert(0, (total, extra[0]))
    labels = row[:first]
    return labels, pairs, rule


def _total_header(layout: Layout) -> str:
    return next((h for h in layout.upper_header if is_total(h)), "合计")


def layout_to_rows(table: Table, layout: Layout) -> list[AlignedRow]:
    rows = []
    for index in range(len(layout.header_rows), len(table.rows)):
        row = table.rows[index]
        if [squash(c.text) for c in without_padding(row)] == layout.header:
            continue  # a header repeated after a page break
        label_cells, pairs, rule = align_row(row, layout)
        if layout.has_serial and label_cells and is_serial_cell(label_cells[0].text):
            label_cells = label_cells[1:]
        unit_raw = None
        if layout.unit_column is not None and len(without_padding(row)) <= len(layout.header) <= len(row):
            unit_raw = squash(row[layout.unit_column].text) or None
        texts = []
        for cell in label_cells:
            text = cell.text.strip()
            if not text:
                continue
            if is_known_unit(text):
                unit_raw = unit_raw or squash(text)
                continue
            texts.append(text)
        raw_label = " ".join(texts)
        labels = [clean_label(t) for t in texts]
        rows.append(
            AlignedRow(
                index=index,
                cells=row,
                labels=[t for t in labels if t],
                raw_label=raw_label,
                unit_raw=unit_raw,
                values=pairs,
                rule=rule,
                is_sub_row=any(SUB_ROW.match(t) for t in texts),
            )
        )
    return rows


def row_name(row: AlignedRow) -> str:
    """The indicator a row states: its most specific label (the last), unless
    that only qualifies the one before (`总任务`)."""
    labels = [t for t in row.labels if not header_pattern("qualifier_label").match(t)]
    return labels[-1] if labels else ""


def label_unit(name: str) -> str | None:
    """The unit a label gives: `城镇新增就业（人）` → 人; `…参保率` → %."""
    m = TRAILING_UNIT.search(name)
    if m and is_known_unit(m.group(1)):
        return squash(m.group(1))
    bare = re.sub(r"[（(].*?[)）]", "", name)
    for suffix, unit in load_yaml("table_headers.yml")["label_units"].items():
        if bare.endswith(suffix):
            return unit
    return None


@cache
def _units_by_indicator() -> dict[str, str]:
    return {i["id"]: i.get("unit") for i in load_indicators()}


def lexicon_unit(name: str) -> str | None:
    """The base unit of the canonical indicator a row names, for rows whose
    table gives no unit at all (`创业培训 | 600 | …`)."""
    indicator = link_indicator(name)
    return _units_by_indicator().get(indicator) if indicator else None


def find_sub_units(rows: list[AlignedRow]) -> dict[int, str]:
    """Rows listed after a district whose values add up to the district's:
    its sub-units (a new area followed by the zones it contains). Maps row
    index → parent region."""
    parents: dict[int, str] = {}
    numbers = [_row_numbers(r) for r in rows]
    for i, row in enumerate(rows):
        if not numbers[i] or is_total(row.raw_label):
            continue
        for j in range(i + 2, len(rows)):
            children = numbers[i + 1 : j + 1]
            if not all(children):
                break
            if _sums_to(numbers[i], children):
                for k in range(i + 1, j + 1):
                    parents[rows[k].index] = squash(row.raw_label)
                break
    return parents


def _row_numbers(row: AlignedRow) -> dict[int, float]:
    out = {}
    for column, cell in row.values:
        q = parse_cell(cell.text, None)
        if q is not None:
            out[column.index] = q.value
    return out


def _sums_to(parent: dict[int, float], children: list[dict[int, float]]) -> bool:
    shared = [c for c in parent if any(c in child for child in children)]
    if not shared:
        return False
    return all(abs(parent[c] - sum(child.get(c, 0) for child in children)) < 1e-6 for c in shared)


# --- values --------------------------------------------------------------------


def table_to_values(
    table: Table, table_index: int, context: DocumentContext
) -> tuple[list[IndicatorValue], list[Score]]:
    layout = table_to_layout(table)
    if layout is None or not layout.value_columns:
        return [], []
    rows = layout_to_rows(table, layout)
    sub_units = find_sub_units(rows) if layout.regions_as_rows else {}
    values: list[IndicatorValue] = []
    scores: list[Score] = []
    section = None
    parent = None
    parent_unit = None
    for row in rows:
        name = row_name(row)
        values.extend(_values_in_label_cells(row, table_index, context, evidence=" | ".join(c.text.strip() for c in row.cells if c.text.strip())))
        if not row.values:
            if name:
                parent_unit = row.unit_raw or label_unit(name)
                if row.labels and not row.unit_raw and len(row.labels) == 1 and not row.is_sub_row and _is_section(row, layout):
                    section = name
                parent = name
            continue
        if not row.is_sub_row:
            parent = name
            parent_unit = row.unit_raw or label_unit(name)
        elif not row.unit_raw and not label_unit(name):
            row.unit_raw = parent_unit
        evidence = " | ".join(c.text.strip() for c in row.cells if c.text.strip())
        for column, cell in row.values:
            if column.is_score:
                q = parse_cell(cell.text, None)
                if q is not None:
                    scores.append(
                        Score(name_raw=name, points=q.value, rule=row.rule, evidence=evidence,
                              char_start=cell.start, char_end=cell.end, table_index=table_index,
                              row_index=row.index, col_index=column.index)
                    )
                continue
            value = _cell_to_value(table, layout, row, column, cell, name, context)
            if value is None:
                continue
            value.evidence = evidence
            value.table_index = table_index
            value.row_index = row.index
            value.col_index = column.index
            value.page = (table.row_pages[row.index] if table.row_pages else table.page)
            value.section = section
            value.parent_name = parent if row.is_sub_row and parent != name else None
            value.parent_region = sub_units.get(row.index)
            values.append(value)
    return values, scores


WORDS_THEN_NUMBER = re.compile(r"[^\W\d_]\D*\d")  # a letter, later a digit


def _values_in_label_cells(row: AlignedRow, table_index: int, context: DocumentContext, evidence: str) -> list[IndicatorValue]:
    """Values stated inside a text cell (`退休人员及时纳入社区管理，社区管理率100%`)."""
    from extract.prose import clean_name

    out = []
    for cell in row.cells:
        if not cell.text or len(cell.text) > 80 or cell.text == row.rule or not WORDS_THEN_NUMBER.search(cell.text):
            continue  # a value here needs words before it to name it (most cells are names or numbers)
        for q in find_quantities(cell.text):
            if q.unit is None or q.unit in ("分", "岁", "年") or q.start == 0:
                continue
            before = re.split(r"[，,；;：:。（(]", cell.text[: q.start])[-1]
            name = clean_name(before)
            if not name:
                continue
            out.append(
                IndicatorValue(
                    name_raw=name, value=q.value, value_max=q.value_max, unit=q.unit, unit_raw=q.unit_raw,
                    comparator=q.comparator, value_raw=q.raw, kind="target",
                    period=context.target_period, year=context.target_year, evidence=evidence,
                    char_start=cell.start + q.start, char_end=cell.start + q.end, source="table",
                    table_index=table_index, row_index=row.index,
                    col_index=row.cells.index(cell),
                )
            )
    return out


def _is_section(row: AlignedRow, layout: Layout) -> bool:
    # Section rows (`一 就业`) carry a serial in Chinese numerals or stand alone.
    first = row.cells[0].text.strip() if row.cells else ""
    return bool(re.match(r"^[一二三四五六七八九十]{1,3}[、.．]?$", first)) or not layout.has_serial


def _cell_to_value(
    table: Table,
    layout: Layout,
    row: AlignedRow,
    column: ValueColumn,
    cell: Cell,
    name: str,
    context: DocumentContext,
) -> IndicatorValue | None:
    q0 = parse_cell(cell.text, None)
    if q0 is None:
        return None
    region = None
    if layout.regions_as_rows:
        label = squash(row.raw_label)
        region = None if is_total(label) else label
        name = _column_indicator_name(column, layout)
    elif layout.regions_as_columns:
        region = column.region
    unit_raw = (
        q0.unit_raw
        or row.unit_raw
        or label_unit(name)
        or table.unit_caption
        or label_unit(_column_indicator_name(column, layout))
        or lexicon_unit(name)
    )
    if layout.regions_as_rows and not q0.unit_raw:
        unit_raw = table.unit_caption or row.unit_raw or label_unit(name)
    q = parse_cell(cell.text, None if q0.unit_raw else unit_raw)
    if q is None:
        return None
    kind = column.kind or layout.caption_kind or "target"
    year = column.year or layout.caption_year
    period = column.period or _period_for_year(year, kind, layout.caption_period)
    if period is None and year is None:
        period = context.target_period if kind == "target" else context.review_period
    if year is None:
        year = period_years(period)[1] if period else (context.target_year if kind == "target" else context.actual_year)
    return IndicatorValue(
        name_raw=name,
        value=q.value,
        value_max=q.value_max,
        unit=q.unit,
        unit_raw=q.unit_raw or unit_raw,
        comparator=q.comparator,
        value_raw=cell.text.strip(),
        kind=kind,
        period=period,
        year=year,
        region=region,
        char_start=cell.start,
        char_end=cell.end,
        source="table",
        column_header=column.header,
    )


def _period_for_year(year: int | None, kind: str, caption_period: str | None) -> str | None:
    """The plan period of a column that names only a year: the caption's period
    when the year falls in it (`2025年目标` under a 十四五 caption); for an
    achieved value of an earlier year (`2020年基期`), the period it ends."""
    if year is None:
        return caption_period
    if caption_period:
        first, last = period_years(caption_period)
        if first <= year <= last:
            return caption_period
    return period_of_year(year) if kind == "actual" else None


def _column_indicator_name(column: ValueColumn, layout: Layout) -> str:
    """In a regions-as-rows table the indicator is the column's header, or the
    caption when the header is generic (`2017年目标数`)."""
    header = column.header
    if header and not header_pattern("generic_value_header").match(header) and not is_total(header):
        return header
    caption = squash(layout.caption or "")
    caption = re.sub(r"^(20\d\d)年(度)?", "", caption)
    caption = re.sub(r"(分区|分解|分配)?(计划|任务|目标)?(表|一览表)$", "", caption)
    return caption or header
