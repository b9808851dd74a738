"""The keyring file: strict permissions, never overwritten, never printed; refusals."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from tests.conftest import TEST_KEYRING

from limes.bootstrap import build
from limes.cli.main import cli
from limes.config import Environment, Settings, SettingsError, from_env
from limes.crypto.blind_index import MATCH_KEYS
from limes.crypto.keyring import (
    Keyring,
    KeyringError,
    KeyringMissing,
    ensure_keyring,
    load_keyring,
    save_keyring,
)
from limes.store.sqlite import SqliteStore


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "keyring.json"


def test_made_once_with_strict_modes_and_kept(path: Path) -> None:
    assert ensure_keyring(path) is True
    assert (path.stat().st_mode & 0o777, path.parent.stat().st_mode & 0o777) == (0o600, 0o700)
    first = path.read_bytes()
    assert ensure_keyring(path) is False and path.read_bytes() == first  # never overwritten
    keyring = load_keyring(path)
    assert keyring.active_kek is not None and len(keyring.keks[keyring.active_kek]) == 32
    assert keyring.index_secret != keyring.keks[keyring.active_kek]
    assert list(path.parent.iterdir()) == [path]  # no temporary file left


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda p: p.chmod(0o640), "mode 0640"),
        (lambda p: p.chmod(0o604), "mode 0604"),
        (lambda p: p.parent.chmod(0o750), "folder .* has mode 0750"),
        (lambda p: p.unlink(), "no keyring"),
        (lambda p: p.write_bytes(b"{}"), "not a keyring"),
        (lambda p: p.write_bytes(b"not json"), "not a JSON keyring"),
    ],
)
def test_loose_or_broken_keyrings_are_refused(
    path: Path, change: Callable[[Path], object], problem: str
) -> None:
    ensure_keyring(path)
    change(path)
    with pytest.raises(KeyringError, match=problem):
        load_keyring(path)


def test_a_symbolic_link_is_refused(path: Path, tmp_path: Path) -> None:
    ensure_keyring(path)
    link = path.parent / "link.json"
    link.symlink_to(path)
    with pytest.raises(KeyringError, match="symbolic link"):
        load_keyring(link)


def test_short_keys_are_refused(path: Path) -> None:
    ensure_keyring(path)
    doc = orjson.loads(path.read_bytes())
    doc["index_secret"] = base64.b64encode(b"short").decode()
    path.write_bytes(orjson.dumps(doc))
    with pytest.raises(KeyringError, match="32 bytes"):
        load_keyring(path)


def test_secrets_are_never_shown(path: Path, tmp_path: Path) -> None:
    keyring = Keyring.generate()
    secrets = [base64.b64encode(v).decode() for v in (*keyring.keks.values(), keyring.index_secret)]
    assert not any(s in repr(keyring) for s in secrets)
    save_keyring(path, keyring)
    env = {k: None for k in os.environ if k.startswith("LIMES_")} | {"LIMES_ENV": "development"}
    result = CliRunner(env=env).invoke(cli, ["--var", str(tmp_path / "var"), "init"])
    assert result.exit_code == 0 and "keyring:" in result.output
    written = load_keyring(tmp_path / "var" / "keys" / "keyring.json")
    for value in (*written.keks.values(), written.index_secret):
        assert base64.b64encode(value).decode() not in result.output


def test_index_keys_are_derived_per_purpose() -> None:
    one, other = TEST_KEYRING.index_key(MATCH_KEYS), TEST_KEYRING.index_key("names")
    assert len(one) == 32 and one != other and one == TEST_KEYRING.index_key(MATCH_KEYS)
    assert one != TEST_KEYRING.index_secret
    assert Keyring.generate().index_key(MATCH_KEYS) != one


def test_production_refuses_a_missing_keyring_and_test_keys(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "limes.db")
    store.migrate()
    try:
        with pytest.raises(KeyringMissing, match="limes init"):
            build(Settings(var_dir=tmp_path), store=store)
        with pytest.raises(SettingsError, match="development"):
            from_env({"LIMES_TEST_ONLY_FIXED_KEYRING": "1"})
        with pytest.raises(SettingsError, match="development"):
            build(Settings(var_dir=tmp_path, test_only_fixed_keyring=True), store=store)
        dev = Settings(
            var_dir=tmp_path, environment=Environment.DEVELOPMENT, test_only_fixed_keyring=True
        )
        build(dev, store=store).close()
        assert "test-only" in dev.describe()["keyring"]
    finally:
        store.close()


def test_commands_before_init_say_so(tmp_path: Path) -> None:
    env = {k: None for k in os.environ if k.startswith("LIMES_")}
    result = CliRunner(env=env).invoke(cli, ["--var", str(tmp_path / "var"), "backup", "x"])
    assert result.exit_code == 13
    assert "limes init" in orjson.loads(result.stderr.strip())["detail"]
