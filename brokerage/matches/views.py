"""Staff settings for matching: the policy in force, its history, and publishing a new one."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from ..accounts.models import Organisation, OrganisationKind
from ..accounts.permissions import staff_required
from ..caching import reads_ahead, render_part
from ..extensions import db
from ..listings.kinds import KINDS, ListingKind
from ..listings.models import Listing
from ..listings.permissions import can_view_listing
from .for_you import opportunities_to_bid_for
from .forms import DraftPolicyForm, PolicyForm
from .jobs import mark_everything_changed
from .permissions import can_view_matches, can_view_matches_for
from .policy import policy_history, policy_in_force, publish_policy
from .sandbox import compare_policies
from .service import (
    ShownMatch,
    needs_for,
    offers_for,
    read_shown_matches_ahead,
    shown_matches,
)
from .suppliers import SupplierMatches, stored_while_reading

blueprint = Blueprint("matches", __name__, url_prefix="/matching")


@blueprint.route("/policy", methods=["GET", "POST"])
@staff_required
def policy() -> str | Response:
    in_force = policy_in_force()
    form = PolicyForm(data=asdict(in_force.policy))
    if form.validate_on_submit():
        version = publish_policy(form.policy(), form.note.data, current_user)
        mark_everything_changed()
        db.session.commit()
        flash(f"Matching policy version {version.version} is now in force.", "success")
        return redirect(url_for("matches.policy"))
    return render_template(
        "matches/policy.html", form=form, in_force=in_force, history=policy_history()
    )


@blueprint.route("/policy/sandbox", methods=["GET", "POST"])
@staff_required
def policy_sandbox() -> str:
    """Try a draft on a sample of seekers before publishing it; trying saves nothing."""
    in_force = policy_in_force()
    form = DraftPolicyForm(data=asdict(in_force.policy))
    comparison = publish_form = None
    if form.validate_on_submit():
        comparison = compare_policies(form.policy())
        publish_form = PolicyForm(formdata=None, data=asdict(comparison.after))
    return render_template(
        "matches/sandbox.html",
        form=form,
        in_force=in_force,
        comparison=comparison,
        publish_form=publish_form,
    )


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

    def page(listing: Listing, matches: list[ShownMatch] | SupplierMatches) -> Markup:
        if isinstance(matches, SupplierMatches):
            return render_part(
                "matches/_supplier_matches.html", listing=listing, kind=kind, ranked=matches
            )
        return render_part(
            "matches/_listing_matches.html",
            listing=listing,
            kind=kind,
            matches=matches,
        )

    found = shown_matches(
        kind.model, listing_id, "page", page, lambda found: can_view_matches(current_user, found)
    )
    if stored_while_reading():
        db.session.commit()
    if found is None or not can_view_listing(current_user, found):
        abort(404)
    if not can_view_matches(current_user, found):
        abort(403)
    return render_template("matches/listing_matches.html", listing=found, content=found.shown)


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
        "matches/supplier_for_you.html",
        organisation=organisation,
        opportunities=opportunities_to_bid_for(organisation),
        needs=needs_for(organisation),
    )


@blueprint.get("/organisations/<int:organisation_id>/offers-for-you")
def offers_for_you(organisation_id: int) -> str:
    """A beneficiary's published needs' best social value offers."""
    organisation = _organisation_for(organisation_id, OrganisationKind.BENEFICIARY)
    return render_template(
        "matches/for_you.html",
        organisation=organisation,
        heading="Offers for you",
        matches=offers_for(organisation),
        other_kind="offer",
        own_kind="need",
    )
