"""Lists of matches with their stage in words, filtered by stage: an organisation's, for
its members, the task force and staff; and every match, for the task force and staff."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from ..accounts.models import Organisation
from ..accounts.permissions import task_force_required
from ..extensions import db
from ..pagination import page_number
from .list_forms import StageFilterForm
from .lists import match_list
from .permissions import can_view_matches_for

blueprint = Blueprint("match_lists", __name__, url_prefix="/matching")

Page = str | tuple[str, int]


def _listed(organisation: Organisation | None) -> Page:
    form = StageFilterForm(formdata=request.args)
    if not form.validate():
        page = render_template("matches/list.html", organisation=organisation, form=form)
        return page, 400
    found = match_list(organisation, form.chosen, page_number())
    return render_template(
        "matches/list.html", organisation=organisation, form=form, found=found, stage=form.chosen
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
