"""The front page (for a signed-in person, what waits for them) and the privacy notice."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from ..types import utcnow
from .tasks import tasks_for

blueprint = Blueprint("home", __name__)


@blueprint.route("/")
def index() -> str:
    if not current_user.is_authenticated:
        return render_template("home/index.html", tasks=[])
    return render_template("home/index.html", tasks=tasks_for(current_user, utcnow().date()))


@blueprint.route("/privacy")
def privacy() -> str:
    return render_template("home/privacy.html")


@blueprint.route("/about-social-value")
def social_value() -> str:
    """What TOMs and social value mean, in plain words, for anyone."""
    return render_template("home/social_value.html")
