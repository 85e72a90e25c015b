"""The catalogue as other features read it: the measures in force, by code, and the
matching core's Catalogue."""

from __future__ import annotations

from brokerage.extensions import db
from brokerage.matching import Catalogue, MeasureInfo
from brokerage.toms import service
from tests.helpers.toms import row


def test_the_matching_catalogue_holds_every_measure_in_force(app, shipped_catalogue, in_app):
    catalogue = in_app(service.matching_catalogue)

    assert isinstance(catalogue, Catalogue)
    assert len(catalogue.codes) == 21
    assert catalogue["OIEP-S6"] == MeasureInfo(
        code="OIEP-S6",
        name="Employee volunteering hours on local community projects",
        unit="hours",
        outcome="Stronger communities",
        theme="Healthier, Safer and more Resilient Communities",
    )
    # The local measures use the National TOMs theme names, so the two frameworks meet there.
    assert catalogue.theme_of("NT1") == catalogue.theme_of("OIEP-J4")
    assert catalogue.outcome_of("OIEP-J4") == catalogue.outcome_of("OIEP-J5")
    assert catalogue.outcome_of("OIEP-J4") != catalogue.outcome_of("OIEP-J3")


def test_an_empty_catalogue_is_an_empty_matching_catalogue(app, in_app):
    assert in_app(service.matching_catalogue).codes == ()


def test_a_code_in_force_in_two_frameworks_means_the_one_loaded_last(
    app, framework_file, shipped_catalogue, in_app
):
    def load_a_clashing_framework() -> None:
        service.load_framework_file(
            framework_file([row("NT1", framework="Official National TOMs", measure="Official")]),
            "2024",
        )
        db.session.commit()

    in_app(load_a_clashing_framework)

    assert in_app(lambda: service.matching_catalogue()["NT1"].name) == "Official"
    assert in_app(lambda: [m.code for m in service.current_measures()].count("NT1")) == 1
    assert in_app(lambda: service.measures_by_code(["NT1", "NOPE"])["NT1"].description) == (
        "Official"
    )
