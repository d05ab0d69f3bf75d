"""Harvest v3 resources: thin functions over the transport (no loops, sleeps or status checks).

Each write that creates something passes a `confirm` read-back to the transport, which calls it
only after an ambiguous failure (timeout, dropped connection, 5xx); it returns the record if the
write landed, so a retry never creates a second candidate, application, note or employment.
Reference: https://harvestdocs.greenhouse.io/reference (one page per endpoint named below).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from datetime import UTC
from datetime import datetime
from typing import Any

from backend import defaults
from backend.greenhouse.shapes import Instant
from backend.greenhouse.shapes import Row
from backend.greenhouse.shapes import compact
from backend.greenhouse.shapes import contacts
from backend.greenhouse.shapes import created_since
from backend.greenhouse.shapes import email_values
from backend.greenhouse.shapes import newest
from backend.greenhouse.shapes import range_filter
from backend.greenhouse.shapes import social_media
from backend.greenhouse.shapes import unwrap_created
from backend.greenhouse.transport import Page
from backend.greenhouse.transport import Transport

PAGE = defaults.GREENHOUSE_PAGE_SIZE
NOTE_VISIBILITIES = ("admin_only", "private", "public")


def _ids(values: Iterable[int] | None) -> str | None:
    return ",".join(str(int(v)) for v in values) if values is not None else None


class Resource:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    @staticmethod
    def _since() -> datetime:
        """Oldest `created_at` a read-back accepts as this write's record."""
        return datetime.now(UTC) - defaults.GREENHOUSE_CONFIRM_SKEW


class Candidates(Resource):
    """/v3/candidates (list, create, patch)."""

    def iter(
        self,
        *,
        updated_at_gte: Instant | None = None,
        updated_at_lte: Instant | None = None,
        created_at_gte: Instant | None = None,
        created_at_lte: Instant | None = None,
        per_page: int = PAGE,
        **filters: Any,
    ) -> Iterator[Row]:
        """Every candidate matching the filters, newest id first (email, ids, tag, private …)."""
        params = {
            "updated_at": range_filter(gte=updated_at_gte, lte=updated_at_lte),
            "created_at": range_filter(gte=created_at_gte, lte=created_at_lte),
            **filters,
        }
        return self._t.iter("/v3/candidates", params, per_page=per_page)

    def find_by_email(self, email: str) -> list[Row]:
        """Candidates with this address (exact, case-insensitive, any of their addresses)."""
        return list(self._t.iter("/v3/candidates", {"email": email.strip()}))

    def get_many(self, ids: Iterable[int]) -> list[Row]:
        """Candidates by id (batched 50 per request; unknown ids are simply absent)."""
        return list(self._t.iter_ids("/v3/candidates", "ids", ids))

    def get(self, candidate_id: int) -> Row | None:
        """One candidate (v3 has no `/candidates/{id}`: `?ids=`)."""
        return next(iter(self.get_many([candidate_id])), None)

    def create(
        self,
        *,
        first_name: str,
        last_name: str,
        email_addresses: Iterable[str | Mapping[str, Any]] = (),
        social_media_addresses: Iterable[str | Mapping[str, Any]] = (),
        phone_numbers: Iterable[str | Mapping[str, Any]] = (),
        website_addresses: Iterable[str | Mapping[str, Any]] = (),
        company: str | None = None,
        title: str | None = None,
        tags: Iterable[str] | None = None,
        custom_fields: list[Row] | None = None,
        application: Row | None = None,
        **fields: Any,
    ) -> Row:
        """Create a candidate, optionally with one application or prospect application
        (`shapes.candidate_application` / `shapes.prospect_application`).
        Returns `{"candidate": {...}, "application": {...} | None}`.
        Plain strings in the address lists become `{"value", "type"}` (email: personal)."""
        emails = contacts(email_addresses, "personal")
        body = compact(
            {
                "first_name": first_name,
                "last_name": last_name,
                "company": company,
                "title": title,
                "email_addresses": emails,
                "social_media_addresses": social_media(social_media_addresses),
                "phone_numbers": contacts(phone_numbers, "mobile"),
                "website_addresses": contacts(website_addresses, "personal"),
                "tags": list(tags) if tags is not None else None,
                "custom_fields": custom_fields,
                "application": application,
                **fields,
            }
        )
        since = self._since()
        addresses = email_values(emails)

        def confirm() -> Row | None:
            # A candidate with our first address made since the write started is ours.
            found = addresses and newest(self.find_by_email(addresses[0]), created_since(since))
            if not found:
                return None
            apps = Applications(self._t).iter(candidate_ids=[found["id"]])
            return {"candidate": found, "application": application and newest(apps)}

        reply = self._t.write(
            "POST", "/v3/candidates", body, confirm=confirm if addresses else None
        )
        return unwrap_created(reply)

    def patch(self, candidate_id: int, **fields: Any) -> Row:
        """Update fields; collections (email_addresses, tags …) replace the stored list."""
        return self._t.write("PATCH", f"/v3/candidates/{int(candidate_id)}", fields)


class Applications(Resource):
    """/v3/applications (list, create, patch, move, convert_to_candidate) and prospect details."""

    def iter(
        self,
        *,
        job_ids: Iterable[int] | None = None,
        candidate_ids: Iterable[int] | None = None,
        status: str | None = None,
        prospect: bool | None = None,
        per_page: int = PAGE,
        **filters: Any,
    ) -> Iterator[Row]:
        """Applications (`status`: active | rejected | hired | converted; rows say in_process)."""
        params = {
            "job_ids": _ids(job_ids),
            "candidate_ids": _ids(candidate_ids),
            "status": status,
            "prospect": None if prospect is None else str(prospect).lower(),
            **filters,
        }
        return self._t.iter("/v3/applications", params, per_page=per_page)

    def list_by_job(self, job_id: int, *, status: str | None = None) -> Iterator[Row]:
        return self.iter(job_ids=[job_id], status=status)

    def pages(
        self,
        *,
        start_url: str | None = None,
        updated_at_gte: Instant | None = None,
        updated_at_lte: Instant | None = None,
        per_page: int = PAGE,
        **filters: Any,
    ) -> Iterator[Page]:
        """Applications page by page (`job_ids`, `prospective_job_ids` … as comma lists), each
        page with its `next_url`; `start_url` resumes from a saved one."""
        params = {
            "updated_at": range_filter(gte=updated_at_gte, lte=updated_at_lte),
            **filters,
        }
        return self._t.pages("/v3/applications", params, per_page=per_page, start_url=start_url)

    def get_many(self, ids: Iterable[int]) -> list[Row]:
        return list(self._t.iter_ids("/v3/applications", "ids", ids))

    def get(self, application_id: int) -> Row | None:
        return next(iter(self.get_many([application_id])), None)

    def create(
        self,
        candidate_id: int,
        job_id: int | None = None,
        *,
        prospect: bool = False,
        job_ids: Iterable[int] | None = None,
        prospect_pool_id: int | None = None,
        prospect_pool_stage_id: int | None = None,
        prospect_owner_id: int | None = None,
        initial_stage_id: int | None = None,
        **fields: Any,
    ) -> Row:
        """Add an application (`job_id`) or a prospect application (`prospect=True`, `job_ids`,
        pool, pool stage, owner) to an existing candidate; returns the application."""
        body = compact(
            {
                "candidate_id": int(candidate_id),
                "job_id": None if prospect else job_id,
                "initial_stage_id": initial_stage_id,
                "prospect": True if prospect else None,
                "job_ids": list(job_ids) if prospect and job_ids is not None else None,
                "prospect_pool_id": prospect_pool_id,
                "prospect_pool_stage_id": prospect_pool_stage_id,
                "prospect_owner_id": prospect_owner_id,
                **fields,
            }
        )
        since = self._since()

        def confirm() -> Row | None:
            rows = self.iter(candidate_ids=[candidate_id])
            return newest(
                rows,
                lambda a: (
                    created_since(since)(a)
                    and bool(a.get("prospect")) == prospect
                    and (prospect or a.get("job_id") == job_id)
                ),
            )

        return self._t.write("POST", "/v3/applications", body, confirm=confirm)

    def patch(self, application_id: int, **fields: Any) -> Row:
        """Update source, recruiter, prospect pool/stage (`prospect_stage_id`), custom fields …"""
        return self._t.write("PATCH", f"/v3/applications/{int(application_id)}", fields)

    def move_prospect(self, application_id: int, pool_id: int, pool_stage_id: int) -> Row:
        """Put a prospect on another pool stage (PATCH spells the stage `prospect_stage_id`)."""
        return self.patch(
            application_id, prospect_pool_id=int(pool_id), prospect_stage_id=int(pool_stage_id)
        )

    def move(
        self,
        application_id: int,
        from_stage_id: int,
        to_stage_id: int | None = None,
        *,
        to_job_id: int | None = None,
    ) -> None:
        """Move to an interview stage (`to_stage_id`), another job (`to_job_id`) or, with
        neither, the next stage. `from_stage_id` is the application's current `stage_id`.
        Runs the account's stage-transition rules (which may email the candidate)."""
        body = compact(
            {
                "from_stage_id": int(from_stage_id),
                "to_stage_id": to_stage_id,
                "to_job_id": to_job_id,
            }
        )

        def confirm() -> bool | None:
            app = self.get(application_id) or {}
            moved = app.get("stage_id") not in (None, int(from_stage_id))
            return True if moved else None

        self._t.write("POST", f"/v3/applications/{int(application_id)}/move", body, confirm=confirm)

    def move_to_stage(self, application_id: int, to_stage_id: int) -> None:
        """Read the current stage, then move (the `from_stage_id` guard needs it)."""
        app = self.get(application_id) or {}
        self.move(application_id, app.get("stage_id") or 0, to_stage_id)

    def convert_to_candidate(
        self, application_id: int, job_id: int, *, to_job_interview_stage_id: int | None = None
    ) -> Row:
        """Turn a prospect application into a candidate application on `job_id`; returns the
        new application (the prospect one becomes `converted`)."""
        body = compact(
            {"job_id": int(job_id), "to_job_interview_stage_id": to_job_interview_stage_id}
        )

        def confirm() -> Row | None:
            old = self.get(application_id) or {}
            rows = self.iter(candidate_ids=[old.get("candidate_id") or 0], job_ids=[job_id])
            converted = old.get("status") == "converted"
            return newest(rows, lambda a: not a.get("prospect")) if converted else None

        path = f"/v3/applications/{int(application_id)}/convert_to_candidate"
        return self._t.write("POST", path, body, confirm=confirm)

    def prospect_details(self, application_ids: Iterable[int]) -> list[Row]:
        """Pool, pool stage and owner of prospect applications."""
        return list(self._t.iter_ids("/v3/prospect_details", "application_ids", application_ids))


class Notes(Resource):
    """/v3/notes: notes, logged emails and activity entries on a candidate's feed."""

    def iter(
        self, *, candidate_ids: Iterable[int], per_page: int = PAGE, **filters: Any
    ) -> Iterator[Row]:
        return self._t.iter_ids(
            "/v3/notes", "candidate_ids", candidate_ids, filters, per_page=per_page
        )

    def create(
        self,
        candidate_id: int,
        body: str,
        *,
        note_type: str = "NOTE",
        visibility: str = "public",
        subject: str | None = None,
        application_id: int | None = None,
        user_id: int | None = None,
        email_from: Iterable[str] | None = None,
        email_to: Iterable[str] | None = None,
        email_cc: Iterable[str] | None = None,
    ) -> Row:
        """Create a NOTE, EMAIL (a record of an email; nothing is sent) or ACTIVITY entry.
        `visibility` is admin_only | private | public (responses say *_visible)."""
        if visibility not in NOTE_VISIBILITIES:
            raise ValueError(f"visibility must be one of {', '.join(NOTE_VISIBILITIES)}")
        is_email = note_type == "EMAIL"
        payload = compact(
            {
                "candidate_id": int(candidate_id),
                "application_id": application_id,
                "user_id": user_id,
                "note_type": note_type,
                "visibility": visibility,
                "subject": subject,
                "body": body,
                "email_from": list(email_from or ()) if is_email else None,
                "email_to": list(email_to or ()) if is_email else None,
                "email_cc": list(email_cc or ()) if is_email else None,
            }
        )
        written_at = datetime.now(UTC)

        def confirm() -> Row | None:
            return self.find_written(
                candidate_id, body, note_type=note_type, subject=subject, written_at=written_at
            )

        return self._t.write("POST", "/v3/notes", payload, confirm=confirm)

    def find_written(
        self,
        candidate_id: int,
        body: str,
        *,
        note_type: str,
        subject: str | None,
        written_at: datetime | None,
    ) -> Row | None:
        """The note a write of these values made at or after `written_at` (less the clock skew
        whole seconds allow; None: at any time), read back: the newest."""
        after = written_at - defaults.GREENHOUSE_CONFIRM_SKEW if written_at else None
        return newest(
            self.iter(candidate_ids=[candidate_id], type=note_type),
            lambda n: (
                (after is None or created_since(after)(n))
                and n.get("body") == body
                and n.get("subject") == subject  # two emails may share a body, not both
                and (n.get("type") or n.get("note_type")) == note_type
            ),
        )

    def add_note(self, candidate_id: int, body: str, **kwargs: Any) -> Row:
        return self.create(candidate_id, body, note_type="NOTE", **kwargs)

    def add_activity(self, candidate_id: int, body: str, **kwargs: Any) -> Row:
        return self.create(candidate_id, body, note_type="ACTIVITY", **kwargs)

    def log_email(
        self,
        candidate_id: int,
        *,
        subject: str,
        body: str,
        email_from: str,
        email_to: Iterable[str],
        email_cc: Iterable[str] = (),
        **kwargs: Any,
    ) -> Row:
        """Record a sent or received email on the feed (subject, from, to, cc all required)."""
        return self.create(
            candidate_id,
            body,
            note_type="EMAIL",
            subject=subject,
            email_from=[email_from],
            email_to=email_to,
            email_cc=email_cc,
            **kwargs,
        )


class Employments(Resource):
    """/v3/candidate_employments (no update: delete and create again)."""

    def iter(self, candidate_ids: Iterable[int]) -> Iterator[Row]:
        return self._t.iter_ids("/v3/candidate_employments", "candidate_ids", candidate_ids)

    def list(self, candidate_id: int) -> list[Row]:
        return list(self.iter([candidate_id]))

    def create(
        self,
        candidate_id: int,
        *,
        company_name: str,
        title: str,
        start_date: str | None = None,
        end_date: str | None = None,
    ) -> Row:
        """Dates as `YYYY-MM-DD`; no `end_date` means current."""
        body = compact(
            {
                "candidate_id": int(candidate_id),
                "company_name": company_name,
                "title": title,
                "start_date": start_date,
                "end_date": end_date,
            }
        )
        since = self._since()

        def confirm() -> Row | None:
            return newest(
                self.iter([candidate_id]),
                lambda e: (
                    created_since(since)(e)
                    and (e.get("company_name"), e.get("title")) == (company_name, title)
                    and str(e.get("start_date") or "")[:10] == str(start_date or "")[:10]
                ),
            )

        return self._t.write("POST", "/v3/candidate_employments", body, confirm=confirm)

    def delete(self, employment_id: int) -> None:
        def confirm() -> bool | None:
            left = list(self._t.iter("/v3/candidate_employments", {"ids": int(employment_id)}))
            return None if left else True

        self._t.write("DELETE", f"/v3/candidate_employments/{int(employment_id)}", confirm=confirm)


class CustomFields(Resource):
    """/v3/custom_fields and /v3/custom_field_options."""

    def iter(self, *, field_type: str | None = None, **filters: Any) -> Iterator[Row]:
        """Definitions (`field_type`: candidate | application | job …); `name_key` is stable."""
        return self._t.iter("/v3/custom_fields", {"field_type": field_type, **filters})

    def options(
        self,
        *,
        custom_field_ids: Iterable[int] | None = None,
        custom_field_key: str | None = None,
    ) -> Iterator[Row]:
        params = {"custom_field_ids": _ids(custom_field_ids), "custom_field_key": custom_field_key}
        return self._t.iter("/v3/custom_field_options", params)


class Tags(Resource):
    """/v3/candidate_tags (the dictionary) and /v3/applied_candidate_tags."""

    def iter(self, **filters: Any) -> Iterator[Row]:
        return self._t.iter("/v3/candidate_tags", filters)

    def create(self, name: str) -> Row:
        def confirm() -> Row | None:
            return newest(self.iter(), lambda t: t.get("name") == name)

        return self._t.write("POST", "/v3/candidate_tags", {"name": name}, confirm=confirm)

    def applied(self, candidate_ids: Iterable[int]) -> Iterator[Row]:
        return self._t.iter_ids("/v3/applied_candidate_tags", "candidate_ids", candidate_ids)

    def apply(self, candidate_id: int, tag_id: int) -> Row:
        body = {"candidate_id": int(candidate_id), "candidate_tag_id": int(tag_id)}

        def confirm() -> Row | None:
            rows = self.applied([candidate_id])
            return newest(rows, lambda a: a.get("candidate_tag_id") == int(tag_id))

        return self._t.write("POST", "/v3/applied_candidate_tags", body, confirm=confirm)

    def remove(self, applied_tag_id: int) -> None:
        def confirm() -> bool | None:
            left = list(self._t.iter("/v3/applied_candidate_tags", {"ids": int(applied_tag_id)}))
            return None if left else True

        self._t.write(
            "DELETE", f"/v3/applied_candidate_tags/{int(applied_tag_id)}", confirm=confirm
        )


class Jobs(Resource):
    """/v3/jobs and /v3/job_interview_stages."""

    def iter(self, *, status: str | None = None, **filters: Any) -> Iterator[Row]:
        """Jobs the acting user can see (`status`: open | closed | draft)."""
        return self._t.iter("/v3/jobs", {"status": status, **filters})

    def get_many(self, ids: Iterable[int]) -> list[Row]:
        return list(self._t.iter_ids("/v3/jobs", "ids", ids))

    def stages(self, job_id: int) -> list[Row]:
        """The job's interview stages (`sort_order` 0 = Application Review)."""
        return list(self._t.iter("/v3/job_interview_stages", {"job_ids": int(job_id)}))


class ProspectPools(Resource):
    """/v3/prospect_pools and /v3/prospect_pool_stages."""

    def iter(self, **filters: Any) -> Iterator[Row]:
        return self._t.iter("/v3/prospect_pools", filters)

    def stages(self, pool_id: int) -> list[Row]:
        return list(self._t.iter("/v3/prospect_pool_stages", {"prospect_pool_ids": int(pool_id)}))


class Users(Resource):
    """/v3/users (lists need the acting user to be a site admin)."""

    def __init__(self, transport: Transport, acting_user_id: int | str | None) -> None:
        super().__init__(transport)
        self.acting_user_id = acting_user_id

    def iter(self, **filters: Any) -> Iterator[Row]:
        return self._t.iter("/v3/users", filters)

    def get(self, user_id: int | str) -> Row | None:
        return next(self._t.iter("/v3/users", {"ids": int(user_id)}), None)

    def by_email(self, email: str) -> Row | None:
        return next(self._t.iter("/v3/users", {"primary_email": email}), None)

    def me(self) -> Row | None:
        """The acting user (the token's `sub`), with `site_admin`."""
        if self.acting_user_id in (None, ""):
            return None
        return self.get(self.acting_user_id)
