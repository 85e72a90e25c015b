"""Read the plan's "Time scales" cells: a month, a range of months, On-going or TBC.

Pure: no Flask, no database. A timescale keeps the text as written; its dates are the
first day of its first month and the last day of its last month.
"""

from __future__ import annotations

import calendar
import enum
import re
from dataclasses import dataclass
from datetime import date


class TimescaleKind(enum.StrEnum):
    MONTHS = "months"
    ONGOING = "ongoing"
    TBC = "tbc"
    NONE = "none"


class TimescaleError(ValueError):
    """The text is not a timescale; the message names it and says what would be."""


@dataclass(frozen=True)
class Timescale:
    text: str
    kind: TimescaleKind
    starts_on: date | None = None
    ends_on: date | None = None


MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9

# "May 2023", "April 2023-October 2024", "April 2023- March 2024", "July-September 2023".
_MONTH, _YEAR = r"[a-z]+\.?", r"(?:19|20)\d\d"
_RANGE = re.compile(
    rf"^(?P<first>{_MONTH})(?:\s+(?P<first_year>{_YEAR}))?"
    rf"\s*-\s*(?P<last>{_MONTH})\s+(?P<year>{_YEAR})$"
)
_SINGLE = re.compile(rf"^(?P<month>{_MONTH})\s+(?P<year>{_YEAR})$")
_ONGOING = {"on-going", "ongoing", "on going"}
_TBC = {"tbc", "to be confirmed"}


def parse_timescale(text: str) -> Timescale:
    """The timescale `text` describes; raises TimescaleError if it describes none."""
    written = " ".join(text.split())
    plain = re.sub(r"\s*[-–—]\s*", "-", written.lower())
    if not plain:
        return Timescale(written, TimescaleKind.NONE)
    if plain in _ONGOING:
        return Timescale(written, TimescaleKind.ONGOING)
    if plain in _TBC:
        return Timescale(written, TimescaleKind.TBC)
    if match := _SINGLE.match(plain):
        month, year = _month(match["month"], written), int(match["year"])
        return Timescale(
            written, TimescaleKind.MONTHS, _first_day(year, month), _last_day(year, month)
        )
    if match := _RANGE.match(plain):
        first, last = _month(match["first"], written), _month(match["last"], written)
        last_year = int(match["year"])
        # "November-February 2024" runs from November 2023.
        first_year = int(match["first_year"] or (last_year if first <= last else last_year - 1))
        starts_on, ends_on = _first_day(first_year, first), _last_day(last_year, last)
        if ends_on < starts_on:
            raise TimescaleError(f"timescale '{written}' ends before it starts")
        return Timescale(written, TimescaleKind.MONTHS, starts_on, ends_on)
    raise _not_a_timescale(written)


def _month(name: str, written: str) -> int:
    name = name.rstrip(".")
    if name not in MONTHS:
        raise _not_a_timescale(written)
    return MONTHS[name]


def _not_a_timescale(written: str) -> TimescaleError:
    return TimescaleError(
        f"timescale '{written}' is not a month, a range of months, On-going or TBC"
    )


def _first_day(year: int, month: int) -> date:
    return date(year, month, 1)


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])
