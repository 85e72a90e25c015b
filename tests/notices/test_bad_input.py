"""Files the import cannot read are refused whole with a clear reason; a procurement it
cannot read is left out whole and named, and the rest of the file goes in."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.notices.models import Procurement
from tests.helpers.notices import fixture_json, write_json


def _counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Procurement)),
        db.session.scalar(select(func.count()).select_from(Organisation)),
    )


def _grounds_text() -> str:
    return json.dumps(fixture_json("fts-tender-grounds.json"))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("this is not json", "is not JSON"),
        ('{"releases": [{"id": "1", "date": "2026-01-01"}]}', "has no `ocid`"),
        ('{"publisher": {"name": "x"}}', "is not OCDS"),
        ("", "is empty"),
        (_grounds_text()[:-300], "stops before its JSON ends"),
    ],
    ids=["not-json", "no-ocid", "not-ocds", "empty", "truncated"],
)
def test_an_unreadable_file_is_refused_and_nothing_of_it_imported(
    notices_import, in_app, tmp_path, text, reason
):
    path = tmp_path / "bad.json"
    path.write_text(text)

    result = notices_import(path)

    assert result.exit_code == 1
    assert "bad.json: refused, nothing imported." in result.output
    assert reason in result.output
    assert in_app(_counts) == (0, 0)


def test_a_truncated_file_imports_not_even_the_releases_before_the_cut(
    notices_import, in_app, tmp_path
):
    good = fixture_json("fts-tender-grounds.json")["releases"][0]
    text = json.dumps(good) + "\n" + json.dumps(good | {"ocid": "ocds-h6vhtk-0zzzz"})[:200]

    (tmp_path / "cut.jsonl").write_text(text)
    result = notices_import(tmp_path / "cut.jsonl")

    assert "refused, nothing imported" in result.output
    assert in_app(_counts) == (0, 0)


def _two_procurements(tmp_path, spoil) -> object:
    package = fixture_json("fts-tender-grounds.json")
    bad = json.loads(json.dumps(package["releases"][0]))
    bad.update(ocid="ocds-h6vhtk-0badd0", id="0badd0-1")
    spoil(bad)
    package["releases"].append(bad)
    return write_json(tmp_path / "mixed.json", package)


def test_a_release_of_an_unknown_notice_type_is_left_out_and_named(
    notices_import, in_app, tmp_path
):
    def spoil(release):
        release["tender"]["documents"][0]["noticeType"] = "UK99"

    result = notices_import(_two_procurements(tmp_path, spoil))

    assert result.exit_code == 1
    assert "not imported: ocds-h6vhtk-0badd0: release 0badd0-1 is a notice of type 'UK99'" in (
        result.output
    )
    assert "procurement(s) 1 new" in result.output
    ocids = in_app(lambda: db.session.scalars(select(Procurement.ocid)).all())
    assert ocids == ["ocds-h6vhtk-0a1b2c"]


def test_an_amount_that_is_not_a_number_is_left_out_and_named(notices_import, in_app, tmp_path):
    def spoil(release):
        release["tender"]["value"] = {"amount": "about 600k", "currency": "GBP"}

    result = notices_import(_two_procurements(tmp_path, spoil))

    assert (
        "not imported: ocds-h6vhtk-0badd0: tender.value.amount is 'about 600k', not a number."
        in result.output
    )
    assert in_app(lambda: db.session.scalar(select(func.count()).select_from(Procurement))) == 1


def test_a_file_over_the_size_limit_is_refused(notices_import, in_app, app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTICES_MAX_FILE_MB", 0)

    result = notices_import("fts-tender-grounds.json")

    assert result.exit_code == 1
    assert "over the 0 MB limit (NOTICES_MAX_FILE_MB)" in result.output
    assert in_app(_counts) == (0, 0)


def test_a_missing_file_is_refused_by_the_command(notices_import, tmp_path):
    result = notices_import(tmp_path / "nowhere.json")

    assert result.exit_code == 2
    assert "does not exist" in result.output
