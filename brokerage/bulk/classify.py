"""Reading the words partners write for what an organisation does or is: sectors, trades
and organisation types, as free text.

A word that plainly names a category, a trade (a CPV code, a short-list label or synonym,
a CPV description) or an organisation type is read as one; anything else is kept as
written and reported as a warning with the nearest suggestions, never refused: staff
classify it later. Labels the app itself shows are always read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..accounts.models import OrganisationKind
from ..accounts.organisation_types import recognise as recognise_type
from ..accounts.organisation_types import suggest as suggest_types
from ..listings import cpv, trades
from ..listings.choices import Category
from .formats import CellError

MAX_WRITTEN = 120
_SEPARATORS = re.compile(r"[;\n|]+")


@dataclass
class Reading:
    """What a row's sector, trades and type cells say, and the warnings about them."""

    sector: str | None = None
    trade_codes: list[str] = field(default_factory=list)
    trades_written: list[str] = field(default_factory=list)
    organisation_type: str | None = None
    type_written: str = ""
    warnings: list[str] = field(default_factory=list)

    def add_trade(self, code: str) -> None:
        if code not in self.trade_codes:
            self.trade_codes.append(code)


def category_named(text: str) -> Category | None:
    """The category whose value or label this is, in any case."""
    key = " ".join(text.lower().split())
    for category in Category:
        if key in (category.value, category.label.lower()):
            return category
    return None


def pieces(cell: str) -> list[str]:
    """A cell's values, separated by semicolons, bars or lines."""
    return [" ".join(piece.split()) for piece in _SEPARATORS.split(cell) if piece.strip()]


def read_organisation(
    kind: OrganisationKind, sector: str, trade_cell: str = "", type_cell: str = ""
) -> Reading:
    """A supplier's sector cell and trades cell give its trades; a buyer's or a
    beneficiary's sector cell and type cell give its type. A category word also sets the
    profile's sector."""
    reading = Reading()
    supplier = kind == OrganisationKind.SUPPLIER
    for words in pieces(sector):
        category = category_named(words)
        if category is not None and reading.sector is None:
            reading.sector = category.value
        if category is not None:
            continue  # the profile's sector; matching reads it beside the trades
        if supplier:
            read_trade(reading, words, "sector")
        else:
            _read_type(reading, words, "sector")
    if supplier:
        for words in pieces(trade_cell):
            read_trade(reading, words, "trades")
    elif trade_cell.strip():
        raise CellError("trades: only suppliers have trades; leave the column empty.")
    if type_cell.strip():
        reading.organisation_type, reading.type_written = None, ""
        _read_type(reading, " ".join(type_cell.split()), "type")
    return reading


@dataclass(frozen=True)
class ListingCategory:
    category: str
    trade_code: str | None = None
    written: str = ""  # words kept for staff to classify as a trade
    warning: str | None = None


def read_listing_category(cell: str, keeps_trades: bool) -> ListingCategory:
    """A listing's category cell. A trade's words ("Landscaping", "IT") give the trade (for
    an opportunity) and the category "other"; other words are kept as a trade to classify
    (an opportunity) or read as "other" (an offer or a need), with a warning."""
    words = " ".join(cell.split())
    if not words:
        raise CellError("category is empty.")
    named = category_named(words)
    if named is not None:  # a category, not a trade: matching reads it beside the trades
        return ListingCategory(named.value)
    found = trades.recognise(words) if keeps_trades else None
    if found is not None:
        return ListingCategory(Category.OTHER.value, found.code)
    if keeps_trades:
        warning = _warning("category", words, _trade_suggestions(words))
        return ListingCategory(Category.OTHER.value, None, _written(words, "category"), warning)
    names = ", ".join(category.label for category in Category)
    warning = f"category “{words[:60]}” is not one of {names}: read as Other."
    return ListingCategory(Category.OTHER.value, warning=warning)


def read_trade(reading: Reading, words: str, column: str) -> None:
    found = trades.recognise(words)
    if found is None and cpv.normalise_code(words):
        raise CellError(f"{column}: {words} is not a code in the Common Procurement Vocabulary.")
    if found is not None:
        reading.add_trade(found.code)
    elif words not in reading.trades_written:
        reading.trades_written.append(_written(words, column))
        reading.warnings.append(_warning(column, words, _trade_suggestions(words)))


def _read_type(reading: Reading, words: str, column: str) -> None:
    found = recognise_type(words)
    if found is not None:
        reading.organisation_type = found.value
    elif not reading.organisation_type and not reading.type_written:
        reading.type_written = _written(words, column)
        near = [f"{kind.label}" for kind in suggest_types(words)]
        reading.warnings.append(_warning(column, words, near, what="an organisation type"))


def _written(words: str, column: str) -> str:
    if len(words) > MAX_WRITTEN:
        raise CellError(f"{column}: “{words[:30]}…” is longer than {MAX_WRITTEN} characters.")
    return words


def _trade_suggestions(words: str) -> list[str]:
    return [f"{found.label} ({found.code})" for found in trades.suggest(words)]


def _warning(column: str, words: str, near: list[str], what: str = "a trade") -> str:
    nearest = f" Nearest: {'; '.join(near)}." if near else ""
    return (
        f"{column} “{words[:60]}” is not {what} we know: kept as written for staff to "
        f"classify.{nearest}"
    )
