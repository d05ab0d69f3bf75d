"""Who someone is, in words, the same on every page."""

from __future__ import annotations

from backend.store.models import Contact
from backend.web.people import person_name


def test_a_name_wins_then_the_email_then_the_contact_number() -> None:
    assert person_name({"id": 3, "first_name": "Ada", "last_name": "Lovelace"}) == "Ada Lovelace"
    assert person_name({"id": 3, "first_name": None, "last_name": "Lovelace"}) == "Lovelace"
    assert person_name({"id": 3, "first_name": " ", "email": "ada@corp.example"}) == (
        "ada@corp.example"
    )
    assert person_name({"id": 3, "first_name": "", "email": ""}) == "Contact 3"


def test_rows_and_views_read_alike_and_users_use_their_one_name() -> None:
    row = Contact(id=4, first_name="Grace", last_name="Hopper", email="grace@navy.example")
    assert person_name(row) == "Grace Hopper"
    assert person_name({"name": "Sam Admin", "email": "sam@acme.example"}) == "Sam Admin"


def test_a_page_can_say_who_it_means_when_nothing_is_known() -> None:
    assert person_name({"first_name": None}, "the configured user") == "the configured user"
