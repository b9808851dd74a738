"""The settings (config.py): read once from the LIMES_* variables, safe defaults, and
every invalid value refused with the variable it came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from limes.config import AuthMode, Environment, SettingsError, from_env


def test_without_variables_it_is_production_with_sqlite_in_the_var_folder() -> None:
    settings = from_env({})
    assert settings.environment is Environment.PRODUCTION and settings.auth is AuthMode.NONE
    assert settings.store_url == f"sqlite:///{Path('var') / 'limes.db'}"


def test_the_command_lines_values_come_before_the_variables(tmp_path: Path) -> None:
    settings = from_env({"LIMES_VAR": "elsewhere"}, var_dir=tmp_path)
    assert settings.store_url == f"sqlite:///{tmp_path / 'limes.db'}"
    assert dict(from_env({"LIMES_REVIEW_PERIODS": "arrest=3"}).review_overrides) == {"arrest": 3}


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"LIMES_ENV": "nowhere"}, "nowhere"),
        ({"LIMES_REVIEW_PERIODS": "arrest=x"}, "LIMES_REVIEW_PERIODS"),
        ({"LIMES_AUTH": "unsafe-dev-headers"}, "LIMES_ENV=development"),
    ],
)
def test_an_invalid_value_is_refused_naming_it(env: dict[str, str], said: str) -> None:
    with pytest.raises(SettingsError, match=said):
        from_env(env)


def test_central_peers_are_postgresql_urls() -> None:
    peers = "postgresql://limes@a/limes, postgresql://limes@b/limes"
    assert from_env({"LIMES_CENTRAL_PEERS": peers}).central_peers == (
        "postgresql://limes@a/limes",
        "postgresql://limes@b/limes",
    )
    assert from_env({}).central_peers == ()
    with pytest.raises(SettingsError, match="LIMES_CENTRAL_PEERS"):
        from_env({"LIMES_CENTRAL_PEERS": "sqlite:///x.db"})
