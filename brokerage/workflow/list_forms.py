"""The stage filter of every list of matches: a GET form, so a filtered list has its own
address; an unknown stage is a field error, never a 500."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField

from ..choices import SelectChoice
from .states import Stage


class StageFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a filter changes nothing

    stage = SelectField(
        "Stage",
        default="",
        choices=[
            SelectChoice("", "Every stage"),
            *(SelectChoice(stage.value, stage.label) for stage in Stage),
        ],
        validate_choice=True,
    )

    @property
    def chosen(self) -> Stage | None:
        """The stage to show, after validate (None: every stage)."""
        return Stage(self.stage.data) if self.stage.data else None
