"""The small form a supplier fills in to express interest from a listing's page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from ..listings.models import Offer


class InterestForm(FlaskForm):
    offer_id = RadioField(
        "Which of your offers answers it?",
        coerce=int,
        validators=[InputRequired(message="Choose one of your published offers.")],
    )
    submit = SubmitField("Express interest")

    def __init__(self, offers: list[Offer], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.offer_id.choices = [(offer.id, f"{offer.title} ({offer.ref})") for offer in offers]
        if len(offers) == 1 and self.offer_id.data is None:
            self.offer_id.data = offers[0].id
