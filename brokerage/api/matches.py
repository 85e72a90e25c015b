"""A listing's matches as JSON: GET /api/v1/{opportunities,needs,offers}/<id>/matches.

The same people as on the listing's matches page may read them; a listing they may not
see is answered 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, jsonify
from werkzeug.wrappers import Response

from ..accounts.models import Organisation
from ..caching import reads_ahead
from ..errors import json_error
from ..extensions import db
from ..listings.kinds import KINDS, ListingKind
from ..listings.models import Listing
from ..listings.permissions import can_view_listing
from ..matches.suppliers import OpportunityRead, ShownSupplier, SupplierMatches
from ..workflow.listing_matches import ShownMatch, read_shown_matches_ahead, shown_matches
from ..workflow.permissions import can_view_matches
from .views import blueprint

# The name of the answers' entries in the cache: renamed when what is kept changes (each
# answer's body, since answers were kept as the objects to write), so that no process reads
# an entry kept by another version.
_SHOWN_AS = "json-body"


def _match_json(match: ShownMatch) -> dict[str, Any]:
    return {
        "id": match.id,
        "kind": match.kind,
        "ref": match.listing.ref,
        "partner_ref": match.listing.external_ref,
        "name": match.listing.title,
        "score": round(match.score, 4),
        "strength": match.strength,
        "components": {
            "location": round(match.location, 4),
            "toms": round(match.toms, 4),
            "fit": round(match.fit, 4),
        },
        "distance_km": match.distance_km,
        "reasons": list(match.reasons),
        "policy_version": match.policy_version,
    }


def _supplier_json(match: ShownSupplier) -> dict[str, Any]:
    result = match.result
    return {
        "id": match.organisation_id,
        "kind": match.kind,
        "ref": match.ref,
        "partner_ref": match.partner_ref,
        "name": match.name,
        "score": round(result.score, 4),
        "strength": match.strength,
        "components": {
            "trade": round(result.trade, 4),
            "social_value": round(result.social_value, 4),
            "place": round(result.place, 4),
            "supplier": round(result.supplier, 4),
        },
        "distance_km": match.distance_km,
        "reasons": list(result.reasons),
        "offers": [
            {"id": o.id, "ref": o.ref, "partner_ref": o.partner_ref, "title": o.title}
            for o in match.offers
        ],
        "interest": match.interest,
    }


def _answer(_: Listing | OpportunityRead, ranked: list[ShownMatch] | SupplierMatches) -> bytes:
    """The answer's body, as `jsonify` writes it: kept so in the cache, not as the objects to
    write (pickling those cost more than the body, and writing it again each time it is read)."""
    if isinstance(ranked, SupplierMatches):
        answer: dict[str, Any] = {
            "policy_version": ranked.policy_version,
            "matches": [_supplier_json(m) for m in ranked.suppliers],
            "advice": list(ranked.advice),
        }
    else:
        answer = {"matches": [_match_json(m) for m in ranked]}
    return jsonify(answer).get_data()


def _listing_matches(kind: ListingKind, listing_id: int) -> Response:
    found = shown_matches(
        kind.model,
        listing_id,
        _SHOWN_AS,
        _answer,
        lambda found: can_view_matches(g.api_user, found),
    )
    if found is None or not can_view_listing(g.api_user, found):
        return json_error(404, f"No {kind.label} {listing_id}.")
    if not can_view_matches(g.api_user, found):
        owner = db.session.get_one(Organisation, found.organisation_id)
        return json_error(403, f"Only {owner.name} sees the matches of {found.ref}.")
    return current_app.response_class(found.shown, mimetype="application/json")


def _register(kind: ListingKind) -> None:
    @reads_ahead(lambda listing_id: read_shown_matches_ahead(kind.model, listing_id, _SHOWN_AS))
    def view(listing_id: int) -> Response:
        return _listing_matches(kind, listing_id)

    endpoint = f"{kind.name}_matches"
    view.__name__ = view.__qualname__ = endpoint
    blueprint.add_url_rule(f"/{kind.plural}/<int:listing_id>/matches", endpoint, view)


for _kind in KINDS:
    _register(_kind)
