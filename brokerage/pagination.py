"""The `?page=` of paginated HTML lists, bounded so no page number can overflow a query."""

from __future__ import annotations

from flask import abort, request

# Far beyond any real list, and small enough that the row offset fits the database's integers.
MAX_PAGE = 100_000


def page_number() -> int:
    """?page=, or not found when it is no page number (as Flask-SQLAlchemy would say)."""
    try:
        page = int(request.args.get("page", 1))
    except ValueError:
        abort(404)
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    return page
