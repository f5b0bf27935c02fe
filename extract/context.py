"""What a document tells about the values in it before any value is read:
its type, plan period and year, and so the default kind, period and year of
targets and of achieved values."""

from __future__ import annotations

from dataclasses import dataclass

from extract.periods import period_of_year, period_years


@dataclass(frozen=True)
class DocumentContext:
    doc_type: str | None = None
    period: str | None = None  # the plan period the document plans for
    year: int | None = None  # the year an annual plan or assessment is for

    @property
    def target_period(self) -> str | None:
        return self.period if self.doc_type in (None, "five_year_plan", "interpretation") else None

    @property
    def target_year(self) -> int | None:
        if self.target_period:
            return period_years(self.target_period)[1]
        return self.year

    @property
    def review_period(self) -> str | None:
        """The period a five-year plan reviews: the one before its own."""
        if self.period:
            first, _ = period_years(self.period)
            return period_of_year(first - 1)
        return None

    @property
    def actual_year(self) -> int | None:
        if self.review_period:
            return period_years(self.review_period)[1]
        if self.year:
            return self.year - 1
        return None
