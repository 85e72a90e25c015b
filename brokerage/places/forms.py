"""Place forms: a priority place that staff add or change, and a postcode to check."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..choices import SelectChoice
from ..partnership import ExampleText
from ..validators import plain_name, plain_text
from .districts import area_districts
from .fields import PostcodeField
from .service import InvalidPrefixes, InvalidWards, read_prefixes, read_wards
from .wards import VINTAGE, Ward


class PriorityPlaceForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120), plain_name])
    local_authority = SelectField(
        "District",
        choices=[],  # the partnership's districts, set per form
        validators=[DataRequired()],
    )
    wards = TextAreaField(
        f"Wards ({VINTAGE})",
        validators=[Length(max=4000), plain_text],
        description=ExampleText(
            "One ward name a line, as the boundaries name it ({ward}). Every postcode "
            "whose point lies inside one of these wards is flagged."
        ),
        render_kw={"rows": 3},
    )
    prefixes = TextAreaField(
        "Postcode districts, sectors or postcodes",
        validators=[Length(max=4000), plain_text],
        description=ExampleText(
            "One a line: a district ({district_prefix}), a sector ({sector_prefix}) or a "
            "postcode ({sector_postcode}), with a note in brackets if needed, like "
            "{partial_sector} (partial). Records there are flagged. Leave this and the wards "
            "empty to flag the place by name only."
        ),
        render_kw={"rows": 4},
    )
    reason = TextAreaField(
        "Why it is a priority", validators=[Length(max=4000), plain_text], render_kw={"rows": 3}
    )
    source = TextAreaField(
        "Source", validators=[Length(max=2000), plain_text], render_kw={"rows": 2}
    )
    submit = SubmitField("Save priority place")

    prefix_list: list[tuple[str, str]] = []
    ward_list: list[Ward] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.local_authority.choices = [SelectChoice(district) for district in area_districts()]

    def validate_wards(self, field: Any) -> None:
        try:
            self.ward_list = read_wards(field.data or "")
        except InvalidWards as error:
            raise ValidationError(" ".join(error.problems)) from error

    def validate_prefixes(self, field: Any) -> None:
        try:
            self.prefix_list = read_prefixes(field.data or "")
        except InvalidPrefixes as error:
            raise ValidationError(" ".join(error.problems)) from error


class PostcodeCheckForm(FlaskForm):
    """A GET form: the postcode lives in the URL, so it needs no CSRF token."""

    class Meta:
        csrf = False

    postcode = PostcodeField(validators=[DataRequired()])
    submit = SubmitField("Check")
