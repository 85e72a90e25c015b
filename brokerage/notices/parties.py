"""The organisation a notice's party is: found by an org-id (a Companies House or charity
number the organisation holds, or an identifier an earlier notice gave it), else by its
exact name, else created with nobody acting for it, to be claimed. Never commits."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import func, inspect, select

from ..accounts import identifiers
from ..accounts.models import Organisation, OrganisationKind
from ..extensions import db
from ..places.postcodes import InvalidPostcode, normalise_postcode
from .models import ImportedOrganisation, PartyIdentifier
from .ocds import Party

NUMBER_COLUMNS = {
    identifiers.COMPANY_ORG_ID: ("company_number", identifiers.company_number),
    identifiers.CHARITY_ORG_ID: ("charity_number", identifiers.charity_number),
}
IMPORTED_DESCRIPTION = "Added from public procurement notices."


def partnership_buyer_ids() -> frozenset[str]:
    """The org-ids of the brokerage's buyers: their official numbers and the identifiers
    notices gave them."""
    buyers = db.session.execute(
        select(Organisation.company_number, Organisation.charity_number).where(
            Organisation.kind == OrganisationKind.BUYER.value
        )
    )
    found = {
        org_id for company, charity in buyers for org_id in identifiers.org_ids(company, charity)
    }
    found |= set(
        db.session.scalars(
            select(PartyIdentifier.org_id)
            .join(Organisation, Organisation.id == PartyIdentifier.organisation_id)
            .where(Organisation.kind == OrganisationKind.BUYER.value)
        )
    )
    return frozenset(found)


def _official_number(org_id: str) -> tuple[str, str] | None:
    """(column, number) for a GB-COH or GB-CHC org-id whose number reads as one."""
    for prefix, (column, read) in NUMBER_COLUMNS.items():
        if org_id.startswith(prefix):
            try:
                return column, read(org_id.removeprefix(prefix))
            except identifiers.InvalidIdentifier:
                return None
    return None


def claim_domain(party: Party) -> str | None:
    """The contact email's domain, when the party's own website is at that domain: then
    an address there proves a person belongs to it (a free-mail address never does)."""
    domain = party.email.rpartition("@")[2]
    website = party.website if "//" in party.website else f"https://{party.website}"
    host = (urlsplit(website).hostname or "") if party.website else ""
    if domain and host and (host == domain or host.endswith(f".{domain}")):
        return domain[:120]
    return None


class PartyFinder:
    """Finds (or creates) organisations for one import, remembering what it found."""

    def __init__(self) -> None:
        self.created: list[Organisation] = []
        self._found: dict[str, Organisation] = {}

    def forget(self) -> None:
        """Drop what was found: after a savepoint rolled back, it may not exist."""
        self._found.clear()
        self.created = [o for o in self.created if inspect(o).persistent]

    def organisation_for(self, party: Party, kind: OrganisationKind) -> Organisation:
        key = party.org_ids[0] if party.org_ids else f"name:{party.name.lower()}"
        if key not in self._found:
            organisation = self._existing(party) or self._create(party, kind)
            self._remember_ids(organisation, party)
            self._found[key] = organisation
        return self._found[key]

    def _existing(self, party: Party) -> Organisation | None:
        for org_id in party.org_ids:
            number = _official_number(org_id)
            if number is not None:
                column, value = number
                query = select(Organisation).where(getattr(Organisation, column) == value)
            else:
                query = (
                    select(Organisation)
                    .join(PartyIdentifier, PartyIdentifier.organisation_id == Organisation.id)
                    .where(PartyIdentifier.org_id == org_id)
                )
            found = db.session.scalar(query)
            if found is not None:
                return found
        if not party.name:
            return None
        return db.session.scalar(
            select(Organisation).where(func.lower(Organisation.name) == party.name.lower()[:160])
        )

    def _create(self, party: Party, kind: OrganisationKind) -> Organisation:
        numbers = dict(n for n in map(_official_number, party.org_ids) if n is not None)
        taken = {
            column
            for column, value in numbers.items()
            if db.session.scalar(
                select(Organisation.id).where(getattr(Organisation, column) == value)
            )
        }
        organisation = Organisation(
            name=(party.name or f"Unnamed {kind.value} {party.id}")[:160],
            kind=kind.value,
            postcode=_postcode(party.postcode),
            description=IMPORTED_DESCRIPTION,
            **{column: value for column, value in numbers.items() if column not in taken},
        )
        db.session.add(organisation)
        db.session.add(
            ImportedOrganisation(organisation=organisation, claim_domain=claim_domain(party))
        )
        db.session.flush()
        self.created.append(organisation)
        return organisation

    def _remember_ids(self, organisation: Organisation, party: Party) -> None:
        for org_id in party.org_ids:
            if _official_number(org_id) is not None or len(org_id) > 160:
                continue
            if db.session.scalar(
                select(PartyIdentifier.id).where(PartyIdentifier.org_id == org_id)
            ):
                continue
            db.session.add(PartyIdentifier(organisation_id=organisation.id, org_id=org_id))
        db.session.flush()


def _postcode(text: str) -> str:
    try:
        return normalise_postcode(text)
    except InvalidPostcode:
        return ""
