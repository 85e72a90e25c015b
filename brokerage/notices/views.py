"""Imported procurement notices (the task force, staff and each buyer's members), and the
claims page where a person takes on an organisation an import created."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..errors import BrokerageError
from ..extensions import db
from . import claims
from .forms import ClaimForm
from .models import ImportedOrganisation, Procurement
from .permissions import can_see_procurement
from .procurements import criterion_text

blueprint = Blueprint("notices", __name__, url_prefix="/notices")


@blueprint.get("/")
def index() -> str:
    return render_template(
        "notices/index.html",
        procurements=claims.procurements_for(current_user),
        criterion_text=criterion_text,
    )


@blueprint.get("/<int:procurement_id>")
def show(procurement_id: int) -> str:
    procurement = db.get_or_404(Procurement, procurement_id)
    if not can_see_procurement(current_user, procurement):
        abort(404)
    return render_template(
        "notices/show.html", procurement=procurement, criterion_text=criterion_text
    )


@blueprint.get("/claims")
def claimable() -> str:
    return render_template(
        "notices/claims.html", claimable=claims.claimable_by(current_user), form=ClaimForm()
    )


@blueprint.post("/claims/<int:organisation_id>")
def claim(organisation_id: int) -> Response:
    imported = db.get_or_404(ImportedOrganisation, organisation_id)
    form = ClaimForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        claims.claim(current_user, imported)
    except BrokerageError as refused:
        db.session.rollback()
        flash(str(refused), "danger")
        return redirect(url_for("notices.claimable"))
    db.session.commit()
    flash(f"You now act for {imported.organisation.name}, as its owner.", "success")
    return redirect(url_for("organisations.show", organisation_id=organisation_id))
