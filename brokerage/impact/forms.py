"""The case study staff write for a verified match: the only text people wrote that the
public impact page shows, so only staff write it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..validators import plain_text
from .models import MAX_CASE_STUDY


class CaseStudyForm(FlaskForm):
    shown = BooleanField("Show this outcome as a case study on the public impact page")
    text = TextAreaField(
        "Public text",
        description=(
            "A few sentences for the public. Name organisations and listings only: never a "
            "person's name, email or anything from the messages."
        ),
        validators=[DataRequired(), Length(max=MAX_CASE_STUDY), plain_text],
    )
