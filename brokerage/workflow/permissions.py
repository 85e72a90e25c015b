"""Who may see stored matches.

A listing's matches are for its own organisation's members and staff, and for the task
force, who review matches, once the listing is published; a draft's existence stays
private (404). An organisation's "for you" page follows the same rule. The messages on a
match are for its two sides only, as the privacy page and the message form say.
"""

from __future__ import annotations

from ..accounts.models import Organisation, Visitor
from ..accounts.permissions import can_act_for, can_act_for_id, is_task_force
from ..listings.permissions import Owned
from ..matches.models import Match


def can_view_matches(user: Visitor, listing: Owned) -> bool:
    return can_act_for_id(user, listing.organisation_id) or (
        is_task_force(user) and listing.is_published
    )


def can_view_matches_for(user: Visitor, organisation: Organisation) -> bool:
    return can_act_for(user, organisation) or is_task_force(user)


def can_view_match(user: Visitor, match: Match) -> bool:
    """A match is for the members of its two sides, the task force and staff; to anyone
    else its existence stays private (404)."""
    sides = (match.offer.organisation, match.seeker.organisation)
    return is_task_force(user) or any(can_act_for(user, side) for side in sides)


def can_read_messages(user: Visitor, match: Match) -> bool:
    """A charity writing to a supplier on a match writes to that supplier: the task force
    and staff review moves, deliveries and evidence, never the private messages."""
    if not getattr(user, "is_authenticated", False):
        return False
    sides = (match.offer.organisation_id, match.seeker.organisation_id)
    return any(user.membership_of(side) is not None for side in sides)
