"""The form that links a KPI to the TOMs measures whose verified outcomes feed it."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import Length, ValidationError

from ..partnership import ExampleText
from ..toms.service import current_measures


class KpiMeasuresForm(FlaskForm):
    codes = StringField(
        "TOMs measures that feed this KPI",
        validators=[Length(max=400)],
        description=ExampleText(
            "Measure codes, separated by commas ({measure}). Each month's verified outcomes of "
            "these measures are written as one value by the daily KPI sync. Leave empty to "
            "link none."
        ),
    )
    submit = SubmitField("Save measures")

    code_list: list[str] = []

    def validate_codes(self, field: Any) -> None:
        wanted = [code.upper() for code in re.split(r"[\s,;]+", field.data or "") if code]
        known = {measure.code.upper(): measure.code for measure in current_measures()}
        unknown = [code for code in wanted if code not in known]
        if unknown:
            raise ValidationError(
                f"No measure in force has the code {', '.join(unknown)}: use a code from the "
                "TOMs catalogue."
            )
        self.code_list = sorted({known[code] for code in wanted})
