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
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.conftest import make_ctx
from tests.factories import PERSON, content
from tests.gateway.helpers import TOKENS, Pki, config_text, pki
from tests.identity.helpers import add_client, agree, founders
from tests.test_durability import free_port

from limes.bootstrap import build
from limes.config import from_env
from limes.gateway.server import uvicorn_options

pytestmark = pytest.mark.slow

FORBIDDEN = ("limes.bootstrap", "limes.service", "limes.store", "limes.crypto", "limes.audit",
             "limes.search", "limes.feed")  # fmt: skip


def _python_path() -> dict[str, str]:
    """Only what finds the interpreter and the code: no setting, no credential."""
    return {k: v for k, v in os.environ.items() if k in {"PATH", "PYTHONPATH"}}


@dataclass
class Running:
    keys: Pki
    var: Path
    gateway: subprocess.Popen[bytes]
    gateway_url: str


def _wait(url: str, context: object, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with httpx.Client(verify=context, timeout=5) as http:  # type: ignore[arg-type]
                http.post(url, json={})
            return
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.2)


def _limes(tmp: Path, keys: Pki) -> tuple[Path, dict[str, str]]:
    var = tmp / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIMES_")}
    env |= {"LIMES_ENV": "development", "LIMES_AUTH": "tokens",
            "LIMES_TEST_ONLY_WEAK_PASSWORD_HASHING": "1"}  # fmt: skip
    cli = [sys.executable, "-m", "limes.cli.main", "--var", str(var)]
    subprocess.run([*cli, "init"], env=env, check=True, capture_output=True)
    app = build(from_env({**env, "LIMES_VAR": str(var)}))
    try:
        founders(app.accounts)
        add_client(app.accounts)
        agree(app.accounts, app.accounts.set_certificate(
            app.accounts.acting("op-de"), "eu-lisa-gw", keys.gateway_client.fingerprint))  # fmt: skip
        app.alerts.issue(make_ctx("DE"), content(PERSON))
    finally:
        app.close()
    return var, env


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    tmp = tmp_path_factory.mktemp("gateway")
    keys = pki(tmp / "pki")
    var, env = _limes(tmp, keys)
    limes_port, gateway_port = free_port(), free_port()
    limes = subprocess.Popen(
        [sys.executable, "-m", "limes.cli.main", "--var", str(var), "serve", "--port",
         str(limes_port), "--tls-cert", str(keys.server.cert), "--tls-key", str(keys.server.key)],
        env={**env, "LIMES_TLS_CLIENT_CA": str(keys.authority.ca.cert)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    config = tmp / "gateway.toml"
    config.write_text(config_text(keys, f"https://localhost:{limes_port}"))
    clean = {**_python_path(), "LIMES_GATEWAY_CONFIG": str(config)}
    gateway = subprocess.Popen(
        [sys.executable, "-m", "limes.gateway", "--port", str(gateway_port)],
        env=clean, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"https://127.0.0.1:{gateway_port}"
    try:
        _wait(f"https://127.0.0.1:{limes_port}/v1/screening/x",
              keys.authority.client_context(keys.gateway_client), limes)  # fmt: skip
        _wait(f"{url}/v1/screening/x", keys.authority.client_context(keys.etias), gateway)
        yield Running(keys, var, gateway, url)
    finally:
        for process in (gateway, limes):
            process.terminate()
            process.wait(10)


def _ask(running: Running, system: str, profile: str, body: object) -> httpx.Response:
    cert = getattr(running.keys, system)
    with httpx.Client(verify=running.keys.authority.client_context(cert), timeout=10) as http:
        return http.post(f"{running.gateway_url}/v1/screening/{profile}", json=body,
                         headers={"Authorization": f"Bearer {TOKENS[system]}"})  # fmt: skip


def test_etias_gets_hit_class_and_bureau_and_nothing_else(running: Running) -> None:
    answer = _ask(running, "etias", "etias-screening",
                  {"surnames": ["Ivanova"], "forenames": ["Olga"], "date_of_birth": "1984-03-17"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"source": "SIS", "profile": "etias-screening", "hit": True,
                             "results": [{"source": "SIS", "category": "arrest",
                                          "sirene_bureau": "SIRENE DE"}]}  # fmt: skip
    none = _ask(running, "etias", "etias-screening",
                {"surnames": ["Nobodyknows"], "date_of_birth": "1970-01-01"})
    assert none.json() == {"source": "SIS", "profile": "etias-screening", "hit": False,
                           "results": []}  # fmt: skip


def test_a_stolen_etias_certificate_cannot_use_the_ees_profile(running: Running) -> None:
    refused = _ask(running, "etias", "ees-border-check", {"surnames": ["Ivanova"]})
    assert refused.status_code == 403
    ees = _ask(running, "ees", "ees-border-check", {"surnames": ["Ivanova"]})
    assert ees.json() == {"source": "SIS", "profile": "ees-border-check", "hit": False,
                          "results": []}  # fmt: skip  (an arrest alert: not EES' business)


def test_the_gateways_client_certificate_asks_limes_only_profiled_questions(running: Running) -> None:  # fmt: skip
    """The gateway host taken: its client certificate, straight to Limes, reads no alert."""
    config = (running.var.parent / "gateway.toml").read_text()
    port = config.split("https://localhost:")[1].split('"')[0]
    context = running.keys.authority.client_context(running.keys.gateway_client)
    with httpx.Client(verify=context, timeout=10) as http:
        base = f"https://localhost:{port}"
        search = http.post(f"{base}/v1/search/persons", json={"surnames": ["Ivanova"]},
                           headers={"X-Limes-Purpose": "border_check"})  # fmt: skip
        assert search.status_code == 200  # the system client's own rule, minimised
        other = http.post(f"{base}/v1/screening/ees-border-check", json={"surnames": ["Ivanova"]},
                          headers={"X-Limes-Purpose": "border_check",
                                   "X-Limes-External-System": "etias"})  # fmt: skip
        assert other.status_code == 403


def test_the_gateway_process_holds_no_key(running: Running) -> None:
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
    code = ("import sys, limes.gateway.__main__, limes.gateway.server; "
            "print('\\n'.join(sorted(m for m in sys.modules if m.startswith('limes'))))")  # fmt: skip
    env = _python_path()
    loaded = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                            capture_output=True, text=True).stdout.split()  # fmt: skip
    assert "limes.gateway.app" in loaded
    assert [m for m in loaded if m.startswith(FORBIDDEN)] == []


def test_uvicorn_requires_client_certificates(tmp_path: Path) -> None:
    import ssl

    from limes.gateway.config import load_config

    keys = pki(tmp_path)
    options = uvicorn_options(load_config(config_text(keys)))
    assert options["ssl_cert_reqs"] == ssl.CERT_REQUIRED
    assert options["ssl_ca_certs"] == str(keys.authority.ca.cert)
