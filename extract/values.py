"""What the extractors return: one `IndicatorValue` per stated value."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Quantity:
    """A number as written with its unit, normalised to base units.

    `value` is in base units (`48万人` → 480000 `人`); `value_max` is the upper
    end of a range; `raw` is the text of the number (and range) as written,
    `unit_raw` the unit as written (`万人`); `start`/`end` span `raw` in the
    string that was parsed.
    """

    value: float
    unit: str | None
    comparator: str = "="
    value_max: float | None = None
    raw: str = ""
    unit_raw: str | None = None
    start: int = 0
    end: int = 0


@dataclass
class IndicatorValue:
    name_raw: str
    value: float
    unit: str | None
    kind: str  # target | actual
    comparator: str = "="
    value_max: float | None = None
    value_raw: str = ""
    unit_raw: str | None = None
    period: str | None = None
    year: int | None = None
    region: str | None = None
    # provenance
    evidence: str = ""
    char_start: int | None = None
    char_end: int | None = None
    source: str = "prose"  # prose | table
    table_index: int | None = None
    row_index: int | None = None
    col_index: int | None = None
    page: int | None = None
    section: str | None = None
    parent_name: str | None = None  # for 其中 sub-rows: the row they belong to
    parent_region: str | None = None  # for sub-units listed after their district
    column_header: str | None = None
    indicator_id: str | None = None  # canonical indicator, set by linking
    extra: dict = field(default_factory=dict)
