"""The outgoing message: headers receivers rely on, threading, a safe HTML part, the footer."""

from __future__ import annotations

import email
from datetime import UTC
from datetime import datetime
from email import policy

from backend.mailboxes.message import OutgoingEmail
from backend.mailboxes.message import compose
from backend.mailboxes.message import message_ids
from backend.mailboxes.message import new_message_id
from backend.mailboxes.message import to_bytes

LONG_URL = "https://sourcebridge.acme-recruiting.test/u/" + "Wzk5LCJqYW5lQGV4YW1wbGUuY29tIl0" * 4
SENT_AT = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def outgoing(**changes: object) -> OutgoingEmail:
    values: dict[str, object] = {
        "message_id": "<seq-1.step1@acme-recruiting.test>",
        "from_addr": "recruiter@acme-recruiting.test",
        "from_name": "Riley Recruiter",
        "to_addr": "jane.doe@example.com",
        "to_name": "Jane Doe",
        "subject": "Senior platform role at Acme",
        "text_body": "Hi Jane,\n\nWould you be open to a chat? <b>Really</b> & truly.",
        "in_reply_to": None,
        "references": (),
        "unsubscribe_url": LONG_URL,
        "reply_to": None,
    }
    values.update(changes)
    return OutgoingEmail(**values)  # type: ignore[arg-type]


def parsed(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def test_long_unsubscribe_url_is_not_turned_into_encoded_words() -> None:
    raw = to_bytes(compose(outgoing(), sent_at=SENT_AT))
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert b"=?" not in headers
    assert f"List-Unsubscribe: <{LONG_URL}>".encode() in headers
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in headers


def test_outreach_never_carries_auto_submitted_or_precedence() -> None:
    msg = parsed(to_bytes(compose(outgoing(), sent_at=SENT_AT)))
    for name in ("Auto-Submitted", "Precedence", "X-Auto-Response-Suppress"):
        assert name not in msg


def test_first_email_has_its_own_message_id_and_no_thread_headers() -> None:
    msg = parsed(to_bytes(compose(outgoing(), sent_at=SENT_AT)))
    assert msg["Message-ID"] == "<seq-1.step1@acme-recruiting.test>"
    assert msg["Subject"] == "Senior platform role at Acme"
    assert "In-Reply-To" not in msg and "References" not in msg
    assert msg["From"].addresses[0].addr_spec == "recruiter@acme-recruiting.test"


def test_follow_up_threads_with_re_subject_in_reply_to_and_the_whole_chain() -> None:
    email_ = outgoing(
        message_id="<seq-1.step3@acme-recruiting.test>",
        in_reply_to="<seq-1.step2@acme-recruiting.test>",
        references=("<seq-1.step1@acme-recruiting.test>",),
    )
    msg = parsed(to_bytes(compose(email_, sent_at=SENT_AT)))
    assert msg["Subject"] == "Re: Senior platform role at Acme"
    assert message_ids(str(msg["In-Reply-To"])) == ("<seq-1.step2@acme-recruiting.test>",)
    assert message_ids(str(msg["References"])) == (
        "<seq-1.step1@acme-recruiting.test>",
        "<seq-1.step2@acme-recruiting.test>",
    )


def test_subject_already_starting_with_re_is_not_doubled() -> None:
    email_ = outgoing(subject="RE: hello", in_reply_to="<a@b>")
    assert parsed(to_bytes(compose(email_, sent_at=SENT_AT)))["Subject"] == "RE: hello"


def test_html_alternative_is_the_escaped_text_with_only_our_link() -> None:
    msg = parsed(to_bytes(compose(outgoing(), sent_at=SENT_AT)))
    html_part = msg.get_body(("html",))
    text_part = msg.get_body(("plain",))
    assert html_part is not None and text_part is not None
    markup = html_part.get_content()
    assert "&lt;b&gt;Really&lt;/b&gt; &amp; truly." in markup
    assert "<b>" not in markup
    assert markup.count("<a ") == 1 and f'href="{LONG_URL}"' in markup
    assert "<b>Really</b> & truly." in text_part.get_content()


def test_footer_has_signature_opt_out_line_and_postal_address() -> None:
    msg = compose(
        outgoing(reply_to="talent@acme-recruiting.test"),
        sent_at=SENT_AT,
        signature="Riley Recruiter\nAcme Talent",
        postal_address="Acme Inc., 1 Main St, Springfield",
    )
    body = parsed(to_bytes(msg)).get_body(("plain",))
    assert body is not None
    text = body.get_content().replace("\r\n", "\n")
    assert "\n-- \nRiley Recruiter\nAcme Talent\n" in text
    assert 'Reply "unsubscribe"' in text and LONG_URL in text
    assert text.rstrip().endswith("Acme Inc., 1 Main St, Springfield")
    assert msg["Reply-To"] == "talent@acme-recruiting.test"


def test_non_ascii_names_and_subject_survive_a_round_trip() -> None:
    email_ = outgoing(to_name="Zoë Müller", subject="Poste à Zürich")
    msg = parsed(to_bytes(compose(email_, sent_at=SENT_AT)))
    assert msg["Subject"] == "Poste à Zürich"
    assert msg["To"].addresses[0].display_name == "Zoë Müller"


def test_new_message_ids_use_the_sender_domain_and_differ() -> None:
    first = new_message_id("riley@acme-recruiting.test")
    assert first.endswith("@acme-recruiting.test>") and first.startswith("<")
    assert first != new_message_id("riley@acme-recruiting.test")
