"""Who may see and change profiles and listings.

Members of the owning organisation (and staff) edit a listing; a draft or archived listing
is seen only by them (others get 404, as if it did not exist); a published one by anyone,
signed in or not (the public needs board, opportunities and directory). Staff alone verify
organisations and unpublish listings.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..accounts.models import Organisation, OrganisationKind, Visitor
from ..accounts.permissions import can_act_for, can_act_for_id, is_staff
from .models import Listing


class Owned(Protocol):
    """What deciding who sees a listing reads: a listing, or a cached summary of one."""

    @property
    def organisation_id(self) -> int: ...

    @property
    def is_published(self) -> bool: ...


class OrganisationRead(Protocol):
    """What deciding who may do what with an organisation reads: an organisation, or its
    columns as a page read them."""

    @property
    def id(self) -> int: ...

    @property
    def kind(self) -> str: ...


def can_view_listing(user: Visitor, listing: Owned) -> bool:
    return listing.is_published or can_act_for_id(user, listing.organisation_id)


def can_offer_to(user: Visitor, listing: Listing) -> bool:
    """Members of a supplier (other than the listing's own organisation) may express interest
    in a published opportunity or offer help with a published need."""
    if not getattr(user, "is_authenticated", False) or not listing.is_published:
        return False
    if listing.ORGANISATION_KIND == OrganisationKind.SUPPLIER:
        return False
    return any(
        m.organisation.kind == OrganisationKind.SUPPLIER
        and m.organisation_id != listing.organisation_id
        for m in user.memberships
    )


def can_edit_listing(user: Visitor, listing: Listing) -> bool:
    return can_act_for(user, listing.organisation)


def can_see_drafts_of(user: Visitor, organisation: OrganisationRead) -> bool:
    return can_act_for_id(user, organisation.id)


def can_create_listing(user: Visitor, organisation: Organisation, model: type[Listing]) -> bool:
    """Only suppliers offer, only buyers procure, only beneficiaries have needs."""
    return organisation.kind == model.ORGANISATION_KIND and can_act_for(user, organisation)


def can_unpublish_listing(user: Visitor, listing: Listing) -> bool:
    return is_staff(user)


def can_view_profile(user: Visitor, organisation: OrganisationRead) -> bool:
    """Profiles are how organisations find each other: open to everyone. What a profile
    says of people (its contact) is for members of organisations only: see can_see_contact."""
    return True


def can_see_contact(user: Visitor, profile: Any) -> bool:
    """A profile's contact is for signed-in members of organisations (and staff), and only
    where the organisation chose to show it; visitors and people with no organisation
    never see it."""
    if profile is None or not profile.show_contact:
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    return is_staff(user) or bool(user.memberships)


def can_ask_supplier(user: Visitor, organisation: OrganisationRead) -> bool:
    """Members of a buyer or a beneficiary may invite a supplier to bid or ask it for help."""
    if organisation.kind != OrganisationKind.SUPPLIER:
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    return any(
        m.organisation.kind in (OrganisationKind.BUYER, OrganisationKind.BENEFICIARY)
        for m in user.memberships
    )


def can_edit_profile(user: Visitor, organisation: OrganisationRead) -> bool:
    return can_act_for_id(user, organisation.id)


def can_verify_organisation(user: Visitor) -> bool:
    return is_staff(user)
