"""The example import files, the shapes of an import and the upload page, as bulk tests use
them."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from brokerage.bulk.service import ImportReport
from tests.helpers.web import csrf_token

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ORGANISATION_KINDS = ("suppliers", "buyers", "beneficiaries")
LISTING_KINDS = ("offers", "opportunities", "needs")
KIND_ORDER = (*ORGANISATION_KINDS, *LISTING_KINDS)
ORGANISATION_HEADER = "ref,name,postcode,sector,size,vcse,living_wage,description,website"
UPLOAD = "/admin/import"

Importer = Callable[..., ImportReport]


def example(kind: str) -> bytes:
    return (EXAMPLES / f"{kind}.csv").read_bytes()


def upload_file(
    client: FlaskClient,
    data: bytes,
    kind: str = "suppliers",
    filename: str = "list.csv",
    **extra: Any,
) -> TestResponse:
    """Post a file on the upload page, as staff choosing it there would."""
    form = {
        "csrf_token": csrf_token(client, UPLOAD),
        "kind": kind,
        "file": (io.BytesIO(data), filename),
        **extra,
    }
    return client.post(UPLOAD, data=form, content_type="multipart/form-data")


def uploaded_run_id(response: TestResponse) -> int:
    """The import run an upload's redirect points to."""
    match = re.search(r"/admin/import/(\d+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))
