"""The form on a supplier's profile: which of your listings, and a short message."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..validators import plain_text
from .asks import MAX_MESSAGE, Asked
from .models import Opportunity


def choice_key(listing: Asked) -> str:
    return listing.ref


class AskForm(FlaskForm):
    listing = RadioField(
        "Which of your listings is it about?",
        validators=[InputRequired(message="Choose one of your published listings.")],
    )
    message = TextAreaField(
        "A message (optional)",
        validators=[Optional(), Length(max=MAX_MESSAGE), plain_text],
        description="What you would like them to know. They reply on the site or by email.",
    )
    submit = SubmitField("Send")

    def __init__(self, listings: list[Asked], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.listing.choices = [
            (
                choice_key(listing),
                f"{'Opportunity' if isinstance(listing, Opportunity) else 'Need'}: "
                f"{listing.title} ({listing.ref})",
            )
            for listing in listings
        ]
        if len(listings) == 1 and not self.listing.data:
            self.listing.data = choice_key(listings[0])
