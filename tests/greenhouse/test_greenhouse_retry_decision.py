"""The transport's retry decision on its own: one attempt in, the next step out (no HTTP)."""

from __future__ import annotations

import pytest

from backend.greenhouse.transport import Outcome
from backend.greenhouse.transport import Step
from backend.greenhouse.transport import next_step


def decide(outcome: Outcome, *, idempotent: bool = True, can_reauthorise: bool = True) -> Step:
    return next_step(outcome, idempotent=idempotent, can_reauthorise=can_reauthorise)


@pytest.mark.parametrize("status", [200, 201, 204, 302])
def test_a_readable_answer_is_returned(status: int) -> None:
    assert decide(Outcome(status)) is Step.RETURN
    assert decide(Outcome(status), idempotent=False) is Step.RETURN


def test_an_unreadable_answer_is_repeated_by_a_read_and_read_back_by_a_write() -> None:
    assert decide(Outcome(200, readable=False)) is Step.RETRY
    assert decide(Outcome(201, readable=False), idempotent=False) is Step.CONFIRM_LANDED


def test_a_401_mints_a_new_token_once() -> None:
    assert decide(Outcome(401)) is Step.REAUTHORISE
    assert decide(Outcome(401), can_reauthorise=False) is Step.RAISE


def test_a_429_is_retried_even_for_a_write() -> None:
    assert decide(Outcome(429), idempotent=False) is Step.RETRY


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_error_is_retried_by_a_read_and_read_back_by_a_write(status: int) -> None:
    assert decide(Outcome(status)) is Step.RETRY
    assert decide(Outcome(status), idempotent=False) is Step.READ_BACK


@pytest.mark.parametrize("status", [400, 403, 404, 409, 422])
def test_other_refusals_are_never_repeated(status: int) -> None:
    assert decide(Outcome(status)) is Step.RAISE
    assert decide(Outcome(status), idempotent=False) is Step.RAISE


def test_no_answer_is_retried_unless_a_write_may_have_landed() -> None:
    assert decide(Outcome(None)) is Step.RETRY
    assert decide(Outcome(None, nothing_sent=True), idempotent=False) is Step.RETRY
    assert decide(Outcome(None), idempotent=False) is Step.READ_BACK
