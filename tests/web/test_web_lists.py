"""The list pages: a page of rows in a fixed number of queries however many it holds, and the
tasks list paged on like the contacts list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from backend import defaults
from backend.sequences.authoring import create_sequence
from backend.sequences.dispatch import activate_due_tasks
from backend.sequences.enrolment import add_person
from backend.sequences.enrolment import person_from_fields
from backend.store.models import Mailbox
from backend.store.models import SyncJob
from backend.store.models import User
from backend.store.models import utcnow
from backend.web.blueprint import GREENHOUSE_ID_LIMIT
from backend.web.blueprint import positive_id
from tests.web.test_web_sequences import TASK_FIRST

ALWAYS = {"timezone": "UTC", "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
          "windows": [["00:00", "24:00"]], "holidays": None}  # fmt: skip


def add_people(app: Any, user_id: int, count: int, *, sequences: int = 1) -> None:
    """`count` people, each with a due call task and a failed sync row, over `sequences`
    sequences (each with its own mailbox)."""
    db = app.extensions["sourcebridge"].db
    with db.session() as session:
        account_id = session.get(User, user_id).account_id
        made = []
        for s in range(sequences):
            server = {"host": "127.0.0.1", "port": 1, "security": "none", "username": "r"}
            mailbox = Mailbox(
                account_id=account_id,
                user_id=user_id,
                provider="password",
                address=f"r{s}-{count}@acme.example",
                smtp=server,
                imap=server,
            )
            session.add(mailbox)
            session.flush()
            data = {"name": f"Seq {s} of {count}", "steps": TASK_FIRST,
                    "mailbox_id": mailbox.id, "schedule": ALWAYS}  # fmt: skip
            made.append(create_sequence(session, account_id, user_id, data, utcnow()))
        for n in range(count):
            added = add_person(
                session,
                account_id=account_id,
                sequence_id=made[n % sequences].id,
                person=person_from_fields(
                    {"email": f"p{n}-{count}@corp.example", "first_name": f"P{n}"}
                ),
                added_by=user_id,
                now=utcnow() - timedelta(minutes=5),
            )
            failed = SyncJob(account_id=account_id, contact_id=added.contact.id,
                             kind="ensure_person", payload={}, status="failed", attempts=1,
                             last_error="Greenhouse did not answer properly",
                             last_error_code="unavailable")  # fmt: skip
            session.add(failed)
    with db.session() as session:
        activate_due_tasks(session, utcnow(), "test")


@contextmanager
def counted(app: Any) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = app.extensions["sourcebridge"].db.engine

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("path", ["/contacts", "/tasks", "/sync", "/sequences"])
def test_a_list_page_costs_the_same_queries_for_many_rows_as_for_few(app, admin, admin_id, path):
    add_people(app, admin_id, 2, sequences=2)
    with counted(app) as few:
        assert admin.get(path).status_code == 200
    add_people(app, admin_id, 12, sequences=6)
    with counted(app) as many:
        assert admin.get(path).status_code == 200
    assert len(many) == len(few), "\n".join(many)


def test_the_tasks_list_pages_on_to_the_later_tasks_and_keeps_its_view(app, admin, admin_id):
    add_people(app, admin_id, defaults.WEB_PAGE_SIZE + 3)
    first = admin.get("/tasks?view=due").get_data(as_text=True)
    assert first.count("<article") == defaults.WEB_PAGE_SIZE
    assert "Call: P0</h2>" in first and f"Call: P{defaults.WEB_PAGE_SIZE}</h2>" not in first
    more = first.split('<a href="/tasks?view=due&amp;after=')[1].split('"')[0]
    rest = admin.get(f"/tasks?view=due&after={more}").get_data(as_text=True)
    assert rest.count("<article") == 3 and f"Call: P{defaults.WEB_PAGE_SIZE + 2}</h2>" in rest
    assert "More tasks" not in rest
    assert "More tasks" not in admin.get("/tasks?view=completed").get_data(as_text=True)


def test_completing_a_task_on_a_later_page_comes_back_to_that_page(app, admin, admin_id):
    add_people(app, admin_id, defaults.WEB_PAGE_SIZE + 3)
    first = admin.get("/tasks?view=due").get_data(as_text=True)
    more = first.split('<a href="/tasks?view=due&amp;after=')[1].split('"')[0]
    rest = admin.get(f"/tasks?view=due&after={more}").get_data(as_text=True)
    form = rest.split('<form method="post" action="')[1]
    action, fields = form.split('"')[0], form.split("</form>")[0]
    assert f'name="after" value="{more}"' in fields
    done = admin.post(action, {"view": "due", "after": more, "note": "Called"})
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/tasks?view=due&after={more}")
    back = admin.get(done.headers["Location"]).get_data(as_text=True)
    assert back.count("<article") == 2 and "Task completed." in back


def test_a_sequences_people_page_on_newest_first(app, admin, admin_id):
    add_people(app, admin_id, defaults.WEB_PAGE_SIZE + 3)
    listing = admin.get("/sequences").get_data(as_text=True)
    sequence_id = re.search(r'<a href="/sequences/(\d+)"', listing).group(1)
    first = admin.get(f"/sequences/{sequence_id}").get_data(as_text=True)
    assert first.count("<tr>") - 1 == defaults.WEB_PAGE_SIZE  # the header row aside
    last = defaults.WEB_PAGE_SIZE + 2
    assert f">P{last}</a>" in first and ">P0</a>" not in first
    more = first.split("More people")[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    rest = admin.get(more).get_data(as_text=True)
    assert rest.count("<tr>") - 1 == 3 and ">P0</a>" in rest and f">P{last}</a>" not in rest
    assert "More people" not in rest


def test_an_enrollment_waiting_on_a_task_says_since_when_not_next(app, admin, admin_id):
    add_people(app, admin_id, 1)
    contacts = admin.get("/contacts").get_data(as_text=True)
    contact_id = re.search(r'<a href="/contacts/(\d+)"', contacts).group(1)
    profile = admin.get(f"/contacts/{contact_id}").get_data(as_text=True)
    assert "Waiting on a task" in profile and "A task due since:" in profile
    assert "Next:" not in profile


def test_an_id_beyond_our_integer_ids_is_no_id_not_a_database_error(app, admin):
    assert positive_id(str(2**31 - 1)) == 2**31 - 1 and positive_id(str(2**31)) is None
    assert positive_id(str(2**40), GREENHOUSE_ID_LIMIT) == 2**40
    for path in ("/contacts?after=", "/tasks?after=", "/sync?before=", "/sync?contact_id="):
        assert admin.get(f"{path}{2**31}").status_code == 200, path
