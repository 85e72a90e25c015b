"""Who may see and change the charter's records. Anyone may sign up and see the public list
of signees who agreed to be listed; staff run everything else; the members of a signee's
organisation may see their own charter page and record their own check-ins."""

from __future__ import annotations

from ..accounts.models import Visitor
from ..accounts.permissions import can_act_for, is_staff
from .models import CheckIn, Signee


def can_manage_charter(user: Visitor) -> bool:
    return is_staff(user)


def can_view_signee(user: Visitor, signee: Signee) -> bool:
    """Staff, and the members of the signee's own organisation (a sign-up has one only
    once approved: until then, staff alone)."""
    if signee.organisation is None:
        return is_staff(user)
    return can_act_for(user, signee.organisation)


def can_record_check_in(user: Visitor, check_in: CheckIn) -> bool:
    """Staff, and the members of the signee's own organisation: a signee reports its own
    progress between meetings; nobody else learns that the check-in exists."""
    return can_view_signee(user, check_in.signee)
