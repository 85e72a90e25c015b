"""The directory search as JSON: GET /api/v1/suppliers, /needs and /opportunities.

The query string is the directory page's (`q`, `postcode`, `theme`, `measure`, `sector`,
`size`, `vcse`, `living_wage`, `verified`, `sort`) with the distance as `radius_km`, plus
`page` and `per_page`. The page's form checks it, so a bad parameter is a 400 naming the
field, exactly as the page would say it.
"""

from __future__ import annotations

from typing import Any

from flask import abort, g, jsonify, request
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from ..directory import service
from ..directory.forms import SearchForm
from ..directory.permissions import can_search
from ..errors import json_error
from ..listings import trades
from .views import blueprint, page_arguments

# The page's names for what the API calls radius_km.
_RENAMED = {"radius": "radius_km"}


def _form_data() -> MultiDict[str, str]:
    data = MultiDict(request.args)
    for name in ("page", "per_page", "radius", "unit"):
        data.poplist(name)
    if "radius_km" in data:
        data.setlist("radius", data.poplist("radius_km"))
        data["unit"] = "km"
    return data


def _result_json(result: service.Result) -> dict[str, Any]:
    entry = result.entry
    return {
        "id": entry.id,
        "ref": entry.ref,
        "partner_ref": entry.partner_ref,
        "name": entry.name,
        "organisation": {"id": entry.organisation_id, "name": entry.organisation_name},
        "postcode": entry.postcode,
        "district": entry.district,
        "verified": entry.verified,
        "trades": [{"code": code, "label": trades.label_of(code)} for code in entry.trades],
        "distance_km": result.distance_km,
        "score": result.score,
        "why": list(result.why),
    }


def _search(kind: str) -> Response:
    if not can_search(g.api_user):
        abort(403)
    page, per_page = page_arguments()
    form = SearchForm(formdata=_form_data())
    if not form.validate():
        fields = {_RENAMED.get(name, name): errors for name, errors in form.errors.items()}
        return json_error(400, "Some search parameters are not valid.", fields)
    found = service.search(kind, form.filters(), page, per_page)
    return jsonify(
        {
            "results": [_result_json(result) for result in found.results],
            "page": found.page,
            "pages": found.pages,
            "per_page": found.per_page,
            "total": found.total,
        }
    )


@blueprint.get("/suppliers")
def search_suppliers() -> Response:
    """Supplier organisations; `verified`, `vcse` and `living_wage` are true or false."""
    return _search("suppliers")


@blueprint.get("/needs")
def search_needs() -> Response:
    return _search("needs")


@blueprint.get("/opportunities")
def search_opportunities() -> Response:
    return _search("opportunities")
