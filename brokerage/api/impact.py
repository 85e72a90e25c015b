"""GET /api/v1/impact: the public impact page's verified figures as JSON (no token needed)."""

from __future__ import annotations

from flask import Response, jsonify

from ..impact.service import impact, impact_json
from .views import blueprint


@blueprint.get("/impact")
def impact_figures() -> Response:
    return jsonify(impact_json(impact()))
