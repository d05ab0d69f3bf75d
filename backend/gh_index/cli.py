"""`sourcebridge greenhouse index`: fill a team's candidate index now.

A command of the `greenhouse` group (`backend.accounts.cli`), added to it by `backend.__main__`.
"""

from __future__ import annotations

import sys

import click
from tqdm import tqdm

from backend.cli import BadInput
from backend.cli import DependencyFailed
from backend.config import load_settings
from backend.gh_index.backfill import run_backfill
from backend.greenhouse.check import explain
from backend.greenhouse.errors import GreenhouseError
from backend.infra.services import build_services
from backend.store.migrations import upgrade


@click.command()
@click.option("--account", type=int, required=True, help="the team whose index to fill")
def index(account: int) -> None:
    """Fill a team's candidate index now (the duplicate check's copy), with a progress bar."""
    settings = load_settings()
    upgrade(settings.database_url)
    svc = build_services(settings)
    with tqdm(unit=" candidates", desc="indexing", file=sys.stderr) as bar:

        def progress(total: int) -> None:
            bar.update(total - bar.n)

        try:
            total = run_backfill(svc, account, progress=progress)
        except GreenhouseError as exc:
            raise DependencyFailed(explain(exc)) from exc
    if total == 0 and bar.n == 0:
        raise BadInput(f"team {account} is not connected to Greenhouse")
    click.echo(f"indexed {total} candidates for team {account}")
