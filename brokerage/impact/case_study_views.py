"""The staff-only page where a verified outcome is chosen as a case study for the public
impact page. It sits in the task force's workspace, beside the verification queue that
links to it: create_app nests this blueprint in the review blueprint (`review.case_studies.*`,
under /review), whose door lets in the task force and staff; the page itself is staff's."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from ..accounts.permissions import staff_required
from ..errors import BrokerageError
from ..extensions import db
from ..matches.models import Match
from ..validators import text_of
from . import service
from .forms import CaseStudyForm

blueprint = Blueprint("case_studies", __name__)


@blueprint.route("/outcomes/<int:match_id>/case-study", methods=["GET", "POST"])
@staff_required
def edit(match_id: int) -> Any:
    match = db.get_or_404(Match, match_id)
    study = service.case_study_of(match)
    form = CaseStudyForm(obj=study)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("impact/case_study.html", match=match, form=form), status
    try:
        service.save_case_study(match, current_user, form.shown.data, text_of(form.text))
    except BrokerageError as refused:
        db.session.rollback()
        flash(str(refused), "danger")
        return redirect(url_for("review.queue"))
    db.session.commit()
    flash("Case study saved." if form.shown.data else "Case study hidden.", "success")
    return redirect(url_for("review.case_studies.edit", match_id=match.id))
