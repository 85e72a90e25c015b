"""The pledges: loaded from the collected list with their source, codes shown for what they
are, and edited by staff as new versions that leave what signees signed untouched."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from brokerage.charter.models import Pledge, PledgeVersion, Signee
from brokerage.charter.pledges import pledges_file
from brokerage.extensions import db
from tests.helpers.charter import post
from tests.helpers.pages import count, field_error, flashed, page_text

SHARED_COPY = Path(__file__).parents[3] / "shared" / "reference" / "charter-pledges.csv"
SOURCE = "https://oxford.gov.uk/news/article/223/oxford-city-council-signs-new-charter-to-help-make-the-local-economy-fairer-for-everyone"


def _pledge(code: str) -> Pledge:
    return db.session.scalar(select(Pledge).where(Pledge.code == code))


def test_the_packaged_list_is_the_collected_one_with_its_source_column():
    rows = list(csv.DictReader(pledges_file().open(encoding="utf-8")))

    assert [row["code"] for row in rows] == [f"OCC-{n}" for n in range(1, 8)]
    assert {row["source"] for row in rows} == {SOURCE}
    if SHARED_COPY.exists():
        assert pledges_file().read_bytes() == SHARED_COPY.read_bytes()


def test_charter_load_creates_the_pledges_once_and_prints_a_summary(flask_cli, in_app):
    first = flask_cli("charter", "load")
    second = flask_cli("charter", "load")

    assert first.exit_code == 0, first.output
    assert first.output == (
        "Oxfordshire Inclusive Economy Charter: 7 pledges, 7 created.\n"
        "Toolkit: 2 resource(s) added.\n"
    )
    assert second.output == (
        "Oxfordshire Inclusive Economy Charter: 7 pledges, 0 created.\n"
        "Toolkit: 0 resource(s) added.\n"
    )
    version = in_app(lambda: _pledge("OCC-7").current)
    assert (version.number, version.title, version.source) == (1, "Inclusive recruitment", SOURCE)
    assert version.measure_hint == "NT3 (long-term unemployed hires) as one possible measure"


def test_charter_load_refuses_a_file_with_other_columns(flask_cli, tmp_path, in_app):
    bad = tmp_path / "pledges.csv"
    bad.write_text("code,pledge\nX-1,Something\n", encoding="utf-8")

    result = flask_cli("charter", "load", str(bad))

    assert result.exit_code == 1
    assert "the columns must be code, pledge, description, measure_hint, source" in result.output
    assert in_app(lambda: count(Pledge)) == 0


def test_the_measure_hint_is_shown_as_a_hint_never_as_a_toms_code(staff, pledge_ids):
    text = page_text(staff.get("/charter/pledges"))

    assert (
        "Suggested measure (an editorial hint, not a verified TOMs code): NT3 (long-term "
        "unemployed hires) as one possible measure"
    ) in text
    assert "OCC-1 is" not in text
    assert "Pledge codes such as OCC-1 are Oxford City Council's list number" in text


def _edit(client, pledge_id: int, **values):
    data = {
        "title": "Inclusive recruitment",
        "wording": "As an employer, pledge to widen who applies and who is hired.",
        "measure_hint": "",
        "source": "",
        **values,
    }
    return post(client, f"/charter/pledges/{pledge_id}/edit", data)


def test_editing_a_pledge_makes_a_new_version_and_signees_keep_what_they_signed(
    make_signee, staff, pledge_ids, in_app
):
    signee_id = make_signee(("OCC-7",))

    response = _edit(staff, pledge_ids["OCC-7"])

    assert response.status_code == 302
    assert flashed(staff.get("/")) == [
        "OCC-7 is now at version 2. Signees keep the wording they signed."
    ]
    versions = in_app(lambda: [(v.number, v.wording) for v in _pledge("OCC-7").versions])
    assert versions[0][1].startswith("As an employer, pledge to improve the diversity")
    assert versions[1] == (2, "As an employer, pledge to widen who applies and who is hired.")
    signed = in_app(lambda: db.session.get(Signee, signee_id).signed_pledges[0].version)
    assert signed.number == 1
    assert signed.wording.startswith("As an employer, pledge to improve the diversity")
    text = page_text(staff.get(f"/charter/signees/{signee_id}"))
    assert "Wording signed: version 1 (the pledge has since been reworded" in text


def test_a_new_sign_up_signs_the_version_in_force(make_signee, staff, pledge_ids, in_app):
    _edit(staff, pledge_ids["OCC-7"])

    signee_id = make_signee(("OCC-7",))

    assert in_app(lambda: db.session.get(Signee, signee_id).signed_pledges[0].version.number) == 2


def test_saving_a_pledge_unchanged_makes_no_version(staff, pledge_ids, in_app):
    current = in_app(lambda: _pledge("OCC-7").current)

    _edit(
        staff,
        pledge_ids["OCC-7"],
        title=current.title,
        wording=current.wording,
        measure_hint=current.measure_hint,
        source=current.source,
    )

    assert flashed(staff.get("/")) == ["Nothing changed, so no new version was made."]
    assert in_app(lambda: count(PledgeVersion)) == 7


@pytest.mark.parametrize(
    ("values", "field", "error"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "<b>Bold</b>"}, "title", "Names cannot contain < or >."),
        ({"wording": "w" * 2001}, "wording", "cannot be longer than 2000 characters"),
        ({"source": "javascript://%0aalert(1)"}, "source", "starting with https://"),
    ],
)
def test_bad_pledge_wording_saves_no_version(staff, pledge_ids, in_app, values, field, error):
    response = _edit(staff, pledge_ids["OCC-7"], **values)

    assert response.status_code == 400
    assert error in field_error(response, field)
    assert in_app(lambda: count(PledgeVersion)) == 7
