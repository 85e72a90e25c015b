"""The JSON API, version 1, under /api/v1: bearer tokens (or the session, for reads), no
CSRF. Each module below adds its routes to the one blueprint."""

from . import (
    directory,  # noqa: F401  (registers its routes on the blueprint)
    impact,  # noqa: F401  (registers its routes on the blueprint)
    matches,  # noqa: F401  (registers its routes on the blueprint)
)
from .views import blueprint

__all__ = ["blueprint"]
