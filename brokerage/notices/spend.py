"""The partnership's buyers' awarded spend, per buyer and year (of the award date), and
the shares of it won by suppliers based in the area, by SMEs and by VCSEs, as the award
notices describe the suppliers (else their profiles). Awards cancelled or unsuccessful
never count; awards without a value (none given, or one value shared by several
suppliers) are counted apart, never guessed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..accounts.models import Organisation
from ..extensions import db
from .awards import NOT_SPENT
from .models import Award, Procurement

# The delivery plan's KPI that `flask plan sync-kpis` writes local spend into, where a plan
# has a KPI of this name (registered in create_app), and the key on the values it writes.
LOCAL_SPEND_KPI = "Contract spend with local suppliers"
LOCAL_SPEND_SOURCE = "notices.local_contract_spend"
LOCAL_SPEND_COUNTED = "pounds of contract value awarded to suppliers based in the area"


@dataclass(frozen=True)
class SpendShare:
    buyer_id: int
    buyer: str
    year: int
    awards: int
    awarded_pence: int
    local_pence: int
    sme_pence: int
    vcse_pence: int
    # Awards in the year with no value to count.
    without_value: int

    def share(self, part: int) -> float | None:
        return part / self.awarded_pence if self.awarded_pence else None

    @property
    def local_share(self) -> float | None:
        return self.share(self.local_pence)

    @property
    def sme_share(self) -> float | None:
        return self.share(self.sme_pence)

    @property
    def vcse_share(self) -> float | None:
        return self.share(self.vcse_pence)


def _counted_awards(
    buyer_id: int | None, date_from: date | None, date_to: date | None
) -> list[tuple[Award, int, str]]:
    query = (
        select(Award, Organisation.id, Organisation.name)
        .join(Procurement, Procurement.id == Award.procurement_id)
        .join(Organisation, Organisation.id == Procurement.buyer_id)
        .where(Award.awarded_on.is_not(None), Award.status.not_in(NOT_SPENT))
    )
    if buyer_id is not None:
        query = query.where(Procurement.buyer_id == buyer_id)
    if date_from is not None:
        query = query.where(Award.awarded_on >= date_from)
    if date_to is not None:
        query = query.where(Award.awarded_on <= date_to)
    return [(award, org_id, name) for award, org_id, name in db.session.execute(query)]


def spend_shares(
    buyer_id: int | None = None, date_from: date | None = None, date_to: date | None = None
) -> list[SpendShare]:
    """One row per buyer and year with an award in the period, by buyer name then year."""
    sums: dict[tuple[str, int, int], list[int]] = defaultdict(lambda: [0] * 6)
    for award, org_id, name in _counted_awards(buyer_id, date_from, date_to):
        row = sums[(name, award.awarded_on.year, org_id)]  # type: ignore[union-attr]
        if award.value_pence is None:
            row[5] += 1
            continue
        value = award.value_pence
        row[0] += 1
        row[1] += value
        row[2] += value if award.supplier_in_area else 0
        row[3] += value if award.supplier_is_sme else 0
        row[4] += value if award.supplier_is_vcse else 0
    return [
        SpendShare(org_id, name, year, *numbers)
        for (name, year, org_id), numbers in sorted(
            sums.items(), key=lambda i: (i[0][0].lower(), i[0][1])
        )
    ]


def local_spend_by_month() -> dict[date, int]:
    """Pounds awarded to suppliers based in the area, by the month of the award (for the
    delivery plan's KPI on contract spend; see create_app)."""
    totals: dict[date, int] = defaultdict(int)
    for award, _, _ in _counted_awards(None, None, None):
        if award.value_pence is not None and award.supplier_in_area:
            totals[award.awarded_on.replace(day=1)] += award.value_pence  # type: ignore[union-attr]
    return {month: round(pence / 100) for month, pence in totals.items()}
