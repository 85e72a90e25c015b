"""`flask mail outbox`: read the mail the app would have sent."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .service import read_outbox

mail_cli = AppGroup("mail", help="Read the development mail outbox.")


@mail_cli.command("outbox")
@click.option("--to", help="Only mail to this address.")
@click.option("--last", default=5, show_default=True, help="How many recent messages.")
def show_outbox(to: str | None, last: int) -> None:
    """Print the most recent messages filed in the outbox."""
    messages = read_outbox(to)[-last:]
    if not messages:
        click.echo("The outbox is empty.")
    for message in messages:
        click.echo(f"To: {message.to}\nSubject: {message.subject}\n\n{message.body}\n{'-' * 60}")
