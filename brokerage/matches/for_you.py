"""A supplier's "For you": the opportunities it could bid for (its stored supplier-level
ranking) and the needs its offers could help, each with its state if a match is under way.
An opportunity whose every acted-on match with the supplier ended without help (declined,
withdrawn, expired) is not offered again, as a need whose match so ended is not."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.models import Organisation
from ..extensions import db
from ..listings.closing import open_and_published
from ..listings.models import Offer, Opportunity
from ..matching.strength import strength_word
from ..matching.supplier_model import SupplierResult
from .models import ENDED_WITHOUT_HELP_VALUES, Match, State
from .stored_ranking import stored_result
from .supplier_models import SupplierMatch
from .suppliers import ShownOffer, StoredMatch, shown_offers


@dataclass(frozen=True)
class OpportunityToBidFor:
    """An opportunity a supplier could bid for: how well it fits and why, the supplier's
    offers that count, and the offer-level matches already under way for it."""

    opportunity: Opportunity
    result: SupplierResult
    offers: tuple[ShownOffer, ...]
    under_way: tuple[StoredMatch, ...]

    @property
    def strength(self) -> str:
        return strength_word(self.result.score)

    @property
    def distance_km(self) -> float | None:
        distance = self.result.distance_m
        return None if distance is None else round(distance / 1000, 1)


def _under_way(organisation_id: int, opportunity_ids: list[int]) -> dict[int, list[StoredMatch]]:
    """The supplier's offer-level matches with these opportunities that someone acted on,
    by opportunity."""
    rows = db.session.execute(
        select(
            Match.opportunity_id,
            Match.id,
            Offer.organisation_id,
            Organisation.name,
            Offer.title,
            Match.state,
        )
        .join(Offer, Offer.id == Match.offer_id)
        .join(Organisation, Organisation.id == Offer.organisation_id)
        .where(
            Offer.organisation_id == organisation_id,
            Match.opportunity_id.in_(opportunity_ids),
            Match.state != State.SUGGESTED.value,
        )
        .order_by(Match.id)
    )
    found: dict[int, list[StoredMatch]] = {}
    for opportunity_id, match_id, supplier_id, supplier_name, offer_title, state in rows:
        if opportunity_id is not None:  # always: the query asks for these opportunities
            found.setdefault(opportunity_id, []).append(
                StoredMatch(match_id, supplier_id, supplier_name, offer_title, state)
            )
    return found


def opportunities_to_bid_for(organisation: Organisation) -> list[OpportunityToBidFor]:
    """The open published opportunities in the supplier's stored top N, best first."""
    rows = db.session.execute(
        select(SupplierMatch, Opportunity)
        .join(Opportunity, Opportunity.id == SupplierMatch.opportunity_id)
        .where(
            SupplierMatch.organisation_id == organisation.id,
            SupplierMatch.supplier_rank.is_not(None),
            open_and_published(Opportunity),
        )
        .options(joinedload(Opportunity.organisation))
        .order_by(SupplierMatch.supplier_rank)
    ).all()
    offers = shown_offers({offer for row, _ in rows for offer in row.offer_ids})
    opportunity_ids = [opportunity.id for _, opportunity in rows]
    acted = _under_way(organisation.id, opportunity_ids)
    return [
        OpportunityToBidFor(
            opportunity,
            stored_result(row),
            tuple(offers[o] for o in row.offer_ids if o in offers),
            tuple(m for m in acted.get(opportunity.id, ()) if m.state not in ENDED),
        )
        for row, opportunity in rows
        if not _ended_without_help(acted.get(opportunity.id, []))
    ]


ENDED = frozenset(ENDED_WITHOUT_HELP_VALUES)


def _ended_without_help(acted: list[StoredMatch]) -> bool:
    """The supplier acted on matches with the opportunity and every one ended without help."""
    return bool(acted) and all(m.state in ENDED for m in acted)
