"""Bulk import in Chromium: staff upload a suppliers file, see its report, upload one with a
bad row and read which line is wrong; the pages pass axe-core."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from brokerage.accounts import service as accounts
from brokerage.extensions import db
from brokerage.toms.service import load_shipped_frameworks
from tests.e2e.helpers import CheckPage, LiveServer, Person, log_in

pytestmark = pytest.mark.e2e

HEADER = "ref,name,postcode,sector,size,vcse,living_wage,description,website"


def _staff(live_server: LiveServer) -> Person:
    person = Person.new("Imogen")
    with live_server.app.app_context():
        load_shipped_frameworks()
        user = accounts.register_user(person.email, person.name, person.password)
        accounts.set_platform_roles(user, staff=True)
        db.session.commit()
        db.session.remove()
    return person


def test_staff_import_a_suppliers_file_and_read_the_report(
    page: Page, check_page: CheckPage, live_server: LiveServer, tmp_path
) -> None:
    staff = _staff(live_server)
    tag = uuid.uuid4().hex[:6]
    good = tmp_path / "suppliers.csv"
    good.write_text(
        f"{HEADER}\nE2E-{tag}-1,Witney Bikes {tag},OX28 1NB,goods,micro,yes,yes,Repairs.,\n"
        f"E2E-{tag}-2,Bicester Bakes {tag},OX26 6HB,catering,small,no,yes,Bread.,\n"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\nE2E-{tag}-3,Nowhere Ltd {tag},OX99 9ZZ,goods,micro,no,no,,\n")

    log_in(page, check_page, staff.email, staff.password)
    page.goto("/admin/import")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Choose a file to import.").first).to_be_visible()
    check_page(page, "bulk-upload-errors")

    page.get_by_label("What the file lists").select_option("suppliers")
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_url(re.compile(r"/admin/import/\d+$"))
    expect(page.get_by_role("status").last).to_contain_text("2 rows read, 2 created")
    check_page(page, "bulk-run-done")

    page.goto("/admin/import")
    page.get_by_label("What the file lists").select_option("suppliers")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("cell", name="postcode: We could not find OX99 9ZZ.")).to_be_visible()
    check_page(page, "bulk-run-rejected")
