"""Saving and reading trades: a supplier's (what it can be hired to do) and an
opportunity's (what it buys), as CPV codes, or as a file's words until staff classify them.
Never commits."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, select

from .. import audit
from ..accounts.models import Organisation
from ..accounts.organisation_types import OrganisationType
from ..errors import BrokerageError
from ..extensions import db
from . import cpv
from .models import Opportunity, OpportunityTrade, OrganisationTrade

Row = TypeVar("Row", OrganisationTrade, OpportunityTrade)


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
    rows: Sequence[Row],
    codes: Sequence[str],
    written: Sequence[str] | None,
    make: type[Row],
) -> list[Row]:
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
        if code is not None:  # the query leaves unclassified words out; this tells mypy
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
        row.organisation = organisation
        db.session.add(row)
    db.session.flush()


def set_opportunity_trades(
    opportunity: Opportunity, codes: Sequence[str], written: Sequence[str] | None = None
) -> None:
    """Give the opportunity these trades, as `set_organisation_trades` does."""
    opportunity.trades = _replace(opportunity.trades, codes, written, OpportunityTrade)


# Words kept from partners' files, for staff to classify -------------------------------


@dataclass(frozen=True)
class Unclassified:
    """Words a file gave that no code or type was read from, and how many records say them."""

    words: str
    organisations: int
    opportunities: int = 0


def unclassified_trades() -> list[Unclassified]:
    """Each distinct trade kept as words, with how many suppliers and opportunities say it."""
    counts: dict[str, list[int]] = {}
    for model, slot in ((OrganisationTrade, 0), (OpportunityTrade, 1)):
        query = (
            select(model.written, func.count())
            .where(model.cpv_code.is_(None))
            .group_by(model.written)
        )
        for words, number in db.session.execute(query):
            counts.setdefault(words, [0, 0])[slot] = number
    return [Unclassified(w, *n) for w, n in sorted(counts.items(), key=lambda i: i[0].lower())]


def unclassified_types() -> list[Unclassified]:
    """Each distinct organisation type kept as words, with how many organisations say it."""
    query = (
        select(Organisation.organisation_type_written, func.count())
        .where(
            Organisation.organisation_type.is_(None), Organisation.organisation_type_written != ""
        )
        .group_by(Organisation.organisation_type_written)
    )
    rows = db.session.execute(query).all()
    return [
        Unclassified(words, number) for words, number in sorted(rows, key=lambda r: r[0].lower())
    ]


def classify_trade_words(words: str, code: str, actor: object) -> int:
    """Every trade kept as `words` becomes the trade `code` (a record that already has that
    code just loses the words); returns how many records changed."""
    (code,) = check_codes([code])
    changed = 0
    for model, owner in (
        (OrganisationTrade, "organisation_id"),
        (OpportunityTrade, "opportunity_id"),
    ):
        rows = db.session.scalars(
            select(model).where(model.cpv_code.is_(None), model.written == words)
        )
        for row in rows:
            owner_id = getattr(row, owner)
            has_code = db.session.scalar(
                select(func.count())
                .select_from(model)
                .where(getattr(model, owner) == owner_id, model.cpv_code == code)
            )
            if has_code:
                db.session.delete(row)
            else:
                row.cpv_code, row.written = code, ""
            changed += 1
    audit.record(actor, "trades.classify", f"“{words[:60]}” as {code}", records=changed)
    db.session.flush()
    return changed


def classify_type_words(words: str, organisation_type: OrganisationType, actor: object) -> int:
    """Every organisation whose type was kept as `words` gets `organisation_type`."""
    organisations = db.session.scalars(
        select(Organisation).where(
            Organisation.organisation_type.is_(None),
            Organisation.organisation_type_written == words,
        )
    ).all()
    for organisation in organisations:
        organisation.organisation_type = organisation_type.value
        organisation.organisation_type_written = ""
    audit.record(
        actor,
        "types.classify",
        f"“{words[:60]}” as {organisation_type.label}",
        records=len(organisations),
    )
    db.session.flush()
    return len(organisations)
