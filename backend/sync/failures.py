"""Why a Greenhouse action did not happen, as a stable code beside its message in words.

The code travels with the failure (`SyncFailed`, `TargetGone`), is stored on the outbox row
(`sync_jobs.last_error_code`) and answered in the sync log (`error_code`), so that what to do
about it (the web app's advice, an API client's own handling) never depends on the wording.
"""

from __future__ import annotations

from enum import StrEnum


class Failure(StrEnum):
    # Greenhouse's answers (the client's error classes)
    RATE_LIMITED = "rate_limited"  # 429: tried again by itself
    NO_BUDGET = "no_budget"  # our share of the rate limit was taken: tried again by itself
    UNAVAILABLE = "unavailable"  # 5xx, no connection, unreadable answer
    CREDENTIALS = "credentials"  # 401, the token endpoint refused
    PERMISSION = "permission"  # 403: a permission or API scope is missing
    RECORD_GONE = "record_gone"  # 404: deleted or merged in Greenhouse
    REFUSED = "refused"  # 4xx/422: Greenhouse refused a value
    OTHER = "other"  # any other client error
    # The sync's own checks
    NOT_CONNECTED = "not_connected"
    NO_RECORD = "no_record"  # finding or creating the person failed first
    TARGET_GONE = "target_gone"  # the job, pool or stage is no longer in Greenhouse
    JOB_CLOSED = "job_closed"
    TAG_NOT_CREATED = "tag_not_created"
    NO_APPLICATION = "no_application"
    NO_REPLY_STAGE = "no_reply_stage"
    NOT_A_PROSPECT = "not_a_prospect"  # a pool stage for someone who is a candidate now
    CONVERT_OFF = "convert_off"  # a job stage for a prospect, with Convert on reply off
    OTHER_JOB = "other_job"  # the application is on another job
    CONVERTED_MISSING = "converted_missing"
    NO_JOB = "no_job"  # a prospect on no job cannot be converted
    ANONYMISED = "anonymised"
