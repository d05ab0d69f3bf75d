"""Settings: typed, frozen, read once; unknown names rejected; every variable documented."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from backend.config import ENV_NAMES
from backend.config import EmailVerify
from backend.config import UnknownSetting
from backend.config import load_settings

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)  # no developer's .env
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_values_are_typed_and_frozen(clean_env: Path) -> None:
    settings = load_settings(
        {
            "SOURCEBRIDGE_INSTANCE": str(clean_env / "inst"),
            "SECRET_KEY": "k",
            "GREENHOUSE_USER_ID": "42",
            "ALLOW_PRIVATE_NETWORKS": "yes",
            "CORS_ORIGINS": "https://a.test, https://b.test",
            "EMAIL_VERIFY": "smtp",
            "GREENHOUSE_API_URL": "http://127.0.0.1:9/",
        }
    )
    assert settings.greenhouse_user_id == 42
    assert settings.allow_private_networks is True
    assert settings.cors_origins == ("https://a.test", "https://b.test")
    assert settings.email_verify is EmailVerify.SMTP
    assert settings.greenhouse_api_url == "http://127.0.0.1:9"
    assert settings.database_url == f"sqlite:///{clean_env / 'inst' / 'sourcebridge.db'}"
    assert settings.secret_key_from_env
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.redis_url = "redis://x"  # type: ignore[misc]


def test_unknown_override_is_rejected(clean_env: Path) -> None:
    with pytest.raises(UnknownSetting, match="GREENHOUSE_CLIENTID"):
        load_settings({"GREENHOUSE_CLIENTID": "typo", "SECRET_KEY": "k"})


def test_unknown_dotenv_line_is_rejected(clean_env: Path) -> None:
    (clean_env / ".env").write_text("SECRET_KEY=k\nDATABSE_URL=sqlite://\n")
    with pytest.raises(UnknownSetting, match="DATABSE_URL"):
        load_settings()


def test_bad_value_is_refused(clean_env: Path) -> None:
    with pytest.raises(ValueError, match="EMAIL_VERIFY"):
        load_settings({"EMAIL_VERIFY": "sometimes", "SECRET_KEY": "k"})


def test_secret_never_in_repr(clean_env: Path) -> None:
    settings = load_settings({"SECRET_KEY": "hush", "GREENHOUSE_CLIENT_SECRET": "also-hush"})
    assert "hush" not in repr(settings)


def test_every_variable_is_documented_in_the_readme() -> None:
    documented = set(re.findall(r"`([A-Z][A-Z_]+)`", README.read_text()))
    assert set(ENV_NAMES) <= documented
    for spec in ENV_NAMES.values():
        assert spec.metadata["doc"], spec.name
