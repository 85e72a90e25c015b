"""Calendar quarters as the board report names them: 2024Q1 is January to March 2024.

Pure: no Flask, no database.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from ..errors import BrokerageError

FIRST_YEAR, LAST_YEAR = 2000, 2100
_QUARTER = re.compile(r"^(?P<year>\d{4})\s*-?\s*Q(?P<number>\d)$", re.IGNORECASE)


class InvalidQuarter(BrokerageError):
    """The text names no quarter; the message says what would."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @property
    def starts_on(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def ends_on(self) -> date:
        month = 3 * self.number
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def months(self) -> list[date]:
        """The first day of each of its three months."""
        return [date(self.year, 3 * self.number - 2 + i, 1) for i in range(3)]

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def title(self) -> str:
        first, last = self.months[0], self.months[-1]
        return f"{first:%B} to {last:%B} {self.year}"

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def parse_quarter(text: str) -> Quarter:
    """The quarter `text` names (2024Q1, 2024-Q1, 2024q1); raises InvalidQuarter."""
    written = text.strip()
    match = _QUARTER.match(written)
    if match is None:
        raise InvalidQuarter(
            f"“{written[:40]}” is not a quarter: write a year and Q1 to Q4, as in 2024Q1."
        )
    year, number = int(match["year"]), int(match["number"])
    if not 1 <= number <= 4:
        raise InvalidQuarter(f"{written}: a year has four quarters, Q1 to Q4.")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidQuarter(f"{written}: the year must be from {FIRST_YEAR} to {LAST_YEAR}.")
    return Quarter(year, number)
