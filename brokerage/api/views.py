"""JSON API v1. A request authenticates with `Authorization: Bearer <token>`; a read
(GET or HEAD) may instead ride on the browser's signed-in session, which is safe without a
CSRF token because reads change nothing."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from flask import Blueprint, g, jsonify, request
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from ..accounts.models import Membership, Organisation, User
from ..accounts.permissions import can_act_for, is_staff, not_stored
from ..accounts.service import ApiTokenExpired, active_api_token, note_token_use
from ..errors import json_error
from ..extensions import db
from ..partnership import current_partnership

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_PER_PAGE = 100
# Far beyond any real list, and small enough that the row offset fits a 64-bit integer.
MAX_PAGE = 1_000_000
SESSION_METHODS = frozenset({"GET", "HEAD"})
OPENAPI_FILE = Path(__file__).parent / "data" / "openapi.yaml"
# An example in the document that is the partnership's own: "{postcode}".
PARTNERSHIP_EXAMPLE = re.compile(r"\{(\w+)\}")
# Readable by anyone: the description of the API, and the public impact figures.
PUBLIC_ENDPOINTS = frozenset({"api.openapi", "api.impact_figures"})


@blueprint.before_request
def _authenticate_token() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    try:
        token = active_api_token(secret.strip()) if scheme.lower() == "bearer" and secret else None
    except ApiTokenExpired as error:
        return _unauthorised(str(error))
    user = token.user if token is not None else None
    if user is None and not header and request.method in SESSION_METHODS:
        user = current_user if current_user.is_authenticated else None
    if user is None:
        return _unauthorised(
            "Send a valid personal API token: Authorization: Bearer <token> "
            "(or sign in, for reads)."
        )
    if token is not None:
        note_token_use(token)
        db.session.commit()
    g.api_user = user
    return None


def _unauthorised(reason: str) -> Response:
    response = json_error(401, reason)
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@blueprint.after_request
def _not_stored_for_a_token(response: Response) -> Response:
    """A token's answers are that person's own, like the signed-in pages."""
    return not_stored(response) if g.get("api_user") is not None else response


def page_arguments() -> tuple[int, int]:
    """`page` and `per_page` from the query string; 400 with the limits when out of range."""
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 20))
    except ValueError:
        page = per_page = 0
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= MAX_PER_PAGE:
        raise BadRequest(
            f"page must be between 1 and {MAX_PAGE} and per_page between 1 and {MAX_PER_PAGE}."
        )
    return page, per_page


def _organisation_json(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.id,
        "ref": organisation.ref,
        "partner_ref": organisation.external_ref,
        "identifiers": organisation.org_ids,
        "name": organisation.name,
        "kind": organisation.kind,
        "postcode": organisation.postcode,
        "description": organisation.description,
    }


@cache
def openapi_document() -> dict[str, Any]:
    """The OpenAPI description of v1, written by hand beside the code it describes."""
    return yaml.safe_load(OPENAPI_FILE.read_text(encoding="utf-8"))


def with_examples(node: Any, examples: Mapping[str, str]) -> Any:
    """A copy of the document with each value written "{key}" (an example) filled in from
    the partnership's examples, so the description serves any partnership."""
    if isinstance(node, dict):
        return {key: with_examples(value, examples) for key, value in node.items()}
    if isinstance(node, list):
        return [with_examples(item, examples) for item in node]
    if isinstance(node, str) and (example := PARTNERSHIP_EXAMPLE.fullmatch(node)):
        return examples[example.group(1)]
    return node


@blueprint.get("/openapi.json")
def openapi() -> Response:
    """The description, its title led by the partnership's area, its examples its own."""
    partnership = current_partnership()
    document = with_examples(openapi_document(), partnership.examples)
    title = f"{partnership.area} {document['info']['title']}"
    return jsonify({**document, "info": {**document["info"], "title": title}})


@blueprint.get("/me")
def me() -> Response:
    user: User = g.api_user
    return jsonify(
        {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "staff": user.is_staff,
            "task_force": user.is_task_force,
            "organisations": [
                {"id": m.organisation_id, "name": m.organisation.name, "role": m.role}
                for m in sorted(user.memberships, key=lambda m: m.organisation.name.lower())
            ],
        }
    )


@blueprint.get("/organisations")
def organisations() -> Response:
    """The organisations this token's user acts for (every one, for staff)."""
    page, per_page = page_arguments()
    query = select(Organisation).order_by(Organisation.name)
    if not is_staff(g.api_user):
        query = query.join(Membership).where(Membership.user_id == g.api_user.id)
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return jsonify(
        {
            "results": [_organisation_json(o) for o in result.items],
            "page": page,
            "pages": result.pages,
            "per_page": per_page,
            "total": result.total,
        }
    )


@blueprint.get("/organisations/<int:organisation_id>")
def organisation(organisation_id: int) -> Response:
    found = db.session.get(Organisation, organisation_id)
    if found is None or not can_act_for(g.api_user, found):
        return json_error(404, f"No organisation {organisation_id}.")
    return jsonify(_organisation_json(found))
