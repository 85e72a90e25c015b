"""`flask match rebuild`: recompute every stored match, with a progress bar."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from .scene import Scene
from .store import RebuildReport, rebuild, seekers_to_rank
from .supplier_store import rebuild_supplier_matches

match_cli = AppGroup("match", help="Keep stored matches current.")


@match_cli.command("rebuild")
def rebuild_command() -> None:
    """Score every published opportunity and need against every published offer, and every
    opportunity against every supplier, and store the best (idempotent: running it again
    stores the same pairs)."""
    report = _rebuild_offer_matches()
    suppliers = rebuild_supplier_matches()
    db.session.commit()
    click.echo(
        f"{report.pairs} pair{'s' if report.pairs != 1 else ''} stored in "
        f"{report.seconds:.1f} s with matching policy version {report.policy_version}; "
        f"{suppliers} opportunity and supplier pair{'s' if suppliers != 1 else ''} stored."
    )


def _rebuild_offer_matches() -> RebuildReport:
    """The offer-level rebuild with a progress bar; its scene (every offer, opportunity and
    need loaded) is let go on return, before the supplier-level workers fork and share the
    parent's memory."""
    scene = Scene()
    with click.progressbar(length=seekers_to_rank(scene), label="Ranking") as bar:
        return rebuild(bar.update, scene)
