"""Consistency checks: the allocations in a table that should add up.

    >>> write_checks(sqlite_utils.Database("plankb.db"))   # doctest: +SKIP

Three kinds of check, each on the values of one table with the same name as
written, kind, period, year and unit:

`regions_sum`        the table's whole-jurisdiction value (the 合计 row or the
                     value with no region) against the sum of its top-level
                     regions (those with no `parent_region`);
`subunits_sum`       a district's value against the sum of the sub-units listed
                     under it (`parent_region`), e.g. a new area and its zones;
`part_within_parent` a `其中` row (`parent_name`) against the row it is part
                     of, for the same region: the part must not exceed it.

Only quantities that add up are checked: counts and amounts (a linked
indicator whose measure is `flow` or `stock`; an unlinked one whose unit is not
a rate, a ratio or a level per person such as 元/月). A check passes when the
difference is within the rounding of the numbers as written: half a unit of
the last digit of each number that was written with a magnitude or decimals
(`83.55万` may be off by 50, `48万` by 5000); exact integers must match.

`values_to_checks` computes (no database); `write_checks` reads the values
from the database and writes the `checks` table.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

ADDITIVE_MEASURES = {"flow", "stock"}
# Units of quantities that do not add up across regions.
NON_ADDITIVE_UNITS = {"%", "‰", "个百分点", "百分点", "倍"}
_NUMBER = re.compile(r"\d+(?:\.(\d+))?")


@dataclass
class Check:
    document_id: int
    table_id: int | None
    indicator: str
    indicator_id: str | None
    kind: str
    period: str | None
    year: int | None
    region: str | None
    part_name: str | None
    check_type: str
    expected: float
    actual: float
    difference: float
    tolerance: float
    ok: bool
    n_parts: int
    unit: str | None
    total_value_id: int
    part_value_ids: str  # JSON list


def is_additive(measure: str | None, unit: str | None) -> bool:
    """Whether values of this measure and unit add up across regions.

    >>> is_additive("flow", "人"), is_additive("rate", "%"), is_additive(None, "元/月"), is_additive(None, "人")
    (True, False, False, True)
    """
    if measure:
        return measure in ADDITIVE_MEASURES
    return bool(unit) and unit not in NON_ADDITIVE_UNITS and "/" not in unit


def rounding_step(value: float, value_raw: str | None) -> float:
    """What one unit of the last digit written stands for, in base units.

    >>> rounding_step(835500, "83.55"), rounding_step(480000, "48"), rounding_step(1995, "1995")
    (100.0, 10000.0, 1.0)
    """
    match = _NUMBER.search((value_raw or "").replace(",", "").replace("，", ""))
    if not match or not float(match.group(0)):
        return 0.0
    decimals = len(match.group(1) or "")
    return round(abs(value / float(match.group(0))) * 10**-decimals, 9)


def _allowance(values: Iterable[dict]) -> float:
    """Half the rounding step of every number written with a magnitude or decimals."""
    steps = (rounding_step(v["value"], v["value_raw"]) for v in values)
    return round(sum(step for step in steps if step > 1) / 2, 6)


def _check(
    check_type: str, total: dict, parts: list[dict], actual: float, region: str | None = None, part_name: str | None = None
) -> Check:
    expected = total["value"]
    difference = round(actual - expected, 6)
    tolerance = _allowance([total, *parts])
    if check_type == "part_within_parent":
        ok = difference <= tolerance
    else:
        ok = abs(difference) <= tolerance
    return Check(
        document_id=total["document_id"],
        table_id=total["table_id"],
        indicator=total["name_raw"],
        indicator_id=total["indicator_id"],
        kind=total["kind"],
        period=total["period"],
        year=total["year"],
        check_type=check_type,
        expected=expected,
        actual=round(actual, 6),
        difference=difference,
        tolerance=tolerance,
        ok=ok,
        n_parts=len(parts),
        unit=total["unit"],
        total_value_id=total["id"],
        part_value_ids=json.dumps([p["id"] for p in parts]),
        region=region,
        part_name=part_name,
    )


def values_to_checks(values: list[dict]) -> list[Check]:
    """The checks for a list of values (dicts with the columns of
    indicator_values and the linked indicator's `measure`), in table order."""
    values = [v for v in values if v["value"] is not None and is_additive(v.get("measure"), v["unit"])]
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for v in values:
        if v["table_id"] is not None:
            key = (v["document_id"], v["table_id"], v["name_raw"], v["parent_name"], v["kind"], v["period"], v["year"], v["unit"])
            groups[key].append(v)
    checks = []
    for group in groups.values():
        checks.extend(_allocation_checks(group))
    checks.extend(_part_checks(values))
    return checks


def _allocation_checks(group: list[dict]) -> list[Check]:
    totals = _distinct([v for v in group if v["region"] is None])
    top = [v for v in group if v["region"] is not None and v["parent_region"] is None]
    checks = []
    if top:
        for total in totals:
            checks.append(_check("regions_sum", total, top, sum(v["value"] for v in top)))
    by_parent: dict[str, list[dict]] = defaultdict(list)
    for v in group:
        if v["region"] is not None and v["parent_region"] is not None:
            by_parent[v["parent_region"]].append(v)
    for district, subunits in by_parent.items():
        for total in _distinct([v for v in top if v["region"] == district]):
            checks.append(
                _check("subunits_sum", total, subunits, sum(v["value"] for v in subunits), region=district)
            )
    return checks


def _part_checks(values: list[dict]) -> list[Check]:
    by_name: dict[tuple, list[dict]] = defaultdict(list)
    for v in values:
        by_name[(v["document_id"], v["table_id"], v["name_raw"], v["region"], v["kind"], v["period"], v["year"], v["unit"])].append(v)
    checks = []
    for part in values:
        if not part["parent_name"]:
            continue
        key = (part["document_id"], part["table_id"], part["parent_name"], part["region"], part["kind"], part["period"], part["year"], part["unit"])
        for parent in _distinct(by_name.get(key, [])):
            checks.append(
                _check("part_within_parent", parent, [part], part["value"], region=part["region"], part_name=part["name_raw"])
            )
    return checks


def _distinct(values: list[dict]) -> list[dict]:
    """The first value of each distinct number (a total stated twice is one total)."""
    seen, kept = set(), []
    for v in values:
        if v["value"] not in seen:
            seen.add(v["value"])
            kept.append(v)
    return kept


VALUES_SQL = """
select iv.id, iv.document_id, iv.table_id, iv.name_raw, iv.indicator_id, iv.region, iv.parent_region,
       iv.parent_name, iv.kind, iv.period, iv.year, iv.value, iv.value_raw, iv.unit, i.measure
from indicator_values iv
left join indicators i on i.id = iv.indicator_id
order by iv.document_id, iv.table_id, iv.row_index, iv.col_index, iv.id
"""


def _table_order(value: dict) -> tuple:
    # VALUES_SQL's order (table, row, column, id; SQL puts NULL first).
    table, row, col = value["table_id"], value["row_index"], value["col_index"]
    return (table is not None, table or 0, row is not None, row or 0, col is not None, col or 0, value["id"])


def document_checks(values: list[dict], measures: dict[str, str | None]) -> list[Check]:
    """The checks of one document's values (rows of indicator_values, in any
    order); `measures` gives each canonical indicator's measure."""
    # Only quantities that add up take part (`values_to_checks` keeps those
    # alone): the rest are neither copied nor sorted.
    additive = []
    for v in values:
        measure = measures.get(v["indicator_id"])
        if v["value"] is not None and is_additive(measure, v["unit"]):
            additive.append({**v, "measure": measure})
    return values_to_checks(sorted(additive, key=_table_order))


def check_rows(checks: Iterable[Check], first_id: int) -> list[dict]:
    """The rows of the `checks` table for `checks`, numbered from `first_id`."""
    # vars, not asdict: a Check holds only numbers and strings, and asdict
    # deep-copies every field (a fifth of the writer's Python time).
    return [{"id": n, **vars(check)} for n, check in enumerate(checks, start=first_id)]


def write_checks(db) -> int:
    """Compute the checks of every value in `db` (a sqlite_utils.Database) and
    write them to its empty `checks` table; returns how many were written. (A
    build writes each document's checks with its values, in the same order:
    document by document, allocation checks before part checks.)

    No check spans two documents, so the values are read one document at a
    time and memory does not grow with the corpus."""
    numbered = 0
    values = (dict(row) for row in db.query(VALUES_SQL))
    for _, document_values in groupby(values, key=lambda v: v["document_id"]):
        rows = check_rows(values_to_checks(list(document_values)), numbered + 1)
        db["checks"].insert_all(rows)
        numbered += len(rows)
    return numbered
