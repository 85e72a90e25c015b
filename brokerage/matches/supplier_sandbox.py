"""Trying what buyers value and where suppliers are based in a draft policy: how the top
suppliers of a sample of published opportunities would change under it (SME, VCSE, Real
Living Wage and charter weights decide each supplier's "supplier" part; the bonuses for
being based in a priority place or in the partnership's area add to its place part).
Reads only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..listings.choices import ListingStatus
from ..listings.models import Opportunity
from ..matching import MatchingPolicy
from ..matching.suppliers import rank_suppliers
from . import scene
from .policy import supplier_policy
from .supplier_inputs import opportunity_query, supplier_world

SAMPLE_SIZE = 10


@dataclass(frozen=True)
class RankedSupplier:
    name: str
    score: float
    place_part: float
    supplier_part: float


@dataclass(frozen=True)
class SupplierRankings:
    """One opportunity's top suppliers under the policy in force and under the draft."""

    listing_id: int
    ref: str
    title: str
    before: list[RankedSupplier]
    after: list[RankedSupplier]

    @property
    def changed(self) -> bool:
        return [s.name for s in self.before] != [s.name for s in self.after]


def _sample() -> list[Opportunity]:
    """The most recently changed published opportunities, newest first."""
    changed = func.coalesce(Opportunity.updated_at, Opportunity.created_at)
    return list(
        db.session.scalars(
            select(Opportunity)
            .where(Opportunity.status == ListingStatus.PUBLISHED.value)
            .order_by(changed.desc(), Opportunity.id.desc())
            .limit(SAMPLE_SIZE)
        )
    )


def compare_supplier_rankings(
    in_force: MatchingPolicy, draft: MatchingPolicy
) -> list[SupplierRankings]:
    """Each sampled opportunity's top suppliers under both policies (empty when what the
    supplier matcher reads of them is the same in both: nothing else here differs)."""
    if in_force.supplier_settings == draft.supplier_settings:
        return []
    world = supplier_world()
    policies = (supplier_policy(in_force), supplier_policy(draft))
    compared = []
    for opportunity in _sample():
        query = opportunity_query(opportunity)
        rankings = []
        for policy in policies:
            results = rank_suppliers(query, world.pool, policy, scene.TOP_N)
            rankings.append(
                [
                    RankedSupplier(world.organisations[r.key].name, r.score, r.place, r.supplier)  # type: ignore[index]
                    for r in results
                    if r.key != opportunity.organisation_id
                ]
            )
        compared.append(
            SupplierRankings(opportunity.id, opportunity.ref, opportunity.title, *rankings)
        )
    return compared
