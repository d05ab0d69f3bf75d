"""The sync log in words: what each Greenhouse action is, and what to do about its error.

Pure: plain strings in, plain strings out. The executor says *what* went wrong, in words and as
a code (`backend/sync/failures.py`; migration 0006 gave older rows theirs); this adds *what to
do*, chosen by the code.
"""

from __future__ import annotations

from backend.sync.failures import Failure

KIND_WORDS = {
    "ensure_person": "Find or create the person in Greenhouse",
    "add_employment": "Add their current job to Greenhouse",
    "log_email": "Log an email on their activity feed",
    "add_note": "Add a note",
    "set_status": "Set the outreach status",
    "move_stage": "Move them to a stage",
    "convert": "Make the prospect a candidate",
    "apply_custom_fields": "Fill the mapped custom fields",
}
STATUS_WORDS = {"pending": "Waiting", "done": "Done", "failed": "Failed"}

RETRY_ON_ITS_OWN = "Nothing to do: it is tried again by itself shortly."
CHOOSE_TARGET = (
    "Choose another job, pool or stage for the sequence (Syncing tab) or in Integrations → Job & "
    "Pools, then Retry."
)
# What to do, by failure code (Failure.OTHER gets DEFAULT_ADVICE).
ADVICE: dict[Failure, str] = {
    Failure.NO_RECORD: (
        "Fix the first failed row of this contact (finding or creating them); retrying that one"
        " retries this one too."
    ),
    Failure.NOT_CONNECTED: "An admin connects Greenhouse in Integrations, then Retry.",
    Failure.CREDENTIALS: (
        "An admin re-enters the client ID and secret in Integrations and uses Test connection, "
        "then Retry."
    ),
    Failure.PERMISSION: (
        "Ask a Greenhouse site admin to give the integration's user that permission or API "
        "scope (Dev Center → API credentials), then Retry."
    ),
    Failure.RECORD_GONE: (
        "The record was deleted or merged in Greenhouse. Check the person there, then Retry."
    ),
    Failure.CONVERT_OFF: (
        "An admin turns on “Make prospects candidates when they reply” in Integrations, then Retry."
    ),
    Failure.NO_REPLY_STAGE: (
        "An admin sets “Stage on reply” in Integrations → Job & Pools, then Retry."
    ),
    Failure.NO_JOB: "Give the sequence a job on its Syncing tab, then Retry.",
    Failure.TAG_NOT_CREATED: (
        "Ask a Greenhouse site admin to add the tag (Configure → Candidate Tags), then Retry."
    ),
    Failure.ANONYMISED: (
        "Nothing to do: the person was anonymised in Greenhouse and nothing more is synced."
    ),
    Failure.RATE_LIMITED: RETRY_ON_ITS_OWN,
    Failure.NO_BUDGET: RETRY_ON_ITS_OWN,
    Failure.UNAVAILABLE: (
        "Nothing to do if it is waiting: it is tried again by itself. If it failed, Retry later."
    ),
    Failure.TARGET_GONE: CHOOSE_TARGET,
    Failure.JOB_CLOSED: (
        "Choose an open job for the sequence (Syncing tab) or in Integrations → Job & Pools, "
        "then Retry."
    ),
    Failure.REFUSED: (
        "Correct the value Greenhouse names (on the contact or in Field Mapping), then Retry."
    ),
    Failure.NOT_A_PROSPECT: (
        "They are a candidate now: move them in Greenhouse, or give the sequence a job stage "
        "(Syncing tab), then Retry."
    ),
    Failure.OTHER_JOB: (
        "Their application is on another job: move them in Greenhouse, or give the sequence "
        "their job (Syncing tab), then Retry."
    ),
    Failure.NO_APPLICATION: (
        "They have no application in Greenhouse to move: check the person there (it may have "
        "been removed), then Retry."
    ),
    Failure.CONVERTED_MISSING: (
        "Check the person in Greenhouse (the conversion may have been undone), then Retry."
    ),
}

DEFAULT_ADVICE = "Retry. If it fails again, check the person in Greenhouse."


def kind_words(kind: str) -> str:
    return KIND_WORDS.get(kind, kind.replace("_", " ").capitalize())


def advice(error: str | None, code: str | None) -> str | None:
    """What to do about an error, by its code, or None when there is no error."""
    if not error and not code:
        return None
    try:
        return ADVICE.get(Failure(code), DEFAULT_ADVICE)
    except ValueError:  # a code this version does not know
        return DEFAULT_ADVICE
