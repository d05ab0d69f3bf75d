"""How verification orders candidate addresses, on its own (no DNS, no SMTP)."""

from __future__ import annotations

from backend.email_lookup.finder import Confidence
from backend.email_lookup.finder import Rank
from backend.email_lookup.finder import score_candidates
from backend.email_lookup.ranking import Candidate
from backend.email_lookup.smtp_verify import EXISTS
from backend.email_lookup.smtp_verify import INVALID
from backend.email_lookup.smtp_verify import UNKNOWN
from backend.email_lookup.smtp_verify import Outcome

JANE = Candidate("jane.doe@acme.test", 0.6, "first.last")
JDOE = Candidate("jdoe@acme.test", 0.3, "flast")
JANE_D = Candidate("janed@acme.test", 0.1, "firstl")


def order(outcomes: dict[str, Outcome], *, tested: bool = True) -> list[tuple[str, Rank, str]]:
    scored = score_candidates(
        [JANE, JDOE, JANE_D], outcomes, tested=tested, base=Confidence.PROBABLE
    )
    return [(s.candidate.address, s.rank, s.confidence) for s in scored]


def test_an_accepted_mailbox_comes_first_whatever_its_prior() -> None:
    outcomes = {
        JANE.address: Outcome(JANE.address, INVALID),
        JANE_D.address: Outcome(JANE_D.address, EXISTS),
    }
    assert order(outcomes) == [
        (JANE_D.address, Rank.ACCEPTED, Confidence.VERIFIED),
        (JDOE.address, Rank.UNTESTED, Confidence.POSSIBLE),
        (JANE.address, Rank.REJECTED, Confidence.INVALID),
    ]


def test_a_full_mailbox_is_probable_and_after_an_accepted_one() -> None:
    outcomes = {
        JANE.address: Outcome(JANE.address, EXISTS, full=True),
        JDOE.address: Outcome(JDOE.address, EXISTS),
    }
    ranks = [(address, rank) for address, rank, _ in order(outcomes)]
    assert ranks[:2] == [(JDOE.address, Rank.ACCEPTED), (JANE.address, Rank.FULL)]
    assert order(outcomes)[1][2] == Confidence.PROBABLE


def test_no_verdict_ranks_before_untested_and_keeps_the_prior_order() -> None:
    outcomes = {JDOE.address: Outcome(JDOE.address, UNKNOWN)}
    assert [rank for _, rank, _ in order(outcomes)] == [
        Rank.NO_VERDICT,
        Rank.UNTESTED,
        Rank.UNTESTED,
    ]


def test_without_a_session_the_pattern_alone_speaks() -> None:
    assert order({}, tested=False) == [
        (JANE.address, Rank.UNTESTED, Confidence.PROBABLE),
        (JDOE.address, Rank.UNTESTED, Confidence.PROBABLE),
        (JANE_D.address, Rank.UNTESTED, Confidence.PROBABLE),
    ]
