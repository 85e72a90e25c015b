"""The board report's quarter, read from the query string."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional, ValidationError

from .quarters import InvalidQuarter, Quarter, parse_quarter


class QuarterForm(FlaskForm):
    class Meta:
        csrf = False

    quarter = StringField(
        "Quarter",
        validators=[Optional(), Length(max=20)],
        description="A year and Q1 to Q4: 2024Q1 is January to March 2024.",
    )

    def validate_quarter(self, field: Any) -> None:
        try:
            parse_quarter(field.data)
        except InvalidQuarter as error:
            raise ValidationError(str(error)) from error

    def chosen(self, default: Quarter) -> Quarter:
        """The quarter asked for (after `validate`), or `default` when none was."""
        return parse_quarter(self.quarter.data) if self.quarter.data else default
