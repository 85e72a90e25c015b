"""A form field that accepts a UK postcode in any common spelling and keeps it normalised."""

from __future__ import annotations

from typing import Any

from wtforms import StringField
from wtforms.validators import ValidationError

from ..partnership import ExampleText
from .lookup import locate_postcode
from .postcodes import InvalidPostcode, normalise_postcode


class PostcodeField(StringField):
    """Normalises (`ox44hh` -> `OX4 4HH`) and refuses postcodes Code-Point Open does not know."""

    def __init__(self, label: str = "Postcode", **kwargs: Any) -> None:
        kwargs.setdefault("description", ExampleText("A UK postcode, for example {postcode}."))
        kwargs.setdefault("render_kw", {"autocomplete": "postal-code", "maxlength": 10})
        super().__init__(label, **kwargs)

    def pre_validate(self, form: Any) -> None:
        if not self.data:
            return
        try:
            self.data = normalise_postcode(self.data)
        except InvalidPostcode as error:
            raise ValidationError(str(error)) from error
        if locate_postcode(self.data) is None:
            raise ValidationError(
                f"We cannot find {self.data} in the Ordnance Survey postcode list. "
                "Check it, or use the nearest postcode you know."
            )
