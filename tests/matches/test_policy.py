"""Staff tune the matching policy; each publication is a new version and nothing else moves."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

import pytest
from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.matches.models import MatchingPolicyVersion
from brokerage.matches.policy import policy_in_force, supplier_policy
from brokerage.matching import MatchingPolicy
from tests.factories import MatchingPolicyVersionFactory
from tests.helpers.web import post_form

DEFAULTS = {name: str(value) for name, value in asdict(MatchingPolicy()).items()}


def _versions() -> int:
    return db.session.scalar(select(func.count()).select_from(MatchingPolicyVersion))


@pytest.mark.parametrize("role", ["buyer", "supplier", "beneficiary", "task_force"])
def test_only_staff_may_see_or_change_the_policy(request, role, in_app):
    client = request.getfixturevalue(role)
    assert client.get("/matching/policy").status_code == 403
    response = post_form(client, "/matching/policy", {**DEFAULTS, "note": "sneaky"})
    assert response.status_code == 403
    assert in_app(_versions) == 0


def test_staff_see_the_built_in_defaults_until_a_policy_is_published(staff):
    page = staff.get("/matching/policy").get_data(as_text=True)
    assert "Version 0" in page and "built-in defaults" in page
    assert f'value="{MatchingPolicy().toms_weight}"' in page  # the TOMs weight, prefilled


def test_publishing_makes_a_new_version_that_is_then_in_force(staff, in_app):
    changed = {**DEFAULTS, "location_weight": "0.5", "note": "Local first, as agreed in March."}
    response = post_form(staff, "/matching/policy", changed)
    assert response.status_code == 302
    in_force = in_app(policy_in_force)
    assert in_force.version == 1
    assert in_force.policy.location_weight == 0.5
    page = staff.get("/matching/policy").get_data(as_text=True)
    assert "Version 1" in page and "Local first, as agreed in March." in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("location_weight", "-1", "Number must be between"),
        ("same_theme_credit", "1.5", "Number must be between"),
        ("half_life_km", "0", "Number must be between"),
        ("local_km", "far", "Not a valid decimal value"),
        ("toms_weight", "", "This field is required"),
        ("confirming_fit", "0", "Number must be between"),
        ("full_cover_share", "1.5", "Number must be between"),
        ("sent_help_location_floor", "-0.1", "Number must be between"),
        ("supplier_priority_place_bonus", "1.5", "Number must be between"),
        ("supplier_in_area_bonus", "-0.1", "Number must be between"),
        ("note", "", "This field is required"),
        ("note", "x\x00y", "control characters"),
    ],
)
def test_bad_numbers_are_refused_on_the_field_and_nothing_is_published(
    staff, in_app, field, value, message
):
    response = post_form(staff, "/matching/policy", {**DEFAULTS, "note": "ok", field: value})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert in_app(_versions) == 0


def test_a_policy_whose_weights_are_all_zero_is_refused(staff, in_app):
    zero = {**DEFAULTS, "location_weight": "0", "toms_weight": "0", "fit_weight": "0", "note": "x"}
    response = post_form(staff, "/matching/policy", zero)
    assert "At least one component weight must be above 0" in response.get_data(as_text=True)
    assert in_app(_versions) == 0


def test_a_policy_valuing_nothing_in_a_supplier_is_refused_on_the_sme_field(staff, in_app):
    values = ("sme_weight", "vcse_weight", "living_wage_weight", "charter_weight")
    zero = {**DEFAULTS, **dict.fromkeys(values, "0"), "note": "x"}
    html = post_form(staff, "/matching/policy", zero).get_data(as_text=True)
    # The error sits on the SME weight's field.
    error = re.search(r'id="sme_weight-error"[^>]*>(.*?)</div>', html, re.S)
    assert error and "At least one of what buyers value" in error.group(1)
    assert in_app(_versions) == 0


def test_staff_see_and_set_what_buyers_value_in_a_supplier(staff, in_app):
    page = staff.get("/matching/policy").get_data(as_text=True)
    assert "Weight of VCSE" in page and "Weight of Real Living Wage" in page
    changed = {**DEFAULTS, "vcse_weight": "3", "charter_weight": "0", "note": "VCSE first."}
    assert post_form(staff, "/matching/policy", changed).status_code == 302
    policy = in_app(policy_in_force).policy
    assert (policy.vcse_weight, policy.charter_weight) == (3.0, 0.0)


def _shown_then_published(staff, in_app, labels: tuple[str, ...], changes: dict) -> Any:
    """The policy page shows each label; publishing the changes puts them in force."""
    page = staff.get("/matching/policy").get_data(as_text=True)
    assert all(label in page for label in labels)
    response = post_form(staff, "/matching/policy", {**DEFAULTS, **changes})
    assert response.status_code == 302
    return in_app(policy_in_force).policy


def test_staff_set_how_words_quantities_and_help_from_afar_count(staff, in_app):
    labels = ("Description fit that confirms a measure", "Location score of help sent from afar")
    changed = {
        "confirming_fit": "0.2",
        "same_help_fit": "0.6",
        "full_cover_share": "0.25",
        "sent_help_location_floor": "0.4",
        "note": "Ask the words for more; goods from afar count less.",
    }
    stored = asdict(_shown_then_published(staff, in_app, labels, changed))
    for name in ("confirming_fit", "same_help_fit", "full_cover_share", "sent_help_location_floor"):
        assert stored[name] == float(changed[name])


def test_a_version_published_before_a_setting_existed_keeps_its_default(in_app):
    older = {
        name: value
        for name, value in asdict(MatchingPolicy(location_weight=0.5)).items()
        if name
        not in (
            "confirming_fit",
            "full_cover_share",
            "supplier_priority_place_bonus",
            "supplier_in_area_bonus",
        )
    }

    def publish_then_read() -> MatchingPolicy:
        MatchingPolicyVersionFactory(settings=older)
        return policy_in_force().policy

    policy = in_app(publish_then_read)
    assert policy.location_weight == 0.5
    assert policy.confirming_fit == MatchingPolicy().confirming_fit
    assert policy.full_cover_share == MatchingPolicy().full_cover_share
    suppliers = supplier_policy(policy)
    assert (suppliers.priority_place_bonus, suppliers.in_area_bonus) == (0.10, 0.05)


def test_staff_set_the_bonuses_for_where_an_opportunitys_supplier_is_based(staff, in_app):
    labels = (
        "Bonus for a supplier based in a priority place",
        "Bonus for a supplier based in the partnership&#39;s area",
    )
    changed = {"supplier_priority_place_bonus": "0.2", "supplier_in_area_bonus": "0"}
    changed["note"] = "Priority places count double; the area no more than anywhere."
    suppliers = supplier_policy(_shown_then_published(staff, in_app, labels, changed))
    assert (suppliers.priority_place_bonus, suppliers.in_area_bonus) == (0.2, 0.0)
