"""`sourcebridge imports run ID` against the sandbox and a fresh SQLite database."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result

from backend.greenhouse.sandbox.jobs import add_job
from backend.greenhouse.sandbox.jobs import fill_job
from backend.sequences.authoring import create_sequence
from backend.store import Database
from backend.store.migrations import upgrade
from backend.store.models import Account
from backend.store.models import Import
from backend.store.models import utcnow
from tests.support.cli import invoke


@pytest.fixture
def cli_db(tmp_path: Path) -> tuple[str, Database]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    db = Database(url)
    yield url, db
    db.dispose()


def run(args: list[str], url: str, tmp_path: Path, sandbox) -> Result:  # type: ignore[no-untyped-def]
    env = {"SOURCEBRIDGE_INSTANCE": str(tmp_path), "DATABASE_URL": url, "SECRET_KEY": "test"}
    return invoke(args, {**env, **sandbox.settings()})


def test_imports_run_runs_the_import_and_prints_its_counts(cli_db, tmp_path, sandbox):
    url, db = cli_db
    job = add_job(sandbox.state, "From the shell")
    fill_job(sandbox.state, job, 4, no_email_every=4)
    with db.session() as session:
        account = Account(name="Team")
        session.add(account)
        session.flush()
        steps = [{"kind": "task", "task_type": "call", "instructions": "Call them"}]
        sequence = create_sequence(
            session, account.id, None, {"name": "S", "steps": steps}, utcnow()
        )
        row = Import(account_id=account.id, job_id=job, sequence_id=sequence.id, progress={})
        session.add(row)
        session.flush()
        import_id = row.id

    result = run(["imports", "run", str(import_id)], url, tmp_path, sandbox)

    assert result.exit_code == 0, result.output
    assert f"import {import_id}: done: seen 4, added 3, skipped_no_email 1" in result.output


def test_imports_run_with_an_unknown_id_exits_2_with_one_line(cli_db, tmp_path, sandbox):
    url, _db = cli_db
    result = run(["imports", "run", "4242"], url, tmp_path, sandbox)

    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == "error: no import 4242"
