"""`sourcebridge imports run ID`: run one Greenhouse import now, with a progress bar.

The run itself (with the enrolment wired in) is the queue edge's `run_now`; `backend.__main__`
hands it to `imports_group`, so this feature imports neither the queue nor the sequences.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click
from tqdm import tqdm

from backend.cli import BadInput
from backend.cli import DependencyFailed
from backend.config import load_settings
from backend.greenhouse.check import explain
from backend.greenhouse.errors import GreenhouseError
from backend.imports.runs import COUNTS
from backend.imports.runs import RunOutcome
from backend.infra.services import Services
from backend.infra.services import build_services
from backend.store.migrations import upgrade
from backend.store.models import Import

RunNow = Callable[..., RunOutcome]
"""`run_now(svc, import_id, on_page=callback) -> RunOutcome`."""

WHY_NOT = {
    "busy": "is running elsewhere (or paused); try again when that run ends",
    "gone": "was removed",
    "stopped": "was removed while it ran",
}


def imports_group(run_now: RunNow) -> click.Group:
    @click.group("imports")
    def imports() -> None:
        """Greenhouse job imports."""

    @imports.command("run")
    @click.argument("import_id", type=int)
    def run(import_id: int) -> None:
        """Run one import now (or carry on with an unfinished one), with a progress bar."""
        settings = load_settings()
        upgrade(settings.database_url)
        svc: Services = build_services(settings)
        with svc.db.session() as session:
            row = session.get(Import, import_id)
            if row is None or row.deleted_at is not None:
                raise BadInput(f"no import {import_id}")
            label = row.job_name or f"job {row.job_id}"
        with tqdm(unit=" people", desc=label, file=sys.stderr) as bar:

            def on_page(progress: dict[str, Any]) -> None:
                bar.update(progress["seen"] - bar.n)
                bar.set_postfix(added=progress["added"], no_email=progress["skipped_no_email"])

            try:
                outcome = run_now(svc, import_id, on_page=on_page)
            except GreenhouseError as exc:
                raise DependencyFailed(explain(exc)) from exc
        counts = ", ".join(f"{name} {outcome.progress.get(name, 0)}" for name in COUNTS)
        if outcome.status in WHY_NOT:
            raise DependencyFailed(f"import {import_id} {WHY_NOT[outcome.status]}")
        if outcome.status in ("failed", "paused"):
            raise DependencyFailed(f"import {import_id} {outcome.status}: {outcome.reason}")
        click.echo(f"import {import_id}: {outcome.status}: {counts}")

    return imports
