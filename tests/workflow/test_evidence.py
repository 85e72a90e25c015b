"""Evidence files on a delivery: PDF, JPEG or PNG told from the bytes, at most 10 MB each,
kept outside static/, and served as downloads only to the match's two sides, the task
force and staff. Bad files get a field error and leave neither a row nor a file."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.matches.models import Match
from brokerage.workflow.evidence import type_of
from brokerage.workflow.models import MAX_EVIDENCE_BYTES, Delivery, EvidenceFile
from brokerage.workflow.states import State
from tests.helpers.web import csrf_token, log_in
from tests.helpers.workflow import PEOPLE, delivered_with_a_file, set_state, today
from tests.workflow.evidence_samples import JPEG, PDF, PNG


def _agreed(in_pair) -> int:
    return in_pair(lambda pair: _set(pair.match(), State.AGREED))


def _set(match: Match, state: State) -> int:
    set_state(match, state)
    return match.id


def _client(pair, who: str):
    client = pair.app.test_client()
    return client if who == "anon" else log_in(client, f"{who}@example.org")


def _record(pair, match_id: int, files: list[tuple[bytes, str, str]], who: str = "supplier"):
    """Post the delivery form with `files` as (bytes, name, the browser's content type)."""
    client = _client(pair, who)
    with pair.app.app_context():
        version = db.session.get(Match, match_id).version
    data = {
        "csrf_token": csrf_token(client),
        "version": str(version),
        "measures": ["OIEP-S1"],
        "measures:OIEP-S1": "12",
        "delivered_from": today().isoformat(),
        "delivered_to": today().isoformat(),
        "evidence": "Registers attached.",
        "files": [(io.BytesIO(data), name, kind) for data, name, kind in files],
    }
    return client.post(
        f"/matches/{match_id}/delivery", data=data, content_type="multipart/form-data"
    )


def _kept(pair) -> list[tuple[str, str, int]]:
    with pair.app.app_context():
        rows = db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id))
        return [(f.filename, f.content_type, f.size_bytes) for f in rows]


def test_the_supplier_attaches_evidence_files_kept_outside_static(pair, in_pair, evidence_folder):
    match_id = _agreed(in_pair)

    response = _record(
        pair,
        match_id,
        [(PDF, "Register March.pdf", "application/pdf"), (PNG, "photo.png", "image/png")],
    )

    assert response.status_code == 302
    assert _kept(pair) == [
        ("Register_March.pdf", "application/pdf", len(PDF)),
        ("photo.png", "image/png", len(PNG)),
    ]
    on_disk = sorted(path.read_bytes() for path in evidence_folder.iterdir())
    assert on_disk == sorted([PDF, PNG])
    page = _client(pair, "beneficiary").get(f"/matches/{match_id}").get_data(as_text=True)
    assert "Register_March.pdf" in page and "(PDF, 1 KB" in page and "photo.png" in page


def test_the_type_comes_from_the_bytes_not_from_what_the_browser_says(
    pair, in_pair, evidence_folder
):
    match_id = _agreed(in_pair)

    response = _record(pair, match_id, [(JPEG, "site visit.JPG", "application/octet-stream")])

    assert response.status_code == 302
    assert _kept(pair) == [("site_visit.JPG", "image/jpeg", len(JPEG))]


TOO_LARGE = PDF + b"0" * (MAX_EVIDENCE_BYTES + 1 - len(PDF))


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "register.pdf", "“register.pdf” is empty."),
        (b"Nine hours on Tuesday", "register.pdf", "is not a PDF, JPEG or PNG file"),
        (b"<html><script>alert(1)</script>", "photo.png", "is not a PDF, JPEG or PNG file"),
        (b"GIF89a\x01\x00\x01\x00", "photo.gif", "is not a PDF, JPEG or PNG file"),
        (PNG, "register.pdf", "not what its name says: it holds a PNG file"),
        (PDF, "register.exe", "not what its name says: it holds a PDF file"),
        (PDF, "register", "not what its name says"),
        (TOO_LARGE, "register.pdf", "“register.pdf” is larger than 10 MB."),
    ],
    ids=["empty", "text", "html", "gif", "png-named-pdf", "pdf-named-exe", "no-ending", "large"],
)
def test_a_bad_file_gets_a_field_error_and_nothing_is_stored(
    pair, in_pair, evidence_folder, data, name, message
):
    match_id = _agreed(in_pair)

    response = _record(pair, match_id, [(PDF, "fine.pdf", "application/pdf"), (data, name, "")])

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and 'id="files-error"' in page
    assert _kept(pair) == []
    assert not evidence_folder.exists() or not any(evidence_folder.iterdir())
    with pair.app.app_context():
        assert db.session.get(Match, match_id).state == "agreed"
        assert db.session.scalar(select(func.count()).select_from(Delivery)) == 0


def test_more_than_five_files_at_once_are_refused(pair, in_pair, evidence_folder):
    match_id = _agreed(in_pair)

    response = _record(pair, match_id, [(PDF, f"page{n}.pdf", "application/pdf") for n in range(6)])

    assert response.status_code == 400
    assert "Attach at most 5 files at a time." in response.get_data(as_text=True)
    assert _kept(pair) == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg"), (b"plain", None)],
)
def test_the_type_is_read_from_the_magic_numbers(data, expected):
    assert type_of(data) == expected


def _delivered_with_a_file(in_pair, which: str = "need") -> tuple[int, int]:
    return in_pair(lambda pair: delivered_with_a_file(pair, which))


# The need match's sides (supplier, beneficiary), the task force and staff; the buyer is a
# side of the other match only, and the outsider of none: to them the match does not exist.
MAY_DOWNLOAD = {"supplier": 200, "beneficiary": 200, "task_force": 200, "staff": 200}


@pytest.mark.parametrize("who", PEOPLE)
def test_an_evidence_file_is_a_download_for_those_who_see_the_match(
    pair, in_pair, evidence_folder, who
):
    match_id, file_id = _delivered_with_a_file(in_pair)

    response = _client(pair, who).get(f"/matches/{match_id}/evidence/{file_id}")

    assert response.status_code == MAY_DOWNLOAD.get(who, 404)
    if response.status_code == 200:
        assert response.data == PDF
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"] == "attachment; filename=register.pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"]


def test_signed_out_a_file_asks_to_log_in(pair, in_pair, evidence_folder):
    match_id, file_id = _delivered_with_a_file(in_pair)

    response = _client(pair, "anon").get(f"/matches/{match_id}/evidence/{file_id}")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_file_is_not_found_through_another_match(pair, in_pair, evidence_folder):
    _, file_id = _delivered_with_a_file(in_pair, "opportunity")

    # The supplier is a side of both matches, but the file belongs to the other one.
    response = _client(pair, "supplier").get(f"/matches/{pair.need_match}/evidence/{file_id}")

    assert response.status_code == 404


def test_a_file_missing_from_the_folder_is_not_found_rather_than_an_error(
    pair, in_pair, evidence_folder
):
    match_id, file_id = _delivered_with_a_file(in_pair)
    for path in evidence_folder.iterdir():
        path.unlink()

    response = _client(pair, "supplier").get(f"/matches/{match_id}/evidence/{file_id}")

    assert response.status_code == 404


def test_the_review_queue_shows_the_task_force_the_evidence_files(pair, in_pair, evidence_folder):
    match_id, file_id = _delivered_with_a_file(in_pair)

    page = _client(pair, "task_force").get("/review/").get_data(as_text=True)

    assert f'href="/matches/{match_id}/evidence/{file_id}"' in page
    assert "register.pdf" in page
