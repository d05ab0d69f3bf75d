"""Settings: one frozen `Settings`, read once from explicit overrides > environment > `.env`.

Every setting is a field below, named after its environment variable (the `env` metadata) and
documented; README "Configuration" lists the same variables. An override or a `.env` line naming
no setting is an error (a typo would otherwise be ignored silently); the environment itself holds
much else, so only the variables below are read from it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from limits import parse as parse_rate

from backend import defaults

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class EmailVerify(StrEnum):
    OFF = "off"  # pattern-ranked candidates only
    SMTP = "smtp"  # also probe the mail server (needs outbound port 25)


class UnknownSetting(ValueError):
    """An override or a `.env` line names no setting."""


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in TRUE_WORDS | FALSE_WORDS:
        raise ValueError(f"not a yes/no value: {value!r}")
    return text in TRUE_WORDS


def _optional_str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _optional_int(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def _url(value: Any) -> str:
    return str(value).rstrip("/")


def _origins(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    return tuple(origin.strip() for origin in items if origin.strip())


def _rate(value: Any) -> str:
    try:
        parse_rate(str(value))
    except ValueError:
        raise ValueError(f"not a rate such as '300/minute': {value!r}") from None
    return str(value)


def _email_verify(value: Any) -> EmailVerify:
    try:
        return EmailVerify(str(value))
    except ValueError:
        raise ValueError("EMAIL_VERIFY must be 'off' or 'smtp'") from None


def setting(env: str, doc: str, parse: Callable[[Any], Any] = str, default: Any = None) -> Any:
    """A field read from the environment variable `env` (missing or empty: `default`)."""
    return field(metadata={"env": env, "doc": doc, "parse": parse, "default": default})


@dataclass(frozen=True)
class Settings:
    instance_dir: Path = setting(
        "SOURCEBRIDGE_INSTANCE",
        "folder for the SQLite files, the queue and the generated secret key",
        lambda v: Path(v).resolve(),
        "instance",
    )
    database_url: str = setting(
        "DATABASE_URL", "SQLite (WAL) or postgresql://… (default: instance/sourcebridge.db)"
    )
    redis_url: str | None = setting(
        "REDIS_URL",
        "unset: in-process cache and limiter, SQLite-backed queue; set: all shared in Redis",
        _optional_str,
    )
    # Read from the environment by backend/jobs/queue.py when it is imported (Huey registers tasks
    # on one instance at import, before any Settings exist); declared here to be documented and
    # refused when unknown like every other variable.
    queue_name: str = setting(
        "QUEUE_NAME", "the Huey queue's name (installs sharing one Redis)", str, defaults.QUEUE_NAME
    )
    secret_key: str = setting(
        "SECRET_KEY", "signs and encrypts stored secrets (default: generated into instance/)"
    )
    greenhouse_api_url: str = setting(
        "GREENHOUSE_API_URL", "Harvest v3 base URL", _url, defaults.GREENHOUSE_API_URL
    )
    greenhouse_auth_url: str = setting(
        "GREENHOUSE_AUTH_URL",
        "token endpoint is {AUTH_URL}/token",
        _url,
        defaults.GREENHOUSE_AUTH_URL,
    )
    greenhouse_app_url: str = setting(
        "GREENHOUSE_APP_URL",
        "record links {APP_URL}/people/{id}",
        _url,
        defaults.GREENHOUSE_APP_URL,
    )
    greenhouse_client_id: str | None = setting(
        "GREENHOUSE_CLIENT_ID", "connects every team that saved none", _optional_str
    )
    greenhouse_client_secret: str | None = setting(
        "GREENHOUSE_CLIENT_SECRET", "with GREENHOUSE_CLIENT_ID", _optional_str
    )
    greenhouse_user_id: int | None = setting(
        "GREENHOUSE_USER_ID", "the Greenhouse user the calls act as", _optional_int
    )
    greenhouse_webhook_secret: str | None = setting(
        "GREENHOUSE_WEBHOOK_SECRET", "webhook signing key of a single-team install", _optional_str
    )
    email_verify: EmailVerify = setting(
        "EMAIL_VERIFY", "off, or smtp to verify mailboxes", _email_verify, EmailVerify.OFF
    )
    dns_nameservers: str | None = setting(
        "DNS_NAMESERVERS", "host[:port], comma-separated (default: the system's)", _optional_str
    )
    smtp_probe_port: int = setting("SMTP_PROBE_PORT", "port of SMTP verification", int, 25)
    smtp_helo_name: str | None = setting(
        "SMTP_HELO_NAME", "name SMTP verification greets with (default: the FQDN)", _optional_str
    )
    allow_private_networks: bool = setting(
        "ALLOW_PRIVATE_NETWORKS",
        "tests set true to reach loopback DNS / SMTP / Greenhouse doubles",
        _bool,
        False,
    )
    cors_origins: tuple[str, ...] = setting(
        "CORS_ORIGINS", "comma-separated origins allowed to call /api/ from a page", _origins, ""
    )
    max_request_bytes: int = setting(
        "MAX_REQUEST_BYTES", "largest request body (after gunzip)", int, defaults.MAX_REQUEST_BYTES
    )
    public_url: str = setting(
        "PUBLIC_URL",
        "where people and mail reach the backend (unsubscribe links, OAuth callbacks, sign-in)",
        _url,
        defaults.PUBLIC_URL,
    )
    api_rate_limit: str = setting(
        "API_RATE_LIMIT", "requests per API token, e.g. 300/minute", _rate, defaults.API_RATE_LIMIT
    )
    lookup_budget_seconds: float = setting(
        "LOOKUP_BUDGET_SECONDS",
        "a lookup starts no new DNS guess or live Greenhouse question after this long",
        float,
        defaults.LOOKUP_TIME_BUDGET.total_seconds(),
    )
    token_cache_seconds: float = setting(
        "TOKEN_CACHE_SECONDS",
        "how long a worker reuses a token's user (a revocation takes effect within it)",
        float,
        defaults.TOKEN_CACHE_TTL.total_seconds(),
    )
    sequence_tick_seconds: float = setting(
        "SEQUENCE_TICK_SECONDS",
        "how often due sends and tasks are dispatched",
        float,
        defaults.SEQUENCE_TICK_SECONDS,
    )
    mailbox_poll_seconds: float = setting(
        "MAILBOX_POLL_SECONDS",
        "how often each mailbox is read for replies, bounces and Sent copies",
        float,
        defaults.MAILBOX_POLL_SECONDS,
    )
    import_interval_seconds: float = setting(
        "IMPORT_INTERVAL_SECONDS",
        "how often recurring Greenhouse imports run",
        float,
        defaults.IMPORT_INTERVAL_SECONDS,
    )
    google_oauth_client_id: str | None = setting(
        "GOOGLE_OAUTH_CLIENT_ID", "offers 'Connect Google mailbox' when set", _optional_str
    )
    google_oauth_client_secret: str | None = setting(
        "GOOGLE_OAUTH_CLIENT_SECRET", "with GOOGLE_OAUTH_CLIENT_ID", _optional_str
    )
    microsoft_oauth_client_id: str | None = setting(
        "MICROSOFT_OAUTH_CLIENT_ID", "offers 'Connect Microsoft mailbox' when set", _optional_str
    )
    microsoft_oauth_client_secret: str | None = setting(
        "MICROSOFT_OAUTH_CLIENT_SECRET", "with MICROSOFT_OAUTH_CLIENT_ID", _optional_str
    )
    microsoft_oauth_tenant: str = setting(
        "MICROSOFT_OAUTH_TENANT",
        "Microsoft Entra tenant (organizations: any work account)",
        str,
        defaults.MICROSOFT_OAUTH_TENANT,
    )
    google_oauth_authorize_url: str = setting(
        "GOOGLE_OAUTH_AUTHORIZE_URL",
        "Google's authorisation endpoint",
        _url,
        defaults.GOOGLE_OAUTH_AUTHORIZE_URL,
    )
    google_oauth_token_url: str = setting(
        "GOOGLE_OAUTH_TOKEN_URL", "Google's token endpoint", _url, defaults.GOOGLE_OAUTH_TOKEN_URL
    )
    microsoft_oauth_url: str = setting(
        "MICROSOFT_OAUTH_URL",
        "Microsoft identity platform base URL",
        _url,
        defaults.MICROSOFT_OAUTH_URL,
    )
    mail_ca_file: str | None = setting(
        "MAIL_CA_FILE", "PEM bundle trusted for mailbox SMTP/IMAP servers", _optional_str
    )
    log_level: str = setting("LOG_LEVEL", "logging level", str, "INFO")
    testing: bool = setting("TESTING", "Flask's testing mode (tests set it)", _bool, False)
    secret_key_from_env: bool = field(default=False, metadata={"derived": True})

    def __repr__(self) -> str:  # the secrets never reach a log line
        return f"Settings(database_url={self.database_url!r}, redis_url={self.redis_url!r}, …)"

    def flask_config(self) -> dict[str, Any]:
        """What Flask itself reads from `app.config`."""
        return {
            "SECRET_KEY": self.secret_key,
            "MAX_CONTENT_LENGTH": self.max_request_bytes,
            "TESTING": self.testing,
            # Session cookies only over HTTPS when people reach the app over HTTPS.
            "SESSION_COOKIE_SECURE": self.public_url.startswith("https://"),
        }


ENV_NAMES = {f.metadata["env"]: f for f in fields(Settings) if "env" in f.metadata}


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


@contextmanager
def private_files() -> Iterator[None]:
    """Files and folders made meanwhile are readable by this user only (SQLite's database, WAL
    and journal files, the queue's database), whatever the caller's umask; then it is restored."""
    previous = os.umask(defaults.PROCESS_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def secure_instance_dir(instance_dir: Path) -> None:
    """The instance folder holds the database and the key that decrypts stored secrets: only
    the user running Sourcebridge may enter it or read what is in it."""
    instance_dir.mkdir(mode=defaults.INSTANCE_DIR_MODE, parents=True, exist_ok=True)
    instance_dir.chmod(defaults.INSTANCE_DIR_MODE)
    for child in instance_dir.iterdir():
        if child.is_file() and not child.is_symlink():
            child.chmod(defaults.INSTANCE_FILE_MODE)


def _reject_unknown(names: Mapping[str, Any], where: str) -> None:
    unknown = sorted(set(names) - set(ENV_NAMES))
    if unknown:
        raise UnknownSetting(f"unknown setting(s) in {where}: {', '.join(unknown)}")


def read_env(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The raw values of the settings' variables: explicit overrides > environment > `.env`."""
    dotenv = dotenv_values(".env")
    _reject_unknown(dotenv, ".env")
    _reject_unknown(overrides or {}, "the overrides")
    environment = {name: os.environ[name] for name in ENV_NAMES if name in os.environ}
    return {**dotenv, **environment, **(overrides or {})}


def instance_dir_of(env: Mapping[str, Any]) -> Path:
    return Path(env.get("SOURCEBRIDGE_INSTANCE") or "instance").resolve()


def load_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """Read the settings once: explicit overrides > environment > `.env` > defaults."""
    env = read_env(overrides)
    values: dict[str, Any] = {}
    for name, spec in ENV_NAMES.items():
        raw = env.get(name)
        default = spec.metadata["default"]
        if raw in (None, ""):
            raw = default
        values[spec.name] = spec.metadata["parse"](raw) if raw is not None else None
    instance_dir = values["instance_dir"]
    values["database_url"] = (
        values["database_url"] or f"sqlite:///{instance_dir / 'sourcebridge.db'}"
    )
    values["secret_key_from_env"] = bool(values["secret_key"])
    values["secret_key"] = values["secret_key"] or _secret_key(instance_dir)
    return Settings(**values)
