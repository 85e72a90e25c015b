"""The spreadsheet columns of each kind, and how one cell is read and written back.

Reading a cell either returns its value or raises CellError with a reason a person can
act on; writing a value gives the text that reads back to the same value, so an export
imports again unchanged.

    measures("NT1:40;NT3:2")                    # {"NT1": (Decimal("40"), None), ...}
    measures("NT3:3:2", weighted=True)          # {"NT3": (Decimal("3"), Decimal("2"))}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from types import SimpleNamespace
from typing import Any, Literal, overload

from wtforms.validators import ValidationError

from ..accounts.identifiers import LABELS
from ..accounts.models import OrganisationKind
from ..listings.models import Listing, Need, Offer, Opportunity
from ..partnership import current_partnership
from ..toms.fields import MAX_MEASURES, parse_quantity, quantity_text
from ..validators import plain_name, plain_text

ORGANISATION_COLUMNS = (
    "ref",
    "name",
    "postcode",
    "sector",
    "size",
    "vcse",
    "living_wage",
    "description",
    "website",
)
# Optional columns of every organisation kind: Companies House and Charity Commission numbers.
IDENTIFIER_COLUMNS = tuple(LABELS)
MAX_WEIGHT = Decimal(100)
MAX_VALUE_GBP = Decimal(10_000_000_000)
MAX_REF = 60
MAX_TITLE = 160
MAX_DESCRIPTION = 4000
YES, NO = "yes", "no"


@dataclass(frozen=True)
class Kind:
    """One kind of import file: its columns and what its rows become."""

    name: str  # as typed on the command line: suppliers, offers...
    label: str
    columns: tuple[str, ...]
    # Organisation kinds: the kind of organisation each row is. Listing kinds: the
    # kind of organisation each row belongs to, named by `parent_column`.
    organisation_kind: OrganisationKind
    listing: type[Listing] | None = None
    parent_column: str = ""
    # Columns a file may leave out (files written before they existed); exports write them.
    optional_columns: tuple[str, ...] = ()

    @property
    def all_columns(self) -> tuple[str, ...]:
        return (*self.columns, *self.optional_columns)


KINDS = {
    kind.name: kind
    for kind in (
        Kind(
            "suppliers",
            "Suppliers",
            ORGANISATION_COLUMNS,
            OrganisationKind.SUPPLIER,
            optional_columns=("trades", *IDENTIFIER_COLUMNS),
        ),
        Kind(
            "buyers",
            "Buyers",
            ORGANISATION_COLUMNS,
            OrganisationKind.BUYER,
            optional_columns=("type", *IDENTIFIER_COLUMNS),
        ),
        Kind(
            "beneficiaries",
            "Beneficiaries",
            ORGANISATION_COLUMNS,
            OrganisationKind.BENEFICIARY,
            optional_columns=("type", *IDENTIFIER_COLUMNS),
        ),
        Kind(
            "offers",
            "Social value offers",
            (
                "ref",
                "supplier_ref",
                "title",
                "description",
                "measures",
                "available_from",
                "available_to",
            ),
            OrganisationKind.SUPPLIER,
            Offer,
            "supplier_ref",
        ),
        Kind(
            "opportunities",
            "Procurement opportunities",
            (
                "ref",
                "buyer_ref",
                "title",
                "description",
                "postcode",
                "category",
                "value_gbp",
                "deadline",
                "measures",
            ),
            OrganisationKind.BUYER,
            Opportunity,
            "buyer_ref",
            optional_columns=("trades",),
        ),
        Kind(
            "needs",
            "Needs",
            ("ref", "beneficiary_ref", "title", "description", "postcode", "measures", "deadline"),
            OrganisationKind.BENEFICIARY,
            Need,
            "beneficiary_ref",
        ),
    )
}


class CellError(ValueError):
    """A cell that cannot be used; the message names the column and says why."""


def _shared_check(check: Any, column: str, value: str) -> None:
    """Run one of the forms' shared text validators on a cell."""
    try:
        check(None, SimpleNamespace(data=value))
    except ValidationError as error:
        raise CellError(f"{column}: {error}") from error


def name(value: str, column: str, max_length: int = MAX_TITLE) -> str:
    """A required one-line name (a ref, a title, an organisation's name)."""
    value = " ".join(value.split())
    if not value:
        raise CellError(f"{column} is empty.")
    if len(value) > max_length:
        raise CellError(f"{column} is {len(value)} characters long; the most is {max_length}.")
    _shared_check(plain_name, column, value)
    return value


def text(value: str, column: str, max_length: int = MAX_DESCRIPTION) -> str:
    """Free text, kept as written (HTML included: it is shown escaped)."""
    value = value.strip()
    if len(value) > max_length:
        raise CellError(f"{column} is {len(value)} characters long; the most is {max_length}.")
    _shared_check(plain_text, column, value)
    return value


def choice(value: str, column: str, allowed: Any, required: bool) -> str | None:
    """One of an enum's values (blank allowed unless `required`)."""
    value = value.strip().lower()
    if not value:
        if required:
            raise CellError(f"{column} is empty.")
        return None
    values = _values_of(allowed)
    if value not in values:
        raise CellError(f"{column} “{value[:30]}” is not one of: {', '.join(values)}.")
    return value


@cache
def _values_of(allowed: Any) -> tuple[str, ...]:
    return tuple(item.value for item in allowed)


def yes_no(value: str, column: str) -> bool:
    value = value.strip().lower()
    if value in (YES, "y", "true", "1"):
        return True
    if value in (NO, "n", "false", "0", ""):
        return False
    raise CellError(f"{column} must be yes or no, not “{value[:20]}”.")


@overload
def iso_date(value: str, column: str, required: Literal[True]) -> date: ...
@overload
def iso_date(value: str, column: str, required: bool = False) -> date | None: ...
def iso_date(value: str, column: str, required: bool = False) -> date | None:
    value = value.strip()
    if not value:
        if required:
            raise CellError(f"{column} is empty.")
        return None
    problem = CellError(f"{column} “{value[:20]}” is not a date written YYYY-MM-DD.")
    if len(value) != 10:  # fromisoformat also reads 20240131 and week dates
        raise problem
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise problem from error


def amount(value: str, column: str, maximum: Decimal) -> Decimal | None:
    """An optional positive number (such as a contract's value in pounds)."""
    value = value.strip().removeprefix("£")
    if not value:
        return None
    try:
        return parse_quantity(value, maximum)
    except ValueError as error:
        raise CellError(f"{column} {error}.") from error


def measures(
    value: str, *, weighted: bool = False, quantity_required: bool = True
) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    """`CODE:QUANTITY;...` (with `:WEIGHT` after the target when `weighted`) as
    {code: (quantity, weight)}, in the order written."""
    found: dict[str, tuple[Decimal | None, Decimal | None]] = {}
    for part in filter(None, (piece.strip() for piece in value.split(";"))):
        code, *numbers = (piece.strip() for piece in part.split(":"))
        if not code or len(numbers) > (2 if weighted else 1):
            shape = "CODE:TARGET:WEIGHT" if weighted else "CODE:QUANTITY"
            raise CellError(f"measures: “{part[:40]}” is not written {shape}.")
        if code in found:
            raise CellError(f"measures: {code[:40]} is named twice.")
        quantity_text = numbers[0] if numbers else ""
        if not quantity_text and quantity_required:
            raise CellError(f"measures: {code[:40]} has no quantity.")
        found[code] = (
            _number(quantity_text, code, "quantity", None),
            _number(numbers[1], code, "weight", MAX_WEIGHT) if len(numbers) > 1 else None,
        )
    if not found:
        example = current_partnership().examples["measure"]
        raise CellError(f"measures is empty: name at least one TOMs measure, like {example}:40.")
    if len(found) > MAX_MEASURES:
        raise CellError(f"measures names {len(found)} measures; the most is {MAX_MEASURES}.")
    return found


def _number(value: str, code: str, what: str, maximum: Decimal | None) -> Decimal | None:
    if not value:
        return None
    try:
        return parse_quantity(value, maximum) if maximum else parse_quantity(value)
    except ValueError as error:
        raise CellError(f"measures: the {what} of {code[:40]} {error}.") from error


def write_measures(rows: list[tuple[str, Decimal | None, Decimal | None]]) -> str:
    """The cell `measures` reads back: weights only when they are not the default 1."""
    parts = []
    for code, quantity, weight in rows:
        part = f"{code}:{quantity_text(quantity)}" if quantity is not None else code
        if weight is not None and weight != 1:
            part += f":{quantity_text(weight)}"
        parts.append(part)
    return ";".join(parts)


def write_yes_no(value: bool) -> str:
    return YES if value else NO


def write_date(value: date | None) -> str:
    return value.isoformat() if value else ""


# A cell starting with one of these would be run as a formula when the file is opened in
# a spreadsheet (tab and carriage return: some skip them before such a sign).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def _looks_like_formula(cell: str) -> bool:
    return cell.lstrip(TEXT_MARK).startswith(FORMULA_STARTS)


def neutralise(cell: str) -> str:
    """The cell as it may safely be written to a CSV file: an apostrophe in front, which
    spreadsheets read as "this is text", and which the importer takes off again (a cell
    that already starts with apostrophes gains one too, so `restore` gives it back whole)."""
    return TEXT_MARK + cell if _looks_like_formula(cell) else cell


def restore(cell: str) -> str:
    """The cell as it was before `neutralise`."""
    return cell[1:] if cell.startswith(TEXT_MARK) and _looks_like_formula(cell) else cell
