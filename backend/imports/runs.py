"""Run one import: claim it, read the job page by page, enrol each person once, save as it goes.

* One run at a time per import: a run claims the import's lease in one conditional UPDATE and
  renews it every page; a second run finds it held and does nothing. A crashed run's lease lapses
  (`IMPORT_LEASE`) and the next run carries on.
* Resumable: each page's enrolments, items, counts and the position of the next page commit
  together, so a crash loses at most the page in hand, which is read again.
* Nobody twice: `import_items` holds one row per (import, candidate); a person already added or
  already in the sequence is not offered to `enrol` again, on this run or any later one.
* Enrolment belongs to the sequences feature: the edge passes it in as `enrol`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import datetime
from datetime import timedelta
from typing import Literal

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from backend import defaults
from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.errors import GreenhouseError
from backend.greenhouse.shapes import iso
from backend.greenhouse.shapes import parse_instant
from backend.imports.checks import pause_reason
from backend.imports.people import Person
from backend.imports.reading import RECHECK
from backend.imports.reading import PeoplePage
from backend.imports.reading import Position
from backend.imports.reading import Window
from backend.imports.reading import read_ahead
from backend.imports.reading import read_job
from backend.imports.reading import recheck_page
from backend.store.models import Import
from backend.store.models import ImportItem
from backend.store.models import utcnow

log = logging.getLogger(__name__)

COUNTS = ("seen", "added", "skipped_no_email", "already_in_sequence", "failed")
SETTLED = frozenset({"added", "already_in_sequence"})
"""Item results that are final: such a person is never offered to `enrol` again."""
RETRIED = ("skipped_no_email", "failed")
"""Item results a recurring run looks at again (the recruiter may have fixed them)."""

Outcome = Literal["added", "already_in_sequence", "failed"]


@dataclass(frozen=True)
class EnrolResult:
    """What the sequences feature did with one person."""

    outcome: Outcome
    detail: str | None = None  # in words: why it failed, which sequence they are already in …


Enrol = Callable[[Session, int, Person], EnrolResult]
"""`enrol(session, sequence_id, person)`: add the person (contact + enrollment) in `session`.
Raising counts the person as failed; the rest of the page goes on."""

Sessions = Callable[[], AbstractContextManager[Session]]
"""A unit of work: commits on success (`Database.session`)."""


@dataclass
class RunOutcome:
    import_id: int
    status: str  # done | failed | paused | busy | not_due | gone | stopped
    progress: dict[str, int] = field(default_factory=dict)
    reason: str | None = None
    next_run_at: datetime | None = None  # the edge queues the next run for this moment


def zero_progress() -> dict[str, int]:
    return dict.fromkeys(COUNTS, 0)


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


class _Run:
    def __init__(
        self,
        sessions: Sessions,
        client: GreenhouseClient,
        import_id: int,
        enrol: Enrol,
        *,
        owner: str,
        interval: timedelta,
        clock: Callable[[], datetime],
        on_page: Callable[[dict[str, int]], None] | None,
        per_page: int,
    ) -> None:
        self.sessions = sessions
        self.client = client
        self.import_id = import_id
        self.enrol = enrol
        self.owner = owner
        self.interval = interval
        self.clock = clock
        self.on_page = on_page
        self.per_page = per_page
        self.started_at: datetime = clock()

    # --- the lease -----------------------------------------------------------------------------
    def claim(self) -> bool:
        now = self.clock()
        with self.sessions() as session:
            claimed = session.execute(
                update(Import)
                .where(
                    Import.id == self.import_id,
                    Import.deleted_at.is_(None),
                    Import.status != "paused",
                    or_(
                        Import.lease_until.is_(None),
                        Import.lease_until < now,
                        Import.lease_owner == self.owner,
                    ),
                )
                .values(
                    lease_owner=self.owner,
                    lease_until=now + defaults.IMPORT_LEASE,
                    status="running",
                )
                .execution_options(synchronize_session=False)
            )
            return claimed.rowcount == 1

    def held(self, session: Session) -> Import | None:
        """The import, locked for this transaction, if this run still holds it."""
        row = session.execute(
            select(Import).where(Import.id == self.import_id).with_for_update()
        ).scalar_one_or_none()
        if row is None or row.deleted_at is not None or row.lease_owner != self.owner:
            return None
        return row

    # --- the run -------------------------------------------------------------------------------
    def start(self) -> tuple[Import, Window, Position, dict[str, int]] | RunOutcome:
        """Begin (or carry on with) a run: the window, the position and the counts so far."""
        now = self.clock()
        with self.sessions() as session:
            row = self.held(session)
            if row is None:
                return RunOutcome(self.import_id, "stopped")
            if row.resume is None:
                since = row.watermark - defaults.IMPORT_WATERMARK_OVERLAP if row.watermark else None
                window = Window(gte=since if row.recurring else None, lte=now)
                row.resume = {
                    "window": window.to_json(),
                    "position": Position().to_json(),
                    "started_at": now.isoformat(),  # to the microsecond, unlike the window
                }
                row.progress = zero_progress()
                row.paused_reason = None
            resume = dict(row.resume)
            self.started_at = parse_instant(resume.get("started_at")) or now
            return (
                row,
                Window.from_json(resume.get("window")),
                Position.from_json(resume.get("position")),
                {**zero_progress(), **(row.progress or {})},
            )

    def pause_if_needed(self, row: Import) -> RunOutcome | None:
        with self.sessions() as session:
            reason, job_name = pause_reason(session, self.client, row)
            held = self.held(session)
            if held is None:
                return RunOutcome(self.import_id, "stopped")
            if job_name:
                held.job_name = job_name
            if reason is None:
                return None
            if not held.recurring:
                return self.finish(session, held, "failed", held.progress or {}, reason)
            held.status, held.paused_reason = "paused", reason
            held.next_run_at, held.lease_owner, held.lease_until = None, None, None
            held.last_result = {"status": "paused", "reason": reason, "at": iso(self.clock())}
            return RunOutcome(self.import_id, "paused", dict(held.progress or {}), reason)

    def pages(self, window: Window, position: Position, row: Import) -> Iterator[PeoplePage]:
        """The job's pages, then, on a recurring run after the first, a second look at the
        people earlier runs skipped; the next page is read while this one is saved."""
        job = row.job_id
        rechecking = row.recurring and window.gte is not None
        if position.listing < RECHECK:
            pages = read_job(
                self.client, job, window=window, start=position, per_page=self.per_page
            )
        else:
            pages = iter(())

        def all_pages() -> Iterator[PeoplePage]:
            for page in pages:
                yield (
                    replace(page, after=Position(RECHECK))
                    if page.after is None and rechecking
                    else page
                )
            if rechecking:
                after = position.after_candidate if position.listing == RECHECK else None
                while items := self.skipped_earlier(after):
                    page = recheck_page(self.client, items, job)
                    yield page
                    after = items[-1][0]

        return read_ahead(all_pages())

    def skipped_earlier(self, after: int | None) -> list[tuple[int, int | None]]:
        """The next people (candidate, application) that earlier runs skipped or failed on."""
        with self.sessions() as session:
            query = (
                select(ImportItem.candidate_id, ImportItem.application_id)
                .where(
                    ImportItem.import_id == self.import_id,
                    ImportItem.result.in_(RETRIED),
                    ImportItem.at < self.started_at,
                )
                .order_by(ImportItem.candidate_id)
                .limit(self.per_page)
            )
            if after is not None:
                query = query.where(ImportItem.candidate_id > after)
            return [(c, a) for c, a in session.execute(query)]

    def save_page(self, page: PeoplePage, progress: dict[str, int]) -> bool:
        """Enrol the page's people and save where to resume, in one transaction."""
        with self.sessions() as session:
            row = self.held(session)
            if row is None:
                return False  # removed, or the lease was lost: stop without saving
            # Written first: on SQLite this opens the transaction, so that the savepoint around
            # each enrolment nests inside it (a savepoint opened outside one commits on release).
            row.lease_until = self.clock() + defaults.IMPORT_LEASE
            session.flush()
            counts = dict(progress)
            apply_page(session, row, page, self.enrol, counts, self.clock())
            row.progress = counts
            row.resume = {**row.resume, "position": page.after and page.after.to_json()}
        progress.update(counts)
        if self.on_page:
            self.on_page(dict(progress))
        return True

    def finish(
        self,
        session: Session,
        row: Import,
        status: str,
        progress: dict[str, int],
        reason: str | None = None,
    ) -> RunOutcome:
        now = self.clock()
        row.status = status
        row.last_run_at = now
        row.last_result = {"status": status, "progress": dict(progress), "at": iso(now)}
        if reason:
            row.last_result["error"] = reason
        if status == "done":
            row.watermark = Window.from_json((row.resume or {}).get("window")).lte
            row.resume = None  # a failed run keeps its position: the next one carries on
        row.next_run_at = now + self.interval if row.recurring else None
        row.lease_owner, row.lease_until = None, None
        return RunOutcome(self.import_id, status, dict(progress), reason, row.next_run_at)

    def due(self) -> bool:
        """A queued run of an import that needs none (finished, or not yet time) does nothing:
        a task queued twice costs nothing but this read."""
        with self.sessions() as session:
            row = session.get(Import, self.import_id)
            if row is None or row.resume is not None or row.status in ("queued", "running"):
                return True
            if row.recurring:
                return row.next_run_at is None or row.next_run_at <= self.clock()
            return row.status != "done"

    def release(self) -> None:
        """Give the lease back after an unexpected error, keeping the saved position, so that
        a retry of the task carries on at once instead of waiting for the lease to lapse."""
        with self.sessions() as session:
            row = self.held(session)
            if row is not None:
                row.lease_owner, row.lease_until = None, None

    def run(self, *, only_if_due: bool) -> RunOutcome:
        if only_if_due and not self.due():
            return RunOutcome(self.import_id, "not_due")
        if not self.claim():
            return RunOutcome(self.import_id, "busy")
        try:
            return self.work()
        except Exception:
            self.release()
            raise

    def work(self) -> RunOutcome:
        started = self.start()
        if isinstance(started, RunOutcome):
            return started
        row, window, position, progress = started
        try:
            paused = self.pause_if_needed(row)
            if paused is not None:
                return paused
            for page in self.pages(window, position, row):
                if not self.save_page(page, progress):
                    return RunOutcome(self.import_id, "stopped", progress)
        except GreenhouseError as exc:
            log.warning("import %s: Greenhouse failed: %s", self.import_id, exc)
            with self.sessions() as session:
                held = self.held(session)
                if held is None:
                    return RunOutcome(self.import_id, "stopped", progress)
                return self.finish(session, held, "failed", progress, _short(exc))
        with self.sessions() as session:
            held = self.held(session)
            if held is None:
                return RunOutcome(self.import_id, "stopped", progress)
            return self.finish(session, held, "done", progress)


def apply_page(
    session: Session,
    row: Import,
    page: PeoplePage,
    enrol: Enrol,
    progress: dict[str, int],
    now: datetime,
) -> None:
    """Offer each new person on the page to `enrol` and record what happened (counts in place)."""
    ids = [p.candidate_id for p in page.people] + page.missing
    known = {
        item.candidate_id: item
        for item in session.scalars(
            select(ImportItem).where(
                ImportItem.import_id == row.id, ImportItem.candidate_id.in_(ids)
            )
        )
    }

    new: list[ImportItem] = []  # inserted together after the page (one statement)

    def record(
        candidate_id: int, application_id: int | None, result: str, name: str, detail: str | None
    ) -> None:
        progress[result] += 1
        item = known.get(candidate_id)
        if item is None:
            item = known[candidate_id] = ImportItem(import_id=row.id, candidate_id=candidate_id)
            new.append(item)
        item.application_id, item.result, item.name = application_id, result, name
        item.detail, item.at = detail, now

    for person in page.people:
        progress["seen"] += 1
        earlier = known.get(person.candidate_id)
        if earlier is not None and earlier.result in SETTLED:
            progress["already_in_sequence"] += 1
            continue
        if not person.emails:
            record(
                person.candidate_id, person.application_id, "skipped_no_email", person.name, None
            )
            continue
        try:
            with session.begin_nested():
                result = enrol(session, row.sequence_id, person)
            outcome, detail = result.outcome, result.detail
        except Exception as exc:  # noqa: BLE001 - one person's failure must not stop the import
            log.warning(
                "import %s: enrolling candidate %s failed: %s", row.id, person.candidate_id, exc
            )
            outcome, detail = "failed", _short(exc)
        record(person.candidate_id, person.application_id, outcome, person.name, detail)
    for candidate_id in page.missing:
        progress["seen"] += 1
        record(candidate_id, None, "failed", f"Candidate {candidate_id}", "not found in Greenhouse")
    session.add_all(new)


def run_import(
    sessions: Sessions,
    client: GreenhouseClient,
    import_id: int,
    enrol: Enrol,
    *,
    owner: str,
    interval: timedelta = timedelta(seconds=defaults.IMPORT_INTERVAL_SECONDS),
    clock: Callable[[], datetime] = utcnow,
    on_page: Callable[[dict[str, int]], None] | None = None,
    only_if_due: bool = False,
    per_page: int = defaults.GREENHOUSE_PAGE_SIZE,
) -> RunOutcome:
    """Run (or carry on with) the import. `owner` names this run (worker + task id) for the
    lease; `on_page` sees the counts after every page (the CLI's progress bar); `only_if_due`
    (queued runs) does nothing for an import that is finished or not yet due; `per_page` is
    the size of an applications page (Greenhouse's maximum; tests use smaller pages)."""
    return _Run(
        sessions,
        client,
        import_id,
        enrol,
        owner=owner,
        interval=interval,
        clock=clock,
        on_page=on_page,
        per_page=per_page,
    ).run(only_if_due=only_if_due)
