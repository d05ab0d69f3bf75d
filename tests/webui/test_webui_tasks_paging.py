"""A tasks list longer than a page in real Chromium: the first page, "More tasks", the rest."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend import defaults
from backend.sequences.authoring import create_sequence
from backend.sequences.dispatch import activate_due_tasks
from backend.sequences.enrolment import add_person
from backend.sequences.enrolment import person_from_fields
from backend.store.models import Mailbox
from backend.store.models import User
from backend.store.models import utcnow
from tests.webui.conftest import ADMIN
from tests.webui.conftest import assert_accessible
from tests.webui.conftest import shoot
from tests.webui.test_webui_sequences import ALWAYS
from tests.webui.test_webui_sequences import STEPS

pytestmark = [pytest.mark.e2e]
EXTRA = 3  # tasks on the second page


@pytest.fixture(scope="module")
def many_tasks(live) -> None:  # type: ignore[no-untyped-def]
    db = live.app.extensions["sourcebridge"].db
    with db.session() as session:
        admin = session.query(User).filter_by(email=ADMIN).one()
        server = {"host": "127.0.0.1", "port": 1, "security": "none", "username": "r"}
        mailbox = Mailbox(account_id=admin.account_id, user_id=admin.id, provider="password",
                          address="alex@acme.example", smtp=server, imap=server)  # fmt: skip
        session.add(mailbox)
        session.flush()
        data = {"name": "Platform engineers", "steps": STEPS, "mailbox_id": mailbox.id,
                "schedule": ALWAYS}  # fmt: skip
        sequence = create_sequence(session, admin.account_id, admin.id, data, utcnow())
        for n in range(defaults.WEB_PAGE_SIZE + EXTRA):
            person = {"email": f"person{n:02}@corp.example", "first_name": "Person",
                      "last_name": f"{n:02}", "company": "Corp"}  # fmt: skip
            add_person(
                session,
                account_id=admin.account_id,
                sequence_id=sequence.id,
                person=person_from_fields(person),
                added_by=admin.id,
                now=utcnow() - timedelta(minutes=5),
            )
    with db.session() as session:
        activate_due_tasks(session, utcnow(), "webui")


def test_more_tasks_leads_from_a_full_page_to_the_rest(live, admin_page, many_tasks):
    page, guard = admin_page
    page.goto(f"{live.url}/tasks")
    last = defaults.WEB_PAGE_SIZE - 1
    page.get_by_role("heading", name=f"Call: Person {last:02}").wait_for()
    assert page.locator("article").count() == defaults.WEB_PAGE_SIZE
    assert_accessible(page)
    page.get_by_role("link", name="More tasks").click()
    page.get_by_role("heading", name=f"Call: Person {last + EXTRA:02}").wait_for()
    assert page.locator("article").count() == EXTRA
    assert page.get_by_role("link", name="More tasks").count() == 0
    assert_accessible(page)
    shoot(page, "tasks-more")
    guard.assert_clean()
