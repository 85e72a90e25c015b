"""The one way the site writes numbers and dates for people to read.

Quantities ("40", "1.5", "1,250"), money ("£1,250", "£12.50"), percentages ("40%") and
dates ("4 December 2026", "4 December 2026 at 14:05", "December 2026") all come from here,
in Python and in templates (the Jinja filters `register_filters` adds in create_app). A
Decimal is never written with `str()`, which gives "4E+1" for forty.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from jinja2 import Environment
from markupsafe import Markup, escape

Number = Decimal | int | float
# Quantities are kept to the hundredth (toms.fields.parse_quantity); so are they shown.
QUANTITY_PLACES = 2
LOCAL_TIME = ZoneInfo("Europe/London")


@lru_cache(maxsize=4096, typed=True)
def _fixed(value: Number, places: int, grouping: bool) -> str:
    """`value` rounded half up to `places` decimals, in plain digits with trailing zeros
    (and a bare point) dropped: never an exponent, whatever the Decimal's size. Kept for
    the next call with an equal value of the same type, which writes it the same (a
    rebuild's reasons write the same few quantities tens of thousands of times)."""
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a number that can be shown")
    with localcontext() as context:
        # Enough digits for the whole part and the places, however large the exponent.
        context.prec = max(28, number.adjusted() + places + 2)
        rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(rounded, ",f" if grouping else "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_quantity(quantity: Number | None, *, grouping: bool = True) -> str:
    """40, 1.5 or 1,250 ("" for None). `grouping=False` writes 1250 for files and form
    fields, which read it back."""
    if quantity is None:
        return ""
    return _fixed(quantity, QUANTITY_PLACES, grouping)


def format_amount(quantity: Number | None, unit: str | None) -> str:
    """40 hours, 1.5 hours: a quantity with its unit (written as the measure names it)."""
    if quantity is None:
        return ""
    text = format_quantity(quantity)
    if not unit:
        return text
    return f"{text} {unit}"


def format_pounds(
    pence: int | None, *, pennies: Literal["auto", "always", "never"] = "auto"
) -> str:
    """£1,250 or £12.50 ("" for None). Pennies are shown when there are some ("auto"),
    always (proxy values, "£12.00") or never (totals, rounded to the pound)."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds = Decimal(abs(int(pence))) / 100
    if pennies == "never" or (pennies == "auto" and pence % 100 == 0):
        return f"{sign}£{_fixed(pounds, 0, True)}"
    return f"{sign}£{format(pounds.quantize(Decimal('0.01')), ',f')}"


def format_percent(share: Number | None, *, places: int = 0) -> str:
    """40% for a share of 0.4 ("–" when there is none to show)."""
    if share is None:
        return "–"
    number = Decimal(str(share)) if isinstance(share, float) else Decimal(share)
    return f"{_fixed(number * 100, places, True)}%"


def format_date(value: date | datetime | None) -> str:
    """4 December 2026 (a date-time is read in UK time first)."""
    day = _uk_day(value)
    return "" if day is None else f"{day.day} {day:%B %Y}"


def format_month(value: date | datetime | None) -> str:
    """December 2026: the month a date falls in, for periods counted by the month."""
    day = _uk_day(value)
    return "" if day is None else f"{day:%B %Y}"


def format_date_span(first: date | datetime | None, last: date | datetime | None) -> str:
    """When something took place, as a sentence goes on after "Delivered": "on 4 December
    2026" for a single day, "from 4 December 2026 to 6 December 2026" for more."""
    start, end = format_date(first), format_date(last)
    if start and end and start != end:
        return f"from {start} to {end}"
    day = start or end
    return f"on {day}" if day else ""


def _uk_day(value: date | datetime | None) -> date | None:
    """The day as it was in the UK: a date-time is read in UK time."""
    return _local(value) if isinstance(value, datetime) else value


def format_datetime(value: datetime | None) -> str:
    """4 December 2026 at 14:05, in UK time."""
    if value is None:
        return ""
    local = _local(value)
    return f"{format_date(local)} at {local:%H:%M}"


def _local(value: datetime) -> datetime:
    """Stored times are aware UTC (naive ones, from SQLite, are UTC too)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(LOCAL_TIME)


def sentence(text: str) -> str:
    """The text as a sentence or a list item starts: its first letter a capital, the rest as
    written ("description fit 26%: OX4" reads "Description fit 26%: OX4")."""
    return text[:1].upper() + text[1:]


def possessive(name: str) -> str:
    """A name's possessive, as a name ending in s takes it: "Arch’s", "Thames Valley Print
    Works’"."""
    return f"{name}’" if name.casefold().endswith("s") else f"{name}’s"


def whole_postcode(postcode: str | None) -> Markup:
    """A postcode kept on one line: "OX4 2JY" never breaks as "OX4 / 2JY" on a phone.
    Joined, not `Markup.format`ted: a page of search results draws twenty (2.5 us each, not 10)."""
    return Markup(f'<span class="text-nowrap">{escape(postcode or "")}</span>')  # noqa: S704 (escaped)


def register_filters(environment: Environment) -> None:
    """`{{ line.quantity | quantity }}`, `{{ line.quantity | amount(line.unit) }}`,
    `{{ pence | pounds }}`, `{{ share | percent }}`, `{{ day | date }}`,
    `{{ day | month }}`, `{{ moment | datetime }}`, `{{ first | date_span(last) }}`,
    `{{ words | sentence }}`, `{{ name | possessive }}`, `{{ code | postcode }}` in every
    template."""
    environment.filters.update(
        quantity=format_quantity,
        amount=format_amount,
        pounds=format_pounds,
        percent=format_percent,
        date=format_date,
        month=format_month,
        datetime=format_datetime,
        date_span=format_date_span,
        sentence=sentence,
        possessive=possessive,
        postcode=whole_postcode,
    )
