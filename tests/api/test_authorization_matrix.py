"""The authorization matrix: every route × role × own or foreign state × purpose × category.

The expected outcome of each request is computed from the policy table itself
(``policy.toml``: a rule of the role grants the route's declared permission for the
purpose on the category) plus the ownership rule for the permissions in
``OWNER_ONLY``, and the API must agree: an allowed request is never answered 401 or
403, a denied one always 403. Both kinds of mismatch are collected and reported
together: 0 unintended allows, 0 unintended denies.

Requests that pass the policy are made to stop just after it, so the matrix never
changes what it tests: updates and deletions carry a stale ``If-Match`` (412), an
issue carries an action its category does not allow (400). Flag requests and links
do change relations; that only turns later allowed answers into 404/409.

Categories are taken one per class of categories the table treats alike (the same
rules name them), so the matrix covers the whole table with three categories today
and grows by itself when the table distinguishes more.

Principals come through the unsafe development header (purposes from the table for
their role, a stand-in clearance): DE issued every alert, so DE is the own state and
FR the foreign one. Each principal makes the eight requests of one route (one per
purpose) and no more, so that per-user rate limits stay out of the way.

The application is the one ``TestClient`` wraps (it issues the alerts), but the
matrix calls it as an ASGI application directly, on one event loop: the test client
hands each request to another thread and back, which costs 4-5 ms a request, five
times what the application itself takes, and the matrix makes thousands.
"""

from __future__ import annotations

import asyncio
import base64
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tests.api.helpers import MISUSED, NOW, TestClient, body
from tests.biometrics.prints import base64_of, fingers, sparse

from limes import codec
from limes.api.app import create_app
from limes.api.deps import UNPROTECTED
from limes.api.routes import operations
from limes.audit.heads import public_pem
from limes.bootstrap import build
from limes.config import AuthMode, Environment, Settings
from limes.demo.generator import generate
from limes.domain.alerts import AlertContent
from limes.domain.categories import CATEGORIES, Action, CategoryCode, SubjectKind
from limes.domain.roles import Purpose, Role
from limes.policy.permissions import CATEGORY_SCOPED, Permission
from limes.policy.policy import OWNER_ONLY
from limes.policy.table import Table, default_table
from limes.store.sqlite import SqliteStore

OWN, FOREIGN = "DE", "FR"
ISSUER = f"sirene-matrix@SIRENE-{OWN}/{OWN};roles=sirene_operator"


def category_classes(table: Table) -> dict[frozenset[str], list[CategoryCode]]:
    """Categories grouped by the rules that name them; alike for every decision."""
    classes: dict[frozenset[str], list[CategoryCode]] = defaultdict(list)
    for code in CategoryCode:
        named = frozenset(r.id for r in table.rules if r.categories and code in r.categories)
        classes[named].append(code)
    return dict(classes)


def expected(
    table: Table, role: Role, permission: Permission, purpose: Purpose, category: CategoryCode
) -> bool:
    """What the table says, read directly (not through ``Policy``)."""
    return any(
        rule.role is role
        and permission in rule.permissions
        and purpose in rule.purposes
        and (rule.categories is None or category in rule.categories)
        for rule in table.rules
    )


@dataclass(frozen=True)
class Target:
    """The alerts one category class is tested on: ``alert`` and its link partner."""

    category: CategoryCode
    content: AlertContent
    alert: str
    other: str


def person_alert(code: CategoryCode, n: int) -> AlertContent:
    """A valid alert of person category ``code``; ``n`` (0 or 1) picks the subject.

    Built from the category row (the demo generator's name pools cost seconds).
    """
    category = CATEGORIES[code]
    fields = category.person_required | category.person_optional
    child = code.startswith("child_")
    given = {
        "surnames": [{"latin": ("Ivanova", "Petrova")[n]}],
        "forenames": [{"latin": "Olga"}],
        "date_of_birth": "2014-03-17" if child else "1984-03-17",
        "gender": "female",
        "nationalities": ["UA"],
    }
    data: dict[str, Any] = {
        "category": code.value,
        "action": sorted(category.actions)[0].value,
        "issuing_authority": "Bundeskriminalamt",
        "national_reference": f"MATRIX-{code}-{n}",
        "reason": "An alert of the authorization matrix",
        "person": {k: v for k, v in given.items() if k in fields},
    }
    if category.requires_national_decision:
        decision = {"authority": "Amtsgericht", "reference": f"D-{n}", "decided_on": "2026-01-15"}
        data["national_decision"] = decision
    if category.requires_return_details:
        data["return_details"] = {"decision_date": "2026-01-15"}
    if category.requires_biometrics:
        reference = {"modality": "fingerprint", "format": "ISO/IEC 19794-2", "reference": f"B{n}"}
        data["biometrics"] = [reference]
    return codec.parse(AlertContent, body(data))


def two_alerts(code: CategoryCode) -> list[AlertContent]:
    """Two valid alerts of ``code`` on different subjects."""
    if CATEGORIES[code].subject is SubjectKind.PERSON:
        return [person_alert(code, 0), person_alert(code, 1)]
    found = [c for _, c in generate(0, 60, seed=3) if c.category is code]
    assert len(found) >= 2, f"the demo objects hold too few {code} alerts"
    return found[:2]


class Fixed:
    def __call__(self) -> Any:
        return NOW


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, list[Target]]]:
    """One application and, per category class, two alerts of DE: issued once."""
    store = SqliteStore(tmp_path_factory.mktemp("matrix") / "limes.db")
    store.migrate()
    settings = Settings(
        var_dir=Path("unused"),
        environment=Environment.DEVELOPMENT,
        auth=AuthMode.UNSAFE_DEV_HEADERS,
        max_body_bytes=64 * 1024,
        test_only_fixed_keyring=True,
        search_snapshot_seconds=0,  # no snapshot file in the working folder
    )
    # entered once: one event loop for the whole module, not one per request
    client = TestClient(create_app(build(settings, store=store, clock=Fixed())))
    client.__enter__()
    targets = []
    for codes in category_classes(default_table()).values():
        contents = two_alerts(codes[0])
        ids = []
        for content in contents:
            answer = client.post(
                "/v1/alerts",
                content=codec.encode(content),
                headers={
                    "X-Limes-Unsafe-Principal": ISSUER,
                    "X-Limes-Purpose": "sirene",
                    "Content-Type": "application/json",
                },
            )
            assert answer.status_code == 201, answer.text
            ids.append(answer.json()["id"])
        targets.append(Target(codes[0], contents[0], ids[0], ids[1]))
    yield client, targets
    client.__exit__(None, None, None)
    store.close()


MATRIX_KEY = public_pem(Ed25519PrivateKey.generate().public_key())


def bind_whole_feed(client: TestClient, user: str) -> None:
    """Bind ``user`` to the whole replication feed at the centre (``limes feed bind``), and
    to an audit key its forwarded records are never signed with."""
    limes = client.app.state.limes  # type: ignore[attr-defined]
    with limes.store.transaction() as tx:
        tx.copies.bind(
            user, '{"categories":[],"object_types":[],"states":[]}', Fixed()(), "matrix", MATRIX_KEY
        )


def _wrong_action(content: AlertContent) -> bytes:
    """The content with an action its category does not allow: refused after the policy."""
    action = next(a for a in Action if a not in CATEGORIES[content.category].actions)
    return codec.encode(replace(content, action=action))


NO_SUCH_ID = "01M8MZZZZZZZZZZZZZZZZZZZZZ"  # well-formed; names nothing
SUBJECT_REQUEST = {
    "kind": "access",
    "applicant": {"surnames": ["Matrix"]},
    "verification": "document_seen",
    "received_on": "2026-05-01",
    "language": "en",
    "channel": "post",
}
SPECIMEN_TD3 = (  # ICAO Doc 9303 part 4's specimen passport
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
)


def request_for(
    method: str, path: str, target: Target, state: str
) -> tuple[str, bytes | None, dict[str, str]]:
    """URL, body and extra headers of a request on ``target`` that stops after the policy.

    A route that takes a body needs a case here: the matrix must know how to reach its
    policy check (a body refused by the parser would answer 400 to everyone).
    """
    known = {"alert_id": target.alert, "other_id": target.other, "state": state}
    url = re.sub(r"\{(\w+)\}", lambda m: known.get(m[1], NO_SUCH_ID), path)
    stale = {"If-Match": '"999"'}
    match method, path:
        case "POST", "/v1/alerts":
            return url, _wrong_action(target.content), {}
        case "GET", "/v1/alerts":
            return f"{url}?category={target.category}", None, {}
        case "PUT", "/v1/alerts/{alert_id}":
            return url, codec.encode(target.content), stale
        case "POST", "/v1/alerts/{alert_id}/extension":
            return url, body({"reason": "matrix"}), stale
        case "PUT", "/v1/alerts/{alert_id}/misused-identity":
            return url, body(MISUSED), stale
        case "POST", "/v1/alerts/{alert_id}/flags":
            return url, body({"reason": "matrix"}), {}
        case "POST", "/v1/alerts/{alert_id}/flags/{state}/decision":
            return url, body({"grant": False, "reason": "matrix"}), {}
        case ("DELETE", "/v1/alerts/{alert_id}") | (
            "DELETE",
            "/v1/alerts/{alert_id}/misused-identity",
        ):
            return url, None, stale
        case "PUT", "/v1/alerts/{alert_id}/links/{other_id}":
            return url, None, {}
        case "POST", "/v1/breakglass":
            request = {"alert_id": target.alert, "permissions": ["alert:read"], "minutes": 30}
            return url, body({**request, "reason": "matrix"}), {}
        case "POST", "/v1/breakglass/{grant_id}/decision":
            return url, body({"approve": False, "reason": "matrix"}), {}
        case "POST", "/v1/search/persons":
            return url, body({"surnames": ["Matrix"], "categories": [target.category]}), {}
        case "POST", "/v1/search/objects":
            query = {"identifiers": [{"value": "MATRIX1"}], "categories": [target.category]}
            return url, body(query), {}
        case "POST", "/v1/search/mrz":
            return url, body({"mrz": SPECIMEN_TD3, "categories": [target.category]}), {}
        case "POST", "/v1/hits":  # a stale alert version: 409 once the policy allowed
            report = {
                "identity": {"confirmed": False, "method": "none"},
                "place": {"description": "matrix", "country": "FR"},
                "occurred_at": NOW.isoformat(),
                "action": {"taken": True},
            }
            return url, body({"alert_id": target.alert, "alert_version": 99, "report": report}), {}
        case "POST", "/v1/sirene/cases/{case_id}/messages":  # no such case: 404 once allowed
            return url, body({"language": "en", "body": {"form": "M", "text": "matrix"}}), {}
        case "POST", "/v1/sirene/escalation":
            return url, None, {}
        case "POST", "/v1/alerts/{alert_id}/biometrics":  # the quality gate refuses: 400
            return url, body({"records": [base64_of(sparse())]}), {}
        case "POST", "/v1/search/fingerprints":
            query = {"records": [base64_of(fingers(0, (1,)))], "categories": [target.category]}
            return url, body(query), {}
        case "POST", "/v1/alerts/{alert_id}/faces":  # not an image: 400 once allowed
            return url, body({"images": [base64.b64encode(b"not an image").decode()]}), {}
        case "POST", "/v1/search/faces":  # not an image: 400 once allowed
            query = {"image": base64.b64encode(b"not an image").decode()}
            return url, body(query | {"categories": [target.category]}), {}
        case "POST", "/v1/verify":  # nothing enrolled: 404 once allowed
            return (
                url,
                body({"alert_id": target.alert, "records": [base64_of(fingers(0, (1,)))]}),
                {},
            )
        case "POST", "/v1/identity-links/{link_id}/resolution":  # no such link: 404 once allowed
            return url, body({"colour": "red"}), {}
        case "POST", "/v1/screening/{profile}":  # no such profile: 404 once allowed
            return url, body({"surnames": ["Matrix"]}), {"X-Limes-External-System": "matrix"}
        case "POST", "/v1/read-blocks/{block_id}/lift":  # no such block: 404 once allowed
            return url, body({"reason": "matrix"}), {}
        case "POST", "/v1/subject-requests":  # the language is no code: 400 once allowed
            return url, body({**SUBJECT_REQUEST, "language": "xx"}), {}
        case "POST", "/v1/subject-requests/{request_id}/holdings/{alert_id}/decision":
            return url, body({"confirmed": True}), {}  # no such request: 404 once allowed
        case "POST", "/v1/subject-requests/{request_id}/holdings/{alert_id}/answer":
            return url, body({"disclosure": "disclose"}), {}
        case "POST", "/v1/subject-requests/{request_id}/extension":  # no such request: 404
            return url, body({"grounds": ["complexity"], "reason": "matrix"}), {}
        case "POST", "/v1/subject-requests/{request_id}/court-case":  # no such request: 404
            return url, body({"brought_on": "2026-05-02"}), {}
        case (
            ("POST", "/v1/subject-requests/{request_id}/search")
            | ("POST", "/v1/subject-requests/{request_id}/reply")
            | ("POST", "/v1/subject-requests/escalation")
        ):
            return url, None, {}
        case "POST", "/v1/feed/audit":  # signed by no key bound: 400 once allowed
            record = codec.encode({"seq": 0, "action": "search:persons"}).decode()
            return url, body({"first": 0, "records": [record], "signature": "AAAA"}), {}
        case "GET", "/v1/feed/leaves":  # a partition is required before the policy
            return url + "?partition=DE/arrest", None, {}
        case (("POST" | "PUT" | "PATCH"), _):
            raise AssertionError(f"the matrix has no request for {method} {path}: add a case")
        case _:
            return url, None, {}


async def status_of(
    app: Any, method: str, url: str, headers: dict[str, str], content: bytes | None
) -> tuple[int, bytes]:
    """One request straight to the ASGI application: its status and body."""
    path, _, query = url.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    pending = [{"type": "http.request", "body": content or b"", "more_body": False}]
    answer: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        return pending.pop() if pending else {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return answer["status"], answer["body"]


def protected_routes(client: TestClient) -> list[tuple[str, str, Permission]]:
    served = operations(client.app.routes)  # type: ignore[attr-defined]
    return [(method, path, needed) for method, path, needed in served if needed is not None]


# -- every route declares a permission -------------------------------------------------------


def test_every_route_declares_its_permission_or_is_allowlisted(
    matrix: tuple[TestClient, list[Target]],
) -> None:
    client, _ = matrix
    served = set()
    for method, path, needed in operations(client.app.routes):  # type: ignore[attr-defined]
        served.add((method, path))
        if (method, path) not in UNPROTECTED:
            assert needed is not None, (
                f"{method} {path} declares no permission: add "
                "openapi_extra=needs(Permission.…) or an UNPROTECTED entry with the reason"
            )
        else:
            assert needed is None, f"{method} {path} is allowlisted and declares {needed}"
    assert len(served) >= 16
    assert set(UNPROTECTED) <= served, f"stale allowlist entries: {set(UNPROTECTED) - served}"


def test_declared_permissions_appear_in_the_openapi_document(
    matrix: tuple[TestClient, list[Target]],
) -> None:
    client, _ = matrix
    doc = client.get("/v1/openapi.json").json()
    for method, path, needed in protected_routes(client):
        assert doc["paths"][path][method.lower()]["x-limes-permission"] == needed


# -- the matrix ----------------------------------------------------------------------------


def test_every_route_role_state_and_purpose_is_decided_as_the_table_says(
    matrix: tuple[TestClient, list[Target]],
) -> None:
    client, targets = matrix
    table = default_table()
    routes = protected_routes(client)
    assert len(routes) >= 14
    unintended_allows: list[str] = []
    unintended_denies: list[str] = []
    counts = {"allowed": 0, "denied": 0}
    statuses: Counter[int] = Counter()

    async def run() -> None:
        for method, path, permission in routes:
            # a permission not about alerts is decided alike on every category
            for target in targets if permission in CATEGORY_SCOPED else targets[:1]:
                for role in Role:
                    for state in (OWN, FOREIGN):
                        # a user per route and target: rate limits count per user
                        user = f"m{len(statuses)}-{counts['allowed'] + counts['denied']}"
                        principal = f"{user}@AUTH-{state}/{state};roles={role}"
                        if permission in (Permission.FEED_REPLICATE, Permission.AUDIT_FORWARD):
                            bind_whole_feed(client, user)  # a copy's client is bound first
                        url, content, extra = request_for(method, path, target, state)
                        if content is not None:
                            extra = {**extra, "Content-Type": "application/json"}
                        for purpose in Purpose:
                            allow = expected(table, role, permission, purpose, target.category)
                            allow = allow and (permission not in OWNER_ONLY or state == OWN)
                            headers = {
                                "X-Limes-Unsafe-Principal": principal,
                                "X-Limes-Purpose": purpose.value,
                                **extra,
                            }
                            status, text = await status_of(
                                client.app, method, url, headers, content
                            )
                            case = (
                                f"{method} {path} {role}/{state} for {purpose} on "
                                f"{target.category}: {status} {text[:160]!r}"
                            )
                            if allow:
                                counts["allowed"] += 1
                                statuses[status] += 1
                                if status in (401, 403) or status >= 500:
                                    unintended_denies.append(case)
                            else:
                                counts["denied"] += 1
                                if status != 403:
                                    unintended_allows.append(case)

    started = time.perf_counter()
    asyncio.run(run())
    elapsed = time.perf_counter() - started
    total = counts["allowed"] + counts["denied"]
    per_route = len(Role) * 2 * len(Purpose)
    scoped = sum(p in CATEGORY_SCOPED for _, _, p in routes)
    assert total == per_route * (scoped * len(targets) + len(routes) - scoped)
    assert counts["allowed"] and counts["denied"]
    assert not unintended_allows, f"{len(unintended_allows)} unintended allows:\n" + "\n".join(
        unintended_allows[:40]
    )
    assert not unintended_denies, f"{len(unintended_denies)} unintended denies:\n" + "\n".join(
        unintended_denies[:40]
    )
    # past the policy, each request stops where it was made to (see request_for)
    assert set(statuses) <= {200, 201, 204, 400, 404, 409, 412}, statuses
    print(f"authorization matrix: {total} requests ({counts}) in {elapsed:.1f} s; {statuses}")
