"""A procurement's awards as its notices state them, each with who the supplier was when
it won: based in the area (its postcode), an SME and a VCSE (as the notice says, else as
the supplier's profile says). Never commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..accounts.models import Organisation, OrganisationKind
from ..listings.choices import Size
from . import ocds
from .area import postcode_in_area
from .models import Award, Procurement
from .parties import PartyFinder

SME_SIZES = frozenset({Size.MICRO.value, Size.SMALL.value, Size.MEDIUM.value})
# Awards that did not (or no longer) lead to a contract: kept, never counted as spend.
NOT_SPENT = frozenset({"cancelled", "unsuccessful"})


@dataclass(frozen=True)
class AwardRow:
    """One supplier's award as the notice states it: the row's key and its other columns."""

    award_id: str
    supplier: Organisation
    values: dict[str, Any]


def award_rows(facts: ocds.NoticeFacts, finder: PartyFinder) -> list[AwardRow]:
    """Each supplier's award in the notice, its supplier found or created."""
    rows = []
    for award in facts.awards:
        shared = len(award.supplier_ids) > 1
        for supplier_id, name in zip(award.supplier_ids, award.supplier_names, strict=True):
            party = facts.parties.get(supplier_id) or _named_only(supplier_id, name)
            if not party.name and not party.org_ids:
                continue
            supplier = finder.organisation_for(party, OrganisationKind.SUPPLIER)
            values = {
                "status": award.status,
                # The notice gives one value for the award: never split between suppliers.
                "value_pence": None if shared else award.value_pence,
                "awarded_on": award.awarded_on,
                "contract_starts_on": award.starts_on,
                "contract_ends_on": award.ends_on,
                **_supplier_facts(party, supplier, finder),
            }
            rows.append(AwardRow(award.award_id, supplier, values))
    return rows


def sync_awards(procurement: Procurement, facts: ocds.NoticeFacts, finder: PartyFinder) -> int:
    """Make the procurement's award rows those of the notice; returns how many rows were
    added or changed."""
    existing = {(a.award_id, a.supplier_id): a for a in procurement.awards}
    wanted: list[Award] = []
    changed = 0
    for found in award_rows(facts, finder):
        row = existing.get((found.award_id, found.supplier.id)) or Award(
            award_id=found.award_id, supplier=found.supplier
        )
        if row.id is None or any(getattr(row, k) != v for k, v in found.values.items()):
            changed += 1
            for key, value in found.values.items():
                setattr(row, key, value)
        wanted.append(row)
    if wanted != list(procurement.awards):
        procurement.awards = wanted
    return changed


def _named_only(supplier_id: str, name: str) -> ocds.Party:
    return ocds.Party(supplier_id, name, (), "", "", "", "", "", None)


def _supplier_facts(
    party: ocds.Party, supplier: Organisation, finder: PartyFinder
) -> dict[str, bool | None]:
    # One this import made (not flushed yet) has no profile.
    profile = finder.profile_of(supplier.id) if supplier.id is not None else None
    sme = {"sme": True, "large": False}.get(party.scale)
    if sme is None and profile is not None and profile.size:
        sme = profile.size in SME_SIZES
    vcse = party.vcse if party.vcse is not None else (profile.is_vcse if profile else None)
    return {
        "supplier_in_area": postcode_in_area(party.postcode) or postcode_in_area(supplier.postcode),
        "supplier_is_sme": sme,
        "supplier_is_vcse": vcse,
    }
