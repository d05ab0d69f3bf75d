"""The sandbox's data and rules: what Harvest v3 answers, without the HTTP (one lock guards all).

Handlers take parsed input and return `(status, body)` or raise `ApiError(status, body)` with a
v3 error body (`{"message", "errors": [str | {field: text}]}`).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import random
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any

from backend import defaults
from backend.greenhouse.sandbox.seed import Ids
from backend.greenhouse.sandbox.seed import build_org
from backend.greenhouse.sandbox.seed import seed_applications
from backend.greenhouse.sandbox.seed import stamp

Row = dict[str, Any]
MAX_PER_PAGE = 500
MAX_IDS = 50
CURSOR_MESSAGE = "When passing a cursor, do not include other query params."
EMAIL_TYPES = ("personal", "work", "other")
PHONE_TYPES = ("home", "work", "mobile", "skype", "other")
WEBSITE_TYPES = ("personal", "company", "portfolio", "blog", "other")
VISIBILITY_OUT = {
    "admin_only": "admin_only_visible",
    "private": "privately_visible",
    "public": "publicly_visible",
}


class ApiError(Exception):
    def __init__(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


def unprocessable(*errors: Any) -> ApiError:
    return ApiError(422, {"message": "Unprocessable Content", "errors": list(errors)})


def not_found() -> ApiError:
    return ApiError(404, {"message": "Resource not found"})


def now_stamp() -> str:
    return stamp(datetime.now(UTC))


@dataclass
class Faults:
    """Failures to inject into `/v3` calls (all off by default)."""

    error_rate: float = 0.0
    """Fraction of calls answered 500/502/503 (for writes, half of them after the write landed)."""
    drop_rate: float = 0.0
    """Fraction of calls whose connection is closed without an answer (writes: half after)."""
    latency: float = 0.0
    """Seconds added before every answer."""
    storm_until: float = 0.0
    """Epoch seconds until which every call is answered 429."""
    storm_retry_after: int = 1
    """`Retry-After` seconds sent during a storm."""
    fail_writes: int = 0
    """The next this-many writes are answered 500 without landing (deterministic tests)."""


@dataclass
class Principal:
    client_id: str
    user: Row


# --- list filters -------------------------------------------------------------------------------
Predicate = Callable[[Row], bool]


def _ids_list(name: str, raw: str) -> set[int]:
    try:
        values = {int(v) for v in raw.split(",") if v.strip()}
    except ValueError as exc:
        raise unprocessable({name: "must be a comma-separated list of integers"}) from exc
    if len(values) > MAX_IDS:
        raise unprocessable({name: f"must contain at most {MAX_IDS} ids"})
    return values


def _instant(name: str, raw: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise unprocessable({name: f"`{raw}` is not an ISO-8601 date-time"}) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def date_predicate(name: str, raw: str) -> Predicate:
    """`gte|<iso>|lte|<iso>` (operators gte, gt, lte, lt) against the row's `name` field."""
    parts = raw.split("|")
    if len(parts) % 2 or not parts[0]:
        raise unprocessable({name: "use operator|timestamp pairs, e.g. gte|2026-01-01T00:00:00Z"})
    checks: list[Callable[[datetime], bool]] = []
    for op, value in zip(parts[::2], parts[1::2], strict=True):
        bound = _instant(name, value)
        compare = {
            "gte": lambda t, b=bound: t >= b,
            "gt": lambda t, b=bound: t > b,
            "lte": lambda t, b=bound: t <= b,
            "lt": lambda t, b=bound: t < b,
        }.get(op)
        if compare is None:
            raise unprocessable({name: f"unknown operator `{op}` (gte, gt, lte, lt)"})
        checks.append(compare)

    def check(row: Row) -> bool:
        moment = _instant(name, row[name])
        return all(c(moment) for c in checks)

    return check


def _bool(name: str, raw: str) -> bool:
    if raw.lower() not in ("true", "false"):
        raise unprocessable({name: "must be true or false"})
    return raw.lower() == "true"


def ids_in(field: str) -> Callable[[str, str], Predicate]:
    def make(name: str, raw: str) -> Predicate:
        wanted = _ids_list(name, raw)
        return lambda row: row.get(field) in wanted

    return make


def any_id_in(field: str) -> Callable[[str, str], Predicate]:
    def make(name: str, raw: str) -> Predicate:
        wanted = _ids_list(name, raw)
        return lambda row: bool(wanted & set(row.get(field) or ()))

    return make


def equals(field: str, *, fold: bool = False) -> Callable[[str, str], Predicate]:
    def make(name: str, raw: str) -> Predicate:
        want = raw.lower() if fold else raw
        return lambda row: (str(row.get(field) or "").lower() if fold else row.get(field)) == want

    return make


def flag(field: str) -> Callable[[str, str], Predicate]:
    def make(name: str, raw: str) -> Predicate:
        wanted = _bool(name, raw)
        return lambda row: bool(row.get(field)) == wanted

    return make


def ignore(name: str, raw: str) -> Predicate:
    return lambda row: True


COMMON_FILTERS: dict[str, Callable[[str, str], Predicate]] = {
    "ids": ids_in("id"),
    "created_at": date_predicate,
    "updated_at": date_predicate,
}
FILTERS: dict[str, dict[str, Callable[[str, str], Predicate]]] = {
    "candidates": {"email": ignore, "tag": ignore, "private": ignore},  # email/tag: see _email
    "applications": {
        "candidate_ids": ids_in("candidate_id"),
        "job_ids": ids_in("job_id"),
        "prospective_job_ids": any_id_in("prospective_job_ids"),
        "status": ignore,  # status: query `active` = rows `in_process`, see _status
        "prospect": flag("prospect"),
    },
    "notes": {
        "candidate_ids": ids_in("candidate_id"),
        "application_ids": ids_in("application_id"),
        "type": equals("type"),
        "user_ids": ids_in("user_id"),
    },
    "candidate_employments": {"candidate_ids": ids_in("candidate_id")},
    "custom_fields": {
        "field_type": equals("field_type"),
        "name_key": equals("name_key"),
        "name": equals("name"),
        "active": flag("active"),
    },
    "custom_field_options": {
        "custom_field_ids": ids_in("custom_field_id"),
        "custom_field_key": ignore,
    },
    "candidate_tags": {"name": equals("name", fold=True)},
    "applied_candidate_tags": {
        "candidate_ids": ids_in("candidate_id"),
        "candidate_tag_ids": ids_in("candidate_tag_id"),
    },
    "jobs": {"status": equals("status"), "requisition_id": equals("requisition_id")},
    "job_interview_stages": {"job_ids": ids_in("job_id"), "active": flag("active")},
    "prospect_pools": {"active": flag("active")},
    "prospect_pool_stages": {"prospect_pool_ids": ids_in("prospect_pool_id")},
    "prospect_details": {"application_ids": ids_in("application_id")},
    "users": {
        "primary_email": equals("primary_email", fold=True),
        "deactivated": flag("deactivated"),
        "show_service_accounts": ignore,  # see _service_accounts
    },
}
LIST_RESOURCES = tuple(FILTERS)


def encode_cursor(state: Mapping[str, Any]) -> str:
    raw = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(value, dict) or "after" not in value:
            raise ValueError("not a cursor")
        return value
    except (ValueError, binascii.Error) as exc:
        raise unprocessable({"cursor": "is invalid"}) from exc


# --- closed body shapes -------------------------------------------------------------------------
def check_keys(body: Any, allowed: set[str], required: set[str]) -> Row:
    if not isinstance(body, dict):
        raise unprocessable("The request body must be a JSON object.")
    errors: list[Any] = [
        {key: "is not a permitted attribute"} for key in sorted(set(body) - allowed)
    ]
    errors += [{key: "is required"} for key in sorted(required) if body.get(key) in (None, "")]
    if errors:
        raise unprocessable(*errors)
    return body


def _typed_list(name: str, values: Any, types: tuple[str, ...] | None) -> list[Row]:
    if values is None:
        return []
    if not isinstance(values, list):
        raise unprocessable({name: "must be an array"})
    out = []
    for entry in values:
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("value"), str)
            or not entry["value"]
        ):
            raise unprocessable({name: "each entry needs a non-empty string `value`"})
        if types is None:
            out.append({"value": entry["value"]})
            continue
        kind = entry.get("type")
        if kind not in types:
            raise unprocessable({f"{name}.type": f"must be one of: {', '.join(types)}"})
        out.append({"value": entry["value"], "type": kind})
    return out


CANDIDATE_FIELDS = {
    "first_name", "last_name", "preferred_name", "company", "title", "time_zone", "phone_numbers",
    "addresses", "email_addresses", "website_addresses", "social_media_addresses", "tags",
    "linked_user_ids", "custom_fields", "can_email",
}  # fmt: skip
CANDIDATE_APP = {"job_id", "source_id", "referrer_id", "recruiter_id", "coordinator_id",
                 "initial_stage_id", "created_at", "custom_fields"}  # fmt: skip
PROSPECT_APP = {"prospect", "job_ids", "prospect_pool_id", "prospect_pool_stage_id",
                "prospect_owner_id", "prospective_department_id", "prospective_office_id",
                "source_id", "referrer_id", "recruiter_id", "coordinator_id", "created_at",
                "custom_fields"}  # fmt: skip
ANONYMIZABLE = {
    "full_name": ("first_name", "last_name"),
    "email_addresses": ("email_addresses",),
    "phone_numbers": ("phone_numbers",),
    "social_media_links": ("social_media_addresses",),
    "current_company": ("company",),
    "current_title": ("title",),
}
"""Anonymize `fields` names → the candidate columns they blank (a subset of Greenhouse's list)."""
APPLICATION_PATCH = {"source_id", "referrer_id", "recruiter_id", "coordinator_id",
                     "prospect_pool_id", "prospect_stage_id", "rejected_at", "created_at",
                     "custom_fields"}  # fmt: skip


class SandboxState:
    """All sandbox data, its rate-limit counters and faults; every method takes the lock."""

    def __init__(
        self,
        *,
        seed: int = defaults.SANDBOX_SEED,
        candidates: int = defaults.SANDBOX_CANDIDATES,
        client_id: str = defaults.SANDBOX_CLIENT_ID,
        client_secret: str = defaults.SANDBOX_CLIENT_SECRET,
        rate_limit: int = defaults.SANDBOX_RATE_LIMIT,
        rate_window_seconds: float = defaults.SANDBOX_RATE_WINDOW.total_seconds(),
        token_ttl_seconds: float = defaults.SANDBOX_TOKEN_TTL.total_seconds(),
        scopes: set[str] | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.client_id = client_id
        self.client_secret = client_secret
        self.rate_limit = rate_limit
        self.rate_window_seconds = rate_window_seconds
        self.token_ttl_seconds = token_ttl_seconds
        self.scopes = scopes  # None: every scope granted
        self.faults = Faults()
        self.fault_rng = random.Random(seed)
        self.tokens: dict[str, tuple[str, int, float]] = {}
        self.windows: dict[str, tuple[int, int]] = {}
        self.counters: Counter[str] = Counter()
        self.created_per_email: Counter[str] = Counter()
        self.email_index: dict[str, set[int]] = {}
        self._ids = Ids()
        self._stage_instance: dict[int, int] = {}
        self.tables = build_org(seed, candidates, self._ids)
        self.deliveries: list[tuple[str, Row]] = []  # (action, payload) for the webhook sender
        for row in self.tables["candidates"].values():
            self._index(row)
        seed_applications(self, seed)
        users = list(self.tables["users"].values())
        self.admin_user_id = next(u["id"] for u in users if u["site_admin"])
        self.plain_user_id = next(u["id"] for u in users if not u["site_admin"])
        self.service_user_id = next(u["id"] for u in users if u["service_account"])

    # --- auth and limits ------------------------------------------------------------------------
    def issue_token(
        self, client_id: str | None, secret: str | None, form: Mapping[str, str]
    ) -> Row:
        with self.lock:
            self.counters["token_requests"] += 1
            if client_id != self.client_id or not secrets.compare_digest(
                (secret or "").encode(), self.client_secret.encode()
            ):
                raise ApiError(
                    401, {"error": "invalid_client", "error_description": "Unknown client"}
                )
            if form.get("grant_type") != "client_credentials":
                raise ApiError(400, {"error": "unsupported_grant_type"})
            sub = form.get("sub") or str(self.service_user_id)
            user = self.tables["users"].get(int(sub)) if sub.isdigit() else None
            if user is None or user["deactivated"]:
                raise ApiError(
                    400, {"error": "invalid_grant", "error_description": f"Unknown user {sub}"}
                )
            token = secrets.token_urlsafe(24)
            expires = time.time() + self.token_ttl_seconds
            self.tokens[token] = (client_id, user["id"], expires)
            when = datetime.fromtimestamp(expires, UTC)
            return {"access_token": token, "token_type": "Bearer", "expires_at": when.isoformat()}

    def authenticate(self, header: str | None) -> Principal:
        with self.lock:
            if not header or not header.startswith("Bearer "):
                raise ApiError(401, {"message": "Unauthorized", "errors": ["Missing bearer token"]})
            entry = self.tokens.get(header[len("Bearer ") :].strip())
            if entry is None:
                raise ApiError(
                    401, {"message": "Unauthorized", "errors": ["Token could not be decoded"]}
                )
            client_id, user_id, expires = entry
            if expires <= time.time():
                raise ApiError(401, {"message": "Unauthorized", "errors": ["Token has expired"]})
            return Principal(client_id, self.tables["users"][user_id])

    def expire_tokens(self) -> None:
        """Make every issued token invalid (a client must mint a new one)."""
        with self.lock:
            self.tokens.clear()

    def take_rate_slot(self, client_id: str) -> dict[str, str]:
        """Count one call in the credential's fixed window; the `X-RateLimit-*` headers, or
        ApiError(429) with `Retry-After` when the window is full."""
        with self.lock:
            now = time.time()
            window = int(now // self.rate_window_seconds)
            reset = math.ceil((window + 1) * self.rate_window_seconds)
            started, used = self.windows.get(client_id, (window, 0))
            used = used if started == window else 0
            headers = {"X-RateLimit-Limit": str(self.rate_limit), "X-RateLimit-Reset": str(reset)}
            if used >= self.rate_limit:
                self.counters["rate_limited"] += 1
                retry_after = str(max(1, math.ceil(reset - now)))
                headers.update({"X-RateLimit-Remaining": "0", "Retry-After": retry_after})
                raise ApiError(429, {"message": "Too Many Requests"}, headers)
            self.windows[client_id] = (window, used + 1)
            headers["X-RateLimit-Remaining"] = str(self.rate_limit - used - 1)
            return headers

    def granted(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes

    # --- lists ----------------------------------------------------------------------------------
    def list_rows(self, resource: str, args: Mapping[str, str]) -> tuple[list[Row], str | None]:
        """One page of a list endpoint and the cursor of the next page (None on the last)."""
        with self.lock:
            if "cursor" in args:
                if len(args) > 1:
                    raise unprocessable(CURSOR_MESSAGE)
                position = decode_cursor(args["cursor"])
                filters, per_page, after = position["f"], position["n"], position["after"]
            else:
                filters = {k: v for k, v in args.items() if k != "per_page"}
                per_page, after = self._per_page(args.get("per_page")), None
            predicates = self._predicates(resource, filters)
            page: list[Row] = []
            more = False
            for row_id in self._newest_first(resource, filters):
                if after is not None and row_id >= after:
                    continue
                row = self.tables[resource][row_id]
                if all(p(row) for p in predicates):
                    if len(page) == per_page:
                        more = True
                        break
                    page.append(self._present(resource, row))
            if not more:
                return page, None
            return page, encode_cursor({"f": filters, "n": per_page, "after": page[-1]["id"]})

    def _newest_first(self, resource: str, filters: Mapping[str, str]) -> Iterable[int]:
        """Row ids, newest first; with `ids=` only those (a batch lookup costs its batch, not a
        scan of the table, so a big sandbox answers as fast as a small one)."""
        table = self.tables[resource]
        if "ids" not in filters:
            return reversed(table)
        return sorted((i for i in _ids_list("ids", filters["ids"]) if i in table), reverse=True)

    @staticmethod
    def _per_page(raw: str | None) -> int:
        if raw is None:
            return 100
        try:
            value = int(raw)
        except ValueError as exc:
            raise unprocessable({"per_page": f"`{raw}` is not an integer"}) from exc
        if value > MAX_PER_PAGE:
            raise unprocessable({"per_page": f"`{value}` number is greater than: {MAX_PER_PAGE}"})
        if value < 1:
            raise unprocessable({"per_page": f"`{value}` number is less than: 1"})
        return value

    def _predicates(self, resource: str, filters: Mapping[str, str]) -> list[Predicate]:
        known = {**COMMON_FILTERS, **FILTERS[resource]}
        unknown = sorted(set(filters) - set(known))
        if unknown:
            raise unprocessable(*({name: "is not a permitted filter"} for name in unknown))
        out = [known[name](name, raw) for name, raw in filters.items()]
        if resource == "candidates" and "email" in filters:
            matches = self.email_index.get(filters["email"].strip().lower(), set())
            out.append(lambda row: row["id"] in matches)
        if resource == "candidates" and "tag" in filters:
            out.append(lambda row: filters["tag"] in row["tags"])
        if resource == "applications" and "status" in filters:
            want = {"active": "in_process"}.get(filters["status"], filters["status"])
            out.append(lambda row: row["status"] == want)
        if resource == "users" and filters.get("show_service_accounts", "false") != "true":
            out.append(lambda row: not row["service_account"])
        if resource == "custom_field_options" and "custom_field_key" in filters:
            fields = {
                f["id"]
                for f in self.tables["custom_fields"].values()
                if f["name_key"] == filters["custom_field_key"]
            }
            out.append(lambda row: row["custom_field_id"] in fields)
        return out

    @staticmethod
    def _present(resource: str, row: Row) -> Row:
        hidden = {"users": ("service_account",)}.get(resource, ())
        return {k: v for k, v in row.items() if k not in hidden}

    # --- candidates -----------------------------------------------------------------------------
    def _index(self, row: Row) -> None:
        for entry in row["email_addresses"]:
            self.email_index.setdefault(entry["value"].lower(), set()).add(row["id"])

    def _unindex(self, row: Row) -> None:
        for entry in row["email_addresses"]:
            self.email_index.get(entry["value"].lower(), set()).discard(row["id"])

    def _candidate_fields(self, body: Row, row: Row) -> None:
        for name, types in (
            ("email_addresses", EMAIL_TYPES),
            ("phone_numbers", PHONE_TYPES),
            ("website_addresses", WEBSITE_TYPES),
            ("addresses", ("home", "work", "other")),
            ("social_media_addresses", None),
        ):
            if name in body:
                row[name] = _typed_list(name, body[name], types)
        for name in ("first_name", "last_name", "preferred_name", "company", "title", "time_zone"):
            if name in body:
                if body[name] is not None and not isinstance(body[name], str):
                    raise unprocessable({name: "must be a string"})
                row[name] = body[name]
        if "tags" in body:
            if not isinstance(body["tags"], list) or not all(
                isinstance(t, str) for t in body["tags"]
            ):
                raise unprocessable({"tags": "must be an array of strings"})
            row["tags"] = list(dict.fromkeys(body["tags"]))
        for name in ("can_email", "linked_user_ids"):
            if name in body:
                row[name] = body[name]
        if "custom_fields" in body:
            row["custom_fields"] = self._custom_values(body["custom_fields"], row["custom_fields"])

    def _custom_values(self, entries: Any, current: Row) -> Row:
        if not isinstance(entries, list):
            raise unprocessable({"custom_fields": "must be an array"})
        merged = dict(current)
        fields = list(self.tables["custom_fields"].values())
        for entry in entries:
            if not isinstance(entry, dict) or "value" not in entry:
                raise unprocessable({"custom_fields": "each entry needs name_key or id, and value"})
            field = next(
                (
                    f
                    for f in fields
                    if f["name_key"] == entry.get("name_key")
                    or f["id"] == entry.get("custom_field_id")
                ),
                None,
            )
            if field is None:
                raise unprocessable({"custom_fields": f"unknown custom field {entry}"})
            merged[field["name_key"]] = {
                "name": field["name"],
                "type": field["value_type"],
                "value": entry["value"],
            }
        return merged

    def create_candidate(self, body: Any, actor: Row) -> Row:
        with self.lock:
            check_keys(body, CANDIDATE_FIELDS | {"application"}, {"first_name", "last_name"})
            now = now_stamp()
            row: Row = {
                "id": 0,
                "created_at": now,
                "updated_at": now,
                "first_name": None,
                "last_name": None,
                "preferred_name": None,
                "company": None,
                "title": None,
                "last_activity_at": now,
                "private": False,
                "can_email": True,
                "time_zone": None,
                "tags": [],
                "linked_user_ids": [],
                "phone_numbers": [],
                "addresses": [],
                "email_addresses": [],
                "website_addresses": [],
                "social_media_addresses": [],
                "custom_fields": {},
            }
            self._candidate_fields(body, row)
            application = body.get("application")
            if application is not None:
                self._check_application(application, candidate_id=None)
            row["id"] = self._ids.take("candidates")
            self.tables["candidates"][row["id"]] = row
            self._index(row)
            for entry in row["email_addresses"]:
                self.created_per_email[entry["value"].lower()] += 1
            self.counters["candidates_created"] += 1
            created_app = self.add_application(row["id"], application) if application else None
            return {"candidate": dict(row), "application": created_app}

    def patch_candidate(self, candidate_id: int, body: Any) -> Row:
        with self.lock:
            row = self.tables["candidates"].get(candidate_id)
            if row is None:
                raise not_found()
            check_keys(body, CANDIDATE_FIELDS | {"is_private"}, set())
            updated = dict(row)
            self._candidate_fields(body, updated)
            if "is_private" in body:
                updated["private"] = bool(body["is_private"])
            updated["updated_at"] = now_stamp()
            self._unindex(row)
            self.tables["candidates"][candidate_id] = updated
            self._index(updated)
            return dict(updated)

    # --- applications ---------------------------------------------------------------------------
    def _check_application(self, body: Any, candidate_id: int | None) -> None:
        base = {"candidate_id"} if candidate_id is not None else set()
        if isinstance(body, dict) and body.get("prospect"):
            check_keys(body, PROSPECT_APP | base, set())
            for job_id in body.get("job_ids") or []:
                if job_id not in self.tables["jobs"]:
                    raise unprocessable({"job_ids": f"job {job_id} does not exist"})
            pool_id = body.get("prospect_pool_id")
            stage_id = body.get("prospect_pool_stage_id")
            if pool_id is not None and pool_id not in self.tables["prospect_pools"]:
                raise unprocessable({"prospect_pool_id": f"prospect pool {pool_id} does not exist"})
            if stage_id is not None:
                stage = self.tables["prospect_pool_stages"].get(stage_id)
                if pool_id is None:
                    raise unprocessable({"prospect_pool_id": "is required with a pool stage"})
                if stage is None or stage["prospect_pool_id"] != pool_id:
                    raise unprocessable({"prospect_pool_stage_id": "is not a stage of that pool"})
            owner = body.get("prospect_owner_id")
            if owner is not None and owner not in self.tables["users"]:
                raise unprocessable({"prospect_owner_id": f"user {owner} does not exist"})
            return
        check_keys(body, CANDIDATE_APP | base, {"job_id"})
        job = self.tables["jobs"].get(body["job_id"])
        if job is None:
            raise unprocessable({"job_id": f"job {body['job_id']} does not exist"})
        if job["status"] != "open":
            raise unprocessable({"job_id": "applications can only be added to open jobs"})
        stage_id = body.get("initial_stage_id")
        if (
            stage_id is not None
            and self.tables["job_interview_stages"].get(stage_id, {}).get("job_id")
            != body["job_id"]
        ):
            raise unprocessable({"initial_stage_id": "is not a stage of that job"})

    def _first_stage(self, job_id: int) -> Row:
        stages = [s for s in self.tables["job_interview_stages"].values() if s["job_id"] == job_id]
        return min(stages, key=lambda s: s["sort_order"])

    def _enter_stage(self, app: Row, stage: Row) -> None:
        app["stage_id"] = self._ids.take("application_stages")
        app["stage_name"] = stage["name"]
        app["job_interview_stage_id"] = stage["id"]

    def add_application(self, candidate_id: int, body: Row, *, count: bool = True) -> Row:
        """Create an application (body already validated), with prospect details if a prospect."""
        with self.lock:
            now = now_stamp()
            prospect = bool(body.get("prospect"))
            app: Row = {
                "id": self._ids.take("applications"),
                "created_at": now,
                "updated_at": now,
                "agency_note_id": None,
                "candidate_id": candidate_id,
                "coordinator_id": body.get("coordinator_id"),
                "job_id": None if prospect else body["job_id"],
                "job_post_id": None,
                "recruiter_id": body.get("recruiter_id"),
                "referrer_id": body.get("referrer_id"),
                "source_id": body.get("source_id"),
                "stage_id": None,
                "stage_name": None,
                "job_interview_stage_id": None,
                "status": "in_process",
                "needs_decision": False,
                "prospect": prospect,
                "rejected_at": None,
                "rejection_reason_id": None,
                "last_activity_at": now,
                "location_address": None,
                "answers": [],
                "prospective_job_ids": list(body.get("job_ids") or []) if prospect else [],
                "custom_fields": self._custom_values(body.get("custom_fields") or [], {}),
            }
            if not prospect:
                stage_id = body.get("initial_stage_id")
                stage = (
                    self.tables["job_interview_stages"][stage_id]
                    if stage_id
                    else self._first_stage(app["job_id"])
                )
                self._enter_stage(app, stage)
            self.tables["applications"][app["id"]] = app
            if prospect:
                detail = {
                    "id": self._ids.take("prospect_details"),
                    "application_id": app["id"],
                    "pool_id": body.get("prospect_pool_id"),
                    "pool_stage_id": body.get("prospect_pool_stage_id"),
                    "prospect_owner_id": body.get("prospect_owner_id"),
                    "department_id": body.get("prospective_department_id"),
                    "office_id": body.get("prospective_office_id"),
                    "created_at": now,
                    "updated_at": now,
                }
                self.tables["prospect_details"][detail["id"]] = detail
            if count:
                self.counters["applications_created"] += 1
            return dict(app)

    def create_application(self, body: Any) -> Row:
        with self.lock:
            if not isinstance(body, dict) or body.get("candidate_id") is None:
                raise unprocessable({"candidate_id": "is required"})
            if body["candidate_id"] not in self.tables["candidates"]:
                raise unprocessable(
                    {"candidate_id": f"candidate {body['candidate_id']} does not exist"}
                )
            self._check_application(body, candidate_id=body["candidate_id"])
            return self.add_application(body["candidate_id"], body)

    def _application(self, application_id: int) -> Row:
        app = self.tables["applications"].get(application_id)
        if app is None:
            raise not_found()
        return app

    def patch_application(self, application_id: int, body: Any) -> Row:
        with self.lock:
            app = self._application(application_id)
            check_keys(body, APPLICATION_PATCH, set())
            pool_id, stage_id = body.get("prospect_pool_id"), body.get("prospect_stage_id")
            if pool_id is not None or stage_id is not None:
                if not app["prospect"]:
                    raise unprocessable("Only prospect applications have a prospect pool.")
                self._check_application(
                    {
                        "prospect": True,
                        "prospect_pool_id": pool_id,
                        "prospect_pool_stage_id": stage_id,
                    },
                    candidate_id=None,
                )
                detail = next(
                    d
                    for d in self.tables["prospect_details"].values()
                    if d["application_id"] == app["id"]
                )
                detail.update(pool_id=pool_id, pool_stage_id=stage_id, updated_at=now_stamp())
            for name in (
                "source_id",
                "referrer_id",
                "recruiter_id",
                "coordinator_id",
                "rejected_at",
            ):
                if name in body:
                    app[name] = body[name]
            if "custom_fields" in body:
                app["custom_fields"] = self._custom_values(
                    body["custom_fields"], app["custom_fields"]
                )
            app["updated_at"] = now_stamp()
            return dict(app)

    def move_application(self, application_id: int, body: Any) -> None:
        with self.lock:
            app = self._application(application_id)
            check_keys(body, {"from_stage_id", "to_stage_id", "to_job_id", "email_from_user_id"},
                       {"from_stage_id"})  # fmt: skip
            if body.get("to_stage_id") and body.get("to_job_id"):
                raise unprocessable("Send to_stage_id or to_job_id, not both.")
            if app["prospect"] or app["status"] != "in_process":
                raise unprocessable("Only active candidate applications can be moved.")
            if body["from_stage_id"] != app["stage_id"]:
                raise unprocessable({"from_stage_id": "is not the application's current stage"})
            stages = sorted(
                (
                    s
                    for s in self.tables["job_interview_stages"].values()
                    if s["job_id"] == app["job_id"]
                ),
                key=lambda s: s["sort_order"],
            )
            if body.get("to_job_id"):
                job = self.tables["jobs"].get(body["to_job_id"])
                if job is None or job["status"] != "open":
                    raise unprocessable({"to_job_id": "is not an open job"})
                app["job_id"] = job["id"]
                target = self._first_stage(job["id"])
            elif body.get("to_stage_id"):
                target = self.tables["job_interview_stages"].get(body["to_stage_id"])
                if target is None or target["job_id"] != app["job_id"]:
                    raise unprocessable({"to_stage_id": "is not a stage of the application's job"})
            else:
                later = [s for s in stages if s["sort_order"] > self._current_order(app)]
                if not later:
                    raise unprocessable("The application is already on the last stage.")
                target = later[0]
            self._enter_stage(app, target)
            app["updated_at"] = now_stamp()

    def _current_order(self, app: Row) -> int:
        return self.tables["job_interview_stages"][app["job_interview_stage_id"]]["sort_order"]

    def convert_prospect(self, application_id: int, body: Any) -> Row:
        with self.lock:
            app = self._application(application_id)
            check_keys(body, {"job_id", "to_job_interview_stage_id"}, {"job_id"})
            if not app["prospect"] or app["status"] != "in_process":
                raise unprocessable("Only active prospect applications can be converted.")
            detail = next(
                (
                    d
                    for d in self.tables["prospect_details"].values()
                    if d["application_id"] == app["id"]
                ),
                {},
            )
            pool = self.tables["prospect_pools"].get(detail.get("pool_id") or 0, {})
            if body["job_id"] not in app["prospective_job_ids"] + pool.get("job_ids", []):
                raise unprocessable({"job_id": "the prospect is not considered for that job"})
            new_body = {"job_id": body["job_id"]}
            if body.get("to_job_interview_stage_id"):
                new_body["initial_stage_id"] = body["to_job_interview_stage_id"]
            self._check_application(new_body, candidate_id=None)
            app.update(status="converted", updated_at=now_stamp())
            return self.add_application(app["candidate_id"], new_body)

    # --- notes, employments, tags ---------------------------------------------------------------
    def _candidate(self, candidate_id: Any) -> Row:
        row = self.tables["candidates"].get(candidate_id) if isinstance(candidate_id, int) else None
        if row is None:
            raise unprocessable({"candidate_id": f"candidate {candidate_id} does not exist"})
        return row

    def create_note(self, body: Any, actor: Row) -> Row:
        with self.lock:
            email_keys = {"email_from", "email_to", "email_cc"}
            allowed = {"candidate_id", "application_id", "user_id", "body", "visibility",
                       "note_type", "subject"} | email_keys  # fmt: skip
            check_keys(body, allowed, {"candidate_id", "body", "visibility"})
            self._candidate(body["candidate_id"])
            note_type = body.get("note_type", "NOTE")
            if note_type not in ("NOTE", "ACTIVITY", "EMAIL"):
                raise unprocessable({"note_type": "must be one of: NOTE, ACTIVITY, EMAIL"})
            if body["visibility"] not in VISIBILITY_OUT:
                raise unprocessable({"visibility": "must be one of: admin_only, private, public"})
            if note_type == "EMAIL":
                missing = [k for k in ("subject", *sorted(email_keys)) if body.get(k) is None]
                if missing:
                    raise unprocessable(*({k: "is required for EMAIL notes"} for k in missing))
                for key in email_keys:
                    if not isinstance(body[key], list):
                        raise unprocessable({key: "must be an array of strings"})
            elif email_keys & set(body):
                raise unprocessable(
                    *({k: "is only allowed on EMAIL notes"} for k in email_keys & set(body))
                )
            now = now_stamp()
            note = {
                "id": self._ids.take("notes"),
                "created_at": now,
                "updated_at": now,
                "candidate_id": body["candidate_id"],
                "application_id": body.get("application_id"),
                "body": body["body"],
                "subject": body.get("subject"),
                "type": note_type,
                "user_id": body.get("user_id") or actor["id"],
                "email_from": ", ".join(body["email_from"]) if note_type == "EMAIL" else None,
                "email_to": ", ".join(body["email_to"]) if note_type == "EMAIL" else None,
                "email_cc": list(body.get("email_cc") or []),
                "import_hash": None,
                "body_with_tags": body["body"],
                "visibility": VISIBILITY_OUT[body["visibility"]],
                "email_attachment_file_names": [],
            }
            self.tables["notes"][note["id"]] = note
            self.counters["notes_created"] += 1
            return dict(note)

    def create_employment(self, body: Any) -> Row:
        with self.lock:
            check_keys(
                body,
                {"candidate_id", "company_name", "title", "start_date", "end_date"},
                {"candidate_id", "company_name", "title"},
            )
            self._candidate(body["candidate_id"])
            for key in ("start_date", "end_date"):
                if body.get(key) is not None:
                    try:
                        datetime.fromisoformat(str(body[key]).replace("Z", "+00:00"))
                    except ValueError as exc:
                        raise unprocessable({key: "must be a date (YYYY-MM-DD)"}) from exc
            now = now_stamp()
            row = {
                "id": self._ids.take("candidate_employments"),
                "candidate_id": body["candidate_id"],
                "company_name": body["company_name"],
                "title": body["title"],
                "start_date": body.get("start_date"),
                "end_date": body.get("end_date"),
                "latest": body.get("end_date") is None,
                "created_at": now,
                "updated_at": now,
            }
            self.tables["candidate_employments"][row["id"]] = row
            self.counters["employments_created"] += 1
            return dict(row)

    def delete(self, table: str, row_id: int) -> None:
        with self.lock:
            row = self.tables[table].pop(row_id, None)
            if row is None:
                raise not_found()
            if table == "applied_candidate_tags":
                self._sync_tags(row["candidate_id"])

    def create_tag(self, body: Any) -> Row:
        with self.lock:
            check_keys(body, {"name"}, {"name"})
            if any(
                t["name"].lower() == body["name"].lower()
                for t in self.tables["candidate_tags"].values()
            ):
                raise unprocessable({"name": "has already been taken"})
            now = now_stamp()
            row = {"id": self._ids.take("candidate_tags"), "name": body["name"],
                   "created_at": now, "updated_at": now}  # fmt: skip
            self.tables["candidate_tags"][row["id"]] = row
            return dict(row)

    def apply_tag(self, body: Any) -> Row:
        with self.lock:
            check_keys(
                body, {"candidate_id", "candidate_tag_id"}, {"candidate_id", "candidate_tag_id"}
            )
            self._candidate(body["candidate_id"])
            if body["candidate_tag_id"] not in self.tables["candidate_tags"]:
                raise unprocessable({"candidate_tag_id": "does not exist"})
            applied = self.tables["applied_candidate_tags"]
            existing = next(
                (
                    a
                    for a in applied.values()
                    if (a["candidate_id"], a["candidate_tag_id"])
                    == (body["candidate_id"], body["candidate_tag_id"])
                ),
                None,
            )
            if existing:
                return dict(existing)
            now = now_stamp()
            row = {
                "id": self._ids.take("applied_candidate_tags"),
                "candidate_id": body["candidate_id"],
                "candidate_tag_id": body["candidate_tag_id"],
                "created_at": now,
                "updated_at": now,
            }
            applied[row["id"]] = row
            self._sync_tags(body["candidate_id"])
            return dict(row)

    def _sync_tags(self, candidate_id: int) -> None:
        names = [
            self.tables["candidate_tags"][a["candidate_tag_id"]]["name"]
            for a in self.tables["applied_candidate_tags"].values()
            if a["candidate_id"] == candidate_id
        ]
        candidate = self.tables["candidates"].get(candidate_id)
        if candidate is not None:
            candidate["tags"] = names

    # --- lifecycle: reject, hire, merge, anonymize (each also queues its webhook) -----------------
    def _announce(self, action: str, payload: Row) -> None:
        self.deliveries.append((action, payload))

    def _application_payload(self, app: Row) -> Row:
        candidate = self.tables["candidates"].get(app["candidate_id"], {})
        return {"application": {**app, "candidate": dict(candidate)}}

    def reject_application(self, application_id: int, body: Any) -> None:
        with self.lock:
            app = self._application(application_id)
            check_keys(body, {"rejection_reason_id", "notes", "rejection_email", "custom_fields"},
                       {"rejection_reason_id"})  # fmt: skip
            if app["status"] != "in_process":
                raise unprocessable("Only active applications can be rejected.")
            now = now_stamp()
            app.update(status="rejected", rejected_at=now, updated_at=now,
                       rejection_reason_id=body["rejection_reason_id"])  # fmt: skip
            self._announce("reject_candidate", self._application_payload(app))

    def hire_application(self, application_id: int, body: Any) -> None:
        with self.lock:
            app = self._application(application_id)
            check_keys(body, {"start_date", "opening_id", "close_reason_id"}, set())
            if app["prospect"] or app["status"] != "in_process":
                raise unprocessable("Only active candidate applications can be hired.")
            app.update(status="hired", updated_at=now_stamp())
            self._announce("hire_candidate", self._application_payload(app))

    def merge_candidates(self, primary_id: int, body: Any) -> Row:
        """The secondary candidate's emails and applications move to the primary; it is gone."""
        with self.lock:
            check_keys(body, {"secondary_candidate_id"}, {"secondary_candidate_id"})
            primary = self.tables["candidates"].get(primary_id)
            secondary = self.tables["candidates"].get(body["secondary_candidate_id"])
            if primary is None or secondary is None or primary is secondary:
                raise unprocessable({"secondary_candidate_id": "is not another candidate"})
            self._unindex(primary)
            known = {e["value"].lower() for e in primary["email_addresses"]}
            primary["email_addresses"] += [
                e for e in secondary["email_addresses"] if e["value"].lower() not in known
            ]
            primary["updated_at"] = now_stamp()
            self._index(primary)
            self._unindex(secondary)
            del self.tables["candidates"][secondary["id"]]
            for app in self.tables["applications"].values():
                if app["candidate_id"] == secondary["id"]:
                    app["candidate_id"] = primary_id
            for table in ("notes", "candidate_employments", "applied_candidate_tags"):
                for row in self.tables[table].values():
                    if row["candidate_id"] == secondary["id"]:
                        row["candidate_id"] = primary_id
            person = {**secondary, "new_candidate_id": primary_id}
            self._announce("merge_candidate", {"person": person})
            return dict(primary)

    def anonymize_candidate(self, candidate_id: int, body: Any) -> Row:
        with self.lock:
            check_keys(body, {"fields"}, {"fields"})
            row = self.tables["candidates"].get(candidate_id)
            if row is None:
                raise not_found()
            fields = body["fields"]
            if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
                raise unprocessable({"fields": "must be an array of field names"})
            self._unindex(row)
            for name in fields:
                for column in ANONYMIZABLE.get(name, ()):
                    row[column] = [] if isinstance(row[column], list) else None
            row["updated_at"] = now_stamp()
            self._index(row)
            self._announce("candidate_anonymized",
                           {"candidate_id": candidate_id, "anonymized_fields": fields})  # fmt: skip
            return dict(row)

    def delete_candidate(self, candidate_id: int) -> None:
        """As a recruiter deleting the person in Greenhouse's UI (there is no v3 endpoint)."""
        with self.lock:
            row = self.tables["candidates"].pop(candidate_id, None)
            if row is None:
                raise not_found()
            self._unindex(row)
            gone = [
                a for a in self.tables["applications"].values() if a["candidate_id"] == candidate_id
            ]
            for app in gone:
                del self.tables["applications"][app["id"]]
            person = {**row, "deleted_application_ids": [a["id"] for a in gone]}
            self._announce("delete_candidate", {"person": person})

    # --- reporting ------------------------------------------------------------------------------
    def snapshot(self) -> Row:
        with self.lock:
            return {
                **dict(self.counters),
                "requests": self.counters["requests"],
                "rate_limited": self.counters["rate_limited"],
                "created_per_email": dict(self.created_per_email),
                "duplicates": {e: n for e, n in self.created_per_email.items() if n > 1},
                "candidates": len(self.tables["candidates"]),
            }
