"""`flask jobs work` runs an RQ worker; `flask jobs failed` lists what failed after retries."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .queue import failed_jobs, work

jobs_cli = AppGroup("jobs", help="Run the background worker and inspect failed jobs.")


@jobs_cli.command("work")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def work_command(burst: bool) -> None:
    """Work through queued jobs (needs REDIS_URL)."""
    try:
        work(burst=burst)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from error


@jobs_cli.command("failed")
def failed_command() -> None:
    """List jobs that failed after every retry."""
    jobs = failed_jobs()
    if not jobs:
        click.echo("No failed jobs.")
    for job in jobs:
        click.echo(f"{job.id}  {job.failed_at:%Y-%m-%d %H:%M}  {job.description}: {job.error}")
