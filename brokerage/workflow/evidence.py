"""Evidence files on a delivery: what an upload is, told from its bytes (puremagic reads
the magic numbers; the name and the browser's content type count for nothing but the
name must agree), and where the bytes are kept: the configured EVIDENCE_FOLDER (by default
instance/evidence), never under static/, under a random name (`stored_as`).

A file lives exactly as long as its row, and the rows go in ways the ORM never sees: the
database's cascades (organisation → listing → match → delivery → evidence file) and bulk
deletes. So the rule is kept from the file's side, in two steps:

- **Written, then named after the commit.** An upload is written as `<stored_as>.part`
  once every check has passed; the `evidence` subscriber of `changes` renames it to
  `<stored_as>` after its row is committed, and removes it if the transaction rolls back.
  A file under its final name therefore always had a committed row.
- **Removed when its row is gone.** After a commit that deleted rows of a topic evidence
  hangs from (`CASCADING_TOPICS`), a job lists the final names in the folder, *then* reads
  which rows exist, and removes the files without one. An upload still in flight is a
  `.part` file and is never listed; a file listed before the read had its row committed
  before the read began; so a rolled-back deletion, which removes no row, removes no file.

`flask evidence prune` does the same sweep for whatever a commit's job missed (a worker
down, rows deleted by hand in SQL), finishes renames a crash interrupted (a `.part` file
whose row exists), and removes `.part` files with no row once older than
`ABANDONED_AFTER` (a process that died mid-upload). Run it daily.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path, PurePath
from typing import Any

import puremagic
from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from ..accounts.models import User
from ..changes import Committed, Subscriber
from ..errors import BrokerageError
from ..extensions import db
from ..jobs import enqueue
from .models import EVIDENCE_TYPES, MAX_EVIDENCE_BYTES, Delivery, EvidenceFile

# The file name endings that may name each type.
EXTENSIONS = {"application/pdf": {"pdf"}, "image/jpeg": {"jpg", "jpeg"}, "image/png": {"png"}}
MAX_FILES_AT_ONCE = 5
KINDS_IN_WORDS = "a PDF, JPEG or PNG"


class EvidenceRefused(BrokerageError):
    status_code = 400


@dataclass(frozen=True)
class Upload:
    """An evidence file that passed every check, waiting to be kept."""

    filename: str
    content_type: str
    data: bytes


def type_of(data: bytes) -> str | None:
    """The MIME type the bytes' magic numbers say, or None when they say nothing known."""
    try:
        return puremagic.from_string(data, mime=True) or None
    except puremagic.PureError:
        return None


def read_upload(upload: FileStorage) -> Upload:
    """Check one uploaded file, or raise EvidenceRefused with what is wrong with it."""
    shown = upload.filename or "The file"
    data = upload.stream.read(MAX_EVIDENCE_BYTES + 1)
    if not data:
        raise EvidenceRefused(f"“{shown}” is empty.")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceRefused(f"“{shown}” is larger than 10 MB.")
    found = type_of(data)
    if found not in EVIDENCE_TYPES:
        raise EvidenceRefused(f"“{shown}” is not {KINDS_IN_WORDS} file.")
    name = secure_filename(shown)
    if PurePath(name).suffix.lower().lstrip(".") not in EXTENSIONS[found]:
        raise EvidenceRefused(
            f"“{shown}” is not what its name says: it holds a {EVIDENCE_TYPES[found]} file "
            f"(its name would end .{min(EXTENSIONS[found])})."
        )
    return Upload(name, found, data)


def read_uploads(uploads: Sequence[FileStorage]) -> list[Upload]:
    if len(uploads) > MAX_FILES_AT_ONCE:
        raise EvidenceRefused(f"Attach at most {MAX_FILES_AT_ONCE} files at a time.")
    return [read_upload(upload) for upload in uploads]


PART = ".part"  # an upload's bytes until its row is committed
_UPLOADED = "evidence_uploaded"  # session.info: the `stored_as` this transaction wrote
# Only names `keep` makes are ever removed, whatever else the folder holds.
STORED_NAME = re.compile(r"[0-9a-f]{32}")
# Deleting a row of these topics may delete evidence rows by the database's cascades:
# organisations and listings (organisation → listing → match), matches, and the workflow's
# own deliveries and files. A test checks this against the schema's cascades.
CASCADING_TOPICS = frozenset({"organisations", "listings", "matches", "workflow"})
# No upload takes this long between writing its file and committing its row.
ABANDONED_AFTER = timedelta(days=1)


def evidence_folder() -> Path:
    configured = current_app.config.get("EVIDENCE_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "evidence"


def path_of(evidence: EvidenceFile) -> Path:
    return evidence_folder() / evidence.stored_as


def _part(folder: Path, stored_as: str) -> Path:
    return folder / f"{stored_as}{PART}"


def keep(delivery: Delivery, uploads: Iterable[Upload], actor: User) -> list[EvidenceFile]:
    """Write each file (as `.part` until the commit) and add its row to the delivery
    (flushed); if anything fails, the files written so far are removed again."""
    folder = evidence_folder()
    folder.mkdir(parents=True, exist_ok=True)
    kept: list[EvidenceFile] = []
    try:
        for upload in uploads:
            evidence = EvidenceFile(
                filename=upload.filename,
                content_type=upload.content_type,
                size_bytes=len(upload.data),
                stored_as=secrets.token_hex(16),
                uploaded_by_id=actor.id,
            )
            kept.append(evidence)
            _part(folder, evidence.stored_as).write_bytes(upload.data)
            delivery.evidence_files.append(evidence)
        db.session.flush()
    except Exception:
        discard(kept)
        raise
    db.session.info.setdefault(_UPLOADED, []).extend(e.stored_as for e in kept)
    return kept


def discard(files: Iterable[EvidenceFile]) -> None:
    """Remove the written bytes of files whose rows will not be saved."""
    folder = evidence_folder()
    for evidence in files:
        _part(folder, evidence.stored_as).unlink(missing_ok=True)


# After the commit ---------------------------------------------------------------------


def settle_after_commit(committed: Committed) -> None:
    """The evidence subscriber: the files this commit kept take their final names, and a
    commit that may have deleted evidence rows sets off the sweep of their files."""
    folder = evidence_folder()
    for stored_as in db.session().info.pop(_UPLOADED, []):
        _finish(folder, stored_as)
    deleted = {c.topic for c in committed.changes if c.action == "deleted"}
    # A bulk statement's topic counts too: whether it deleted is not noted.
    if (deleted | committed.bulk_topics) & CASCADING_TOPICS:
        enqueue(remove_orphaned_files)


def forget_uploads(_rolled_back: Committed) -> None:
    """The uploads of a transaction that was undone leave no file behind."""
    folder = evidence_folder()
    for stored_as in db.session().info.pop(_UPLOADED, []):
        _part(folder, stored_as).unlink(missing_ok=True)


SUBSCRIBER = Subscriber("evidence", settle_after_commit, forget_uploads)


def _finish(folder: Path, stored_as: str) -> bool:
    """Give a committed upload its final name; False if it is not there (done already)."""
    try:
        os.replace(_part(folder, stored_as), folder / stored_as)
    except FileNotFoundError:
        return False
    return True


def _stored_rows() -> set[str]:
    return set(db.session.scalars(select(EvidenceFile.stored_as)))


def _names_in(folder: Path, suffix: str = "") -> set[str]:
    """The `stored_as` of the folder's files `keep` named, final (no suffix) or `.part`
    (os.scandir and plain strings: a folder of 10,000 files is listed in milliseconds)."""
    if not folder.is_dir():
        return set()
    with os.scandir(folder) as entries:
        names = {
            entry.name.removesuffix(suffix) for entry in entries if entry.name.endswith(suffix)
        }
    return {name for name in names if STORED_NAME.fullmatch(name)}


def remove_orphaned_files() -> int:
    """The sweep (a job): remove every finally named file whose row is gone; how many.
    The files are listed before the rows are read (see the module's notes)."""
    folder = evidence_folder()
    orphans = _names_in(folder)
    if orphans:
        orphans -= _stored_rows()
    for name in orphans:
        (folder / name).unlink(missing_ok=True)
    return len(orphans)


@dataclass(frozen=True)
class PruneReport:
    removed: int  # files whose rows are gone
    finished: int  # committed uploads a crash left as .part
    abandoned: int  # .part files with no row, older than ABANDONED_AFTER


def prune() -> PruneReport:
    """`flask evidence prune`: the sweep, then the `.part` files (idempotent)."""
    removed = remove_orphaned_files()
    folder = evidence_folder()
    parts = _names_in(folder, PART)
    stored = _stored_rows() if parts else set()
    oldest_in_flight = time.time() - ABANDONED_AFTER.total_seconds()
    finished = abandoned = 0
    for stored_as in parts:
        if stored_as in stored:
            finished += _finish(folder, stored_as)
        elif _written_before(_part(folder, stored_as), oldest_in_flight):
            _part(folder, stored_as).unlink(missing_ok=True)
            abandoned += 1
    return PruneReport(removed, finished, abandoned)


def _written_before(path: Path, moment: float) -> bool:
    try:
        return path.stat().st_mtime < moment
    except FileNotFoundError:  # its commit has just renamed it
        return False


def evidence_uploaded_by(user: User) -> list[dict[str, Any]]:
    """The evidence files `user` uploaded, oldest first, for their data download."""
    rows = db.session.execute(
        select(EvidenceFile, Delivery.match_id)
        .join(EvidenceFile.delivery)
        .where(EvidenceFile.uploaded_by_id == user.id)
        .order_by(EvidenceFile.id)
    )
    return [
        {
            "file_name": evidence.filename,
            "type": evidence.kind,
            "size_bytes": evidence.size_bytes,
            "match_id": match_id,
            "uploaded_at": evidence.uploaded_at,
        }
        for evidence, match_id in rows
    ]
