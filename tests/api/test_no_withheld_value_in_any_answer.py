"""No answer holds what the reader's view withholds: every route × every role that reaches it.

A world is planted in which every text field of every field group holds a marker no
other text holds (``MARKERS``): the alert content, the reasons of extensions, flag
requests and flag decisions, the officer who extended, the data of a victim of
identity misuse, and, as SIRENE case data, a hit report and a form's text. Alerts of
two states (DE and FR) on one person are linked, extended and flagged, a hit opens a
case, and a break-glass request waits for its decision. FR's data protection officer
registers two data-subject requests of that person (markers in the applicant's address,
the verification note, the request's text and the reasons of an extension): one open,
consulting DE on its arrest, its time limit extended and a court case recorded; one
replied to, the reply listing the arrest's data and who accessed it.

Then every operation of the OpenAPI document is called by every role of the policy
table that can reach it (a rule grants the role the operation's permission; routes
without one by every role), for each purpose so granted, as a principal of DE and of
FR, on every planted alert. Each answer body, refusals included, is searched (case
folded) for:

* the markers of every field group that the role's views (for that purpose) withhold;
* the SIRENE case markers, unless the role reads cases (``case:read``);
* the data-subject request markers, unless the role reads the register
  (``subject-request:read``);
* the ids of planted alerts the role may not read for that purpose: an answer naming
  them is an oracle (links, alerts on the same subject, refusals).

A value the request itself carries (an id in the path, a name searched) is not a leak.
Last, the change feed as its readers get it holds no marker at all.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from tests.api.helpers import NOW, TestClient, body
from tests.biometrics import portraits
from tests.biometrics.prints import base64_of, fingers, sparse

from limes import codec
from limes.api.app import create_app
from limes.api.deps import UNPROTECTED
from limes.api.routes import operations
from limes.audit.heads import ensure_audit_key
from limes.bootstrap import Limes, build
from limes.config import AuthMode, Environment, Settings
from limes.domain.categories import CategoryCode
from limes.domain.roles import Purpose, Role
from limes.policy.fields import FieldGroup
from limes.policy.permissions import Context, Permission, Principal
from limes.policy.profiles import default_profiles
from limes.policy.table import Rule, Table, default_table
from limes.service.feed import FeedService
from limes.service.replication import CopyFilter
from limes.store.sqlite import SqliteStore

G = FieldGroup
MARKERS: dict[FieldGroup, tuple[str, ...]] = {
    G.IDENTITY: (
        "Qzxidsurname",
        "Qzxidforename",
        "Qzxidbirthname",
        "Qzxidpreviousname",
        "Qzxidaliasname",
        "Qzxidbirthplace",
    ),
    G.DOCUMENTS: ("QZXDOC123",),
    G.PHYSICAL: ("Qzxphyeyes", "Qzxphymark"),
    G.BIOMETRICS: ("QZXBIOREF",),
    G.REASON: ("Qzxreasonalert", "Qzxreasonextension", "Qzxreasonflag", "Qzxreasondecision"),
    G.NATIONAL_DECISION: ("Qzxnatauthority", "QZXNATREF"),
    G.OBJECT: ("Qzxobjdescription", "Qzxobjmake"),
    G.ISSUER: ("Qzxissauthority", "QZXISSREF", "qzxissextender"),
    G.MISUSED_IDENTITY: ("Qzxmisusedname", "QZXMISCONSENT"),
}
"""Every text field planted, by the group ``policy/fields.py`` puts it in. Warnings,
the action and the return details hold no free text (codes and dates only)."""
CASE_MARKERS = ("Qzxcaseplace", "Qzxcasetext")
"""SIRENE case data (hit report, form text): for the bureaux of the parties only."""
SUBJECT_MARKERS = ("Qzxsubjaddress", "Qzxsubjnote", "Qzxsubjtext", "Qzxsubjdelay")
"""What a data-subject request holds beside the name searched (the applicant's address,
how the identity was verified, the request's text, the reasons for extending its time
limit): for the roles that read the register (``subject-request:read``) only."""

OWN, FOREIGN = "DE", "FR"
PLANTER = f"planter@SIRENE-{OWN}/{OWN};roles=sirene_operator"
FR_PLANTER = f"planter@SIRENE-{FOREIGN}/{FOREIGN};roles=sirene_operator"
EXTENDER = f"qzxissextender@SIRENE-{OWN}/{OWN};roles=sirene_operator"
NO_SUCH_ID = "01M8MZZZZZZZZZZZZZZZZZZZZZ"
BORN = "1961-04-12"
VIN = "1M8GDM9AXKP042788"


def person() -> dict[str, Any]:
    return {
        "surnames": [{"latin": "Qzxidsurname"}],
        "forenames": [{"latin": "Qzxidforename"}],
        "names_at_birth": [{"latin": "Qzxidbirthname"}],
        "previous_names": [{"latin": "Qzxidpreviousname"}],
        "aliases": [{"surnames": [{"latin": "Qzxidaliasname"}]}],
        "date_of_birth": BORN,
        "place_of_birth": "Qzxidbirthplace",
        "country_of_birth": "UA",
        "gender": "male",
        "nationalities": ["UA"],
        "documents": [{"type": "passport", "number": "QZXDOC123", "issuing_state": "UA"}],
        "physical": {
            "height_cm": 181,
            "eye_colour": "Qzxphyeyes",
            "distinguishing_marks": ["Qzxphymark"],
        },
    }


def alert(category: str, action: str, **more: Any) -> dict[str, Any]:
    return {
        "category": category,
        "action": action,
        "issuing_authority": "Qzxissauthority",
        "national_reference": "QZXISSREF",
        "reason": "Qzxreasonalert: prosecutor file and informant",
        **more,
    }


DECISION = {"authority": "Qzxnatauthority", "reference": "QZXNATREF", "decided_on": "2026-01-15"}
BIOMETRICS = [{"modality": "fingerprint", "format": "ISO/IEC 19794-2", "reference": "QZXBIOREF"}]
ARREST = alert(
    "arrest", "arrest", person=person(), national_decision=DECISION, biometrics=BIOMETRICS
)
DISCREET_CHECK = alert("person_check", "discreet_check", person=person())
REFUSAL = alert("refusal_of_entry", "refuse_entry", person=person(), national_decision=DECISION)
VEHICLE = alert(
    "object_seizure",
    "seize",
    object={
        "type": "motor_vehicle",
        "identifiers": [{"kind": "vin", "value": VIN}],
        "attributes": {"make": "Qzxobjmake", "description": "Qzxobjdescription"},
    },
)
TRAVEL_BAN = alert("travel_ban", "refuse_entry", person=person(), national_decision=DECISION)
MISUSED = {
    "consent": {"given_on": "2026-05-02", "reference": "QZXMISCONSENT"},
    "person": {"surnames": [{"latin": "Qzxmisusedname"}], "date_of_birth": "1990-02-03"},
}
HIT_REPORT = {
    "identity": {"confirmed": True, "method": "fingerprints"},
    "place": {"description": "Qzxcaseplace", "country": "FR"},
    "occurred_at": (NOW - timedelta(minutes=20)).isoformat(),
    "action": {"taken": True},
    "confirmation": "urgent",
}


def as_(who: str, purpose: str, **more: str) -> dict[str, str]:
    return {"X-Limes-Unsafe-Principal": who, "X-Limes-Purpose": purpose, **more}


def call(
    client: TestClient, method: str, url: str, who: str, data: Any = None, **more: str
) -> dict[str, Any]:
    """A request of a SIRENE bureau (purpose sirene) that must succeed; its answer."""
    headers = as_(who, "operations" if "system_operator" in who else "sirene", **more)
    if data is not None:
        headers["Content-Type"] = "application/json"
    content = None if data is None else body(data)
    answer = client.request(method, url, content=content, headers=headers)
    assert answer.status_code in (200, 201), f"{method} {url}: {answer.status_code} {answer.text}"
    found: dict[str, Any] = answer.json()
    return found


@dataclass
class World:
    client: TestClient
    limes: Limes
    named: dict[str, str] = field(default_factory=dict)
    alerts: dict[str, CategoryCode] = field(default_factory=dict)
    """Every planted alert's id and category."""
    case: str = ""
    grant: str = ""
    subject_requests: list[str] = field(default_factory=list)
    """The planted data-subject requests: one open, one replied to."""
    readers: Iterator[int] = field(default_factory=itertools.count)

    def issue(self, name: str, who: str, document: dict[str, Any]) -> str:
        alert_id = str(call(self.client, "POST", "/v1/alerts", who, document)["id"])
        self.named[name] = alert_id
        self.alerts[alert_id] = CategoryCode(document["category"])
        return alert_id

    def if_match(self, alert_id: str) -> dict[str, str]:
        """``If-Match`` with the alert's current version, read by a bureau (a new
        reader each time: the clock stands still, so rate limits never refill)."""
        state = FOREIGN if alert_id == self.named.get("discreet_check") else OWN
        who = f"reader{next(self.readers)}@SIRENE-{state}/{state};roles=sirene_operator"
        version = call(self.client, "GET", f"/v1/alerts/{alert_id}", who)["version"]
        return {"If-Match": f'"{version}"'}


def plant(client: TestClient, limes: Limes) -> World:
    """DE's arrest, FR's discreet check and DE's refusal of entry on one person, and a
    stolen vehicle of DE; the arrest linked to the refusal and to the vehicle; each DE
    alert extended by a named officer and flagged by FR, the flag granted with a reason;
    the victim of identity misuse on the arrest; a hit on it by FR, its case and a form;
    a break-glass request of a DE operator."""
    world = World(client, limes)
    arrest = world.issue("arrest", PLANTER, ARREST)
    world.issue("discreet_check", FR_PLANTER, DISCREET_CHECK)
    refusal = world.issue("refusal", PLANTER, REFUSAL)
    vehicle = world.issue("vehicle", PLANTER, VEHICLE)
    for other in (refusal, vehicle):
        call(client, "PUT", f"/v1/alerts/{arrest}/links/{other}", PLANTER)
    for alert_id in (arrest, refusal, vehicle):
        url = f"/v1/alerts/{alert_id}"
        extension = {"reason": "Qzxreasonextension: prosecutor file, informant"}
        call(client, "POST", f"{url}/extension", EXTENDER, extension, **world.if_match(alert_id))
        flag = {"reason": "Qzxreasonflag: cooperates with operation"}
        call(client, "POST", f"{url}/flags", FR_PLANTER, flag)
        decision = {"grant": True, "reason": "Qzxreasondecision"}
        call(client, "POST", f"{url}/flags/{FOREIGN}/decision", PLANTER, decision)
    url = f"/v1/alerts/{arrest}/misused-identity"
    call(client, "PUT", url, PLANTER, MISUSED, **world.if_match(arrest))
    enrolment = {"records": [base64_of(fingers(0, (1, 2)))]}
    call(client, "POST", f"/v1/alerts/{arrest}/biometrics", PLANTER, enrolment)
    face = {"images": [portraits.base64_of(portraits.hopper())]}
    call(client, "POST", f"/v1/alerts/{arrest}/faces", PLANTER, face)
    version = int(world.if_match(arrest)["If-Match"].strip('"'))
    hit = {"alert_id": arrest, "alert_version": version, "report": HIT_REPORT}
    world.case = call(client, "POST", "/v1/hits", FR_PLANTER, hit)["case_id"]
    message = {"language": "en", "body": {"form": "M", "text": "Qzxcasetext"}}
    call(client, "POST", f"/v1/sirene/cases/{world.case}/messages", FR_PLANTER, message)
    request = {"alert_id": arrest, "permissions": ["alert:read"], "minutes": 30, "reason": "walk"}
    operator = f"planter@OPS-{OWN}/{OWN};roles=system_operator"
    world.grant = call(client, "POST", "/v1/breakglass", operator, request)["id"]
    plant_subject_requests(world, arrest)
    return world


FR_DPO = f"planter@CNIL/{FOREIGN};roles=data_protection_officer"
DE_DPO = f"planter@BfDI/{OWN};roles=data_protection_officer"
PLANTED_REQUEST = {
    "kind": "access",
    "applicant": {"surnames": ["Qzxidsurname"], "date_of_birth": BORN, "address": "Qzxsubjaddress"},
    "verification": "document_seen",
    "verification_note": "Qzxsubjnote",
    "request_text": "Qzxsubjtext",
    "received_on": NOW.date().isoformat(),
    "language": "en",
    "channel": "post",
}


def plant_subject_requests(world: World, arrest: str) -> None:
    """Two requests received by FR on the planted person, each consulting DE on its
    arrest: the first extended and taken to court, the second answered and replied to."""
    client, url = world.client, "/v1/subject-requests"

    def dpo(method: str, path: str, who: str = FR_DPO, data: Any = None) -> dict[str, Any]:
        return call(
            client, method, f"{url}{path}", who, data, **{"X-Limes-Purpose": "data_protection"}
        )

    for replied in (False, True):
        request_id = str(dpo("POST", "", data=PLANTED_REQUEST)["id"])
        world.subject_requests.append(request_id)
        found = dpo("POST", f"/{request_id}/search")["holdings"]
        assert arrest in {h["alert_id"] for h in found}
        for h in found:
            decision = {"confirmed": h["alert_id"] == arrest}
            dpo("POST", f"/{request_id}/holdings/{h['alert_id']}/decision", data=decision)
        if not replied:
            extension = {"grounds": ["complexity"], "reason": "Qzxsubjdelay: five states"}
            dpo("POST", f"/{request_id}/extension", data=extension)
            dpo(
                "POST",
                f"/{request_id}/court-case",
                data={"brought_on": PLANTED_REQUEST["received_on"]},
            )
            continue
        disclose = {"disclosure": "disclose"}
        dpo("POST", f"/{request_id}/holdings/{arrest}/answer", DE_DPO, disclose)
        dpo("POST", f"/{request_id}/reply")


class Fixed:
    def __call__(self) -> Any:
        return NOW


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    store = SqliteStore(tmp_path_factory.mktemp("walk") / "limes.db")
    store.migrate()
    settings = Settings(
        var_dir=tmp_path_factory.mktemp("var"),
        environment=Environment.DEVELOPMENT,
        auth=AuthMode.UNSAFE_DEV_HEADERS,
        max_body_bytes=64 * 1024,
        test_only_fixed_keyring=True,
    )
    ensure_audit_key(settings.audit_key_path)  # the DPO's answers carry signed tree heads
    limes = build(settings, store=store, clock=Fixed())
    with TestClient(create_app(limes)) as client:
        yield plant(client, limes)
    store.close()


# -- what each role may be shown ------------------------------------------------------------------


def reaching(table: Table, permission: Permission | None) -> list[tuple[Role, Purpose]]:
    """(role, purpose) of the rules granting ``permission``; for none, every role once."""
    if permission is None:
        return [(role, min(table.purposes_of([role]))) for role in Role]
    return sorted(
        {(r.role, p) for r in table.rules if permission in r.permissions for p in r.purposes}
    )


def granted(table: Table, role: Role, purpose: Purpose, permission: Permission) -> list[Rule]:
    return [
        r
        for r in table.rules
        if r.role is role and purpose in r.purposes and permission in r.permissions
    ]


def forbidden_values(world: World, role: Role, purpose: Purpose) -> dict[str, str]:
    """Every planted value this role may not be shown for this purpose, and what it is.

    Straight from the table: the groups outside the views of the role's rules for the
    purpose; case data without ``case:read``; alerts of categories without ``alert:read``.
    """
    table = default_table()
    rules = [r for r in table.rules if r.role is role and purpose in r.purposes]
    view = frozenset[FieldGroup]().union(*(r.fields for r in rules))
    out = {m: f"group {g}" for g, ms in MARKERS.items() if g not in view for m in ms}
    if not granted(table, role, purpose, Permission.CASE_READ):
        out.update(dict.fromkeys(CASE_MARKERS, "SIRENE case data"))
    if not granted(table, role, purpose, Permission.SUBJECT_REQUEST_READ):
        out.update(dict.fromkeys(SUBJECT_MARKERS, "a data-subject request"))
    readers = granted(table, role, purpose, Permission.ALERT_READ)
    if granted(table, role, purpose, Permission.FEED_REPLICATE):
        # a national copy is sent every alert's id with its sealed rows (GET /v1/feed): that
        # is what it replicates; no marker (plaintext) may reach it, checked above and below
        return out
    for alert_id, category in world.alerts.items():
        if not any(r.categories is None or category in r.categories for r in readers):
            out[alert_id] = f"the id of a {category} alert it may not read"
    return out


# -- the requests ---------------------------------------------------------------------------------

SPECIMEN_TD3 = (  # ICAO Doc 9303 part 4's specimen passport
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
)
Request = tuple[str, dict[str, Any] | None, dict[str, str]]
SUBJECT_REQUEST = {
    "kind": "access",
    "applicant": {"surnames": ["Qzxidsurname"]},
    "verification": "document_seen",
    "received_on": "2026-05-01",
    "language": "en",
    "channel": "post",
}


def requests_for(world: World, method: str, path: str) -> Iterator[Request]:
    """(url, body, extra headers) of the requests made on an operation: one per planted
    alert where the path names one. Nothing planted is destroyed: deletions carry a
    stale version or name no such partner; an update writes the content it replaces."""
    named = world.named
    contents = {
        named["arrest"]: ARREST,
        named["discreet_check"]: DISCREET_CHECK,
        named["refusal"]: REFUSAL,
        named["vehicle"]: VEHICLE,
    }
    per_alert = "{alert_id}" in path or path in ("/v1/audit/records", "/v1/hits")
    per_request = world.subject_requests if "{request_id}" in path else [NO_SUCH_ID]
    stale = {"If-Match": '"999"'}
    for alert_id, request_id in itertools.product(
        world.alerts if per_alert else [named["arrest"]], per_request
    ):
        known = {
            "alert_id": alert_id,
            "other_id": named["vehicle"] if method == "PUT" else NO_SUCH_ID,
            "state": FOREIGN,
            "case_id": world.case,
            "grant_id": world.grant,
            "request_id": request_id,
        }
        url = re.sub(r"\{(\w+)\}", lambda m, k=known: k.get(m[1], NO_SUCH_ID), path)
        match method, path:
            case "POST", "/v1/alerts":
                yield url, TRAVEL_BAN, {}
            case "GET", "/v1/audit/records":
                yield f"{url}?alert_id={alert_id}", None, {}
            case "PUT", "/v1/alerts/{alert_id}":
                yield url, contents[alert_id], world.if_match(alert_id)
            case "POST", "/v1/alerts/{alert_id}/extension":
                yield url, {"reason": "walk"}, world.if_match(alert_id)
            case "PUT", "/v1/alerts/{alert_id}/misused-identity":
                yield url, MISUSED, stale
            case ("DELETE", "/v1/alerts/{alert_id}") | (
                "DELETE",
                "/v1/alerts/{alert_id}/misused-identity",
            ):
                yield url, None, stale
            case "POST", "/v1/alerts/{alert_id}/flags":
                yield url, {"reason": "walk"}, {}
            case "POST", "/v1/alerts/{alert_id}/flags/{state}/decision":
                yield url, {"grant": False, "reason": "walk"}, {}
            case "POST", "/v1/search/persons":
                yield url, {"surnames": ["Qzxidsurname"], "date_of_birth": BORN}, {}
            case "POST", "/v1/search/objects":
                yield url, {"identifiers": [{"value": VIN}]}, {}
            case "POST", "/v1/search/mrz":
                yield url, {"mrz": SPECIMEN_TD3}, {}
            case "POST", "/v1/alerts/{alert_id}/biometrics":  # refused by the quality gate
                yield url, {"records": [base64_of(sparse())]}, {}
            case "POST", "/v1/search/fingerprints":  # finds the arrest
                yield url, {"records": [base64_of(fingers(0, (1, 2), capture=1))]}, {}
            case "POST", "/v1/alerts/{alert_id}/faces":  # refused by the image door
                yield url, {"images": [base64_of(b"not an image")]}, {}
            case "POST", "/v1/search/faces":  # finds the arrest
                yield url, {"image": portraits.base64_of(portraits.hopper_again())}, {}
            case "POST", "/v1/verify":
                probe = [base64_of(fingers(0, (1,), capture=1))]
                yield url, {"alert_id": alert_id, "records": probe}, {}
            case "POST", "/v1/hits":
                version = int(world.if_match(alert_id)["If-Match"].strip('"'))
                report = {**HIT_REPORT, "place": {"description": "walk", "country": "FR"}}
                yield url, {"alert_id": alert_id, "alert_version": version, "report": report}, {}
            case "POST", "/v1/sirene/cases/{case_id}/messages":
                yield url, {"language": "en", "body": {"form": "M", "text": "walk"}}, {}
            case "POST", "/v1/breakglass":
                grant = {"alert_id": alert_id, "permissions": ["alert:read"], "minutes": 30}
                yield url, {**grant, "reason": "walk"}, {}
            case "POST", "/v1/breakglass/{grant_id}/decision":
                yield url, {"approve": False, "reason": "walk"}, {}
            case "POST", "/v1/read-blocks/{block_id}/lift":
                yield url, {"reason": "walk"}, {}
            case "POST", "/v1/identity-links/{link_id}/resolution":
                yield url, {"colour": "red"}, {}
            case "POST", "/v1/screening/{profile}":  # every profile, on the planted arrest
                for profile in default_profiles().values():
                    query = {"surnames": ["Qzxidsurname"], "date_of_birth": BORN}
                    yield (
                        f"/v1/screening/{profile.id}",
                        {k: v for k, v in query.items() if k in profile.query},
                        {"X-Limes-External-System": profile.system},
                    )
            case "POST", "/v1/subject-requests":
                yield url, SUBJECT_REQUEST, {}
            case "POST", "/v1/subject-requests/{request_id}/holdings/{alert_id}/decision":
                yield url, {"confirmed": True}, {}
            case "POST", "/v1/subject-requests/{request_id}/holdings/{alert_id}/answer":
                yield url, {"disclosure": "disclose"}, {}
            case "POST", "/v1/feed/audit":  # a copy's record: the answer is counts only
                record = '{"action":"search:persons","seq":0}'
                yield url, {"first": 0, "records": [record], "signature": "AAAA"}, {}
            case "POST", "/v1/subject-requests/{request_id}/extension":
                yield url, {"grounds": ["number_of_requests"], "reason": "walk"}, {}
            case "POST", "/v1/subject-requests/{request_id}/court-case":
                yield url, {"brought_on": NOW.date().isoformat()}, {}
            case "POST", "/v1/auth/enrol":
                yield url, {"username": "walk", "code": "walk", "password": "walk"}, {}
            case "POST", "/v1/auth/login":
                yield url, {"username": "walk", "password": "walk", "totp": "000000"}, {}
            case (
                ("POST", "/v1/sirene/escalation")
                | ("POST", "/v1/subject-requests/escalation")
                | ("POST", "/v1/subject-requests/{request_id}/search")
                | ("POST", "/v1/subject-requests/{request_id}/reply")
                | ("POST", "/v1/auth/refresh")
                | ("POST", "/v1/auth/logout")
                | ("PUT", "/v1/alerts/{alert_id}/links/{other_id}")
            ):
                yield url, None, {}
            case (("POST" | "PUT" | "PATCH"), _):
                raise AssertionError(f"the walk has no request for {method} {path}: add a case")
            case _:
                yield url, None, {}


def test_no_answer_shows_a_value_the_readers_view_withholds(world: World) -> None:
    client, table = world.client, default_table()
    document = client.get("/v1/openapi.json").json()
    needed = {(m, p): n for m, p, n in operations(client.app.routes)}  # type: ignore[attr-defined]
    leaks: list[str] = []
    called: Counter[str] = Counter()
    answered: Counter[tuple[str, Role]] = Counter()
    users = itertools.count()
    for path, operations_of_path in sorted(document["paths"].items()):
        for method in (m.upper() for m in sorted(operations_of_path)):
            permission = needed[method, path]
            assert permission is not None or (method, path) in UNPROTECTED, (method, path)
            for role, purpose in reaching(table, permission):
                forbidden = forbidden_values(world, role, purpose)
                for state in (OWN, FOREIGN):
                    who = f"walk{next(users)}@AUTH-{state}/{state};roles={role}"
                    for url, data, extra in requests_for(world, method, path):
                        headers = as_(who, purpose.value, **extra)
                        content = None if data is None else body(data)
                        if content is not None:
                            headers["Content-Type"] = "application/json"
                        answer = client.request(method, url, content=content, headers=headers)
                        assert answer.status_code < 500, f"{method} {url}: {answer.text}"
                        called[f"{method} {path}"] += 1
                        if answer.status_code < 300:
                            answered[f"{method} {path}", role] += 1
                        sent = (url + (content or b"").decode()).casefold()
                        text = answer.text.casefold()
                        leaks += [
                            f"{method} {url} as {role}/{state} for {purpose}: {value} ({what})"
                            for value, what in forbidden.items()
                            if value.casefold() in text and value.casefold() not in sent
                        ]
    assert not leaks, f"{len(leaks)} withheld values answered:\n" + "\n".join(leaks[:80])
    # the walk called every operation, and the readers whose views withhold most were answered
    assert set(called) == {f"{m.upper()} {p}" for p, ops in document["paths"].items() for m in ops}
    for role in (Role.BORDER_GUARD, Role.VISA_OFFICER, Role.IMMIGRATION_OFFICER):
        assert answered["GET /v1/alerts/{alert_id}", role] >= 2, role
        assert answered["POST /v1/search/persons", role], role
    assert answered["POST /v1/alerts", Role.IMMIGRATION_OFFICER], "no related alerts were tested"
    assert answered["POST /v1/search/fingerprints", Role.BORDER_GUARD], "no candidate was tested"
    # the planted requests were read by the register's readers of both states, and the
    # reply and extension letter by the receiving state's
    for role in (Role.DATA_PROTECTION_OFFICER, Role.SUPERVISORY_AUTHORITY):
        assert answered["GET /v1/subject-requests/{request_id}", role] >= 4, role
        assert answered["GET /v1/subject-requests/{request_id}/reply", role] == 1, role
        assert answered["GET /v1/subject-requests/{request_id}/extension", role] == 1, role


def test_the_walk_can_fail_the_receiving_dpo_is_answered_every_subject_marker(
    world: World,
) -> None:
    """The planted requests answer their markers to those who may read them (so the walk
    would see a leak), and the reply lists the arrest's data."""
    opened, replied = world.subject_requests
    for who in (FR_DPO, f"sa@CNIL-SA/{FOREIGN};roles=supervisory_authority", DE_DPO):
        headers = as_(who, "data_protection")
        text = world.client.get(f"/v1/subject-requests/{opened}", headers=headers).text
        assert "Qzxsubjaddress" in text, who  # the note and text stay sealed, never answered
    headers = as_(FR_DPO, "data_protection")
    letter = world.client.get(f"/v1/subject-requests/{opened}/extension", headers=headers)
    assert "Qzxsubjdelay" in letter.text
    reply = world.client.get(f"/v1/subject-requests/{replied}/reply", headers=headers).json()
    assert "Qzxidsurname" in reply["text"] and "Qzxreasonalert" in reply["text"]
    assert reply["held"][0]["accesses"]
    assert not [
        a
        for a, b in itertools.permutations(
            [*SUBJECT_MARKERS, *(m for ms in MARKERS.values() for m in ms)], 2
        )
        if a.casefold() in b.casefold()
    ]


def test_the_walk_can_fail_the_issuing_bureau_is_answered_every_marker(world: World) -> None:
    arrest, headers = world.named["arrest"], as_(PLANTER, "sirene")
    text = "".join(
        world.client.get(url, headers=headers).text
        for url in (
            f"/v1/alerts/{arrest}",
            f"/v1/alerts/{arrest}/misused-identity",
            f"/v1/alerts/{world.named['vehicle']}",
            f"/v1/sirene/cases/{world.case}",
        )
    )
    markers = [m for ms in MARKERS.values() for m in ms] + list(CASE_MARKERS)
    assert [m for m in markers if m not in text] == []
    assert not [a for a, b in itertools.permutations(markers, 2) if a.casefold() in b.casefold()]


def test_the_change_feed_holds_no_planted_value(world: World) -> None:
    feed = FeedService(world.limes.store, world.limes.alerts.policy, audit=world.limes.audit)
    markers = [m for ms in MARKERS.values() for m in ms] + [*CASE_MARKERS, *SUBJECT_MARKERS]
    for role, purpose in reaching(default_table(), Permission.FEED_READ):
        reader = Principal("walk-feed", OWN, "OPS", frozenset({role}), frozenset({purpose}))
        events = feed.after(Context(reader, purpose), 0, 1000)
        assert len(events) > 10
        text = codec.encode(events).decode().casefold()
        assert [m for m in markers if m.casefold() in text] == [], role


def test_the_replication_feed_holds_no_planted_value(world: World) -> None:
    markers = [m for ms in MARKERS.values() for m in ms] + [*CASE_MARKERS, *SUBJECT_MARKERS]
    for role, purpose in reaching(default_table(), Permission.FEED_REPLICATE):
        reader = Principal("walk-copy", OWN, "OPS", frozenset({role}), frozenset({purpose}))
        with world.limes.store.transaction() as tx:  # bound to the whole feed (feed bind)
            tx.copies.bind(
                "walk-copy", codec.encode(CopyFilter().to_json()).decode(), Fixed()(), "walk"
            )
        page = world.limes.replication.page(Context(reader, purpose), 0, 1000)
        assert len(page.items) > 10 and any(i.sealed for i in page.items)
        text = codec.encode(page.to_json()).decode().casefold()
        assert [m for m in markers if m.casefold() in text] == [], role
