"""Lists of matches with their stage in words: a listing's best matches and an
organisation's "for you", for its members, the task force and staff; an organisation's
matches filtered by stage, for the same people; and every match, for the task force and staff."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from markupsafe import Markup

from ..accounts.models import Organisation, OrganisationKind
from ..accounts.permissions import task_force_required
from ..caching import reads_ahead, render_part
from ..extensions import db
from ..listings.kinds import KINDS, ListingKind
from ..listings.models import Listing
from ..listings.permissions import can_view_listing
from ..matches.for_you import opportunities_to_bid_for
from ..matches.suppliers import OpportunityRead, SupplierMatches
from ..pagination import page_number
from .list_forms import StageFilterForm
from .listing_matches import (
    ShownMatch,
    needs_for,
    offers_for,
    read_shown_matches_ahead,
    shown_matches,
)
from .lists import match_list
from .permissions import can_view_matches, can_view_matches_for

# Served under /matching, beside the policy pages, as `matching.lists`.
blueprint = Blueprint("lists", __name__)

Page = str | tuple[str, int]


def _listed(organisation: Organisation | None) -> Page:
    form = StageFilterForm(formdata=request.args)
    if not form.validate():
        page = render_template("workflow/list.html", organisation=organisation, form=form)
        return page, 400
    found = match_list(organisation, form.chosen, page_number())
    return render_template(
        "workflow/list.html", organisation=organisation, form=form, found=found, stage=form.chosen
    )


@blueprint.get("/organisations/<int:organisation_id>/matches")
def organisation_matches(organisation_id: int) -> Page:
    """The matches an organisation is a side of, whichever side (buyer, supplier or
    beneficiary); to anyone else who is not task force or staff it does not exist."""
    organisation = db.get_or_404(Organisation, organisation_id)
    if not can_view_matches_for(current_user, organisation):
        abort(404)
    return _listed(organisation)


@blueprint.get("/matches")
@task_force_required
def all_matches() -> Page:
    return _listed(None)


def _kind_named(plural: str) -> ListingKind | None:
    return next((kind for kind in KINDS if kind.plural == plural), None)


def _read_page_ahead(plural: str, listing_id: int) -> None:
    kind = _kind_named(plural)
    if kind is not None:
        read_shown_matches_ahead(kind.model, listing_id, "page")


@blueprint.get("/<plural>/<int:listing_id>")
@reads_ahead(_read_page_ahead)
def listing_matches(plural: str, listing_id: int) -> str:
    """The best matches for one listing, for its own organisation, staff and the task force."""
    kind = _kind_named(plural)
    if kind is None:
        abort(404)

    def page(
        listing: Listing | OpportunityRead, matches: list[ShownMatch] | SupplierMatches
    ) -> Markup:
        if isinstance(matches, SupplierMatches):
            return render_part(
                "workflow/_supplier_matches.html", listing=listing, kind=kind, ranked=matches
            )
        return render_part(
            "workflow/_listing_matches.html",
            listing=listing,
            kind=kind,
            matches=matches,
        )

    found = shown_matches(
        kind.model, listing_id, "page", page, lambda found: can_view_matches(current_user, found)
    )
    if found is None or not can_view_listing(current_user, found):
        abort(404)
    if not can_view_matches(current_user, found):
        abort(403)
    return render_template("workflow/listing_matches.html", listing=found, content=found.shown)


def _organisation_for(organisation_id: int, kind: OrganisationKind) -> Organisation:
    """The organisation if it is of `kind` and this user may see its matches; else 404."""
    organisation = db.get_or_404(Organisation, organisation_id)
    if organisation.kind != kind or not can_view_matches_for(current_user, organisation):
        abort(404)
    return organisation


@blueprint.get("/organisations/<int:organisation_id>/opportunities-for-you")
def opportunities_for_you(organisation_id: int) -> str:
    """A supplier's "For you": the opportunities it could bid for, and the needs its
    published offers could help."""
    organisation = _organisation_for(organisation_id, OrganisationKind.SUPPLIER)
    return render_template(
        "workflow/supplier_for_you.html",
        organisation=organisation,
        opportunities=opportunities_to_bid_for(organisation),
        needs=needs_for(organisation),
    )


@blueprint.get("/organisations/<int:organisation_id>/offers-for-you")
def offers_for_you(organisation_id: int) -> str:
    """A beneficiary's published needs' best social value offers."""
    organisation = _organisation_for(organisation_id, OrganisationKind.BENEFICIARY)
    return render_template(
        "workflow/for_you.html",
        organisation=organisation,
        heading="Offers for you",
        matches=offers_for(organisation),
        other_kind="offer",
        own_kind="need",
    )
