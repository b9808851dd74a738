"""A gateway configuration for the tests: two external systems with certificates of a test
CA, their tokens, and the files of an upstream Limes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from tests.pki import Authority, Issued

TOKENS = {"etias": "etias-token-0123456789abcdef", "ees": "ees-token-fedcba9876543210"}


@dataclass(frozen=True, slots=True)
class Pki:
    authority: Authority
    server: Issued
    etias: Issued
    ees: Issued
    gateway_client: Issued


def pki(folder: Path) -> Pki:
    authority = Authority(folder)
    return Pki(
        authority,
        authority.issue("localhost", server=True),
        authority.issue("etias-central"),
        authority.issue("ees-central"),
        authority.issue("limes-gateway"),
    )


def config_text(
    p: Pki,
    upstream: str = "https://127.0.0.1:9",
    *,
    per_second: float = 50.0,
    burst: int = 200,
    per_day: int = 100000,
) -> str:
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    return f"""
[upstream]
url = "{upstream}"
ca = "{p.authority.ca.cert}"
cert = "{p.gateway_client.cert}"
key = "{p.gateway_client.key}"

[tls]
cert = "{p.server.cert}"
key = "{p.server.key}"
client_ca = "{p.authority.ca.cert}"

[[system]]
name = "etias"
certificates = ["{p.etias.fingerprint}"]
token_sha256 = "{digest(TOKENS["etias"])}"
profiles = ["etias-screening"]
per_second = {per_second}
burst = {burst}
per_day = {per_day}

[[system]]
name = "ees"
certificates = ["{p.ees.fingerprint}"]
token_sha256 = "{digest(TOKENS["ees"])}"
profiles = ["ees-border-check"]
per_second = {per_second}
burst = {burst}
per_day = {per_day}
"""
