"""GET /accessibility: public, like the privacy notice."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template

blueprint = Blueprint("accessibility", __name__)
# Change when the statement's gaps or tests change.
REVIEWED = date(2026, 12, 5)


@blueprint.route("/accessibility")
def statement() -> str:
    return render_template(
        "accessibility/statement.html",
        contact=current_app.config["CONTACT_EMAIL"],
        reviewed=REVIEWED,
    )
