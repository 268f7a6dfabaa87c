"""Partial dates: ``1957``, ``1957-10`` or ``1957-10-04``, always UTC.

History is often known only to the month or the year ("planned for 2030"), so a date keeps the
precision it was written with: it sorts, compares and overlaps as the whole period it names, and it
is shown at that precision ("1957", "Oct 1957", "4 Oct 1957").
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic_core import PydanticCustomError, core_schema

Precision = Literal["year", "month", "day"]

PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
_FORM = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_MONTHS = calendar.month_abbr
TODAY_ENV = "TIMELINE_TODAY"  # YYYY-MM-DD: the day the rules on past and future dates take as today


def today() -> dt.date:
    """Today in UTC, for the rules on past and future dates; ``$TIMELINE_TODAY`` overrides it (tests)."""
    fixed = os.environ.get(TODAY_ENV, "").strip()
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            pass  # a bad override is ignored, not fatal: the real date is always a sound answer
    return dt.datetime.now(dt.timezone.utc).date()


@dataclass(frozen=True, order=True, slots=True)
class PartialDate:
    """A calendar date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        """Read ``1957``, ``"1957-10"``, ``"1957-10-04"`` or a ``datetime.date``; raise ValueError."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            raise ValueError("expected a date (YYYY, YYYY-MM or YYYY-MM-DD), not a date and time")
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError(f"expected a date (YYYY, YYYY-MM or YYYY-MM-DD), got {value!r}")
        text = str(value).strip()
        match = _FORM.fullmatch(text)
        if not match:
            raise ValueError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}")
        year, month, day = (int(part) if part else None for part in match.groups())
        if year < 1:
            raise ValueError(f"impossible date {text!r}: year must be 0001 or later")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"impossible date {text!r}: month must be 01 to 12")
        if day is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(
                    f"impossible date {text!r}: {_MONTHS[month]} {year} has days 01 to {last:02d}"
                )
        return cls(year, month, day)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def first_day(self) -> dt.date:
        """The first day of the period this date names."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        """The last day of the period this date names (windows and spans overlap on whole periods)."""
        if self.day is not None:
            return dt.date(self.year, self.month, self.day)
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def label(self) -> str:
        """Human form at the date's own precision: ``1957``, ``Oct 1957``, ``4 Oct 1957``."""
        month = _MONTHS[self.month] if self.month is not None else None
        return " ".join(str(p) for p in (self.day, month, self.year) if p is not None)

    def __str__(self) -> str:
        """The written form at its precision: ``1957``, ``1957-10``, ``1957-10-04``."""
        return "-".join([f"{self.year:04d}", *(f"{p:02d}" for p in (self.month, self.day) if p is not None)])

    # pydantic integration: validated from YAML/JSON scalars, serialised back to the written form.
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        def validate(value: Any) -> PartialDate:
            try:
                return cls.parse(value)
            except ValueError as exc:
                raise PydanticCustomError("partial_date", str(exc)) from None

        return core_schema.no_info_plain_validator_function(
            validate, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        return {
            "anyOf": [
                {"type": "string", "pattern": PATTERN},
                {"type": "integer", "minimum": 1, "maximum": 9999},
            ],
            "description": "UTC date as YYYY, YYYY-MM or YYYY-MM-DD; the precision is kept.",
            "examples": ["1957-10-04", "1957-10", "1957"],
        }
