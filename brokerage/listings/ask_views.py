"""A buyer invites a supplier to bid, or a beneficiary asks it for help, from its profile."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..accounts.models import Organisation
from ..errors import BrokerageError
from ..extensions import db
from . import asks
from .ask_forms import AskForm, choice_key
from .permissions import can_ask_supplier

blueprint = Blueprint("asks", __name__)


@blueprint.route("/organisations/<int:organisation_id>/ask", methods=["GET", "POST"])
def ask(organisation_id: int) -> str | tuple[str, int] | Response:
    supplier = db.get_or_404(Organisation, organisation_id)
    if not can_ask_supplier(current_user, supplier):
        abort(403)
    listings = asks.listings_to_name(current_user)
    form = AskForm(listings)
    if listings and form.validate_on_submit():
        chosen = next(item for item in listings if choice_key(item) == form.listing.data)
        try:
            asks.ask_supplier(supplier, chosen, current_user, form.message.data or "")
        except BrokerageError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(f"{supplier.name} has been told.", "success")
            return redirect(url_for("listings.profile", organisation_id=supplier.id))
    page = render_template("listings/ask.html", supplier=supplier, listings=listings, form=form)
    return (page, 400) if form.is_submitted() else page
