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


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _compose_m(site: TestClient, case_id: str) -> dict[str, str]:
    page = site.get(f"/console/sirene/cases/{case_id}?form=M")
    assert 'enctype="multipart/form-data"' in page.text and 'type="file"' in page.text
    return {"csrf": csrf_of(page.text), "body.form": "M", "language": "de", "body.text": "Foto"}


def test_a_form_carries_attachments_the_other_party_downloads(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    case_id, _ = _hit(installed, clock)
    login(site, installed, clock, "sirene-de")
    photo = _png()
    files = [
        ("attachments", ("photo.png", photo, "image/png")),
        ("attachments", ("note.txt", "Notiz: Reisepass geprüft".encode(), "text/plain")),
    ]
    answer = site.post(
        f"/console/sirene/cases/{case_id}/messages", data=_compose_m(site, case_id), files=files
    )
    assert answer.status_code == 303, answer.text
    site.cookies.clear()
    clock.advance(seconds=31)
    login(site, installed, clock, "sirene-fr")
    case = site.get(f"/console/sirene/cases/{case_id}")
    links = [
        part.split('"')[0] for part in case.text.split('href="/console/sirene/attachments/')[1:]
    ]
    assert len(links) == 2
    downloaded = {site.get(f"/console/sirene/attachments/{i}").content for i in links}
    assert downloaded == {photo, "Notiz: Reisepass geprüft".encode()}
    one = site.get(f"/console/sirene/attachments/{links[0]}")
    assert one.headers["content-disposition"].startswith("attachment; filename=")
    assert one.headers["content-security-policy"].endswith("; sandbox")
    assert site.get("/console/sirene/attachments/01J0000000000000000000000X").status_code == 404


def test_a_refused_file_is_named_at_its_field_and_nothing_is_sent(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    case_id, _ = _hit(installed, clock)
    login(site, installed, clock, "sirene-de")
    cases = (
        ("page.txt", b"<script>alert(1)</script>", "text/plain", "holds markup"),
        ("tool.zip", b"PK\x03\x04rest", "application/zip", "must be one of"),
        ("big.txt", b"a" * (130 * 1024), "text/plain", "at most"),
        ("fake.png", b"not a png at all", "image/png", "PNG signature"),
    )
    for name, content, media_type, said in cases:
        files = [("attachments", (name, content, media_type))]
        answer = site.post(
            f"/console/sirene/cases/{case_id}/messages",
            data=_compose_m(site, case_id),
            files=files,
        )
        assert answer.status_code == 400, (name, answer.text)
        error = answer.text.split('id="attachments-error">')[1].split("</span>")[0]
        assert name in error and said in error, (name, error)
    assert installed.limes.sirene.case(_sirene_de(), case_id).messages == ()


def test_a_multipart_form_without_its_token_is_refused(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    case_id, _ = _hit(installed, clock)
    login(site, installed, clock, "sirene-de")
    data = _compose_m(site, case_id) | {"csrf": "forged"}
    files = [("attachments", ("photo.png", _png(), "image/png"))]
    answer = site.post(f"/console/sirene/cases/{case_id}/messages", data=data, files=files)
    assert answer.status_code == 403
    assert installed.limes.sirene.case(_sirene_de(), case_id).messages == ()


def _sirene_de() -> Context:
    who = Principal(
        "sirene-de",
        "DE",
        "SIRENE",
        frozenset({Role.SIRENE_OPERATOR}),
        frozenset({Purpose.SIRENE}),
        CLEARANCE,
    )
    return Context(who, Purpose.SIRENE)
