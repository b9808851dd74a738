"""Field minimisation: each role sees what its purpose needs, in single answers and lists."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from tests.conftest import FixedClock, built, make_ctx
from tests.factories import PERSON, VEHICLE, content, doc

from limes import codec
from limes.domain.alerts import MisusedIdentity
from limes.domain.roles import Purpose, Role
from limes.errors import Forbidden
from limes.policy.fields import FieldGroup
from limes.policy.permissions import Context, Permission
from limes.policy.policy import Policy
from limes.policy.table import IDENTITY_CHECK_PURPOSES, default_table
from limes.service.alerts import AlertService
from limes.store.port import AlertFilter
from limes.store.sqlite import SqliteStore

G = FieldGroup
RETURN: dict[str, Any] = doc(
    PERSON,
    category="return_decision",
    action="verify_departure",
    return_details={"decision_date": "2026-01-20", "voluntary_departure_end": "2026-02-20"},
)
VICTIM = {
    "consent": {"given_on": "2026-05-02", "reference": "CONSENT-9"},
    "person": {"surnames": [{"latin": "Schmidt"}], "date_of_birth": "1990-02-03"},
}


# -- per role, through the service ---------------------------------------------------------------


@pytest.fixture
def alerts(sqlite_store: SqliteStore, clock: FixedClock) -> AlertService:
    return built(sqlite_store, clock).alerts


@pytest.fixture
def issued(alerts: AlertService) -> dict[str, str]:
    """An arrest alert with misused-identity data, a return decision and a vehicle, of DE."""
    victim = codec.parse(MisusedIdentity, orjson.dumps(VICTIM))
    sirene = make_ctx("DE")
    return {
        "arrest": alerts.issue(sirene, content(PERSON), misused_identity=victim).alert.id,
        "return": alerts.issue(sirene, content(RETURN)).alert.id,
        "vehicle": alerts.issue(sirene, content(VEHICLE)).alert.id,
    }


def reader(role: Role, purpose: Purpose) -> Context:
    return make_ctx("FR", role, purpose=purpose)


READERS: list[tuple[Role, Purpose, set[FieldGroup]]] = [
    # role, purpose, the groups withheld from them on an alert they may read
    (Role.SIRENE_OPERATOR, Purpose.SIRENE, set()),
    (Role.POLICE_OFFICER, Purpose.POLICE_CHECK, set()),
    (
        Role.BORDER_GUARD,
        Purpose.BORDER_CHECK,
        {G.REASON, G.NATIONAL_DECISION, G.RETURN_DETAILS, G.ISSUER},
    ),
    (
        Role.SYSTEM_CLIENT,
        Purpose.POLICE_CHECK,
        {G.REASON, G.NATIONAL_DECISION, G.RETURN_DETAILS, G.ISSUER},
    ),
    (Role.JUDICIAL_AUTHORITY, Purpose.JUDICIAL, {G.MISUSED_IDENTITY}),
    (Role.DATA_PROTECTION_OFFICER, Purpose.DATA_PROTECTION, {G.MISUSED_IDENTITY}),
    (Role.SUPERVISORY_AUTHORITY, Purpose.DATA_PROTECTION, {G.MISUSED_IDENTITY}),
    (Role.IMMIGRATION_OFFICER, Purpose.RETURN, {G.MISUSED_IDENTITY}),
    (
        Role.VISA_OFFICER,
        Purpose.VISA,
        {G.PHYSICAL, G.BIOMETRICS, G.REASON, G.NATIONAL_DECISION, G.MISUSED_IDENTITY},
    ),
]


@pytest.mark.parametrize(("role", "purpose", "withheld"), READERS, ids=[r for r, _, _ in READERS])
def test_each_role_sees_what_its_purpose_needs(
    alerts: AlertService,
    issued: dict[str, str],
    role: Role,
    purpose: Purpose,
    withheld: set[FieldGroup],
) -> None:
    alert_id = (
        issued["return"]
        if role in (Role.VISA_OFFICER, Role.IMMIGRATION_OFFICER)
        else (issued["arrest"])
    )
    view = alerts.get(reader(role, purpose), alert_id)
    assert set(view.withheld) == withheld
    seen = view.alert.content
    assert seen is not None and seen.person is not None
    assert seen.action is not None and seen.person.surnames  # every reader: who, and what to do
    assert (seen.national_decision is None) == (G.NATIONAL_DECISION in withheld)
    assert (seen.reason == "") == (G.REASON in withheld)
    assert (seen.issuing_authority == "") == (G.ISSUER in withheld)
    if alert_id == issued["arrest"]:
        assert view.has_misused_identity == (G.MISUSED_IDENTITY not in withheld)


def test_a_border_guard_sees_identity_warnings_and_action_not_the_decision(
    alerts: AlertService, issued: dict[str, str]
) -> None:
    view = alerts.get(reader(Role.BORDER_GUARD, Purpose.BORDER_CHECK), issued["arrest"])
    seen = view.alert.content
    full = content(PERSON)
    assert seen is not None and seen.person is not None and full.person is not None
    assert seen.person.surnames == full.person.surnames
    assert seen.person.documents == full.person.documents
    assert seen.warnings == full.warnings and seen.action == full.action
    assert seen.national_decision is None and seen.reason == ""
    assert "national_decision" in view.withheld


def test_the_view_applies_to_list_answers(alerts: AlertService, issued: dict[str, str]) -> None:
    of_de = AlertFilter(issuing_state="DE")  # border and visa roles name a criterion
    page = alerts.list(reader(Role.BORDER_GUARD, Purpose.BORDER_CHECK), of_de)
    assert len(page.items) == 3
    for item in page.items:
        assert G.NATIONAL_DECISION in item.withheld and G.REASON in item.withheld
        assert item.alert.content is not None
        assert item.alert.content.national_decision is None and item.alert.content.reason == ""
    visa = alerts.list(reader(Role.VISA_OFFICER, Purpose.VISA), of_de)
    assert {i.alert.id for i in visa.items} == {issued["return"], issued["vehicle"]}
    assert all(i.alert.content and i.alert.content.reason == "" for i in visa.items)


def test_writers_see_what_they_wrote(alerts: AlertService) -> None:
    view = alerts.issue(
        make_ctx("DE", Role.POLICE_OFFICER, purpose=Purpose.POLICE_CHECK), content(PERSON)
    )
    assert view.withheld == () and view.alert.content == content(PERSON)


# -- misused identity: identity checks and SIRENE only ---------------------------------------------


@pytest.mark.parametrize("purpose", list(Purpose))
def test_misused_identity_data_only_for_identity_checks_and_sirene(
    alerts: AlertService, issued: dict[str, str], purpose: Purpose
) -> None:
    table = default_table()
    for role in Role:
        if purpose not in table.purposes_of([role]):
            continue
        ctx = reader(role, purpose)
        allowed = Policy().decide(ctx, Permission.MISUSED_IDENTITY_READ, content(PERSON).category)
        if purpose not in IDENTITY_CHECK_PURPOSES:
            assert not allowed.allowed, (role, purpose)
            with pytest.raises(Forbidden):
                alerts.get_misused_identity(ctx, issued["arrest"])
        else:
            assert allowed.allowed, (role, purpose)
            got = alerts.get_misused_identity(ctx, issued["arrest"])
            assert got.person.surnames[0].latin == "Schmidt"
