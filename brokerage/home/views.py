"""The front page and the privacy notice."""

from __future__ import annotations

from flask import Blueprint, render_template

blueprint = Blueprint("home", __name__)


@blueprint.route("/")
def index() -> str:
    return render_template("home/index.html")


@blueprint.route("/privacy")
def privacy() -> str:
    return render_template("home/privacy.html")
