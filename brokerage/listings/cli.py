"""`flask listings refresh-locations`: re-place every listing after priority places change or
Code-Point Open moves a postcode."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from .service import refresh_locations

listings_cli = AppGroup("listings", help="Maintain offers, opportunities and needs.")


@listings_cli.command("refresh-locations")
def refresh_locations_command() -> None:
    """Work out every listing's grid point, district and priority place again (idempotent)."""
    changed = refresh_locations()
    db.session.commit()
    click.echo(f"{changed} listing{'s' if changed != 1 else ''} changed place.")
