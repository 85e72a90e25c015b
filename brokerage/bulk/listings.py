"""Offers, opportunities and needs as spreadsheet rows: read, written and saved.

Rows are checked with the listings' own rules (`check_fields`) and saved published, or
archived when their dates have passed (a partner moving its history in keeps it, ended).
Offers have no postcode column: an offer is where its supplier is. Offers and needs have
no category column: a new one is "other" until someone changes it on the site, and a
re-import keeps what was chosen. An opportunity's category cell may name a trade
("Landscaping", "IT"): it becomes the opportunity's trade, and its category "other".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, TypedDict

from sqlalchemy import null, select
from sqlalchemy.orm import selectinload

from ..accounts.models import ORGANISATION_REF_PREFIX, Organisation
from ..extensions import db
from ..listings.bulk_insert import NewListing, insert_listings
from ..listings.choices import Category, ListingStatus
from ..listings.columns import (
    MEASURE_ROW,
    AnyListingFields,
    NeedFields,
    OfferFields,
    OpportunityFields,
    check_fields,
    place_columns,
)
from ..listings.errors import InvalidListing
from ..listings.models import Listing, Opportunity, OpportunityTrade, TradeRow
from ..listings.service import last_day_of, set_measures, today
from ..listings.trade_service import set_opportunity_trades
from ..places.service import Place
from ..toms.fields import quantity_text
from ..types import utcnow
from . import classify, formats
from .formats import CellError, Kind
from .lookups import Lookups
from .refs import named_by, ref_column

MeasureRows = list[tuple[str, Decimal | None, Decimal | None]]
# The listing columns an export reads (those the model has).
_STORED = (
    "id",
    "status",
    "title",
    "description",
    "postcode",
    "category",
    "deadline",
    "available_from",
    "available_to",
    "estimated_value_pence",
)


@dataclass(frozen=True)
class ListingRow:
    ref: str
    parent_ref: str
    organisation_id: int
    place: Place
    fields: AnyListingFields
    cells: dict[str, str]  # as an export writes it: equal cells mean nothing to change
    ended: bool = False  # its dates have passed: kept archived, never published
    # An opportunity's trades: CPV codes, and words no code was read from.
    trades: tuple[str, ...] = ()
    trades_written: tuple[str, ...] = ()
    says_all_trades: bool = True  # the file has a trades column
    warnings: tuple[str, ...] = ()

    def completed_by(self, current: dict[str, str] | None) -> ListingRow:
        """This row with the trades its file did not say taken from the listing as it is."""
        if current is None or self.says_all_trades or "trades" not in current:
            return self
        known = tuple(piece for piece in current["trades"].split("; ") if piece)
        codes = tuple(dict.fromkeys((*(p for p in known if p.isdigit()), *self.trades)))
        written = tuple(
            dict.fromkeys((*(p for p in known if not p.isdigit()), *self.trades_written))
        )
        cells = self.cells | {"trades": _trade_cell(codes, written)}
        return replace(self, trades=codes, trades_written=written, cells=cells)


PLURALS = {"supplier": "suppliers", "buyer": "buyers", "beneficiary": "beneficiaries"}


def parse(kind: Kind, cells: dict[str, str], lookups: Lookups) -> ListingRow:
    """One row checked; CellError says what is wrong with it."""
    ref = lookups.listing_key(kind.listing, formats.name(cells["ref"], "ref", formats.MAX_REF))
    parent_ref = formats.name(cells[kind.parent_column], kind.parent_column, formats.MAX_REF)
    parent_ref, parent = lookups.parent(parent_ref)
    if parent is None or parent.kind != kind.organisation_kind:
        raise CellError(
            f"{kind.parent_column}: no {kind.organisation_kind} has the ref {parent_ref}; "
            f"import the {PLURALS[kind.organisation_kind]} first."
        )
    postcode = cells.get("postcode", parent.postcode)
    place = lookups.place(postcode, "postcode" if "postcode" in cells else kind.parent_column)
    fields, trades = _fields(kind, cells, place.postcode)
    try:
        check_fields(fields, lookups.known_codes)
    except InvalidListing as error:
        raise CellError(str(error)) from error
    last_day = last_day_of(fields)
    ended = last_day is not None and last_day < today()
    measure_rows = [
        (code, quantity, getattr(fields, "weights", {}).get(code))
        for code, quantity in fields.measures.items()
    ]
    row_cells = _cells(kind, ref, parent_ref, fields, measure_rows)
    if "trades" in kind.optional_columns:
        row_cells["trades"] = _trade_cell(tuple(trades.trade_codes), tuple(trades.trades_written))
    return ListingRow(
        ref,
        parent_ref,
        parent.id,
        place,
        fields,
        row_cells | ({"status": ListingStatus.ARCHIVED.value} if ended else {}),
        ended=ended,
        trades=tuple(trades.trade_codes),
        trades_written=tuple(trades.trades_written),
        says_all_trades="trades" in cells,
        warnings=tuple(trades.warnings),
    )


def _trade_cell(codes: tuple[str, ...], written: tuple[str, ...]) -> str:
    return "; ".join((*codes, *written))


class _Described(Protocol):
    """What every listing has, whether a model, the fields read for one, or a stored row."""

    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def postcode(self) -> str: ...


class _CommonFields(TypedDict):
    title: str
    description: str
    postcode: str


def _fields(
    kind: Kind, cells: dict[str, str], postcode: str
) -> tuple[AnyListingFields, classify.Reading]:
    """The row's fields, and (for an opportunity) the trades its category and trades
    cells name."""
    trades = classify.Reading()
    common: _CommonFields = {
        "title": formats.name(cells["title"], "title", formats.MAX_TITLE),
        "description": formats.text(cells["description"], "description"),
        "postcode": postcode,
    }
    measures = formats.measures(
        cells["measures"],
        weighted=kind.name == "opportunities",
        quantity_required=kind.name != "needs",
    )
    quantities = {code: quantity for code, (quantity, _) in measures.items()}
    # Offers and opportunities must state each quantity (formats.measures refused a row
    # without one), so none is None here.
    stated = {code: quantity for code, quantity in quantities.items() if quantity is not None}
    if kind.name == "offers":
        return OfferFields(
            **common,
            category=Category.OTHER.value,
            available_from=formats.iso_date(cells["available_from"], "available_from"),
            available_to=formats.iso_date(cells["available_to"], "available_to"),
            measures=stated,
        ), trades
    if kind.name == "needs":
        return NeedFields(
            **common,
            category=Category.OTHER.value,
            deadline=formats.iso_date(cells["deadline"], "deadline"),
            quantity_wanted=None,
            quantity_unit="",
            measures=quantities,
        ), trades
    value = formats.amount(cells["value_gbp"], "value_gbp", formats.MAX_VALUE_GBP)
    category = classify.read_listing_category(cells["category"], keeps_trades=True)
    if category.trade_code:
        trades.add_trade(category.trade_code)
    if category.written:
        trades.trades_written.append(category.written)
        trades.warnings.append(category.warning or "")
    for words in classify.pieces(cells.get("trades", "")):
        classify.read_trade(trades, words, "trades")
    return OpportunityFields(
        **common,
        category=category.category,
        estimated_value_pence=int(value * 100) if value is not None else None,
        deadline=formats.iso_date(cells["deadline"], "deadline", required=True),
        measures=stated,
        weights={code: weight for code, (_, weight) in measures.items() if weight is not None},
    ), trades


def _cells(
    kind: Kind,
    ref: str,
    parent_ref: str,
    values: _Described,
    measure_rows: MeasureRows,
) -> dict[str, str]:
    """A listing (or the fields read for one) in its kind's columns."""
    pence = getattr(values, "estimated_value_pence", None)
    cells = {
        "ref": ref,
        kind.parent_column: parent_ref,
        "title": values.title,
        "description": values.description,
        "postcode": values.postcode,
        "category": getattr(values, "category", ""),
        "value_gbp": quantity_text(Decimal(pence) / 100) if pence is not None else "",
        "deadline": formats.write_date(getattr(values, "deadline", None)),
        "available_from": formats.write_date(getattr(values, "available_from", None)),
        "available_to": formats.write_date(getattr(values, "available_to", None)),
        "measures": formats.write_measures(measure_rows),
    }
    return {column: cells[column] for column in kind.columns}


def cells_of(kind: Kind, listing: Listing, parent_ref: str) -> dict[str, str]:
    rows = [
        (row.measure_code, row.quantity, getattr(row, "weight", None)) for row in listing.measures
    ]
    cells = _cells(kind, listing.external_ref or listing.ref, parent_ref, listing, rows)
    if isinstance(listing, Opportunity):
        cells["trades"] = _trade_cell(*_split_trades(listing.trades))
    return cells


def _split_trades(rows: Iterable[TradeRow]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    rows = list(rows)
    return (
        tuple(row.cpv_code for row in rows if row.cpv_code),
        tuple(row.written for row in rows if not row.cpv_code),
    )


def save(kind: Kind, rows: list[ListingRow]) -> tuple[int, int]:
    """Create or update these listings by ref, published; returns (created, updated). Rows
    are compared as plain values and only changed ones loaded as objects; new ones are
    inserted in one statement per table: a large file would be slow row by row."""
    model = kind.listing
    assert model is not None  # noqa: S101  (only listing kinds come here)
    current = _current(kind, model, [row.ref for row in rows])
    rows = [row.completed_by(current.get(row.ref)) for row in rows]
    changed = {row.ref: row for row in rows if row.ref in current and current[row.ref] != row.cells}
    now = utcnow()
    for listing in db.session.scalars(
        select(model)
        .where(named_by(model, model.REF_PREFIX, list(changed)))
        .options(selectinload(model.measures))
    ):
        _update(listing, changed[listing.external_ref or listing.ref], now)
    new = [row for row in rows if row.ref not in current]
    if new:
        _insert(model, new, now)
    db.session.flush()
    return len(new), len(changed)


def _current(kind: Kind, model: type[Listing], refs: list[str]) -> dict[str, dict[str, str]]:
    """The cells the published listings with these refs would export now, by ref (a
    listing that is not published counts as changed: an import publishes it)."""
    columns = [model.__table__.c[name] for name in _STORED if name in model.__table__.c]
    listings = db.session.execute(
        select(*columns, ref_column(model, model.REF_PREFIX).label("external_ref"))
        .add_columns(ref_column(Organisation, ORGANISATION_REF_PREFIX).label("parent_ref"))
        .join(Organisation, Organisation.id == model.organisation_id)
        .where(named_by(model, model.REF_PREFIX, refs))
    ).all()
    table = MEASURE_ROW[model].__table__
    parent = table.c[_parent_column(model)]
    amount = table.c.target if "target" in table.c else table.c.quantity
    weight = table.c.weight if "weight" in table.c else null()
    trades = _trades_of([listing.id for listing in listings]) if model is Opportunity else {}
    measures: dict[int, MeasureRows] = {}
    for listing_id, code, quantity, weighting in db.session.execute(
        select(parent, table.c.measure_code, amount, weight)
        .where(parent.in_([listing.id for listing in listings]))
        .order_by(table.c.id)
    ):
        measures.setdefault(listing_id, []).append((code, quantity, weighting))
    return {
        listing.external_ref: _cells(
            kind,
            listing.external_ref,
            listing.parent_ref or "",
            listing,
            measures.get(listing.id, []),
        )
        | ({"trades": _trade_cell(*trades[listing.id])} if listing.id in trades else {})
        | ({} if listing.status == ListingStatus.PUBLISHED else {"status": listing.status})
        for listing in listings
    }


def _trades_of(ids: list[int]) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each of these opportunities' trades: (codes, words), every id present."""
    found: dict[int, list[OpportunityTrade]] = {id_: [] for id_ in ids}
    for row in db.session.scalars(
        select(OpportunityTrade)
        .where(OpportunityTrade.opportunity_id.in_(ids))
        .order_by(OpportunityTrade.id)
    ):
        found[row.opportunity_id].append(row)
    return {id_: _split_trades(rows) for id_, rows in found.items()}


def _parent_column(model: type[Listing]) -> str:
    """offer_id, opportunity_id or need_id: the measure rows' key to their listing."""
    return f"{model.__mapper__.relationships['measures'].back_populates}_id"


def _values(row: ListingRow, now: datetime) -> dict[str, Any]:
    """The listing's columns from a row, as published now (category: see the docstring)."""
    fields = row.fields
    values = {
        "organisation_id": row.organisation_id,
        "title": fields.title,
        "description": fields.description,
        **place_columns(row.place),
        "status": (ListingStatus.ARCHIVED if row.ended else ListingStatus.PUBLISHED).value,
        "published_at": None if row.ended else now,
    }
    for name in ("deadline", "available_from", "available_to", "estimated_value_pence"):
        if hasattr(fields, name):
            values[name] = getattr(fields, name)
    if isinstance(fields, OpportunityFields):
        values["category"] = fields.category
    return values


def _update(listing: Listing, row: ListingRow, now: datetime) -> None:
    values = _values(row, now)
    if listing.is_published or listing.published_at:
        values.pop("published_at")
    for name, value in values.items():
        setattr(listing, name, value)
    listing.updated_at = now
    set_measures(listing, row.fields.measures, getattr(row.fields, "weights", {}))
    if isinstance(listing, Opportunity):
        set_opportunity_trades(listing, row.trades, row.trades_written)


def _insert(model: type[Listing], rows: list[ListingRow], now: datetime) -> None:
    insert_listings(
        model,
        [
            NewListing(
                {"external_ref": row.ref, "category": Category.OTHER.value, **_values(row, now)},
                row.fields.measures,
                getattr(row.fields, "weights", {}),
                row.trades,
                row.trades_written,
            )
            for row in rows
        ],
    )


def export_rows(kind: Kind, batch: int = 500) -> Iterator[dict[str, str]]:
    """Every listing of this kind (any status), oldest first, in the import's columns."""
    model = kind.listing
    assert model is not None  # noqa: S101
    query = (
        select(model, ref_column(Organisation, ORGANISATION_REF_PREFIX))
        .join(Organisation, Organisation.id == model.organisation_id)
        .order_by(model.id)
        .options(selectinload(model.measures))
        .execution_options(yield_per=batch)
    )
    if model is Opportunity:
        query = query.options(selectinload(Opportunity.trades))
    for listing, parent_ref in db.session.execute(query):
        yield cells_of(kind, listing, parent_ref or "")
