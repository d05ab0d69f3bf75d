"""Settings: environment variables (and `.env`) over the defaults, as DESIGN.md lists them."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from limits import parse as parse_rate

from backend import defaults

TRUE_WORDS = {"1", "true", "yes", "on"}


def _bool(value: str | bool | None) -> bool:
    if isinstance(value, bool):
        return value
    return (value or "").strip().lower() in TRUE_WORDS


def _secret_key(instance_dir: Path) -> str:
    """The key in `instance/secret_key`, made on first run so restarts keep it."""
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(mode=defaults.INSTANCE_DIR_MODE, parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(defaults.INSTANCE_FILE_MODE)
    return key


def secure_instance_dir(instance_dir: Path) -> None:
    """The instance folder holds the database and the key that decrypts stored secrets: only
    the user running Sourcebridge may enter it or read what is in it."""
    instance_dir.mkdir(mode=defaults.INSTANCE_DIR_MODE, parents=True, exist_ok=True)
    instance_dir.chmod(defaults.INSTANCE_DIR_MODE)
    for child in instance_dir.iterdir():
        if child.is_file() and not child.is_symlink():
            child.chmod(defaults.INSTANCE_FILE_MODE)


def read_env(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The raw variables: explicit overrides > environment > `.env`."""
    return {**dotenv_values(".env"), **os.environ, **(overrides or {})}


def instance_dir_of(env: Mapping[str, Any]) -> Path:
    return Path(env.get("SOURCEBRIDGE_INSTANCE") or "instance").resolve()


def load_settings(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Read the settings once: explicit overrides > environment > `.env` > defaults."""
    env = read_env(overrides)
    instance_dir = instance_dir_of(env)

    def get(name: str, default: Any = None) -> Any:
        value = env.get(name)
        return default if value in (None, "") else value

    settings: dict[str, Any] = {
        "INSTANCE_DIR": instance_dir,
        "DATABASE_URL": get("DATABASE_URL", f"sqlite:///{instance_dir / 'sourcebridge.db'}"),
        "REDIS_URL": get("REDIS_URL"),
        "GREENHOUSE_API_URL": get("GREENHOUSE_API_URL", defaults.GREENHOUSE_API_URL).rstrip("/"),
        "GREENHOUSE_AUTH_URL": get("GREENHOUSE_AUTH_URL", defaults.GREENHOUSE_AUTH_URL).rstrip("/"),
        "GREENHOUSE_APP_URL": get("GREENHOUSE_APP_URL", defaults.GREENHOUSE_APP_URL).rstrip("/"),
        "GREENHOUSE_CLIENT_ID": get("GREENHOUSE_CLIENT_ID"),
        "GREENHOUSE_CLIENT_SECRET": get("GREENHOUSE_CLIENT_SECRET"),
        "GREENHOUSE_USER_ID": get("GREENHOUSE_USER_ID"),
        "GREENHOUSE_WEBHOOK_SECRET": get("GREENHOUSE_WEBHOOK_SECRET"),
        "EMAIL_VERIFY": get("EMAIL_VERIFY", "off"),
        "DNS_NAMESERVERS": get("DNS_NAMESERVERS"),
        "SMTP_PROBE_PORT": int(get("SMTP_PROBE_PORT", 25)),
        "ALLOW_PRIVATE_NETWORKS": _bool(get("ALLOW_PRIVATE_NETWORKS", False)),
        "CORS_ORIGINS": [o for o in (get("CORS_ORIGINS", "") or "").split(",") if o.strip()],
        "MAX_CONTENT_LENGTH": int(get("MAX_REQUEST_BYTES", defaults.MAX_REQUEST_BYTES)),
        "API_RATE_LIMIT": get("API_RATE_LIMIT", defaults.API_RATE_LIMIT),
        "LOG_LEVEL": get("LOG_LEVEL", "INFO"),
        "TESTING": _bool(get("TESTING", False)),
    }
    settings["SECRET_KEY_FROM_ENV"] = bool(get("SECRET_KEY"))
    settings["SECRET_KEY"] = get("SECRET_KEY") or _secret_key(instance_dir)
    try:
        parse_rate(settings["API_RATE_LIMIT"])
    except ValueError:
        raise ValueError("API_RATE_LIMIT must be a rate such as '300/minute'") from None
    if settings["EMAIL_VERIFY"] not in ("off", "smtp"):
        raise ValueError("EMAIL_VERIFY must be 'off' or 'smtp'")
    # Keep anything else the caller passed (tests set extra keys).
    for key, value in (overrides or {}).items():
        settings.setdefault(key, value)
    return settings
