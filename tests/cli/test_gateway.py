"""``limes gateway …``: the profiles listed, a configuration checked, serving refused where
Limes' own settings are in the environment."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from tests.gateway.helpers import config_text, pki

from limes.cli.main import cli


def test_profiles_are_listed() -> None:
    result = CliRunner().invoke(cli, ["gateway", "profiles"])
    assert result.exit_code == 0, result.output
    listed = {p["id"]: p for p in json.loads(result.output)}
    assert listed["law-enforcement-flag"]["answer"] == []
    assert listed["etias-screening"]["notify_owner"] is True


def test_check_prints_the_systems_without_secrets(tmp_path: Path) -> None:
    keys = pki(tmp_path / "pki")
    config = tmp_path / "gateway.toml"
    config.write_text(config_text(keys))
    result = CliRunner().invoke(cli, ["gateway", "check", "--config", str(config)])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert [s["name"] for s in shown["systems"]] == ["etias", "ees"]
    assert keys.etias.fingerprint not in result.output


def test_a_bad_configuration_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text('[store]\nurl = "postgresql://db"\n')
    result = CliRunner().invoke(cli, ["gateway", "check", "--config", str(config)])
    assert result.exit_code == 1
    assert "unknown key 'store'" in result.output


def test_serve_refuses_limes_settings_in_its_environment(tmp_path: Path) -> None:
    keys = pki(tmp_path / "pki")
    config = tmp_path / "gateway.toml"
    config.write_text(config_text(keys))
    result = CliRunner().invoke(
        cli, ["gateway", "serve", "--config", str(config)], env={"LIMES_KEYRING": "/k"}
    )
    assert result.exit_code == 1
    assert "LIMES_KEYRING is set" in result.output
