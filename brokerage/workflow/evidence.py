"""Evidence files on a delivery: what an upload is, told from its bytes (puremagic reads
the magic numbers; the name and the browser's content type count for nothing but the
name must agree), and where the bytes are kept: the configured EVIDENCE_FOLDER (by default
instance/evidence), never under static/, under a random name.

A file is written only after every check of the delivery has passed, and removed again if
the delivery is not saved, so a refused upload leaves neither a row nor a file behind.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

import puremagic
from flask import current_app
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from ..accounts.models import User
from ..errors import BrokerageError
from ..extensions import db
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


def evidence_folder() -> Path:
    configured = current_app.config.get("EVIDENCE_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "evidence"


def path_of(evidence: EvidenceFile) -> Path:
    return evidence_folder() / evidence.stored_as


def keep(delivery: Delivery, uploads: Iterable[Upload], actor: User) -> list[EvidenceFile]:
    """Write each file and add its row to the delivery (flushed); if anything fails, the
    files written so far are removed again."""
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
            (folder / evidence.stored_as).write_bytes(upload.data)
            delivery.evidence_files.append(evidence)
        db.session.flush()
    except Exception:
        discard(kept)
        raise
    return kept


def discard(files: Iterable[EvidenceFile]) -> None:
    """Remove the kept bytes of files whose rows will not be saved."""
    for evidence in files:
        path_of(evidence).unlink(missing_ok=True)
