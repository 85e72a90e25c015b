"""Staff settings for matching: the policy in force, its history, and publishing a new one."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..accounts.permissions import staff_required
from ..extensions import db
from ..listings.kinds import KINDS
from ..listings.permissions import can_edit_listing, can_view_listing
from .forms import PolicyForm
from .policy import policy_history, policy_in_force, publish_policy
from .service import matches_for

blueprint = Blueprint("matches", __name__, url_prefix="/matching")


@blueprint.route("/policy", methods=["GET", "POST"])
@staff_required
def policy() -> str | Response:
    in_force = policy_in_force()
    form = PolicyForm(data=asdict(in_force.policy))
    if form.validate_on_submit():
        version = publish_policy(form.policy(), form.note.data, current_user)
        db.session.commit()
        flash(f"Matching policy version {version.version} is now in force.", "success")
        return redirect(url_for("matches.policy"))
    return render_template(
        "matches/policy.html", form=form, in_force=in_force, history=policy_history()
    )


@blueprint.get("/<plural>/<int:listing_id>")
def listing_matches(plural: str, listing_id: int) -> str:
    """The best matches for one listing, for its own organisation and staff."""
    kind = next((kind for kind in KINDS if kind.plural == plural), None)
    if kind is None:
        abort(404)
    listing = db.get_or_404(kind.model, listing_id)
    if not can_view_listing(current_user, listing):
        abort(404)
    if not can_edit_listing(current_user, listing):
        abort(403)
    return render_template(
        "matches/listing_matches.html", listing=listing, kind=kind, ranking=matches_for(listing)
    )
