"""deploy/limes.service keeps its sandbox: every directive below, with its value."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.supplychain.conftest import ROOT

from limes.cli.serve import FILES_BESIDES_CONNECTIONS
from limes.config import Settings

UNIT = ROOT / "deploy" / "limes.service"
ENV_EXAMPLE = ROOT / "deploy" / "limes.env.example"

# directive -> predicate over every value it is given (a directive may repeat)
REQUIRED = {
    "NoNewPrivileges": lambda v: v == ["yes"],
    "ProtectSystem": lambda v: v == ["strict"],
    "ProtectHome": lambda v: v in (["yes"], ["tmpfs"], ["read-only"]),
    "PrivateTmp": lambda v: v == ["yes"],
    "PrivateDevices": lambda v: v == ["yes"],
    "ProtectKernelTunables": lambda v: v == ["yes"],
    "ProtectKernelModules": lambda v: v == ["yes"],
    "ProtectKernelLogs": lambda v: v == ["yes"],
    "ProtectControlGroups": lambda v: v == ["yes"],
    "RestrictAddressFamilies": lambda v: (
        len(v) == 1 and set(v[0].split()) == {"AF_INET", "AF_INET6", "AF_UNIX"}
    ),
    "SystemCallFilter": lambda v: "@system-service" in v,
    "CapabilityBoundingSet": lambda v: v == [""],
    "MemoryDenyWriteExecute": lambda v: v == ["yes"],
    "LockPersonality": lambda v: v == ["yes"],
    "ReadWritePaths": lambda v: v == ["/var/lib/limes"],
    "UMask": lambda v: v == ["0077"],
    "EnvironmentFile": lambda v: len(v) == 1 and v[0].startswith("/etc/"),
}


def directives(text: str) -> dict[str, list[str]]:
    """The [Service] section's directives, each with every value given to it."""
    found: dict[str, list[str]] = {}
    section = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line
            continue
        key, sep, value = line.partition("=")
        if section == "[Service]" and sep:
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def problems(text: str) -> list[str]:
    """Each required directive that is missing or has another value; the account rule."""
    found = directives(text)
    out = [
        f"{name}: {found.get(name)!r}"
        for name, ok in REQUIRED.items()
        if name not in found or not ok(found[name])
    ]
    dynamic = found.get("DynamicUser") == ["yes"]
    user = found.get("User", ["root"])[-1]
    if not dynamic and user in ("root", "0", ""):
        out.append(f"runs as {user!r}: needs DynamicUser=yes or a dedicated User=")
    return out


def test_the_unit_has_every_sandboxing_directive() -> None:
    assert problems(UNIT.read_text()) == []


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_the_check_fails_without_each_directive(name: str) -> None:
    text = "\n".join(
        line for line in UNIT.read_text().splitlines() if not line.startswith(f"{name}=")
    )
    assert any(p.startswith(f"{name}:") for p in problems(text))


def test_the_check_fails_for_a_root_service_or_a_weakened_value() -> None:
    text = UNIT.read_text()
    assert problems(text.replace("User=limes", "User=root")) != []
    assert problems(text.replace("ProtectSystem=strict", "ProtectSystem=full")) == [
        "ProtectSystem: ['full']"
    ]
    assert problems(text.replace("AF_INET AF_INET6 AF_UNIX", "AF_INET AF_INET6 AF_UNIX AF_PACKET"))


def test_the_settings_example_is_production_and_points_at_the_var_dir() -> None:
    settings = dict(
        line.split("=", 1)
        for line in ENV_EXAMPLE.read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert settings["LIMES_ENV"] == "production"
    assert settings["LIMES_AUTH"] != "unsafe-dev-headers"
    assert [settings["LIMES_VAR"]] == directives(UNIT.read_text())["ReadWritePaths"]


def test_the_unit_serves_on_loopback_behind_a_proxy() -> None:
    (exec_start,) = directives(UNIT.read_text())["ExecStart"]
    assert re.search(r"/limes serve --host 127\.0\.0\.1 --port \d+$", exec_start)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze absent")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    # the same unit with a binary that exists here, so that only the unit is judged
    unit = tmp_path / "limes.service"
    unit.write_text(UNIT.read_text().replace("/opt/limes/.venv/bin/limes", "/bin/true"))
    verify = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert verify.returncode == 0, verify.stderr
    assert "Unknown" not in verify.stderr and "ignoring" not in verify.stderr, verify.stderr
    security = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    level = re.search(r"Overall exposure level for limes\.service: ([0-9.]+)", security.stdout)
    assert level is not None, security.stdout + security.stderr
    assert float(level[1]) <= 2.0, security.stdout


def test_the_unit_allows_the_open_files_the_connections_need() -> None:
    """The sandbox forbids setrlimit, so the unit must grant what ``limes serve`` needs."""
    (limit,) = directives(UNIT.read_text(encoding="utf-8"))["LimitNOFILE"]
    assert int(limit) >= Settings().max_connections + FILES_BESIDES_CONNECTIONS


# -- deploy/limes-gateway.service: the gateway's own sandbox (issue 20) ------------------

GATEWAY_UNIT = ROOT / "deploy" / "limes-gateway.service"


def test_the_gateway_unit_reaches_nothing_of_limes() -> None:
    found = directives(GATEWAY_UNIT.read_text())
    (exec_start,) = found["ExecStart"]
    assert exec_start.endswith("/python -m limes.gateway --host 0.0.0.0 --port 8443")
    assert "EnvironmentFile" not in found  # its one setting, nothing of Limes'
    assert found["Environment"] == ["LIMES_GATEWAY_CONFIG=/etc/limes-gateway/gateway.toml"]
    assert "/var/lib/limes" in found["InaccessiblePaths"][0]
    assert "/etc/limes " in found["InaccessiblePaths"][0] + " "
    for name, value in (("DynamicUser", "yes"), ("ProtectSystem", "strict"),
                        ("NoNewPrivileges", "yes"), ("IPAddressDeny", "any")):  # fmt: skip
        assert found[name] == [value], name
    assert "ReadWritePaths" not in found and "StateDirectory" not in found


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze absent")
def test_systemd_accepts_the_gateway_unit(tmp_path: Path) -> None:
    unit = tmp_path / "limes-gateway.service"
    unit.write_text(GATEWAY_UNIT.read_text().replace("/opt/limes/.venv/bin/python", "/bin/true"))
    verify = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert verify.returncode == 0, verify.stderr
    assert "Unknown" not in verify.stderr and "ignoring" not in verify.stderr, verify.stderr
