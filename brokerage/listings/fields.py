"""The weights an opportunity gives its wanted measures: how much each counts beside the
others (1 unless said). Every measure in force has a box in a section that opens on a
click, so the field works without JavaScript, like the measure picker it goes with.

    weights = MeasureWeightsField("How much each measure counts")
    form.weights.picker = form.measures     # in the form's __init__
    form.weights.data                       # {"NT3": Decimal("3")}: only those typed
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import render_template
from markupsafe import Markup
from wtforms.validators import StopValidation

from ..toms.fields import MeasureQuantitiesField, parse_quantity
from ..toms.models import Measure
from ..validators import add_error

MAX_WEIGHT = Decimal(100)


class TemplateWidget:
    """A field drawn by a template of its own (which escaped what it shows)."""

    def __init__(self, template: str) -> None:
        self.template = template

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        return Markup(render_template(self.template, field=field))  # noqa: S704


class MeasureWeightsField(MeasureQuantitiesField):
    """Reads `weights:CODE` boxes as the picker reads its quantities; the measures that
    may have a weight are those ticked in `picker`."""

    widget = TemplateWidget("listings/_measure_weights.html")

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, max_quantity=MAX_WEIGHT, **kwargs)
        self.picker: MeasureQuantitiesField | None = None

    @property
    def measures(self) -> list[Measure]:
        """The picker's measures, read once for both fields."""
        return self.picker.measures if self.picker is not None else []

    def pre_validate(self, form: Any) -> None:
        """A weight only for a ticked measure, a number above 0 and at most 100."""
        wanted = self.picker.ticked if self.picker is not None else []
        weights = {}
        for code, text in self.typed.items():
            if not text:
                continue
            if code not in wanted:
                self.measure_errors[code] = (
                    f"{code[:40]}: tick the measure above to give it a weight, or clear the weight."
                )
                continue
            try:
                weights[code] = parse_quantity(text, self.max_quantity)
            except ValueError as error:
                self.measure_errors[code] = f"{code}: the weight {error}."
        if self.measure_errors:
            for message in self.measure_errors.values():
                add_error(self, message)
            raise StopValidation()
        self.data = weights

    @property
    def is_open(self) -> bool:
        """Show the boxes at once when any weight is set or wrong."""
        return bool(self.measure_errors) or any(
            text not in ("", "1") for text in self.typed.values()
        )
