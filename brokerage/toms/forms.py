"""Catalogue forms: the search (a GET form whose values live in the URL), a proxy value
that staff add, and the measure picker's own page."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..choices import SelectChoice
from ..partnership import ExampleText
from ..validators import plain_text
from .fields import MeasureQuantitiesField
from .files import pence_from_proxy_value
from .models import FrameworkVersion

CURRENT = ""


class CatalogueSearchForm(FlaskForm):
    """Read from the query string; no CSRF token, since it changes nothing."""

    class Meta:
        csrf = False

    q = SearchField(
        "Search by code or words",
        validators=[Optional(), Length(max=100), plain_text],
        description=ExampleText("For example {measure}, {search}."),
    )
    version = SelectField("Framework version", default=CURRENT)
    submit = SubmitField("Search")

    def set_versions(self, versions: list[FrameworkVersion]) -> None:
        self.version.choices = [SelectChoice(CURRENT, "The version in force of each framework")]
        self.version.choices += [SelectChoice(str(v.id), v.label) for v in versions]


class ProxyValueForm(FlaskForm):
    value = StringField(
        "Proxy value in pounds (£)",
        validators=[DataRequired(message="Give the value in pounds."), Length(max=20)],
        description="The £ value of one unit of this measure, for example 14.50.",
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    source = TextAreaField(
        "Source",
        validators=[
            DataRequired(message="Say where the value is published."),
            Length(max=2000),
            plain_text,
        ],
        description="Where the value is published: its title, year and web address.",
    )
    submit = SubmitField("Add proxy value")

    value_pence: int = 0

    def validate_value(self, field: Any) -> None:
        # People type "£1,250"; the file format's stricter rule applies to the rest.
        typed = (field.data or "").strip().removeprefix("£").replace(",", "").strip()
        try:
            pence = pence_from_proxy_value(typed)
        except ValueError as error:
            raise ValidationError(f"The value {error}.") from error
        if pence is None:
            raise ValidationError("Give the value in pounds.")
        self.value_pence = pence


class PickMeasuresForm(FlaskForm):
    measures = MeasureQuantitiesField(
        "Social value measures",
        validators=[DataRequired(message="Tick at least one measure and give its quantity.")],
        description="Tick each measure and give a quantity in its unit.",
    )
    submit = SubmitField("Show the measures")
