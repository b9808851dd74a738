"""The SIRENE operator's inbox, case page and forms, through the service's rules."""

from __future__ import annotations

from datetime import timedelta

import orjson
from fastapi.testclient import TestClient
from tests.conftest import FixedClock
from tests.console.conftest import login
from tests.console.helpers import World, csrf_of
from tests.identity.helpers import CLEARANCE

from limes import codec
from limes.console.sirene import message_document
from limes.domain.roles import Purpose, Role
from limes.policy.permissions import Context, Principal
from limes.sirene.forms import Form
from limes.sirene.hits import HitReport

REPORT = {
    "identity": {"confirmed": True, "method": "document"},
    "place": {"description": "Frankfurt Airport", "country": "DE"},
    "action": {"taken": True},
}


def _guard() -> Context:
    who = Principal(
        "guard-1",
        "DE",
        "AUTH",
        frozenset({Role.BORDER_GUARD}),
        frozenset({Purpose.BORDER_CHECK}),
        CLEARANCE,
    )
    return Context(who, Purpose.BORDER_CHECK)


def _hit(installed: World, clock: FixedClock) -> tuple[str, str]:
    """A hit of the DE guard on the FR person alert: (case id, hit id)."""
    report = codec.parse(HitReport, orjson.dumps(REPORT | {"occurred_at": clock.now.isoformat()}))
    hit = installed.limes.hits.record(_guard(), installed.person_id, 1, report)
    return hit.case_id, hit.id


def _send_g(site: TestClient, case_id: str, hit_id: str) -> None:
    page = site.get(f"/console/sirene/cases/{case_id}?form=G")
    assert page.status_code == 200, page.text
    data = {
        "csrf": csrf_of(page.text),
        "body.form": "G",
        "language": "de",
        "priority": "urgent",
        "body.hit_id": hit_id,
        "body.confirmation": "urgent",
        "body.remarks": "Person am Flughafen festgehalten",
    }
    answer = site.post(f"/console/sirene/cases/{case_id}/messages", data=data)
    assert answer.status_code == 303, answer.text


def test_a_g_form_reaches_the_issuing_bureau_which_answers_it(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    case_id, hit_id = _hit(installed, clock)
    login(site, installed, clock, "sirene-de")
    _send_g(site, case_id, hit_id)
    site.cookies.clear()
    clock.advance(seconds=31)
    login(site, installed, clock, "sirene-fr")
    inbox = site.get("/console/sirene")
    assert inbox.status_code == 200
    assert case_id in inbox.text and ">G<" in inbox.text
    case = site.get(f"/console/sirene/cases/{case_id}?form=M")
    assert "Person am Flughafen festgehalten" in case.text
    message = case.text.split('id="message-')[1].split('"')[0]
    data = {
        "csrf": csrf_of(case.text),
        "body.form": "M",
        "language": "fr",
        "priority": "normal",
        "reply_to": message,
        "body.text": "Mandat confirmé, remise demandée",
    }
    answer = site.post(f"/console/sirene/cases/{case_id}/messages", data=data)
    assert answer.status_code == 303, answer.text
    assert "answered" in site.get(f"/console/sirene/cases/{case_id}").text


def test_an_empty_form_is_refused_at_its_field(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    case_id, _ = _hit(installed, clock)
    login(site, installed, clock, "sirene-de")
    page = site.get(f"/console/sirene/cases/{case_id}?form=M")
    data = {"csrf": csrf_of(page.text), "body.form": "M", "language": "de", "body.text": ""}
    answer = site.post(f"/console/sirene/cases/{case_id}/messages", data=data)
    assert answer.status_code == 400
    assert 'id="body-text-error"' in answer.text


def test_a_g_form_the_wrong_way_is_refused_with_the_reason(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    case_id, hit_id = _hit(installed, clock)
    login(site, installed, clock, "sirene-fr")
    page = site.get(f"/console/sirene/cases/{case_id}?form=G")
    data = {"csrf": csrf_of(page.text), "body.form": "G", "language": "fr", "body.hit_id": hit_id}
    answer = site.post(f"/console/sirene/cases/{case_id}/messages", data=data)
    assert answer.status_code == 409
    assert "executing state" in answer.text


def test_a_border_guard_is_refused_the_sirene_screens(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "guard-1")
    assert site.get("/console/sirene").status_code == 403
    case_id, _ = _hit(installed, clock)
    assert site.get(f"/console/sirene/cases/{case_id}").status_code == 403


def test_the_message_document_of_each_form() -> None:
    found = {"language": "de", "body.offences": "robbery\n\nfraud\n", "body.warrant_reference": "X"}
    assert message_document(found, Form.A) == {
        "language": "de",
        "body": {"form": "A", "warrant_reference": "X", "offences": ("robbery", "fraud")},
    }


def test_overdue_forms_are_marked_in_the_inbox(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    case_id, hit_id = _hit(installed, clock)
    login(site, installed, clock, "sirene-de")
    _send_g(site, case_id, hit_id)
    site.cookies.clear()
    clock.advance(timedelta(days=3))
    login(site, installed, clock, "sirene-fr")
    assert 'class="overdue"' in site.get("/console/sirene").text
