"""The integration's sync settings: checked field by field, targets checked against Greenhouse
and stored with their names (so every contact synced onto them shows the names for free)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backend.sync import rules
from backend.sync.catalog import Catalog
from backend.sync.catalog import TargetGone
from backend.sync.targets import Target
from backend.sync.targets import TargetInvalid

SETTING_FIELDS = (
    "sync_mode",
    "dedupe",
    "activity_tracking",
    "note_visibility",
    "match_linkedin_url",
    "default_target",
    "custom_field_map",
    "status_field",
    "stage_on_reply",
    "convert_on_reply",
)
BOOLEANS = ("dedupe", "activity_tracking", "match_linkedin_url", "convert_on_reply")
TARGETS = ("default_target", "stage_on_reply")


class SettingInvalid(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def check_settings(body: Mapping[str, Any]) -> dict[str, Any]:
    """The settings in `body` (only those given), shape-checked; raises SettingInvalid."""
    unknown = sorted(set(body) - set(SETTING_FIELDS))
    if unknown:
        raise SettingInvalid(unknown[0], "is not a sync setting")
    out: dict[str, Any] = {}
    for name, value in body.items():
        if name == "sync_mode":
            if value not in rules.SYNC_MODES:
                raise SettingInvalid(name, f"must be one of {', '.join(rules.SYNC_MODES)}")
        elif name == "note_visibility":
            if value not in rules.NOTE_VISIBILITIES:
                raise SettingInvalid(name, f"must be one of {', '.join(rules.NOTE_VISIBILITIES)}")
        elif name in BOOLEANS:
            if not isinstance(value, bool):
                raise SettingInvalid(name, "must be true or false")
        elif name in TARGETS:
            try:
                target = Target.parse(value)
            except TargetInvalid as exc:
                raise SettingInvalid(f"{name}.{exc.field}", exc.reason) from exc
            value = target
        elif name == "custom_field_map":
            value = _field_map(value)
        elif name == "status_field":
            value = _status_field(value)
        out[name] = value
    return out


def _field_map(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise SettingInvalid("custom_field_map", "must be an object {contact field: name_key}")
    out = {}
    for contact_field, name_key in value.items():
        if contact_field not in rules.CONTACT_FIELDS:
            raise SettingInvalid(
                f"custom_field_map.{contact_field}",
                f"is not a contact field ({', '.join(rules.CONTACT_FIELDS)})",
            )
        if not isinstance(name_key, str) or not name_key.strip() or len(name_key) > 255:
            raise SettingInvalid(f"custom_field_map.{contact_field}", "must be a name_key")
        out[contact_field] = name_key.strip()
    if len(set(out.values())) != len(out):
        raise SettingInvalid("custom_field_map", "each Greenhouse field can hold one contact field")
    return out


def _status_field(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or value.get("kind") not in ("custom_field", "tags"):
        raise SettingInvalid("status_field.kind", "must be custom_field or tags")
    if value["kind"] == "tags":
        return {"kind": "tags"}
    key = value.get("name_key")
    if not isinstance(key, str) or not key.strip():
        raise SettingInvalid("status_field.name_key", "is required for a custom field")
    return {"kind": "custom_field", "name_key": key.strip()}


def check_against_greenhouse(settings: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    """Targets named (or refused) and mapped custom fields known to Greenhouse. Returns the
    settings ready to store (targets as dicts with kind and names)."""
    out = dict(settings)
    for name in TARGETS:
        target = settings.get(name)
        if isinstance(target, Target):
            try:
                out[name] = catalog.resolve(target).to_dict()
            except TargetGone as exc:
                raise SettingInvalid(name, str(exc)) from exc
    keys = None
    if settings.get("custom_field_map") or (settings.get("status_field") or {}).get("name_key"):
        keys = {f["name_key"] for f in catalog.custom_fields()}
    for contact_field, name_key in (settings.get("custom_field_map") or {}).items():
        if keys is not None and name_key not in keys:
            raise SettingInvalid(
                f"custom_field_map.{contact_field}",
                f"Greenhouse has no candidate custom field '{name_key}'",
            )
    status_key = (settings.get("status_field") or {}).get("name_key")
    if status_key and keys is not None and status_key not in keys:
        raise SettingInvalid(
            "status_field.name_key", f"Greenhouse has no candidate custom field '{status_key}'"
        )
    return out


def stored_without_greenhouse(settings: dict[str, Any]) -> dict[str, Any]:
    """Settings stored as given when Greenhouse is not connected (targets unnamed)."""
    return {
        name: value.to_dict() if isinstance(value, Target) else value
        for name, value in settings.items()
    }


def target_view(value: Any) -> dict[str, Any] | None:
    """A stored target as the API returns it: always with `kind` (names when known)."""
    try:
        target = Target.parse(value)
    except TargetInvalid:
        return None
    return target.to_dict() if target else None


def settings_to_store(
    body: Mapping[str, Any], catalog: Catalog | None, *, unreachable: type[Exception]
) -> dict[str, Any]:
    """What the API and the web app store for `body`: each field checked; with Greenhouse
    connected (a catalog), targets and mapped fields checked against it and stored with their
    names. When Greenhouse cannot be reached (`unreachable`), they are stored unnamed and named
    when first used. Raises SettingInvalid."""
    settings = check_settings(body)
    if catalog is None:
        return stored_without_greenhouse(settings)
    try:
        return check_against_greenhouse(settings, catalog)
    except unreachable:
        return stored_without_greenhouse(settings)
