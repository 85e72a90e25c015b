"""Express interest in an opportunity, or offer help with a need, from its own page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..errors import BrokerageError
from ..extensions import db
from ..listings.models import Need, Opportunity
from ..listings.permissions import can_offer_to
from . import interest
from .interest_forms import InterestForm

blueprint = Blueprint("interest", __name__)

Page = str | tuple[str, int]


def _answer(model: type[Opportunity] | type[Need], listing_id: int) -> Page | Response:
    seeker = db.get_or_404(model, listing_id)
    if not seeker.is_published:
        abort(404)
    if not can_offer_to(current_user, seeker):
        abort(403)
    offers = interest.offers_to_choose(current_user, seeker)
    form = InterestForm(offers)
    if offers and form.validate_on_submit():
        chosen = next(offer for offer in offers if offer.id == form.offer_id.data)
        try:
            match = interest.express_interest(seeker, chosen, current_user)
        except BrokerageError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash("The other side has been told of your interest.", "success")
            return redirect(url_for("matches.show", match_id=match.id))
    page = render_template("interest/form.html", seeker=seeker, offers=offers, form=form)
    return (page, 400) if form.is_submitted() else page


@blueprint.route("/opportunities/<int:listing_id>/interest", methods=["GET", "POST"])
def opportunity(listing_id: int) -> Page | Response:
    return _answer(Opportunity, listing_id)


@blueprint.route("/needs/<int:listing_id>/help", methods=["GET", "POST"])
def need(listing_id: int) -> Page | Response:
    return _answer(Need, listing_id)
