"""Evidence and a dispute in Chromium, at 1280 and 390 px: the supplier records a delivery
with a PDF and a photo; ARCh disputes it (first without a reason: a field error), the
supplier is told why and records it again; ARCh confirms it; the task force finds the files
in its queue and downloads one; ARCh's list of matches shows the stage in words. Every page
is axe-checked and screenshotted (test-output/screenshots/evidence_and_dispute-*), and none
scrolls sideways."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.listings import service as listings
from brokerage.matches.models import Match
from brokerage.toms.service import load_shipped_frameworks
from brokerage.workflow.moves import advance
from brokerage.workflow.states import State
from tests.e2e.helpers import CheckPage, LiveServer, Person, log_in, new_member
from tests.helpers.listings import listing_fields
from tests.workflow.evidence_samples import PDF, PNG

pytestmark = pytest.mark.e2e

WIDTHS = {"wide": 1280, "phone": 390}


def _agreed_match(live_server: LiveServer) -> tuple[int, dict[str, Person], str]:
    """A supplier's offer and ARCh's need, matched and agreed through the services."""
    tag = uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        load_shipped_frameworks()
        supplier = Organisation(name=f"Print {tag}", kind="supplier", postcode="OX4 2JY")
        arch = Organisation(name=f"ARCh {tag}", kind="beneficiary", postcode="OX4 2JY")
        db.session.add_all([supplier, arch])
        staff = new_member(None, "Stella", staff=True)
        users = {
            "supplier": new_member(supplier, "Sam"),
            "arch": new_member(arch, "Bea"),
            "task_force": new_member(None, "Tess", task_force=True),
        }
        offer = listings.create_listing(supplier, listing_fields("offer", title="Readers"))
        need = listings.create_listing(arch, listing_fields("need", title="Reading helpers"))
        for listing in (offer, need):
            listings.change_status(listing, "publish", staff)
        db.session.flush()
        match = db.session.scalar(
            select(Match).where(Match.offer_id == offer.id, Match.need_id == need.id)
        ) or Match(
            offer_id=offer.id, need_id=need.id, score=0.8, location_score=1, toms_score=0.5,
            fit_score=0.5, distance_m=100.0, reasons=[], policy_version=1,
        )  # fmt: skip
        db.session.add(match)
        db.session.flush()
        advance(match, State.INTEREST_EXPRESSED, users["supplier"])
        advance(match, State.IN_DISCUSSION, users["arch"])
        advance(match, State.AGREED, users["arch"])
        db.session.commit()
        people = {key: Person(name=user.name, email=user.email) for key, user in users.items()}
        found = match.id, people, arch.name
        db.session.remove()
    return found


def _signed_in(new_page, person: Person, width: int) -> Page:
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, lambda *_: None, person.email, person.password)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Log in")
    return page


def _checked(page: Page, check: CheckPage, name: str) -> None:
    check(page, name)
    scrolls = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not scrolls, f"{name} scrolls sideways at {page.viewport_size}"


def _flashed(page: Page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_have_count(1)


def _record(page: Page, hours: str, files: list[Path]) -> None:
    page.get_by_label("Quantity of OIEP-S1").fill(hours)
    today = page.evaluate("new Date().toISOString().slice(0, 10)")
    page.get_by_label("Delivered from").fill(today)
    page.get_by_label("Delivered to").fill(today)
    if files:
        page.get_by_label("Evidence files (optional)").set_input_files(files)
    page.get_by_role("button", name="Record the delivery").click()
    _flashed(page, "The delivery is recorded")


def test_evidence_and_dispute(
    live_server: LiveServer, new_page, check_page: CheckPage, tmp_path: Path
) -> None:
    register, photo = tmp_path / "register.pdf", tmp_path / "reading-session.png"
    register.write_bytes(PDF)
    photo.write_bytes(PNG)
    for width_name, width in WIDTHS.items():
        match_id, people, arch_name = _agreed_match(live_server)
        match_path = f"/matches/{match_id}"

        supplier = _signed_in(new_page, people["supplier"], width)
        supplier.goto(match_path)
        _record(supplier, "12", [register, photo])
        delivered = supplier.get_by_role("region", name="Delivered", exact=True)
        expect(delivered.get_by_role("link", name="register.pdf")).to_be_visible()
        expect(delivered.get_by_role("link", name="reading-session.png")).to_be_visible()
        _checked(supplier, check_page, f"{width_name}-recorded-with-evidence")

        arch = _signed_in(new_page, people["arch"], width)
        arch.goto(match_path)
        arch.get_by_role("button", name="Dispute the delivery").click()
        expect(arch.get_by_role("main")).to_contain_text("Say what is wrong with the delivery.")
        _checked(arch, check_page, f"{width_name}-dispute-without-a-reason")
        arch.get_by_label("What is wrong with the delivery").fill(
            "Only ten hours: nobody came on Tuesday."
        )
        arch.get_by_role("button", name="Dispute the delivery").click()
        _flashed(arch, "The delivery is disputed")
        expect(arch.get_by_role("main")).to_contain_text("Disputed")
        _checked(arch, check_page, f"{width_name}-disputed")

        supplier.goto("/inbox")
        expect(supplier.get_by_role("main")).to_contain_text(f"{arch_name} disputes the delivery")
        supplier.goto(match_path)
        expect(
            supplier.get_by_role("note").filter(has_text="disputed the delivery")
        ).to_contain_text("nobody came on Tuesday")
        expect(supplier.get_by_role("heading", name="Record the delivery again")).to_be_visible()
        _checked(supplier, check_page, f"{width_name}-to-record-again")
        _record(supplier, "10", [])

        arch.reload()
        arch.get_by_label("Rating (optional)").select_option("4")
        arch.get_by_role("button", name="Confirm the delivery").click()
        _flashed(arch, "the delivery is confirmed")
        history = arch.get_by_role("region", name="History", exact=True)
        expect(history).to_contain_text("The delivery is disputed. Only ten hours")
        _checked(arch, check_page, f"{width_name}-confirmed")

        # The "More" menu links to ARCh's matches (the menu itself is tested elsewhere).
        organisation_list = arch.locator("a", has_text=f"Matches of {arch_name}")
        expect(organisation_list).to_have_count(1)
        arch.goto(organisation_list.get_attribute("href") + "?stage=confirmed")
        expect(arch.get_by_role("table")).to_contain_text("Confirmed")
        _checked(arch, check_page, f"{width_name}-list-by-stage")

        task_force = _signed_in(new_page, people["task_force"], width)
        task_force.goto("/review/")
        outcome = task_force.get_by_role("region").filter(has_text=arch_name)
        expect(outcome.get_by_role("link", name="register.pdf")).to_be_visible()
        _checked(task_force, check_page, f"{width_name}-review-queue")
        with task_force.expect_download() as download:
            outcome.get_by_role("link", name="register.pdf").click()
        assert download.value.suggested_filename == "register.pdf"
        assert Path(download.value.path()).read_bytes() == PDF
