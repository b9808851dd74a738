"""The gateway end to end, as separate processes with real mutual TLS on both sides:
external system → ``python -m limes.gateway`` → ``limes serve`` (the gateway's client
certificate pinned on a system client). It answers the profile's fields; a stolen
certificate of one system cannot use another system's profile; and the gateway process
holds no key: its environment, its open files and the code it loaded are looked at."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.gateway import stack
from tests.gateway.helpers import TOKENS, config_text, pki
from tests.gateway.stack import Stack

from limes.gateway.server import uvicorn_options

pytestmark = pytest.mark.slow

FORBIDDEN = (
    "limes.bootstrap",
    "limes.service",
    "limes.store",
    "limes.crypto",
    "limes.audit",
    "limes.search",
    "limes.feed",
)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with stack.running(tmp_path_factory.mktemp("gateway")) as started:
        yield started


def _ask(running: Stack, system: str, profile: str, body: object) -> httpx.Response:
    cert = getattr(running.keys, system)
    with httpx.Client(verify=running.keys.authority.client_context(cert), timeout=10) as http:
        url = f"https://127.0.0.1:{running.gateway_port}"
        return http.post(
            f"{url}/v1/screening/{profile}",
            json=body,
            headers={"Authorization": f"Bearer {TOKENS[system]}"},
        )


def test_etias_gets_hit_class_and_bureau_and_nothing_else(running: Stack) -> None:
    answer = _ask(
        running,
        "etias",
        "etias-screening",
        {
            "surnames": ["Ivanova"],
            "forenames": ["Olga"],
            "date_of_birth": "1984-03-17",
            "external_reference": "ETIAS-1",
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "source": "SIS",
        "profile": "etias-screening",
        "hit": True,
        "results": [{"source": "SIS", "category": "arrest", "sirene_bureau": "SIRENE DE"}],
    }
    none = _ask(
        running,
        "etias",
        "etias-screening",
        {
            "surnames": ["Nobodyknows"],
            "date_of_birth": "1970-01-01",
            "external_reference": "ETIAS-2",
        },
    )
    assert none.json() == {
        "source": "SIS",
        "profile": "etias-screening",
        "hit": False,
        "results": [],
    }


def test_a_stolen_etias_certificate_cannot_use_the_ees_profile(running: Stack) -> None:
    asked = {"surnames": ["Ivanova"], "external_reference": "EES-1"}
    refused = _ask(running, "etias", "ees-border-check", asked)
    assert refused.status_code == 403
    ees = _ask(running, "ees", "ees-border-check", asked)
    # an arrest alert is not the EES' business
    assert ees.json() == {
        "source": "SIS",
        "profile": "ees-border-check",
        "hit": False,
        "results": [],
    }


def test_the_gateways_client_certificate_asks_limes_only_profiled_questions(running: Stack) -> None:
    """The gateway host taken: its client certificate, straight to Limes, reads no alert."""
    port = running.limes_port
    context = running.keys.authority.client_context(running.keys.gateway_client)
    with httpx.Client(verify=context, timeout=10) as http:
        base = f"https://localhost:{port}"
        search = http.post(
            f"{base}/v1/search/persons",
            json={"surnames": ["Ivanova"]},
            headers={"X-Limes-Purpose": "border_check"},
        )
        assert search.status_code == 200  # the system client's own rule, minimised
        other = http.post(
            f"{base}/v1/screening/ees-border-check",
            json={"surnames": ["Ivanova"], "external_reference": "EES-1"},
            headers={"X-Limes-Purpose": "border_check", "X-Limes-External-System": "etias"},
        )
        assert other.status_code == 403


def test_the_gateway_process_holds_no_key(running: Stack) -> None:
    pid = running.gateway.pid
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    names = {e.split(b"=", 1)[0].decode() for e in environ if e}
    assert {n for n in names if n.startswith("LIMES_")} == {"LIMES_GATEWAY_CONFIG"}
    assert not names & {"PGPASSWORD", "DATABASE_URL", "VAULT_TOKEN", "VAULT_ADDR"}
    opened = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    var = str(running.var.resolve())
    assert not [p for p in opened if p.startswith(var) or p.endswith((".db", ".key", ".pem"))]
    keyring = hashlib.sha256((running.var / "keys" / "keyring.json").read_bytes()).hexdigest()
    assert keyring  # the keyring exists on this host, and the gateway never opened it


def test_the_gateway_loads_no_code_of_the_keys_store_or_log() -> None:
    code = (
        "import sys, limes.gateway.__main__, limes.gateway.server; "
        "print('\\n'.join(sorted(m for m in sys.modules if m.startswith('limes'))))"
    )
    env = stack.python_path()
    loaded = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    assert "limes.gateway.app" in loaded
    assert [m for m in loaded if m.startswith(FORBIDDEN)] == []


def test_uvicorn_requires_client_certificates(tmp_path: Path) -> None:
    import ssl

    from limes.gateway.config import load_config

    keys = pki(tmp_path)
    options = uvicorn_options(load_config(config_text(keys)))
    assert options["ssl_cert_reqs"] == ssl.CERT_REQUIRED
    assert options["ssl_ca_certs"] == str(keys.authority.ca.cert)
