"""`flask places lookup POSTCODE`: where a postcode is, as the brokerage sees it."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from ..errors import BrokerageError
from .postcodes import InvalidPostcode
from .service import resolve_in_area

places_cli = AppGroup("places", help="Postcodes, wards and priority places.")


@places_cli.command("lookup")
@click.argument("postcode")
def lookup_command(postcode: str) -> None:
    """Print one JSON object: the postcode, its district, its ward (2013 boundaries) and the
    names of the priority places it is in, most specific first."""
    try:
        place = resolve_in_area(postcode)
    except (InvalidPostcode, BrokerageError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        json.dumps(
            {
                "postcode": place.postcode,
                "district": place.district,
                "ward": place.ward,
                "priority_places": list(place.priority_places),
            }
        )
    )
