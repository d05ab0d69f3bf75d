"""The sandbox's demo organisation, built deterministically from a seed (pure: no I/O)."""

from __future__ import annotations

import random
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

Row = dict[str, Any]

FIRST_NAMES = (
    "Ada Alan Amara Ana Ben Bilal Carla Chen Dana Diego Elena Emeka Farah Felix Grace Hana Ibrahim "
    "Ines Jonas Julia Kai Kenji Lara Leo Maya Mateo Nadia Noah Olga Omar Priya Quinn Rosa Sam "
    "Sofia Tariq Uma Victor Wen Yara Zoe"
).split()
LAST_NAMES = (
    "Abara Berg Costa Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kowalski Larsen Moreau "
    "Nakamura Okafor Petrov Quintero Rossi Schmidt Tanaka Ueda Varga Weber Xu Yilmaz Zhang Novak "
    "Silva Kim Patel"
).split()
COMPANIES = (
    ("Northwind", "northwind.example"),
    ("Contoso", "contoso.example"),
    ("Fabrikam", "fabrikam.example"),
    ("Globex", "globex.example"),
    ("Initech", "initech.example"),
    ("Umbrella Labs", "umbrella.example"),
    ("Stark Analytics", "stark.example"),
    ("Wayne Logistics", "wayne.example"),
    ("Acme Robotics", "acme.example"),
    ("Hooli", "hooli.example"),
)
TITLES = (
    "Software Engineer",
    "Senior Software Engineer",
    "Staff Engineer",
    "Engineering Manager",
    "Data Scientist",
    "Product Manager",
    "Product Designer",
    "DevOps Engineer",
    "Sales Director",
    "Account Executive",
)
JOB_NAMES = (
    "Senior Backend Engineer",
    "Product Designer",
    "Account Executive, EMEA",
    "Data Engineer",
)
JOB_STAGES = ("Application Review", "Recruiter Screen", "Technical Interview", "Onsite", "Offer")
POOLS = ("Engineering Talent", "Go-to-Market Talent")
POOL_STAGES = ("New", "Contacted", "Replied", "Qualified")
TAGS = ("Sourcebridge", "Outbound", "Referral", "Silver medalist")

SEED_START = datetime(2024, 1, 1, tzinfo=UTC)
SEED_END = datetime(2026, 6, 30, tzinfo=UTC)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class Ids:
    """Increasing ids per table, each table in its own range (ids look like Greenhouse's)."""

    BASES = {
        "users": 4_000_001,
        "jobs": 4_100_001,
        "job_interview_stages": 4_200_001,
        "prospect_pools": 4_300_001,
        "prospect_pool_stages": 4_400_001,
        "custom_fields": 4_500_001,
        "custom_field_options": 4_600_001,
        "candidate_tags": 4_700_001,
        "applied_candidate_tags": 4_800_001,
        "candidates": 10_000_001,
        "applications": 20_000_001,
        "application_stages": 25_000_001,
        "notes": 30_000_001,
        "candidate_employments": 35_000_001,
        "prospect_details": 40_000_001,
    }

    def __init__(self) -> None:
        self._next = dict(self.BASES)

    def take(self, table: str) -> int:
        value = self._next[table]
        self._next[table] += 1
        return value


def _user(ids: Ids, first: str, last: str, *, site_admin: bool, **extra: Any) -> Row:
    created = stamp(SEED_START)
    email = f"{first}.{last}@sandbox-org.example".lower()
    return {
        "id": ids.take("users"),
        "first_name": first,
        "last_name": last,
        "name": f"{first} {last}",
        "job_title": "Recruiter",
        "primary_email": email,
        "emails": [email],
        "deactivated": False,
        "site_admin": site_admin,
        "service_account": False,
        "agency_id": None,
        "employee_id": None,
        "linked_candidate_ids": [],
        "office_ids": [],
        "department_ids": [],
        "interviewer_tags": [],
        "custom_fields": {},
        "created_at": created,
        "updated_at": created,
        **extra,
    }


def build_org(seed: int, candidates: int, ids: Ids) -> dict[str, dict[int, Row]]:
    """Every table of the demo organisation, rows keyed by id in increasing order."""
    rng = random.Random(seed)
    tables: dict[str, dict[int, Row]] = {
        name: {} for name in Ids.BASES if name != "application_stages"
    }

    def put(table: str, row: Row) -> Row:
        tables[table][row["id"]] = row
        return row

    put("users", _user(ids, "Ada", "Admin", site_admin=True, job_title="Head of Talent"))
    put("users", _user(ids, "Pat", "Plain", site_admin=False))
    put("users", _user(ids, "Riley", "Recruiter", site_admin=False))
    put("users", _user(ids, "Dee", "Parted", site_admin=False, deactivated=True))
    isu = _user(ids, "Integration", "Service User", site_admin=True, service_account=True)
    put("users", {**isu, "primary_email": None, "emails": []})

    created = stamp(SEED_START)
    job_stage_ids: dict[int, list[int]] = {}
    for index, name in enumerate(JOB_NAMES):
        job = put(
            "jobs",
            {
                "id": ids.take("jobs"),
                "name": name,
                "requisition_id": f"REQ-{100 + index}",
                "notes": None,
                "confidential": False,
                "status": "closed" if index == len(JOB_NAMES) - 1 else "open",
                "opened_at": created,
                "closed_at": None,
                "is_template": False,
                "copied_from_id": None,
                "department_id": None,
                "office_ids": [],
                "custom_fields": {},
                "created_at": created,
                "updated_at": created,
            },
        )
        job_stage_ids[job["id"]] = []
        for order, stage_name in enumerate(JOB_STAGES):
            stage = put(
                "job_interview_stages",
                {
                    "id": ids.take("job_interview_stages"),
                    "job_id": job["id"],
                    "name": stage_name,
                    "sort_order": order,
                    "active": True,
                    "created_at": created,
                    "updated_at": created,
                },
            )
            job_stage_ids[job["id"]].append(stage["id"])

    pool_stage_ids: dict[int, list[int]] = {}
    open_jobs = [j["id"] for j in tables["jobs"].values() if j["status"] == "open"]
    for index, name in enumerate(POOLS):
        pool = put(
            "prospect_pools",
            {
                "id": ids.take("prospect_pools"),
                "name": name,
                "active": True,
                "description": None,
                "department_ids": [],
                "office_ids": [],
                "job_ids": open_jobs[index::2],
                "created_at": created,
                "updated_at": created,
            },
        )
        pool_stage_ids[pool["id"]] = []
        for order, stage_name in enumerate(POOL_STAGES):
            stage = put(
                "prospect_pool_stages",
                {
                    "id": ids.take("prospect_pool_stages"),
                    "prospect_pool_id": pool["id"],
                    "name": stage_name,
                    "sort_order": order,
                    "created_at": created,
                    "updated_at": created,
                },
            )
            pool_stage_ids[pool["id"]].append(stage["id"])

    fields = (
        ("candidate", "Sourced by Sourcebridge", "sourced_by_sourcebridge", "yes_no", ()),
        ("candidate", "LinkedIn headline", "linkedin_headline", "short_text", ()),
        ("candidate", "Outreach status", "outreach_status", "single_select",
         ("Messaged", "Replied", "Unsubscribed")),
        ("application", "Sequence name", "sequence_name", "short_text", ()),
    )  # fmt: skip
    for field_type, name, key, value_type, options in fields:
        field = put(
            "custom_fields",
            {
                "id": ids.take("custom_fields"),
                "field_type": field_type,
                "name": name,
                "name_key": key,
                "value_type": value_type,
                "private": False,
                "required": False,
                "internal_type": None,
                "active": True,
                "trigger_new_version": False,
                "created_at": created,
                "updated_at": created,
            },
        )
        for order, option in enumerate(options):
            put(
                "custom_field_options",
                {
                    "id": ids.take("custom_field_options"),
                    "custom_field_id": field["id"],
                    "name": option,
                    "external_id": None,
                    "sort_order": order,
                    "active": True,
                    "created_at": created,
                    "updated_at": created,
                },
            )
    for name in TAGS:
        put(
            "candidate_tags",
            {
                "id": ids.take("candidate_tags"),
                "name": name,
                "created_at": created,
                "updated_at": created,
            },
        )

    span = (SEED_END - SEED_START).total_seconds()
    for index in range(candidates):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        company, domain = rng.choice(COMPANIES)
        made = SEED_START + timedelta(seconds=span * index / max(1, candidates))
        touched = min(SEED_END, made + timedelta(days=rng.randint(0, 120)))
        candidate_id = ids.take("candidates")
        emails = [{"value": f"{first}.{last}.{index}@{domain}".lower(), "type": "work"}]
        if index % 3 == 0:
            emails.append(
                {"value": f"{first}{last}{index}@mail.example".lower(), "type": "personal"}
            )
        slug = f"{first}-{last}-{index:05x}".lower()
        put(
            "candidates",
            {
                "id": candidate_id,
                "created_at": stamp(made),
                "updated_at": stamp(touched),
                "first_name": first,
                "last_name": last,
                "preferred_name": None,
                "company": company,
                "title": rng.choice(TITLES),
                "last_activity_at": stamp(touched),
                "private": False,
                "can_email": True,
                "time_zone": None,
                "tags": [],
                "linked_user_ids": [],
                "phone_numbers": [],
                "addresses": [],
                "email_addresses": emails,
                "website_addresses": [],
                "social_media_addresses": [{"value": f"https://www.linkedin.com/in/{slug}"}],
                "custom_fields": {},
            },
        )
    return tables


def seed_applications(state: Any, rng_seed: int) -> None:
    """Give some seeded candidates an application or a prospect application (through the
    sandbox's own create path, so seeded and created records look alike)."""
    rng = random.Random(rng_seed + 1)
    jobs = [j["id"] for j in state.tables["jobs"].values() if j["status"] == "open"]
    pools = list(state.tables["prospect_pools"].values())
    for index, candidate_id in enumerate(list(state.tables["candidates"])):
        if index % 4 == 0:
            state.add_application(candidate_id, {"job_id": rng.choice(jobs)}, count=False)
        elif index % 7 == 0:
            pool = rng.choice(pools)
            stages = [
                s["id"]
                for s in state.tables["prospect_pool_stages"].values()
                if s["prospect_pool_id"] == pool["id"]
            ]
            body = {
                "prospect": True,
                "job_ids": pool["job_ids"][:1],
                "prospect_pool_id": pool["id"],
                "prospect_pool_stage_id": rng.choice(stages),
            }
            state.add_application(candidate_id, body, count=False)
