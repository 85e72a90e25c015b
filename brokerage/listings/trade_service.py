"""Saving and reading trades: a supplier's (what it can be hired to do) and an
opportunity's (what it buys), as CPV codes, or as a file's words until staff classify them.
Never commits."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import select

from ..accounts.models import Organisation
from ..errors import BrokerageError
from ..extensions import db
from . import cpv
from .models import Opportunity, OpportunityTrade, OrganisationTrade, TradeRow


class UnknownTrade(BrokerageError):
    status_code = 422


def check_codes(codes: Iterable[str]) -> tuple[str, ...]:
    """The codes as 8 digits, in order, once each; UnknownTrade names any the vocabulary
    does not hold."""
    known = cpv.vocabulary()
    found: list[str] = []
    for written in codes:
        code = cpv.normalise_code(written)
        if code is None or code not in known:
            raise UnknownTrade(
                f"{written[:20]} is not a code in the Common Procurement Vocabulary."
            )
        if code not in found:
            found.append(code)
    return tuple(found)


def _replace(
    rows: list[TradeRow],
    codes: Sequence[str],
    written: Sequence[str] | None,
    make: type[TradeRow],
) -> list[TradeRow]:
    """The rows for these codes and words (None: the unclassified words already there),
    keeping rows already there (the unit of work inserts before it deletes, so a new row
    for a kept code would clash)."""
    by_code = {row.cpv_code: row for row in rows if row.cpv_code}
    by_words = {row.written: row for row in rows if not row.cpv_code}
    if written is None:
        written = list(by_words)
    kept = [by_code.get(code) or make(cpv_code=code, written="") for code in check_codes(codes)]
    for words in dict.fromkeys(w.strip()[:120] for w in written if w.strip()):
        kept.append(by_words.get(words) or make(cpv_code=None, written=words))
    return kept


def trades_of(organisation: Organisation) -> list[OrganisationTrade]:
    return list(
        db.session.scalars(
            select(OrganisationTrade)
            .where(OrganisationTrade.organisation_id == organisation.id)
            .order_by(OrganisationTrade.id)
        )
    )


def trade_codes_of(organisation_ids: Collection[int]) -> dict[int, tuple[str, ...]]:
    """Each organisation's classified trades, for pages and matching that read many."""
    found: dict[int, list[str]] = {}
    query = (
        select(OrganisationTrade.organisation_id, OrganisationTrade.cpv_code)
        .where(
            OrganisationTrade.organisation_id.in_(set(organisation_ids)),
            OrganisationTrade.cpv_code.is_not(None),
        )
        .order_by(OrganisationTrade.id)
    )
    for organisation_id, code in db.session.execute(query):
        found.setdefault(organisation_id, []).append(code)
    return {organisation_id: tuple(codes) for organisation_id, codes in found.items()}


def set_organisation_trades(
    organisation: Organisation, codes: Sequence[str], written: Sequence[str] | None = None
) -> None:
    """Give the organisation these trades: codes, then words no code could be read from
    (None keeps those it has: the web's forms hold only codes)."""
    existing = trades_of(organisation)
    rows = _replace(existing, codes, written, OrganisationTrade)
    for row in existing:
        if row not in rows:
            db.session.delete(row)
    for row in rows:
        row.organisation = organisation  # type: ignore[attr-defined]
        db.session.add(row)
    db.session.flush()


def set_opportunity_trades(
    opportunity: Opportunity, codes: Sequence[str], written: Sequence[str] | None = None
) -> None:
    """Give the opportunity these trades, as `set_organisation_trades` does."""
    existing: list[TradeRow] = list(opportunity.trades)
    opportunity.trades = _replace(existing, codes, written, OpportunityTrade)  # type: ignore[assignment]
