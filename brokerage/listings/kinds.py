"""The three kinds of listing, as the pages need them: model, form, names and labels."""

from __future__ import annotations

from dataclasses import dataclass

from .forms import ListingForm, NeedForm, OfferForm, OpportunityForm
from .models import Listing, Need, Offer, Opportunity
from .permissions import OrganisationRead


@dataclass(frozen=True)
class ListingKind:
    name: str  # in endpoints: listings.edit_offer
    plural: str  # in paths: /offers/12
    label: str
    plural_label: str
    model: type[Listing]
    form: type[ListingForm]

    def endpoint(self, action: str) -> str:
        return f"listings.{action}_{self.name}"


KINDS = (
    ListingKind("offer", "offers", "social value offer", "social value offers", Offer, OfferForm),
    ListingKind(
        "opportunity",
        "opportunities",
        "procurement opportunity",
        "procurement opportunities",
        Opportunity,
        OpportunityForm,
    ),
    ListingKind("need", "needs", "need", "needs", Need, NeedForm),
)
KIND_OF_MODEL = {kind.model: kind for kind in KINDS}


def kind_for_organisation(organisation: OrganisationRead) -> ListingKind | None:
    """What this kind of organisation lists: suppliers offers, buyers opportunities,
    beneficiaries needs; partners nothing."""
    return next((k for k in KINDS if organisation.kind == k.model.ORGANISATION_KIND), None)
