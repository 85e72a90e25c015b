"""The catalogue in force is kept per process, keyed by the version of the "toms" topic,
and every committed change to it is seen at once (by another process too: see
tests/other_processes)."""

from __future__ import annotations

from sqlalchemy import update

from brokerage.extensions import db
from brokerage.toms import service
from brokerage.toms.models import Measure
from tests.helpers.app import counted_statements
from tests.helpers.toms import row


def test_the_catalogue_is_read_from_the_database_once_while_nothing_changes(
    app, shipped_catalogue, in_app
):
    def read_twice() -> tuple[int, list[str]]:
        first = service.matching_catalogue()
        with counted_statements() as statements:
            second = service.matching_catalogue()
        return len(first.codes) + len(second.codes), statements

    codes, statements = in_app(read_twice)
    assert codes == 2 * 21
    assert statements == []


def test_a_framework_loaded_in_this_process_is_in_the_catalogue_at_once(
    app, framework_file, shipped_catalogue, in_app
):
    def load_then_read() -> tuple[bool, bool]:
        before = "T-NEW" in service.matching_catalogue()
        service.load_framework_file(framework_file([row("T-NEW")]), "2025")
        # The loader flushes; whoever loaded it may read it before the commit.
        after = "T-NEW" in service.matching_catalogue()
        db.session.commit()
        return before, after

    assert in_app(load_then_read) == (False, True)
    assert "T-NEW" in in_app(service.matching_catalogue)


def test_a_framework_load_that_is_rolled_back_leaves_the_catalogue_as_it_was(
    app, framework_file, shipped_catalogue, in_app
):
    def load_read_and_roll_back() -> tuple[bool, bool]:
        service.matching_catalogue()
        service.load_framework_file(framework_file([row("T-UNDONE")]), "2025")
        during = "T-UNDONE" in service.matching_catalogue()
        db.session.rollback()
        return during, "T-UNDONE" in service.matching_catalogue()

    assert in_app(load_read_and_roll_back) == (True, False)


def test_a_change_made_by_a_statement_is_seen_at_once(app, shipped_catalogue, in_app):
    def rename_behind_the_orm() -> None:
        # A statement, not a flushed object: the session notes its table's topic.
        db.session.execute(
            update(Measure).where(Measure.code == "OIEP-S6").values(description="Renamed")
        )
        db.session.commit()

    def name_of_s6() -> str:
        return service.matching_catalogue()["OIEP-S6"].name

    kept = in_app(name_of_s6)
    in_app(rename_behind_the_orm)
    assert kept != "Renamed"
    assert in_app(name_of_s6) == "Renamed"


def test_a_theme_loaded_now_is_offered_by_the_directory_search_at_once(
    app, framework_file, shipped_catalogue, buyer, in_app
):
    assert "Brand new theme" not in buyer.get("/directory/suppliers").get_data(as_text=True)

    def load_a_new_theme() -> None:
        service.load_framework_file(
            framework_file([row("T-THEME", theme="Brand new theme")]), "2025"
        )
        db.session.commit()

    in_app(load_a_new_theme)
    page = buyer.get("/directory/suppliers").get_data(as_text=True)
    assert '<option value="Brand new theme">Brand new theme</option>' in page
    assert "T-THEME: Measure T-THEME" in page
