"""The settings of authentication: LIMES_AUTH=tokens, issuer, audience, providers, the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import TEST_KEYRING, FixedClock
from tests.identity.oidc_helpers import Provider, write_providers

from limes.api.auth import RefuseAll, TokenAuthenticator, for_settings
from limes.bootstrap import build
from limes.config import AuthMode, Settings, SettingsError, from_env
from limes.identity.oidc import ProviderError
from limes.identity.tokens import KeyFileError, ensure_signing_key
from limes.store.sqlite import SqliteStore


def test_defaults_refuse_everyone_and_tokens_must_be_chosen() -> None:
    settings = from_env({})
    assert settings.auth is AuthMode.NONE
    assert isinstance(for_settings(settings), RefuseAll)
    assert (settings.token_issuer, settings.token_audience) == ("limes", "limes-api")
    assert settings.oidc_providers is None


def test_token_settings_are_read_and_checked(tmp_path: Path) -> None:
    settings = from_env(
        {
            "LIMES_AUTH": "tokens",
            "LIMES_VAR": str(tmp_path),
            "LIMES_TOKEN_ISSUER": "limes-eu",
            "LIMES_TOKEN_AUDIENCE": "limes-eu-api",
            "LIMES_OIDC_PROVIDERS": str(tmp_path / "providers.json"),
        }
    )
    assert settings.auth is AuthMode.TOKENS
    assert settings.token_key_path == tmp_path / "keys" / "token-signing-key.pem"
    assert settings.describe()["token issuer"] == "limes-eu"
    for name in ("LIMES_TOKEN_ISSUER", "LIMES_TOKEN_AUDIENCE"):
        for value in ("", " padded"):
            with pytest.raises(SettingsError, match=name):
                from_env({name: value})


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    found = SqliteStore(tmp_path / "db")
    found.migrate()
    return found


def test_tokens_mode_needs_a_sound_key(
    tmp_path: Path, store: SqliteStore, clock: FixedClock
) -> None:
    settings = Settings(var_dir=tmp_path / "var", auth=AuthMode.TOKENS)
    limes = build(settings, store=store, clock=clock, keyring=TEST_KEYRING)
    with pytest.raises(SettingsError, match="needs the store"):
        for_settings(settings)
    with pytest.raises(KeyFileError, match="limes init"):
        for_settings(settings, limes)
    ensure_signing_key(settings.token_key_path)
    assert isinstance(for_settings(settings, limes), TokenAuthenticator)
    settings.token_key_path.chmod(0o640)
    with pytest.raises(KeyFileError, match="others may read"):
        for_settings(settings, limes)
    store.close()


def test_tokens_mode_refuses_a_bad_provider_list(
    tmp_path: Path, store: SqliteStore, clock: FixedClock
) -> None:
    providers = write_providers(tmp_path / "oidc", Provider("https://idp.example.de", "DE"))
    settings = Settings(
        var_dir=tmp_path / "var",
        auth=AuthMode.TOKENS,
        oidc_providers=providers,
        token_issuer="https://idp.example.de",  # the provider would pass for Limes
    )
    ensure_signing_key(settings.token_key_path)
    with pytest.raises(ProviderError, match="Limes' own"):
        for_settings(settings, build(settings, store=store, clock=clock, keyring=TEST_KEYRING))
    store.close()


def test_the_session_lifetime_is_a_bounded_setting() -> None:
    assert from_env({}).session_max_hours == 12
    assert from_env({"LIMES_SESSION_MAX_HOURS": "1.5"}).session_max_hours == 1.5
    for wrong in ("0", "-1", "25", "twelve"):
        with pytest.raises(SettingsError):
            from_env({"LIMES_SESSION_MAX_HOURS": wrong})
