"""Who may see an imported procurement, and who may claim an organisation a notice import
created.

The claim rule: a signed-in person whose confirmed email address is at the organisation's
claim domain (the domain of the notice's contact email, recorded only when the party's
own website is at that domain too) may claim it while nobody acts for it; they become its
owner. Anyone else is added by staff, who manage every organisation and invite its owner
from the organisation's page, as for any organisation.
"""

from __future__ import annotations

from typing import Any

from ..accounts.permissions import can_act_for_id, is_task_force
from .models import ImportedOrganisation, Procurement


def can_see_procurement(user: Any, procurement: Procurement) -> bool:
    """The task force and staff see every one; a buyer's members see the buyer's."""
    return is_task_force(user) or (
        procurement.buyer_id is not None and can_act_for_id(user, procurement.buyer_id)
    )


def email_domain(user: Any) -> str:
    return str(getattr(user, "email", "")).rpartition("@")[2].lower()


def can_claim(user: Any, imported: ImportedOrganisation) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_confirmed
        and imported.claim_domain
        and email_domain(user) == imported.claim_domain.lower()
        and not imported.organisation.memberships
    )
