"""An evidence file lives as long as its row: kept when its upload is committed, gone when
its row is (the match, listing or organisation deleted, by the ORM or a bulk delete), kept
when the deletion rolls back, and swept by `flask evidence prune` when a commit's sweep
missed it. The person who uploaded it, or disputed a delivery, finds it in their data."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from brokerage.accounts.models import Organisation
from brokerage.accounts.privacy import delete_account
from brokerage.changes import topic_of
from brokerage.extensions import Model, db
from brokerage.listings.models import Offer
from brokerage.matches.models import Match
from brokerage.workflow.delivery import dispute_delivery
from brokerage.workflow.evidence import CASCADING_TOPICS, PART
from brokerage.workflow.models import EvidenceFile
from tests.factories import PASSWORD
from tests.helpers.web import log_in
from tests.helpers.workflow import delivered_with_a_file
from tests.workflow.evidence_samples import PDF

# A name as `keep` makes them (32 hex digits), for files no row names.
ORPHAN = "0123456789abcdef0123456789abcdef"


def _kept_file(pair, in_pair) -> tuple[int, Path]:
    """A committed delivery with one PDF, as (match id, where its bytes are)."""
    match_id, file_id = in_pair(lambda pair: delivered_with_a_file(pair))
    with pair.app.app_context():
        stored_as = db.session.get(EvidenceFile, file_id).stored_as
    return match_id, Path(pair.app.config["EVIDENCE_FOLDER"]) / stored_as


def test_a_committed_upload_is_kept_under_its_final_name_only(pair, in_pair, evidence_folder):
    _, path = _kept_file(pair, in_pair)

    assert path.read_bytes() == PDF
    assert [p.name for p in evidence_folder.iterdir()] == [path.name]


def test_an_upload_whose_transaction_rolls_back_leaves_no_file(pair, evidence_folder):
    with pair.app.app_context():
        delivered_with_a_file(pair)
        assert [p.suffix for p in evidence_folder.iterdir()] == [PART]  # written, unnamed
        db.session.rollback()

    assert list(evidence_folder.iterdir()) == []


def _delete_match(pair, match_id: int) -> None:
    db.session.delete(db.session.get(Match, match_id))


def _delete_offer_in_bulk(pair, match_id: int) -> None:
    offer_id = db.session.get(Match, match_id).offer_id
    db.session.execute(delete(Offer).where(Offer.id == offer_id))


def _delete_supplier(pair, match_id: int) -> None:
    organisation_id = db.session.get(Match, match_id).offer.organisation_id
    db.session.execute(delete(Organisation).where(Organisation.id == organisation_id))


DELETIONS: dict[str, Callable[..., None]] = {
    "match": _delete_match,
    "offer in bulk": _delete_offer_in_bulk,
    "supplier organisation": _delete_supplier,
}


@pytest.mark.parametrize("deletion", DELETIONS.values(), ids=DELETIONS.keys())
def test_deleting_what_a_delivery_hangs_from_removes_its_files(
    pair, in_pair, evidence_folder, deletion
):
    match_id, path = _kept_file(pair, in_pair)

    in_pair(lambda pair: deletion(pair, match_id))

    with pair.app.app_context():
        assert db.session.scalars(select(EvidenceFile)).all() == []
    assert not path.exists()


@pytest.mark.parametrize("deletion", DELETIONS.values(), ids=DELETIONS.keys())
def test_a_deletion_rolled_back_keeps_the_files(pair, in_pair, evidence_folder, deletion):
    match_id, path = _kept_file(pair, in_pair)

    with pair.app.app_context():
        deletion(pair, match_id)
        db.session.flush()
        assert db.session.scalars(select(EvidenceFile)).all() == []  # gone, until...
        db.session.rollback()

    with pair.app.app_context():
        assert len(db.session.scalars(select(EvidenceFile)).all()) == 1
    assert path.read_bytes() == PDF


def test_erasing_the_uploaders_account_keeps_the_evidence_others_rely_on(
    pair, in_pair, evidence_folder
):
    _, path = _kept_file(pair, in_pair)

    in_pair(lambda pair: delete_account(pair.user("supplier"), PASSWORD))

    with pair.app.app_context():
        (evidence,) = db.session.scalars(select(EvidenceFile)).all()
        assert evidence.uploaded_by_id is None
    assert path.read_bytes() == PDF


def _tables_whose_deletion_reaches_evidence() -> set[str]:
    """Follow the schema's ON DELETE CASCADE foreign keys back from the evidence table."""
    reached = {EvidenceFile.__tablename__}
    grew = True
    while grew:
        grew = False
        for table in Model.metadata.tables.values():
            for key in table.foreign_keys:
                parent = key.column.table.name
                if table.name in reached and key.ondelete == "CASCADE" and parent not in reached:
                    reached.add(parent)
                    grew = True
    return reached


def test_the_sweep_follows_every_topic_whose_deletion_cascades_to_evidence():
    reached = _tables_whose_deletion_reaches_evidence()
    topics = {
        topic_of(mapper.class_)
        for mapper in Model.registry.mappers
        if mapper.local_table.name in reached
    }

    assert {"organisations", "offers", "matches", "match_deliveries"} <= reached
    assert topics == CASCADING_TOPICS


# flask evidence prune -------------------------------------------------------------------


def _aged(path: Path, days: float) -> Path:
    moment = time.time() - days * 24 * 3600
    os.utime(path, (moment, moment))
    return path


def test_prune_removes_files_without_a_row_and_keeps_the_rest(
    pair, in_pair, evidence_folder, flask_cli
):
    _, referenced = _kept_file(pair, in_pair)
    orphan = evidence_folder / ORPHAN
    orphan.write_bytes(PDF)
    abandoned = evidence_folder / f"{'a' * 32}{PART}"
    abandoned.write_bytes(PDF)
    _aged(abandoned, days=2)
    in_flight = evidence_folder / f"{'b' * 32}{PART}"
    in_flight.write_bytes(PDF)
    not_ours = evidence_folder / "README.txt"
    not_ours.write_text("Evidence files of the brokerage.")

    result = flask_cli("evidence", "prune")

    assert result.exit_code == 0, result.output
    assert result.output == (
        "1 evidence file without a row removed, 0 uploads finished, 1 abandoned upload removed.\n"
    )
    assert sorted(p.name for p in evidence_folder.iterdir()) == sorted(
        [referenced.name, in_flight.name, not_ours.name]
    )
    assert flask_cli("evidence", "prune").output.startswith("0 evidence files without a row")


def test_prune_finishes_an_upload_whose_row_was_committed_but_not_named(
    pair, in_pair, evidence_folder, flask_cli
):
    _, path = _kept_file(pair, in_pair)
    path.rename(path.with_name(path.name + PART))  # as if the process died after the commit

    result = flask_cli("evidence", "prune")

    assert "1 upload finished" in result.output
    assert path.read_bytes() == PDF


# The person's data download ---------------------------------------------------------------


def _download(pair, who: str) -> dict:
    client = log_in(pair.app.test_client(), f"{who}@example.org")
    return json.loads(client.get("/account/data").get_data(as_text=True))


def test_the_download_lists_the_evidence_files_the_person_uploaded(pair, in_pair, evidence_folder):
    match_id, _ = _kept_file(pair, in_pair)

    uploaded = _download(pair, "supplier")["evidence_files_uploaded"]

    assert [(f["file_name"], f["type"], f["size_bytes"], f["match_id"]) for f in uploaded] == [
        ("register.pdf", "PDF", len(PDF), match_id)
    ]
    assert uploaded[0]["uploaded_at"].endswith("+00:00")
    assert _download(pair, "beneficiary")["evidence_files_uploaded"] == []


def test_the_download_lists_the_disputes_the_person_wrote(pair, in_pair, evidence_folder):
    def disputed(pair) -> int:
        match_id, _ = delivered_with_a_file(pair)
        match = db.session.get(Match, match_id)
        dispute_delivery(match, pair.user("beneficiary"), "Nobody came on Tuesday.", None)
        return match_id

    match_id = in_pair(disputed)

    disputes = _download(pair, "beneficiary")["deliveries_disputed"]

    assert [(d["match_id"], d["reason"]) for d in disputes] == [
        (match_id, "Nobody came on Tuesday.")
    ]
    assert disputes[0]["at"].endswith("+00:00")
    assert _download(pair, "supplier")["deliveries_disputed"] == []
