"""The gateway's configuration: one TOML file, strictly loaded, holding no Limes secret.

::

    [upstream]
    url = "https://limes.internal:8443"   # Limes, which requires this client's certificate;
                                          # or a list: the central site's servers in order
    ca = "/etc/limes-gateway/limes-ca.pem"
    cert = "/etc/limes-gateway/client.pem"
    key = "/etc/limes-gateway/client.key"  # the gateway's TLS key for Limes, nothing else

    [tls]
    cert = "/etc/limes-gateway/server.pem"
    key = "/etc/limes-gateway/server.key"
    client_ca = "/etc/limes-gateway/systems-ca.pem"

    [[system]]
    name = "etias"
    certificates = ["<sha-256 of the system's client certificate>"]
    token_sha256 = "<sha-256 of its bearer token>"   # the token itself is never stored
    profiles = ["etias-screening"]
    per_second = 50.0
    burst = 200
    per_day = 2000000

``[upstream].url`` names one Limes server or the central site's servers in order
(``["https://limes-a.internal:8443", "https://limes-b.internal:8443"]``: the primary and
the standby ``limes central promote`` may promote), checked as a copy's list is
(``limes/centres.py``: https only here, no repeats, at most 8); the gateway moves along
it as a copy does (``gateway/upstream.py``).

Every key is required and no other is accepted, so the file has no place for a keyring,
a database address or an audit key. A system's profiles must be profiles of that system
(``policy/profiles.toml``); a certificate fingerprint may be pinned on one system only.
``check_environment`` refuses to start when the environment names anything of Limes'
own (``LIMES_*`` but the gateway's setting, a database or Vault credential).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from limes.centres import parse
from limes.errors import InvalidInput
from limes.policy.profiles import Profile, default_profiles

CONFIG_VARIABLE = "LIMES_GATEWAY_CONFIG"
FOREIGN_VARIABLES = ("PGPASSWORD", "PGPASSFILE", "DATABASE_URL", "VAULT_TOKEN", "VAULT_ADDR")
_HEX = re.compile(r"[0-9a-f]{64}")
_NAME = re.compile(r"[a-z][a-z0-9-]{0,62}")
_SYSTEM_KEYS = {
    "name",
    "certificates",
    "token_sha256",
    "profiles",
    "per_second",
    "burst",
    "per_day",
}
_UPSTREAM_KEYS = {"url", "ca", "cert", "key"}
_TLS_KEYS = {"cert", "key", "client_ca"}


class GatewayConfigError(ValueError):
    """The configuration is not acceptable; the message lists every problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{source}: " + "; ".join(problems))


@dataclass(frozen=True, slots=True)
class System:
    """One external system: how it proves itself, what it may ask, how often."""

    name: str
    certificates: frozenset[str]
    token_sha256: str
    profiles: tuple[str, ...]
    per_second: float
    burst: int
    per_day: int


@dataclass(frozen=True, slots=True)
class Upstream:
    urls: tuple[str, ...]
    """The central site's servers, in the order they are asked."""
    ca: Path
    cert: Path
    key: Path

    @property
    def url(self) -> str:
        """The first server named."""
        return self.urls[0]


@dataclass(frozen=True, slots=True)
class Tls:
    cert: Path
    key: Path
    client_ca: Path


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    upstream: Upstream
    tls: Tls
    systems: tuple[System, ...]
    profiles: Mapping[str, Profile]

    def by_certificate(self, fingerprint: str) -> System | None:
        return next((s for s in self.systems if fingerprint in s.certificates), None)


def _table(
    data: Mapping[str, Any], key: str, keys: set[str], problems: list[str]
) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        problems.append(f"[{key}] is missing")
        return {}
    for name in sorted(set(value) ^ keys):
        problems.append(f"[{key}].{name}: " + ("unknown" if name in value else "missing"))
    for name in keys & set(value):
        text = value[name]
        if key == "upstream" and name == "url" and isinstance(text, list):
            continue  # the central site's servers, checked by _urls
        if not isinstance(text, str) or not text:
            problems.append(f"[{key}].{name}: must be a non-empty string")
    return value if not problems else {}


def _urls(value: str | list[Any], problems: list[str]) -> tuple[str, ...]:
    """``[upstream].url``: one https URL, or a list of them, checked as a copy's centres."""
    named = [value] if isinstance(value, str) else value
    if not all(isinstance(u, str) for u in named):
        problems.append("[upstream].url: a string or a list of strings")
        return ()
    try:
        return tuple(parse(named, https_only=True))
    except InvalidInput as exc:
        problems.append(f"[upstream].url: {exc.detail}")
        return ()


def _system(
    entry: Any, where: str, profiles: Mapping[str, Profile], problems: list[str]
) -> System | None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: must be a table")
        return None
    before = len(problems)
    for key in sorted(set(entry) ^ _SYSTEM_KEYS):
        problems.append(f"{where}.{key}: " + ("unknown" if key in entry else "missing"))
    if len(problems) > before:
        return None
    name = entry["name"]
    if not isinstance(name, str) or _NAME.fullmatch(name) is None:
        problems.append(f"{where}.name: must match {_NAME.pattern}")
    pins = entry["certificates"]
    if (
        not isinstance(pins, list)
        or not pins
        or not all(isinstance(p, str) and _HEX.fullmatch(p) for p in pins)
    ):
        problems.append(f"{where}.certificates: a list of SHA-256 fingerprints (64 hex digits)")
        pins = []
    token = entry["token_sha256"]
    if not isinstance(token, str) or _HEX.fullmatch(token) is None:
        problems.append(f"{where}.token_sha256: 64 lower-case hex digits")
    named = entry["profiles"]
    if not isinstance(named, list) or not named:
        problems.append(f"{where}.profiles: a non-empty list of profile ids")
        named = []
    for pid in named:
        profile = profiles.get(pid) if isinstance(pid, str) else None
        if profile is None:
            problems.append(f"{where}.profiles: no profile {pid!r}")
        elif profile.system != name:
            problems.append(f"{where}.profiles: {pid} is a profile of {profile.system}")
    rate, burst, day = entry["per_second"], entry["burst"], entry["per_day"]
    if not isinstance(rate, float) or not 0 < rate <= 10_000:
        problems.append(f"{where}.per_second: a float above 0, at most 10000")
    for key, value in (("burst", burst), ("per_day", day)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(f"{where}.{key}: a positive integer")
    if len(problems) > before:
        return None
    return System(name, frozenset(pins), token, tuple(named), rate, burst, day)


def load_config(
    text: str, source: str = "gateway.toml", profiles: Mapping[str, Profile] | None = None
) -> GatewayConfig:
    """The configuration ``text`` holds, or ``GatewayConfigError`` listing every problem."""
    known = profiles if profiles is not None else default_profiles()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GatewayConfigError(source, [str(exc)]) from None
    problems: list[str] = [
        f"unknown key {k!r}" for k in sorted(set(data) - {"upstream", "tls", "system"})
    ]
    upstream = _table(data, "upstream", _UPSTREAM_KEYS, problems)
    urls = _urls(upstream["url"], problems) if upstream else ()
    tls = _table(data, "tls", _TLS_KEYS, problems)
    entries = data.get("system")
    if not isinstance(entries, list) or not entries:
        problems.append("[[system]]: at least one external system")
        entries = []
    systems = [
        s for i, e in enumerate(entries) if (s := _system(e, f"system[{i}]", known, problems))
    ]
    names = [s.name for s in systems]
    if len(set(names)) != len(names):
        problems.append("[[system]]: a system is named twice")
    pins = [p for s in systems for p in s.certificates]
    if len(set(pins)) != len(pins):
        problems.append("[[system]]: a certificate is pinned on two systems")
    if problems:
        raise GatewayConfigError(source, problems)
    return GatewayConfig(
        Upstream(
            urls,
            Path(upstream["ca"]),
            Path(upstream["cert"]),
            Path(upstream["key"]),
        ),
        Tls(Path(tls["cert"]), Path(tls["key"]), Path(tls["client_ca"])),
        tuple(systems),
        known,
    )


def check_environment(environ: Mapping[str, str]) -> None:
    """Refuse to run where Limes' own settings or credentials are in reach: the gateway
    must not be able to open a store, a keyring or the audit log, even by mistake."""
    found = sorted(
        name
        for name in environ
        if (name.startswith("LIMES_") and name != CONFIG_VARIABLE) or name in FOREIGN_VARIABLES
    )
    if found:
        raise GatewayConfigError(
            "environment", [f"{name} is set; the gateway holds no Limes setting" for name in found]
        )
