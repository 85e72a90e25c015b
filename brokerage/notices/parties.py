"""The organisation a notice's party is: found by an org-id (a Companies House or charity
number the organisation holds, or an identifier an earlier notice gave it), else by its
exact name, else created with nobody acting for it, to be claimed. Never commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, select

from ..accounts import identifiers
from ..accounts.models import Organisation, OrganisationKind
from ..extensions import db
from ..listings.models import Profile
from ..places.postcodes import InvalidPostcode, normalise_postcode
from .models import ImportedOrganisation, PartyIdentifier
from .ocds import Party

NUMBER_COLUMNS = {
    identifiers.COMPANY_ORG_ID: ("company_number", identifiers.company_number),
    identifiers.CHARITY_ORG_ID: ("charity_number", identifiers.charity_number),
}
IMPORTED_DESCRIPTION = "Added from public procurement notices."


def _partnership_buyers() -> ColumnElement[bool]:
    """Buyers in the brokerage: not those an import created and nobody has claimed (else
    which procurements are kept would depend on the order files are imported in)."""
    unclaimed = select(ImportedOrganisation.organisation_id).where(
        ImportedOrganisation.claimed_at.is_(None)
    )
    return (Organisation.kind == OrganisationKind.BUYER.value) & Organisation.id.not_in(unclaimed)


def partnership_buyer_ids() -> frozenset[str]:
    """The org-ids of the brokerage's buyers: their official numbers and the identifiers
    notices gave them."""
    buyers = db.session.execute(
        select(Organisation.company_number, Organisation.charity_number).where(
            _partnership_buyers()
        )
    )
    found = {
        org_id for company, charity in buyers for org_id in identifiers.org_ids(company, charity)
    }
    found |= set(
        db.session.scalars(
            select(PartyIdentifier.org_id)
            .join(Organisation, Organisation.id == PartyIdentifier.organisation_id)
            .where(_partnership_buyers())
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


@dataclass(frozen=True)
class ProfileFacts:
    """What an award records from its supplier's profile when the notice does not say."""

    size: str | None
    is_vcse: bool


class PartyFinder:
    """Finds (or creates) organisations for one import. Every org-id and name it could find
    is read once at the start (a few columns per organisation), so a file of thousands of
    notices costs no query per party."""

    def __init__(self) -> None:
        self.created: list[Organisation] = []
        # Ids of organisations read from the database, or organisations this import made
        # (not flushed yet: flushing one by one is what a file of thousands would cost).
        self._by_org_id: dict[str, int | Organisation] = dict(
            db.session.execute(
                select(PartyIdentifier.org_id, PartyIdentifier.organisation_id)
            ).all()
        )
        self._by_name: dict[str, int | Organisation] = {}
        # Organisations read ahead (held here: the session's identity map holds them weakly).
        self._loaded: dict[int, Organisation] = {}
        self._profiles: dict[int, ProfileFacts] | None = None
        rows = db.session.execute(
            select(
                Organisation.id,
                Organisation.name,
                Organisation.company_number,
                Organisation.charity_number,
            )
        )
        for organisation_id, name, company, charity in rows:
            self._by_name[name.lower()] = organisation_id
            for org_id in identifiers.org_ids(company, charity):
                self._by_org_id[org_id] = organisation_id

    def organisation_for(self, party: Party, kind: OrganisationKind) -> Organisation:
        found = self._existing(party)
        if isinstance(found, int):
            found = self._loaded.get(found) or db.session.get(Organisation, found)
        organisation = found if found is not None else self._create(party, kind)
        self._remember_ids(organisation, party)
        return organisation

    def read_ahead(self, parties: Iterable[Party], batch: int = 500) -> None:
        """Read the organisations already here that these parties are, a query per batch,
        so that finding each of them later costs no query."""
        ids = sorted({found for p in parties if isinstance(found := self._existing(p), int)})
        for start in range(0, len(ids), batch):
            query = select(Organisation).where(Organisation.id.in_(ids[start : start + batch]))
            self._loaded.update((o.id, o) for o in db.session.scalars(query))

    def profile_of(self, organisation_id: int) -> ProfileFacts | None:
        """What the organisation's profile says of it; every profile's is read in one query
        the first time one is asked for (a file's awards would otherwise ask once each)."""
        if self._profiles is None:
            query = select(Profile.organisation_id, Profile.size, Profile.is_vcse)
            self._profiles = {
                organisation_id: ProfileFacts(size, is_vcse)
                for organisation_id, size, is_vcse in db.session.execute(query)
            }
        return self._profiles.get(organisation_id)

    def _existing(self, party: Party) -> int | Organisation | None:
        for org_id in party.org_ids:
            number = _official_number(org_id)
            key = org_id if number is None else _org_id_of(*number)
            if key in self._by_org_id:
                return self._by_org_id[key]
        return self._by_name.get(party.name.lower()[:160]) if party.name else None

    def _create(self, party: Party, kind: OrganisationKind) -> Organisation:
        numbers = {
            column: value
            for column, value in (n for n in map(_official_number, party.org_ids) if n is not None)
            if _org_id_of(column, value) not in self._by_org_id
        }
        organisation = Organisation(
            name=(party.name or f"Unnamed {kind.value} {party.id}")[:160],
            kind=kind.value,
            postcode=_postcode(party.postcode),
            description=IMPORTED_DESCRIPTION,
            **numbers,
        )
        db.session.add(organisation)
        db.session.add(
            ImportedOrganisation(organisation=organisation, claim_domain=claim_domain(party))
        )
        self.created.append(organisation)
        self._by_name[organisation.name.lower()] = organisation
        for column, value in numbers.items():
            self._by_org_id[_org_id_of(column, value)] = organisation
        return organisation

    def _remember_ids(self, organisation: Organisation, party: Party) -> None:
        """Keep the notice's other org-ids for the organisation (an official number is kept
        in its column instead)."""
        for org_id in party.org_ids:
            if org_id in self._by_org_id or len(org_id) > 160:
                continue
            if _official_number(org_id) is None:
                db.session.add(PartyIdentifier(organisation=organisation, org_id=org_id))
                self._by_org_id[org_id] = organisation


def _org_id_of(column: str, number: str) -> str:
    prefix = next(p for p, (c, _) in NUMBER_COLUMNS.items() if c == column)
    return prefix + number


def _postcode(text: str) -> str:
    try:
        return normalise_postcode(text)
    except InvalidPostcode:
        return ""
