"""Every fixture message classifies exactly as its golden file says (kind, addresses, dates, text).

The fixtures are shaped like real mail: Gmail, Outlook/Exchange, Postfix, Exim and qmail bounces,
out-of-office replies in English, German, French, Spanish, Dutch, Italian and Portuguese, replies
from Gmail, Outlook and an iPhone in five languages, a forwarded reply, a reply from another
address, unsubscribe replies in English and Dutch. Regenerate the goldens after
a deliberate change with `UPDATE_GOLDEN=1 pytest tests/mailboxes/test_mail_classify_golden.py`
and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from backend.mailboxes.classify import classify

MESSAGES = Path(__file__).parent / "messages"
OWN_ADDRESS = "recruiter@acme-recruiting.test"
FIXTURES = sorted(MESSAGES.glob("*.eml"))


def golden_of(path: Path) -> Path:
    return path.with_suffix(".json")


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_classifies_as_its_golden(path: Path) -> None:
    got = classify(path.read_bytes(), own_address=OWN_ADDRESS).as_dict()
    golden = golden_of(path)
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
    assert got == json.loads(golden.read_text())


def test_every_kind_is_covered_by_the_fixtures() -> None:
    kinds = {json.loads(golden_of(p).read_text())["kind"] for p in FIXTURES}
    assert kinds == {"reply", "auto_reply", "bounce_hard", "bounce_soft", "unsubscribe", None}
