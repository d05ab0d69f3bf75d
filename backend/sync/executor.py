"""Perform one sync action through the Harvest v3 client, idempotently.

- The person is looked up by every email (and by LinkedIn URL through the index when allowed)
  before anything is created; a found record is used, never a second one.
- Ids are returned as soon as they exist (the outbox stores them on the contact).
- A write that failed ambiguously is read back by the client before it retries; an action run
  again after a worker died mid-way (`again=True`) first looks for what it would write.
- Errors come out as `SyncFailed` in words, permanent or retryable.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import datetime
from typing import Any

from backend.greenhouse import errors as gh
from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.shapes import prospect_application
from backend.sync.actions import Action
from backend.sync.actions import AddEmployment
from backend.sync.actions import AddNote
from backend.sync.actions import ApplyCustomFields
from backend.sync.actions import ConvertToCandidate
from backend.sync.actions import EnsurePerson
from backend.sync.actions import LogEmail
from backend.sync.actions import MoveStage
from backend.sync.actions import SetStatus
from backend.sync.catalog import Catalog
from backend.sync.catalog import TargetGone
from backend.sync.failures import Failure
from backend.sync.rules import STATUS_VALUES
from backend.sync.targets import Target

Row = dict[str, Any]
EXISTS_IN_GREENHOUSE = "Exists in Greenhouse"


class SyncFailed(Exception):
    """An action that did not happen, in words and as a code; `permanent` ones are not retried
    by themselves."""

    def __init__(
        self,
        message: str,
        *,
        code: Failure,
        permanent: bool,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.permanent = permanent
        self.retry_after = retry_after


@dataclass(frozen=True)
class Link:
    """The contact's Greenhouse record as the outbox knows it."""

    candidate_id: int | None = None
    application_id: int | None = None
    created_here: bool = False  # the sync created the record (nothing else was on it)


@dataclass
class Outcome:
    link: Link
    greenhouse_ids: dict[str, Any] = field(default_factory=dict)
    target: Target | None = None  # with names, when the action placed the person
    warning: str | None = None  # e.g. "Exists in Greenhouse"
    summary: str = ""


def explain(exc: gh.GreenhouseError, doing: str) -> SyncFailed:
    """A client error as words, and whether trying again later can help."""
    if isinstance(exc, gh.RateLimited):
        return SyncFailed(
            f"Greenhouse asked us to slow down while trying to {doing}",
            code=Failure.RATE_LIMITED,
            permanent=False,
            retry_after=exc.retry_after,
        )
    if isinstance(exc, gh.Throttled):
        return SyncFailed(
            f"No Greenhouse request budget free to {doing}", code=Failure.NO_BUDGET, permanent=False
        )
    if isinstance(exc, gh.ServerError | gh.APIConnectionError | gh.MalformedResponse):
        return SyncFailed(
            f"Greenhouse did not answer properly while trying to {doing} ({exc.message})",
            code=Failure.UNAVAILABLE,
            permanent=False,
        )
    if isinstance(exc, gh.AuthenticationError):
        return SyncFailed(
            "Greenhouse refused the integration's credentials: check the client id and secret "
            "in Integrations → Greenhouse",
            code=Failure.CREDENTIALS,
            permanent=True,
        )
    if isinstance(exc, gh.PermissionDenied):
        return SyncFailed(
            f"The Greenhouse user the integration acts as may not {doing} "
            f"(missing permission or API scope: {'; '.join(exc.messages) or exc.message})",
            code=Failure.PERMISSION,
            permanent=True,
        )
    if isinstance(exc, gh.NotFound):
        return SyncFailed(
            f"Could not {doing}: the record no longer exists in Greenhouse",
            code=Failure.RECORD_GONE,
            permanent=True,
        )
    if isinstance(exc, gh.APIStatusError):
        details = list(exc.messages) + [
            f"{name}: {'; '.join(texts)}" for name, texts in exc.field_errors.items()
        ]
        reason = "; ".join(details) or exc.message
        return SyncFailed(
            f"Greenhouse refused to {doing}: {reason}", code=Failure.REFUSED, permanent=True
        )
    return SyncFailed(f"Could not {doing}: {exc.message}", code=Failure.OTHER, permanent=False)


class Executor:
    """Performs actions for one account's Greenhouse.

    `find_by_linkedin(url)` answers candidate ids from the team's index (no request).
    """

    def __init__(
        self,
        client: GreenhouseClient,
        catalog: Catalog,
        *,
        find_by_linkedin: Callable[[str], list[int]] = lambda url: [],
    ) -> None:
        self.client = client
        self.catalog = catalog
        self.find_by_linkedin = find_by_linkedin
        self._employments: dict[int, list[Row]] = {}

    def perform(
        self, action: Action, link: Link, *, again: bool = False, since: datetime | None = None
    ) -> Outcome:
        """Do `action`; `again` when an earlier attempt may have written before it died;
        `since` is when the action was recorded (a read-back only accepts newer records)."""
        if action.needs_record and link.candidate_id is None:
            raise SyncFailed(
                "The contact has no Greenhouse record yet", code=Failure.NO_RECORD, permanent=True
            )
        handler = {
            EnsurePerson: self._ensure_person,
            AddEmployment: self._add_employment,
            LogEmail: self._log_email,
            AddNote: self._add_note,
            SetStatus: self._set_status,
            MoveStage: self._move_stage,
            ConvertToCandidate: self._convert,
            ApplyCustomFields: self._apply_custom_fields,
        }[type(action)]
        try:
            return handler(action, link, again, since)
        except TargetGone as exc:
            raise SyncFailed(str(exc), code=exc.code, permanent=True) from exc
        except gh.GreenhouseError as exc:
            raise explain(exc, _doing(action)) from exc

    # --- the person ----------------------------------------------------------------------------
    def find_person(
        self, emails: Iterable[str], linkedin_url: str | None
    ) -> tuple[Row | None, str]:
        """The existing record for these emails (oldest first), else the LinkedIn URL match."""
        for email in emails:
            rows = self.client.candidates.find_by_email(email)
            if rows:
                return min(rows, key=lambda r: r["id"]), f"email {email}"
        if linkedin_url:
            ids = self.find_by_linkedin(linkedin_url)
            if ids:
                rows = self.client.candidates.get_many(ids)
                if rows:
                    return min(rows, key=lambda r: r["id"]), "LinkedIn URL"
        return None, ""

    def _named(self, target: Target | None) -> Target | None:
        """The target with its names: stored targets carry them (settings and sequences store
        them checked); an unnamed one is resolved through the catalog."""
        if target is None or target.named:
            return target
        return self.catalog.resolve(target)

    def _ensure_person(
        self, action: EnsurePerson, link: Link, again: bool, since: datetime | None
    ) -> Outcome:
        target = self._named(action.target)
        person = action.person
        candidate: Row | None = None
        why = ""
        if link.candidate_id is not None:
            candidate = self.client.candidates.get(link.candidate_id)
            why = "linked"
        if candidate is None:
            url = person.linkedin_url if action.match_linkedin_url else None
            candidate, why = self.find_person(person.emails, url)
        if candidate is None:
            return self._create_person(action, target)
        cid = candidate["id"]
        application = self._application_for(cid, target)
        created_app = False
        if application is None and target is not None:
            self.catalog.check_open(target)
            application = self.client.applications.create(cid, **_application_body(target))
            created_app = True
        if action.custom_fields:
            self.client.candidates.patch(cid, custom_fields=_custom_fields(action.custom_fields))
        aid = application["id"] if application else None
        # An existing record the sync did not create (found now, or matched when the person
        # was added) is what dedupe warns about.
        existing = why != "linked" or not link.created_here
        warning = EXISTS_IN_GREENHOUSE if action.warn_if_exists and existing else None
        return Outcome(
            link=Link(cid, aid, created_here=link.created_here and why == "linked"),
            greenhouse_ids={
                "candidate_id": cid,
                "application_id": aid,
                "matched_by": why,
                "application_created": created_app,
            },  # fmt: skip
            target=target,
            warning=warning,
            summary=f"found candidate {cid} by {why}"
            + (f"; added to {target.describe()}" if created_app and target else ""),
        )

    def _create_person(self, action: EnsurePerson, target: Target | None) -> Outcome:
        person = action.person
        if target is not None:
            self.catalog.check_open(target)
        emails = [
            {"value": email, "type": "work" if index == 0 else "personal"}
            for index, email in enumerate(person.emails)
        ]
        reply = self.client.candidates.create(
            first_name=person.first_name or "(unknown)",
            last_name=person.last_name or "(unknown)",
            company=person.company,
            title=person.title,
            email_addresses=emails,
            phone_numbers=[{"value": person.phone, "type": "mobile"}] if person.phone else [],
            social_media_addresses=[person.linkedin_url] if person.linkedin_url else [],
            custom_fields=_custom_fields(action.custom_fields) or None,
            application=_application_body(target) if target else prospect_application(),
        )
        candidate, application = reply["candidate"], reply.get("application")
        cid, aid = candidate["id"], application["id"] if application else None
        return Outcome(
            link=Link(cid, aid, created_here=True),
            greenhouse_ids={"candidate_id": cid, "application_id": aid, "created": True},
            target=target,
            summary=f"created prospect {cid}" + (f" on {target.describe()}" if target else ""),
        )

    def _application_for(self, candidate_id: int, target: Target | None) -> Row | None:
        """The person's active application on the target (any active one with no target)."""
        rows = [
            a
            for a in self.client.applications.iter(candidate_ids=[candidate_id])
            if a.get("status") == "in_process"
        ]
        if target is None:
            return max(rows, key=lambda a: a["id"], default=None)
        if target.kind == "job":
            return next(
                (
                    a
                    for a in rows
                    if a.get("job_id") == target.job_id
                    or (a.get("prospect") and target.job_id in (a.get("prospective_job_ids") or []))
                ),
                None,
            )
        prospects = {a["id"]: a for a in rows if a.get("prospect")}
        if not prospects:
            return None
        details = self.client.applications.prospect_details(list(prospects))
        match = next((d for d in details if d.get("pool_id") == target.pool_id), None)
        return prospects.get(match["application_id"]) if match else None

    # --- employments and notes -----------------------------------------------------------------
    def _add_employment(
        self, action: AddEmployment, link: Link, again: bool, since: datetime | None
    ) -> Outcome:
        cid = int(link.candidate_id or 0)
        if again or not link.created_here:
            # Someone else's record, or an earlier attempt may have written it: look first.
            if cid not in self._employments:
                self._employments[cid] = self.client.employments.list(cid)
            same = next((e for e in self._employments[cid] if _same_employment(e, action)), None)
            if same is not None:
                return Outcome(link, {"employment_id": same["id"], "existing": True},
                               summary=f"employment {same['id']} already there")  # fmt: skip
        row = self.client.employments.create(
            cid,
            company_name=action.company_name,
            title=action.title,
            start_date=action.start_date,
            end_date=action.end_date,
        )
        self._employments.setdefault(cid, []).append(row)
        return Outcome(
            link,
            {"employment_id": row["id"]},
            summary=f"added employment {action.title} at {action.company_name}",
        )

    def _log_email(
        self, action: LogEmail, link: Link, again: bool, since: datetime | None
    ) -> Outcome:
        cid = int(link.candidate_id or 0)
        subject, body = action.subject or "(no subject)", action.body or "(empty)"
        if again:
            found = self.client.notes.find_written(
                cid, body, note_type="EMAIL", subject=subject, written_at=since
            )
            if found is not None:
                return Outcome(link, {"note_id": found["id"], "existing": True},
                               summary=f"email note {found['id']} already there")  # fmt: skip
        note = self.client.notes.log_email(
            cid,
            subject=subject,
            body=body,
            email_from=action.email_from,
            email_to=list(action.email_to),
            visibility=action.visibility,
            application_id=link.application_id,
        )
        summary = f"logged the {action.direction} email '{action.subject}'"
        return Outcome(link, {"note_id": note["id"]}, summary=summary)

    def _add_note(
        self, action: AddNote, link: Link, again: bool, since: datetime | None
    ) -> Outcome:
        cid = int(link.candidate_id or 0)
        if again:
            found = self.client.notes.find_written(
                cid, action.body, note_type="NOTE", subject=None, written_at=since
            )
            if found is not None:
                return Outcome(link, {"note_id": found["id"], "existing": True},
                               summary=f"note {found['id']} already there")  # fmt: skip
        note = self.client.notes.add_note(
            cid, action.body, visibility=action.visibility, application_id=link.application_id
        )
        return Outcome(link, {"note_id": note["id"]}, summary="added a note")

    # --- status, stage, convert, custom fields ---------------------------------------------
    def _set_status(
        self, action: SetStatus, link: Link, again: bool, since: datetime | None
    ) -> Outcome:
        cid = int(link.candidate_id or 0)
        if action.field_kind == "custom_field":
            entry = [{"name_key": action.name_key, "value": action.value}]
            self.client.candidates.patch(cid, custom_fields=entry)
            return Outcome(link, {"candidate_id": cid},
                           summary=f"status {action.name_key} = {action.value}")  # fmt: skip
        tag_id = self._tag_id(action.value)
        statuses = {s.lower() for s in STATUS_VALUES}
        names = {v: k for k, v in self.catalog.tags().items()}
        applied = list(self.client.tags.applied([cid]))
        for row in applied:
            name = names.get(row["candidate_tag_id"], "")
            if name in statuses and row["candidate_tag_id"] != tag_id:
                self.client.tags.remove(row["id"])  # one status tag at a time
        if not any(row["candidate_tag_id"] == tag_id for row in applied):
            self.client.tags.apply(cid, tag_id)
        return Outcome(link, {"candidate_id": cid, "tag_id": tag_id},
                       summary=f"status tag {action.value}")  # fmt: skip

    def _tag_id(self, name: str) -> int:
        tags = self.catalog.tags()
        if name.lower() in tags:
            return tags[name.lower()]
        try:
            row = self.client.tags.create(name)
        except gh.ValidationFailed:
            row = None  # made meanwhile by another worker: read it
        self.catalog.forget("tags")
        if row is not None:
            return int(row["id"])
        tags = self.catalog.tags()
        if name.lower() not in tags:
            raise SyncFailed(
                f"Could not create the tag '{name}' in Greenhouse",
                code=Failure.TAG_NOT_CREATED,
                permanent=True,
            )
        return tags[name.lower()]

    def _current_application(self, link: Link) -> Row:
        app = (
            self.client.applications.get(int(link.application_id or 0))
            if link.application_id
            else None
        )
        if app is None:
            raise SyncFailed(
                "The contact has no application in Greenhouse to move",
                code=Failure.NO_APPLICATION,
                permanent=True,
            )
        return app

    def _move_stage(
        self, action: MoveStage, link: Link, again: bool, since: datetime | None
    ) -> Outcome:
        target = self._named(action.target)
        if target is None:
            raise SyncFailed(
                "No stage on reply is set", code=Failure.NO_REPLY_STAGE, permanent=True
            )
        app = self._current_application(link)
        if target.kind == "pool":
            if not app.get("prospect"):
                raise SyncFailed(
                    f"The contact is a candidate now, not a prospect: cannot put them on the pool "
                    f"stage '{target.stage_name}'",
                    code=Failure.NOT_A_PROSPECT,
                    permanent=True,
                )
            self.client.applications.move_prospect(
                app["id"], target.pool_id or 0, target.pool_stage_id or 0
            )
            return Outcome(link, {"application_id": app["id"]}, target=target,
                           summary=f"moved to {target.describe()}")  # fmt: skip
        if app.get("prospect"):
            raise SyncFailed(
                f"A prospect cannot be moved to the interview stage '{target.stage_name}' of "
                f"'{target.job_name}' without being converted: turn on 'Convert on reply'",
                code=Failure.CONVERT_OFF,
                permanent=True,
            )
        if app.get("job_id") != target.job_id:
            raise SyncFailed(
                f"The contact's application is not on the job '{target.job_name}'",
                code=Failure.OTHER_JOB,
                permanent=True,
            )
        if target.stage_id is not None and app.get("job_interview_stage_id") != target.stage_id:
            self.client.applications.move(app["id"], app["stage_id"], target.stage_id)
        return Outcome(link, {"application_id": app["id"]}, target=target,
                       summary=f"moved to {target.describe()}")  # fmt: skip

    def _convert(
        self, action: ConvertToCandidate, link: Link, again: bool, since: datetime | None
    ) -> Outcome:
        app = self._current_application(link)
        cid = int(link.candidate_id or 0)
        if app.get("status") == "converted" or not app.get("prospect"):
            # Done already (an earlier attempt, or the recruiter): follow the new application.
            rows = self.client.applications.iter(candidate_ids=[cid])
            new = max(
                (a for a in rows if not a.get("prospect")), key=lambda a: a["id"], default=None
            )
            if new is None:
                raise SyncFailed(
                    "The converted application was not found in Greenhouse",
                    code=Failure.CONVERTED_MISSING,
                    permanent=True,
                )
            return Outcome(replace(link, application_id=new["id"]), {"application_id": new["id"]},
                           summary="already converted")  # fmt: skip
        job_id = action.job_id or self._prospect_job(app)
        if job_id is None:
            raise SyncFailed(
                "The prospect is not considered for any job: give the sequence a job target "
                "to convert them onto",
                code=Failure.NO_JOB,
                permanent=True,
            )
        target = self.catalog.resolve(Target(kind="job", job_id=job_id, stage_id=action.stage_id))
        self.catalog.check_open(target)
        new = self.client.applications.convert_to_candidate(
            app["id"], job_id, to_job_interview_stage_id=action.stage_id
        )
        return Outcome(
            replace(link, application_id=new["id"]),
            {"application_id": new["id"], "prospect_application_id": app["id"]},
            target=Target(
                kind="job",
                job_id=job_id,
                stage_id=new.get("job_interview_stage_id"),
                job_name=target.job_name,
                stage_name=new.get("stage_name"),
            ),  # fmt: skip
            summary=f"converted to a candidate on {target.describe()}",
        )

    def _prospect_job(self, app: Row) -> int | None:
        jobs = list(app.get("prospective_job_ids") or [])
        if jobs:
            return int(jobs[0])
        details = self.client.applications.prospect_details([app["id"]])
        pool = (
            self.catalog.pool(details[0]["pool_id"])
            if details and details[0].get("pool_id")
            else None
        )
        return int(pool["job_ids"][0]) if pool and pool["job_ids"] else None

    def _apply_custom_fields(
        self, action: ApplyCustomFields, link: Link, again: bool, since: datetime | None
    ) -> Outcome:
        cid = int(link.candidate_id or 0)
        self.client.candidates.patch(cid, custom_fields=_custom_fields(action.custom_fields))
        keys = ", ".join(k for k, _ in action.custom_fields)
        return Outcome(link, {"candidate_id": cid}, summary=f"custom fields {keys}")


def _application_body(target: Target) -> Row:
    """Prospects by default: on the job (its `job_ids`) or the pool stage. A job target with a
    stage puts the person on that interview stage as a candidate (prospects have no stage)."""
    if target.kind == "pool":
        return prospect_application(
            prospect_pool_id=target.pool_id, prospect_pool_stage_id=target.pool_stage_id
        )
    if target.stage_id is not None:
        return {"job_id": target.job_id, "initial_stage_id": target.stage_id}
    return prospect_application(job_ids=[target.job_id])


def _custom_fields(pairs: Iterable[tuple[str, Any]]) -> list[Row]:
    return [{"name_key": key, "value": value} for key, value in pairs]


def _same_employment(row: Row, action: AddEmployment) -> bool:
    def day(value: Any) -> str | None:
        return str(value)[:10] if value else None

    return (
        (row.get("company_name") or "").strip().lower() == action.company_name.strip().lower()
        and (row.get("title") or "").strip().lower() == action.title.strip().lower()
        and day(row.get("start_date")) == day(action.start_date)
    )


def _doing(action: Action) -> str:
    return {
        "ensure_person": "find or create the person",
        "add_employment": "add an employment",
        "log_email": "log the email",
        "add_note": "add a note",
        "set_status": "set the status",
        "move_stage": "move the application",
        "convert": "convert the prospect to a candidate",
        "apply_custom_fields": "write the custom fields",
    }.get(action.kind, action.kind)
