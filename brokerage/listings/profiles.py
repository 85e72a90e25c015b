"""Organisations' profiles: save, verify, and read them (one, many, or only their service
radii, for matching). Services flush, never commit."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from .. import audit
from ..accounts.models import Organisation
from ..extensions import db
from ..types import utcnow
from . import trade_service
from .errors import NotAllowed
from .matching_inputs import Reach
from .models import Profile
from .permissions import can_verify_organisation


@dataclass(frozen=True)
class ProfileFields:
    sector: str | None = None
    size: str | None = None
    is_vcse: bool = False
    is_social_enterprise: bool = False
    pays_real_living_wage: bool = False
    service_radius_km: int | None = None
    website: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    show_contact: bool = False
    # None: not on this kind's form, left as it is; () and "" clear them.
    trades: tuple[str, ...] | None = None
    organisation_type: str | None = None


# ProfileFields that are the organisation's, not columns of its profile.
_ORGANISATION_FIELDS = ("trades", "organisation_type")


def profile_of(organisation: Organisation) -> Profile | None:
    return db.session.scalar(select(Profile).where(Profile.organisation_id == organisation.id))


def profiles_of(organisation_ids: list[int]) -> dict[int, Profile]:
    """Profiles by organisation id, for pages that show many organisations' badges."""
    profiles = db.session.scalars(
        select(Profile).where(Profile.organisation_id.in_(set(organisation_ids)))
    )
    return {profile.organisation_id: profile for profile in profiles}


# More organisations than this are looked up by reading every radius (service_reach).
MANY_ORGANISATIONS = 500


def service_reach(organisation_ids: Collection[int]) -> dict[int, Reach]:
    """The service radius of each of these organisations that has one: two columns, not
    whole profiles, since matching reads every supplier's at once. Past a few hundred ids,
    every radius is read and filtered here, which stays inside each database's limit on
    bound parameters and costs less than a long IN list."""
    query = select(Profile.organisation_id, Profile.service_radius_km).where(
        Profile.service_radius_km.is_not(None)
    )
    wanted = set(organisation_ids)
    if len(wanted) <= MANY_ORGANISATIONS:
        query = query.where(Profile.organisation_id.in_(wanted))
    return {
        organisation_id: Reach(radius)
        for organisation_id, radius in db.session.execute(query)
        if organisation_id in wanted
    }


def _profile_for_change(organisation: Organisation) -> Profile:
    profile = profile_of(organisation)
    if profile is None:
        profile = Profile(organisation=organisation)
        db.session.add(profile)
    return profile


def save_profile(organisation: Organisation, fields: ProfileFields) -> Profile:
    """Set every field the form shows for this kind of organisation; verification stays."""
    profile = _profile_for_change(organisation)
    for field in dataclasses.fields(fields):
        if field.name not in _ORGANISATION_FIELDS:
            setattr(profile, field.name, getattr(fields, field.name))
    profile.website = fields.website.strip()
    if fields.trades is not None:
        trade_service.set_organisation_trades(organisation, fields.trades)
    if fields.organisation_type is not None:
        organisation.organisation_type = fields.organisation_type or None
        organisation.organisation_type_written = ""
    profile.updated_at = utcnow()
    db.session.flush()
    return profile


def set_verified(organisation: Organisation, verified: bool, actor: Any) -> Profile:
    """Staff vouch for an organisation (the "verified" badge), or withdraw it."""
    if not can_verify_organisation(actor):
        raise NotAllowed("Only the partnership's staff verify organisations.")
    profile = _profile_for_change(organisation)
    profile.verified = verified
    profile.verified_at = utcnow() if verified else None
    profile.verified_by = actor if verified else None
    action = "organisation.verify" if verified else "organisation.unverify"
    audit.record(actor, action, f"organisation #{organisation.id} {organisation.name}")
    db.session.flush()
    return profile
