"""Staff settings for matching: the policy in force, its history, and publishing a new one
(blueprint `policy`, served under /matching as `matching.policy`)."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..accounts.permissions import staff_required
from ..extensions import db
from .forms import DraftPolicyForm, PolicyForm
from .jobs import mark_everything_changed
from .policy import policy_history, policy_in_force, publish_policy
from .sandbox import compare_policies

blueprint = Blueprint("policy", __name__)


@blueprint.route("/policy", methods=["GET", "POST"])
@staff_required
def edit() -> str | Response:
    in_force = policy_in_force()
    form = PolicyForm(data=asdict(in_force.policy))
    if form.validate_on_submit():
        version = publish_policy(form.policy(), form.note.data or "", current_user)
        mark_everything_changed()
        db.session.commit()
        flash(f"Matching policy version {version.version} is now in force.", "success")
        return redirect(url_for("matching.policy.edit"))
    return render_template(
        "matches/policy.html", form=form, in_force=in_force, history=policy_history()
    )


@blueprint.route("/policy/sandbox", methods=["GET", "POST"])
@staff_required
def sandbox() -> str:
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
