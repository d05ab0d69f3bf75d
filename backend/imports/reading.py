"""Read a job's people from Greenhouse one page at a time, resumable at every page.

A job's people are its active candidate applications (`job_ids`) and then its active prospect
applications (`prospective_job_ids`: a prospect has no `job_id`). Each page of up to 500
applications is followed by its candidates, fetched by id 50 at a time, so memory holds one page
whatever the size of the job. After each page the reader says where to resume (`Position`); a
saved position whose cursor Greenhouse no longer accepts restarts that listing from its first
page (the import's items table keeps people from being added twice).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend import defaults
from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.errors import BadRequest
from backend.greenhouse.errors import ValidationFailed
from backend.greenhouse.shapes import iso
from backend.greenhouse.shapes import parse_instant
from backend.imports.people import Person
from backend.imports.people import person_from

LISTINGS = ("job_ids", "prospective_job_ids")
"""The application filters that make up a job's people, read in this order."""

RECHECK = len(LISTINGS)
"""The position after the job's listings: a recurring run's second look at people it skipped."""


@dataclass(frozen=True)
class Window:
    """The `updated_at` range a run reads (a recurring run: since the last one, with overlap)."""

    gte: datetime | None = None
    lte: datetime | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"gte": self.gte and iso(self.gte), "lte": self.lte and iso(self.lte)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Window:
        data = data or {}
        return cls(parse_instant(data.get("gte")), parse_instant(data.get("lte")))


@dataclass(frozen=True)
class Position:
    """Where reading resumes: a listing and its saved next-page link (None: its first page).
    After the job's listings (`listing == RECHECK`), `after_candidate` is where the second look
    at people skipped by earlier runs goes on from."""

    listing: int = 0
    next_url: str | None = None
    after_candidate: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "listing": self.listing,
            "next_url": self.next_url,
            "after_candidate": self.after_candidate,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Position:
        data = data or {}
        after = data.get("after_candidate")
        return cls(
            int(data.get("listing") or 0),
            data.get("next_url") or None,
            int(after) if after is not None else None,
        )


@dataclass(frozen=True)
class PeoplePage:
    people: list[Person]
    missing: list[int]  # candidate ids of applications whose candidate Greenhouse did not return
    after: Position | None  # where to resume once this page is done; None: the job is read


def recheck_page(
    client: GreenhouseClient, items: list[tuple[int, int | None]], job_id: int
) -> PeoplePage:
    """People skipped or failed by earlier runs, read again by id (a recruiter may have added an
    email since: that changes the candidate, not the application, so a window never shows
    them). `items` are (candidate id, application id); only applications still active on the
    job count. Two requests per 50 people."""
    applications = {
        int(a["id"]): a
        for a in client.applications.get_many([app for _, app in items if app is not None])
    }
    found = {int(c["id"]): c for c in client.candidates.get_many(c for c, _ in items)}
    people = []
    for candidate_id, application_id in items:
        app = applications.get(application_id or 0)
        on_job = app is not None and (
            app.get("job_id") == job_id or job_id in (app.get("prospective_job_ids") or ())
        )
        if candidate_id in found and on_job and app.get("status") == "in_process":
            people.append(person_from(found[candidate_id], app))
        # else: no longer on the job (rejected, hired, deleted): left as it was
    return PeoplePage(people, [], Position(RECHECK, None, items[-1][0]) if items else None)


def _first_per_candidate(applications: list[Mapping[str, Any]]) -> dict[int, Mapping[str, Any]]:
    chosen: dict[int, Mapping[str, Any]] = {}
    for app in applications:
        if app.get("candidate_id") is not None:
            chosen.setdefault(int(app["candidate_id"]), app)
    return chosen


def read_job(
    client: GreenhouseClient,
    job_id: int,
    *,
    window: Window = Window(),
    start: Position = Position(),
    per_page: int = defaults.GREENHOUSE_PAGE_SIZE,
) -> Iterator[PeoplePage]:
    """The job's people, a page at a time (`per_page` applications), from `start`."""
    for listing in range(start.listing, len(LISTINGS)):
        resume_url = start.next_url if listing == start.listing else None
        pages = _pages(client, job_id, LISTINGS[listing], window, resume_url, per_page)
        for rows, next_url in pages:
            by_candidate = _first_per_candidate(rows)
            candidates = client.candidates.get_many(by_candidate)
            found = {int(c["id"]): c for c in candidates}
            people = [
                person_from(found[cid], app) for cid, app in by_candidate.items() if cid in found
            ]
            missing = [cid for cid in by_candidate if cid not in found]
            if next_url:
                after: Position | None = Position(listing, next_url)
            elif listing + 1 < len(LISTINGS):
                after = Position(listing + 1, None)
            else:
                after = None
            yield PeoplePage(people, missing, after)


def _pages(
    client: GreenhouseClient,
    job_id: int,
    listing: str,
    window: Window,
    resume_url: str | None,
    per_page: int,
) -> Iterator[tuple[list[dict[str, Any]], str | None]]:
    """(rows, next_url) of one listing; an expired saved cursor falls back to the first page."""
    query = {
        listing: str(int(job_id)),
        "status": "active",
        "updated_at_gte": window.gte,
        "updated_at_lte": window.lte,
        "per_page": per_page,
    }
    pages = client.applications.pages(start_url=resume_url, **query)
    try:
        first = next(pages, None)
    except (BadRequest, ValidationFailed):
        if resume_url is None:
            raise
        pages = client.applications.pages(**query)  # the cursor expired: read it again
        first = next(pages, None)
    if first is None:
        return
    yield first.rows, first.next_url
    for page in pages:
        yield page.rows, page.next_url


def read_ahead(pages: Iterator[PeoplePage]) -> Iterator[PeoplePage]:
    """The same pages, the next one fetched while the caller saves this one, so that an import
    takes about as long as the slower of reading and writing rather than both. At most one page
    waits (memory stays two pages). When the caller stops, the reader stops after its page."""
    ready: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand_over(kind: str, value: Any) -> bool:
        while not stop.is_set():
            try:
                ready.put((kind, value), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for page in pages:
                if not hand_over("page", page):
                    return
            hand_over("end", None)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, who raises it
            hand_over("error", exc)

    reader = threading.Thread(target=read, name="import-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            kind, value = ready.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        reader.join()  # no request of ours is in flight once the caller goes on
