"""The claim button: a form of its own, so the claim carries a CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField


class ClaimForm(FlaskForm):
    submit = SubmitField("Claim it")
