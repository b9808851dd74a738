"""Bearer tokens through the HTTP door (``LIMES_AUTH=tokens``): login, refresh, logout,
tampering, sessions, changes on the next request, providers' tokens, client certificates.

Every refused token answers 401 with an ``unauthenticated`` problem and the Bearer
challenge; the detail says why, and each case checks that it is refused for its own
reason (not, say, because the session had gone idle meanwhile).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID
from starlette.types import ASGIApp, Receive, Scope, Send
from tests.api.helpers import TestClient, assert_problem
from tests.conftest import TEST_KEYRING, FixedClock, dev_settings
from tests.identity.helpers import CLEARANCE, PASSWORD, add_client, agree, code, seed
from tests.identity.oidc_helpers import Provider, write_providers

from limes.api.app import create_app
from limes.bootstrap import Limes, build
from limes.config import AuthMode, Settings
from limes.domain.accounts import Account
from limes.domain.roles import Clearance, Purpose, Role
from limes.identity.tokens import TokenIssuer, ensure_signing_key, key_id, load_signing_key
from limes.service.accounts import AccountService
from limes.store.sqlite import SqliteStore

DE_IDP = Provider("https://idp.polizei.example.de", "DE")
CHALLENGE = 'Bearer realm="limes"'
LISTED = "/v1/alerts?issuing_state=DE"  # border and visa roles list naming a criterion


@pytest.fixture
def api_clock(clock: FixedClock) -> FixedClock:
    """The tests move time with ``clock``; the application runs on it."""
    return clock


@pytest.fixture
def limes_settings(tmp_path: Path) -> Settings:
    """Bearer tokens of Limes and of DE's provider (``limes`` of ``tests/api/conftest.py``)."""
    settings = dev_settings(
        var_dir=tmp_path / "var",
        auth=AuthMode.TOKENS,
        test_only_weak_password_hashing=True,
        oidc_providers=write_providers(tmp_path / "oidc", DE_IDP),
    )
    ensure_signing_key(settings.token_key_path)
    return settings


@pytest.fixture
def api(limes: Limes) -> TestClient:
    return TestClient(create_app(limes))


@pytest.fixture
def accounts(limes: Limes) -> AccountService:
    """The account service on the app's store and clock (the app builds its own alike)."""
    return limes.accounts


@pytest.fixture
def user(accounts: AccountService) -> Account:
    return seed(accounts)[1]


def login(api: TestClient, user: Account, clock: FixedClock) -> dict[str, Any]:
    body = {"username": user.username, "password": PASSWORD, "totp": code(user, clock.now)}
    response = api.post("/v1/auth/login", json=body)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def bearer(token: str, purpose: str | None = None) -> dict[str, str]:
    out = {"Authorization": f"Bearer {token}"}
    if purpose:
        out["X-Limes-Purpose"] = purpose
    return out


def refused(response: Any, reason: str) -> None:
    found = assert_problem(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"] == CHALLENGE
    assert reason in found["detail"], found["detail"]


# -- login, refresh, logout --------------------------------------------------------------


def test_login_gives_a_15_minute_token_that_opens_the_api(
    api: TestClient, user: Account, clock: FixedClock
) -> None:
    answer = login(api, user, clock)
    claims = jwt.decode(answer["token"], options={"verify_signature": False})

    assert answer["token_type"] == "Bearer"
    assert dt.datetime.fromisoformat(answer["expires_at"]) == dt.datetime.fromtimestamp(
        claims["exp"], dt.UTC
    )
    assert claims["exp"] - claims["iat"] == 900
    assert (claims["iss"], claims["aud"], claims["sub"]) == ("limes", "limes-api", user.id)
    assert claims["sid"] == answer["session_id"]
    assert api.get("/v1/categories", headers=bearer(answer["token"])).status_code == 200
    listed = api.get(LISTED, headers=bearer(answer["token"], "border_check"))
    assert listed.status_code == 200, listed.text


def test_a_refused_login_is_a_problem_that_does_not_say_what_failed(
    api: TestClient, user: Account, clock: FixedClock
) -> None:
    good = {"username": "guard-1", "password": PASSWORD, "totp": code(user, clock.now)}
    answers = [
        api.post("/v1/auth/login", json={**good, "password": "wrong password 1"}),
        api.post("/v1/auth/login", json={**good, "username": "nobody"}),
    ]
    details = {assert_problem(a, 401, "unauthenticated")["detail"] for a in answers}
    assert len(details) == 1
    bad = api.post("/v1/auth/login", json={**good, "extra": 1})
    assert_problem(bad, 400, "invalid-input")
    assert PASSWORD not in bad.text


def test_refresh_then_logout_refuses_every_token_of_the_session(
    api: TestClient, user: Account, clock: FixedClock
) -> None:
    first = login(api, user, clock)
    clock.advance(minutes=10)
    refreshed = api.post("/v1/auth/refresh", headers=bearer(first["token"]))
    assert refreshed.status_code == 200, refreshed.text
    second = refreshed.json()
    assert second["session_id"] == first["session_id"]
    assert second["token"] != first["token"]

    clock.advance(minutes=10)  # the first token has now expired; the second has not
    assert api.get("/v1/categories", headers=bearer(second["token"])).status_code == 200
    assert api.post("/v1/auth/logout", headers=bearer(second["token"])).status_code == 204

    refused(api.get("/v1/categories", headers=bearer(second["token"])), "ended (logout)")
    refused(api.post("/v1/auth/refresh", headers=bearer(second["token"])), "ended (logout)")


def test_a_session_idle_for_exactly_15_minutes_is_over(
    api: TestClient, user: Account, clock: FixedClock
) -> None:
    start = clock.now
    first = login(api, user, clock)["token"]  # session 1, last seen at start
    clock.advance(seconds=30)  # the next TOTP step
    second = login(api, user, clock)["token"]  # session 2, last seen 30 s later

    clock.set(start + dt.timedelta(minutes=15))
    assert api.get("/v1/categories", headers=bearer(second)).status_code == 200  # idle 14:30
    # idle exactly 15 minutes; the token itself is still within its 60 s leeway
    refused(api.get("/v1/categories", headers=bearer(first)), "15 minutes without a request")


def test_without_tokens_mode_the_auth_routes_refuse(tmp_path: Path, clock: FixedClock) -> None:
    store = SqliteStore(tmp_path / "db")
    store.migrate()
    try:
        limes = build(Settings(var_dir=tmp_path), store=store, clock=clock, keyring=TEST_KEYRING)
        app = create_app(limes)
        body = {"username": "guard-1", "password": PASSWORD, "totp": "123456"}
        answer = TestClient(app).post("/v1/auth/login", json=body)
        assert "does not issue tokens" in assert_problem(answer, 401, "unauthenticated")["detail"]
    finally:
        store.close()


# -- tampering ---------------------------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def segments(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    return unb64(header), unb64(payload), signature


def unsigned(header: dict[str, Any], payload: dict[str, Any]) -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"


class Forger:
    """Makes tokens with chosen claims, signed with the server's own key unless told."""

    def __init__(self, limes: Limes, user: Account, session_id: str, clock: FixedClock) -> None:
        self.key = load_signing_key(limes.settings.token_key_path)
        self.user, self.session_id, self.clock = user, session_id, clock

    def claims(self, **changes: Any) -> dict[str, Any]:
        iat = int(self.clock.now.timestamp())
        base = {
            "iss": "limes",
            "aud": "limes-api",
            "sub": self.user.id,
            "sid": self.session_id,
            "iat": iat,
            "nbf": iat,
            "exp": iat + 900,
            "jti": "jti-1",
        }
        merged = {**base, **changes}
        return {k: v for k, v in merged.items() if v is not None}

    def sign(self, key: Ed25519PrivateKey | None = None, **changes: Any) -> str:
        key = key or self.key
        headers = {"kid": key_id(self.key.public_key()), "typ": "JWT"}
        return jwt.encode(self.claims(**changes), key, algorithm="EdDSA", headers=headers)

    def public_pem(self) -> bytes:
        return self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


@pytest.fixture
def forger(api: TestClient, limes: Limes, user: Account, clock: FixedClock) -> Forger:
    return Forger(limes, user, login(api, user, clock)["session_id"], clock)


def _alg_none(f: Forger) -> str:
    return unsigned({"alg": "none", "typ": "JWT"}, f.claims()) + "."


def _hs256_with_public_key(f: Forger) -> str:
    signing_input = unsigned({"alg": "HS256", "typ": "JWT"}, f.claims())
    mac = hmac.new(f.public_pem(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(mac)}"


def _rs256_header(f: Forger) -> str:
    header, payload, signature = segments(f.sign())
    return f"{unsigned({**header, 'alg': 'RS256'}, payload)}.{signature}"


def _modified_payload(f: Forger) -> str:
    header, payload, signature = segments(f.sign())
    payload["sub"] = "01J00000000000000000000000"  # someone else's account id
    return f"{unsigned(header, payload)}.{signature}"


def _extra_header(f: Forger) -> str:
    headers = {"kid": key_id(f.key.public_key()), "jku": "https://evil.example/keys"}
    return jwt.encode(f.claims(), f.key, algorithm="EdDSA", headers=headers)


TAMPERED: dict[str, tuple[Any, str]] = {
    "alg none": (_alg_none, "algorithm is not EdDSA"),
    "HS256 signed with the public key (algorithm confusion)": (
        _hs256_with_public_key,
        "algorithm is not EdDSA",
    ),
    "alg switched to RS256": (_rs256_header, "algorithm is not EdDSA"),
    "signed with another key": (
        lambda f: f.sign(Ed25519PrivateKey.generate()),
        "signature does not verify",
    ),
    "payload modified after signing": (_modified_payload, "signature does not verify"),
    "expired": (
        lambda f: f.sign(
            iat=int(f.clock.now.timestamp()) - 900,
            nbf=int(f.clock.now.timestamp()) - 900,
            exp=int(f.clock.now.timestamp()) - 61,
        ),
        "has expired",
    ),
    "not yet valid": (
        lambda f: f.sign(nbf=int(f.clock.now.timestamp()) + 120),
        "not valid yet",
    ),
    "issued in the future": (
        lambda f: f.sign(
            iat=int(f.clock.now.timestamp()) + 120, exp=int(f.clock.now.timestamp()) + 900
        ),
        "issued in the future",
    ),
    "wrong audience": (lambda f: f.sign(aud="another-api"), "audience"),
    "audience list": (lambda f: f.sign(aud=["limes-api", "other"]), "audience"),
    "wrong issuer": (lambda f: f.sign(iss="https://evil.example"), "issuer is not trusted"),
    "lifetime over 15 minutes": (
        lambda f: f.sign(exp=int(f.clock.now.timestamp()) + 901),
        "longer than 15 minutes",
    ),
    "no jti": (lambda f: f.sign(jti=None), "lacks the jti claim"),
    "no expiry": (lambda f: f.sign(exp=None), "lacks the exp claim"),
    "extra header (jku)": (_extra_header, "header holds jku"),
    "not a JWT": (lambda f: "not-a-token", "not a well-formed JWT"),
}


@pytest.mark.parametrize("case", list(TAMPERED))
def test_tampered_tokens_are_refused(api: TestClient, forger: Forger, case: str) -> None:
    assert api.get("/v1/categories", headers=bearer(forger.sign())).status_code == 200
    make, reason = TAMPERED[case]
    refused(api.get("/v1/categories", headers=bearer(make(forger))), reason)


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "send a bearer token"),
        ({"Authorization": "Basic Z3VhcmQ6cHc="}, "must read: Bearer"),
        ({"Authorization": "Bearer "}, "must read: Bearer"),
    ],
)
def test_missing_or_malformed_credentials(
    api: TestClient, headers: dict[str, str], reason: str
) -> None:
    refused(api.get("/v1/categories", headers=headers), reason)


def test_a_replayed_token_after_logout_is_refused(
    api: TestClient, user: Account, clock: FixedClock
) -> None:
    token = login(api, user, clock)["token"]
    assert api.post("/v1/auth/logout", headers=bearer(token)).status_code == 204
    refused(api.get("/v1/categories", headers=bearer(token)), "ended (logout)")
    refused(api.post("/v1/auth/logout", headers=bearer(token)), "ended (logout)")


# -- changes take effect on the next request --------------------------------------------


def test_role_and_clearance_changes_apply_on_the_next_request(
    api: TestClient, user: Account, accounts: AccountService, clock: FixedClock
) -> None:
    token = login(api, user, clock)["token"]
    op = accounts.acting("op-de")
    assert api.get(LISTED, headers=bearer(token, "border_check")).status_code == 200

    agree(accounts, accounts.set_clearance(op, "guard-1", None))
    no_clearance = api.get(LISTED, headers=bearer(token, "border_check"))
    assert "clearance" in assert_problem(no_clearance, 403, "forbidden")["detail"]

    agree(accounts, accounts.set_clearance(op, "guard-1", CLEARANCE))
    assert api.get(LISTED, headers=bearer(token, "border_check")).status_code == 200

    visa = frozenset({Purpose.VISA})
    agree(accounts, accounts.set_roles(op, "guard-1", frozenset({Role.VISA_OFFICER}), visa))
    assert_problem(api.get(LISTED, headers=bearer(token, "border_check")), 403, "forbidden")
    assert api.get(LISTED, headers=bearer(token, "visa")).status_code == 200

    ending = Clearance("SECRET", "BfV-2026-0042", clock.now + dt.timedelta(minutes=1))
    agree(accounts, accounts.set_clearance(op, "guard-1", ending))
    assert api.get(LISTED, headers=bearer(token, "visa")).status_code == 200
    clock.advance(minutes=1)  # the clearance ends: the very next request is refused
    expired = api.get(LISTED, headers=bearer(token, "visa"))
    assert "clearance" in assert_problem(expired, 403, "forbidden")["detail"]


# -- system clients ----------------------------------------------------------------------


def test_client_tokens_are_sessionless_and_die_with_the_account(
    api: TestClient, limes: Limes, user: Account, accounts: AccountService, clock: FixedClock
) -> None:
    gateway = add_client(accounts)
    issuer = TokenIssuer(load_signing_key(limes.settings.token_key_path), "limes", "limes-api")
    token = issuer.issue(gateway.id, clock.now).token

    assert api.get("/v1/categories", headers=bearer(token)).status_code == 200
    answer = api.post("/v1/auth/refresh", headers=bearer(token))
    assert_problem(answer, 400, "invalid-input")
    accounts.disable(accounts.acting("op-de"), "eu-lisa-gw", "revoked")
    refused(api.get("/v1/categories", headers=bearer(token)), "disabled")


# -- OpenID Connect ----------------------------------------------------------------------


def test_provider_tokens_map_to_linked_accounts(
    api: TestClient, user: Account, accounts: AccountService, clock: FixedClock
) -> None:
    agree(
        accounts, accounts.link_oidc(accounts.acting("op-de"), "guard-1", DE_IDP.issuer, "de-4711")
    )

    for algorithm in ("RS256", "ES256"):
        token = DE_IDP.token("de-4711", clock.now, algorithm=algorithm)
        listed = api.get(LISTED, headers=bearer(token, "border_check"))
        assert listed.status_code == 200, listed.text

    not_linked = DE_IDP.token("de-0815", clock.now)
    refused(api.get("/v1/categories", headers=bearer(not_linked)), "no account is linked")
    stranger = Provider("https://idp.unknown.example", "DE").token("de-4711", clock.now)
    refused(api.get("/v1/categories", headers=bearer(stranger)), "issuer is not trusted")
    impostor = Provider(DE_IDP.issuer, "DE").token("de-4711", clock.now)  # same iss, other key
    refused(api.get("/v1/categories", headers=bearer(impostor)), "signature does not verify")


# -- client certificates (mutual TLS) ---------------------------------------------------


def certificate() -> tuple[str, str]:
    """A self-signed client certificate: its PEM and its SHA-256 fingerprint."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "eu-lisa-gw")])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return pem, cert.fingerprint(hashes.SHA256()).hex()


class TlsExtension:
    """Stands in for an ASGI server that implements the TLS extension (uvicorn does not)."""

    def __init__(self, app: ASGIApp, chain: list[str], error: str | None = None) -> None:
        self.app, self.chain, self.error = app, chain, error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        tls = {"client_cert_chain": self.chain, "client_cert_error": self.error}
        scope = {**scope, "extensions": {**(scope.get("extensions") or {}), "tls": tls}}
        await self.app(scope, receive, send)


def test_a_pinned_client_certificate_authenticates_its_client(
    limes: Limes, user: Account, accounts: AccountService
) -> None:
    pem, fingerprint = certificate()
    other_pem, _ = certificate()
    add_client(accounts)
    agree(accounts, accounts.set_certificate(accounts.acting("op-de"), "eu-lisa-gw", fingerprint))
    app = create_app(limes)

    assert TestClient(TlsExtension(app, [pem])).get("/v1/categories").status_code == 200
    refused(TestClient(TlsExtension(app, [other_pem])).get("/v1/categories"), "not known")
    refused(
        TestClient(TlsExtension(app, [pem], "certificate has expired")).get("/v1/categories"),
        "did not verify",
    )
    refused(TestClient(TlsExtension(app, [])).get("/v1/categories"), "send a bearer token")


def test_the_openapi_document_describes_bearer_tokens(api: TestClient) -> None:
    doc = api.get("/v1/openapi.json").json()
    assert doc["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    assert doc["paths"]["/v1/auth/login"]["post"]["security"] == []
    login_ref = doc["paths"]["/v1/auth/login"]["post"]["requestBody"]["content"]
    schema = login_ref["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert doc["components"]["schemas"][schema]["additionalProperties"] is False
