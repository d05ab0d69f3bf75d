"""The sync log in words: what each Greenhouse action is, and what to do about its error.

Pure: plain strings in, plain strings out. The executor already says *what* went wrong; this
adds *what to do*, matched on the phrases `backend/sync/executor.py` and `outbox.py` write:
a failure carries no code to match instead (`SyncFailed` has a message and `permanent`, the
row keeps `last_error` text only). Once it does, match on the code (the phrases stay for old
rows).
"""

from __future__ import annotations

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

# (phrase in the error, what to do), first match wins; the more specific phrases come first.
ADVICE = (
    ("The contact has no Greenhouse record",
     "Fix the first failed row of this contact (finding or creating them); retrying that one "
     "retries this one too."),
    ("Greenhouse is not connected",
     "An admin connects Greenhouse in Integrations, then Retry."),
    ("refused the integration's credentials",
     "An admin re-enters the client ID and secret in Integrations and uses Test connection, "
     "then Retry."),
    ("may not",
     "Ask a Greenhouse site admin to give the integration's user that permission or API scope "
     "(Dev Center → API credentials), then Retry."),
    ("no longer exists in Greenhouse",
     "The record was deleted or merged in Greenhouse. Check the person there, then Retry."),
    ("Convert on reply",
     "An admin turns on “Make prospects candidates when they reply” in Integrations, then Retry."),
    ("No stage on reply is set",
     "An admin sets “Stage on reply” in Integrations → Job & Pools, then Retry."),
    ("not considered for any job",
     "Give the sequence a job on its Syncing tab, then Retry."),
    ("Could not create the tag",
     "Ask a Greenhouse site admin to add the tag (Configure → Candidate Tags), then Retry."),
    ("Anonymised in Greenhouse",
     "Nothing to do: the person was anonymised in Greenhouse and nothing more is synced."),
    ("asked us to slow down", "Nothing to do: it is tried again by itself shortly."),
    ("No Greenhouse request budget", "Nothing to do: it is tried again by itself shortly."),
    ("did not answer properly",
     "Nothing to do if it is waiting: it is tried again by itself. If it failed, Retry later."),
    ("does not exist in Greenhouse",
     "Choose another job or pool for the sequence (Syncing tab) or in Integrations → Job & "
     "Pools, then Retry."),
    ("is not a stage of",
     "Choose another stage for the sequence (Syncing tab) or in Integrations → Job & Pools, "
     "then Retry."),
    ("closed",
     "Choose an open job for the sequence (Syncing tab) or in Integrations → Job & Pools, "
     "then Retry."),
    ("Greenhouse refused to",
     "Correct the value Greenhouse names (on the contact or in Field Mapping), then Retry."),
)  # fmt: skip
DEFAULT_ADVICE = "Retry. If it fails again, check the person in Greenhouse."


def kind_words(kind: str) -> str:
    return KIND_WORDS.get(kind, kind.replace("_", " ").capitalize())


def advice(error: str | None) -> str | None:
    """What to do about an error, or None when there is no error."""
    if not error:
        return None
    for phrase, words in ADVICE:
        if phrase in error:
            return words
    return DEFAULT_ADVICE
