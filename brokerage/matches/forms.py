"""The policy form: each number with a plain-English label and its allowed range."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DecimalField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..matching import MatchingPolicy
from ..matching.policy import BUYER_VALUES_ALL_ZERO
from ..validators import add_error, plain_text


def _number(label: str, description: str, low: float, high: float) -> DecimalField:
    return DecimalField(
        label,
        places=None,
        description=description,
        validators=[InputRequired(), NumberRange(min=low, max=high)],
        render_kw={"inputmode": "decimal"},
    )


class PolicySettingsForm(FlaskForm):
    """The policy's numbers, shared by publishing a policy and trying a draft."""

    location_weight = _number("Weight of location", "How much being near counts.", 0, 10)
    toms_weight = _number("Weight of TOMs", "How much offering the measures wanted counts.", 0, 10)
    fit_weight = _number(
        "Weight of offer fit", "How much the description and category count.", 0, 10
    )
    local_km = _number(
        "Local distance (km)", "Within this distance, location scores in full.", 0, 200
    )
    half_life_km = _number(
        "Half-life (km)",
        "Beyond the local distance, the location score halves every this many km.",
        0.1,
        500,
    )
    priority_place_boost = _number(
        "Priority place boost", "Added to the location score in a priority place (0 to 1).", 0, 1
    )
    same_outcome_credit = _number(
        "Credit for the same outcome",
        "Share of a wanted measure earned by a different measure under the same outcome.",
        0,
        1,
    )
    same_theme_credit = _number(
        "Credit for the same theme",
        "Share of a wanted measure earned by a measure in the same theme.",
        0,
        1,
    )
    wordless_measure_share = _number(
        "Credit for measures with no words in common",
        "Share of the TOMs credit kept when the texts share no word (1 = all of it).",
        0,
        1,
    )
    confirming_fit = _number(
        "Description fit that confirms a measure",
        "How much of the need's words an offer must share for its measures to count in full.",
        0.01,
        1,
    )
    same_help_fit = _number(
        "Description fit that says the same help",
        "From this much of the need's words in common, the words alone earn the credit for "
        "the same outcome.",
        0.01,
        1,
    )
    full_cover_share = _number(
        "Share of the quantity that counts in full",
        "Offering this share of the quantity asked counts as the right measure in full.",
        0.01,
        1,
    )
    sent_help_location_floor = _number(
        "Location score of help sent from afar",
        "The least location score of money, goods or help given online, by phone or by post.",
        0,
        1,
    )
    category_share = _number(
        "Share of fit from category", "How much of offer fit a matching category carries.", 0, 1
    )
    word_similarity_cutoff = _number(
        "Word similarity cut-off",
        "How alike two words must be to count as the same (1 = identical; 0.8 forgives typos).",
        0.5,
        1,
    )

    sme_weight = _number(
        "Weight of SME",
        "For an opportunity's suppliers: how much buyers value a small or medium firm.",
        0,
        10,
    )
    vcse_weight = _number(
        "Weight of VCSE",
        "How much buyers value a voluntary, community or social enterprise.",
        0,
        10,
    )
    living_wage_weight = _number(
        "Weight of Real Living Wage", "How much buyers value a Real Living Wage employer.", 0, 10
    )
    charter_weight = _number(
        "Weight of charter signee",
        "How much buyers value a signee of the Inclusive Economy Charter.",
        0,
        10,
    )
    supplier_priority_place_bonus = _number(
        "Bonus for a supplier based in a priority place",
        "For an opportunity's suppliers: added to the place score of a supplier based in a "
        "priority place (0 to 1).",
        0,
        1,
    )
    supplier_in_area_bonus = _number(
        "Bonus for a supplier based in the partnership's area",
        "Added to the place score of a supplier based in the partnership's area (0 to 1).",
        0,
        1,
    )

    def policy(self) -> MatchingPolicy:
        """The policy the form describes; call after validate()."""
        names = MatchingPolicy.__dataclass_fields__
        return MatchingPolicy(**{name: float(getattr(self, name).data) for name in names})

    def validate(self, extra_validators: object = None) -> bool:
        if not super().validate(extra_validators):
            return False
        try:
            self.policy()
        except ValueError as error:
            field = self.sme_weight if str(error) == BUYER_VALUES_ALL_ZERO else self.location_weight
            add_error(field, str(error))
            return False
        return True


class PolicyForm(PolicySettingsForm):
    note = TextAreaField(
        "Why this change",
        validators=[DataRequired(), Length(max=2000), plain_text],
        description="Recorded with the version, for the task force and the audit trail.",
    )
    submit = SubmitField("Publish as the new policy")


class DraftPolicyForm(PolicySettingsForm):
    """A draft to try in the sandbox: nothing is published, so no note is asked for."""

    submit = SubmitField("Try this draft")
