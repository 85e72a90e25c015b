"""From a supplier's profile: a buyer invites it to bid for one of its published
opportunities, a beneficiary asks it for help with one of its published needs. The
supplier's members are told in their inbox and by email. Functions flush; the caller commits."""

from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import Organisation, User
from ..errors import BrokerageError
from ..extensions import db
from ..notifications.service import notify
from .choices import ListingStatus
from .models import Need, Opportunity

Asked = Opportunity | Need
MAX_MESSAGE = 1000


class CannotAsk(BrokerageError):
    status_code = 409


def listings_to_name(user: User) -> list[Asked]:
    """The published opportunities and needs of the organisations `user` acts for."""
    organisation_ids = [m.organisation_id for m in user.memberships]
    found: list[Asked] = []
    for model in (Opportunity, Need):
        found += db.session.scalars(
            select(model)
            .where(
                model.organisation_id.in_(organisation_ids),
                model.status == ListingStatus.PUBLISHED.value,
            )
            .order_by(model.title, model.id)
        )
    return found


def _path(listing: Asked) -> str:
    return f"/{'opportunities' if isinstance(listing, Opportunity) else 'needs'}/{listing.id}"


def ask_supplier(supplier: Organisation, listing: Asked, actor: User, message: str = "") -> int:
    """Tell the supplier's members; returns how many were told."""
    if (type(listing), listing.id) not in {(type(o), o.id) for o in listings_to_name(actor)}:
        raise CannotAsk("Name one of your organisation's published opportunities or needs.")
    if listing.organisation_id == supplier.id:
        raise CannotAsk("An organisation cannot ask itself.")
    asker = listing.organisation.name
    if isinstance(listing, Opportunity):
        subject = f"{asker} invites you to bid: {listing.title}"
    else:
        subject = f"{asker} asks for your help: {listing.title}"
    body = message.strip()[:MAX_MESSAGE] or f"{actor.name} of {asker} thought of you."
    members = [m.user for m in supplier.memberships]
    return len(notify(members, subject, body, _path(listing)))
