"""The DPO's subject-request screens: the register by due date, a request's page, its
candidates, consultations, answer and reply, through ``SubjectRequestService``."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from tests.conftest import FixedClock, make_ctx
from tests.console.conftest import login
from tests.console.helpers import World, csrf_of
from tests.factories import PERSON, content

from limes.console.subjects import answer_document
from limes.domain.roles import Purpose, Role
from limes.sirene.subject_requests import (
    Applicant,
    Channel,
    ConsultationAnswerIn,
    Disclosure,
    Kind,
    SubjectRequestIn,
    Verification,
)

DE_DPO = make_ctx("DE", Role.DATA_PROTECTION_OFFICER, purpose=Purpose.DATA_PROTECTION)
FR_DPO = make_ctx("FR", Role.DATA_PROTECTION_OFFICER, purpose=Purpose.DATA_PROTECTION)
BASE = "/console/audit/subject-requests"


def _register(installed: World, clock: FixedClock, ctx: object, days_ago: int = 0) -> str:
    applicant = Applicant(("Ivanova",), ("Olga",), "1984-03-17", ("UA",), ())
    received = clock.now.date() - timedelta(days=days_ago)
    request = SubjectRequestIn(
        Kind.ACCESS, applicant, Verification.DOCUMENT_SEEN, received, "en", Channel.POST
    )
    return installed.limes.subject_requests.register(ctx, request).id  # type: ignore[arg-type]


def _csrf(site: TestClient, path: str) -> str:
    page = site.get(path)
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


def test_the_register_is_by_due_date_with_the_overdue_marked(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    later = _register(installed, clock, DE_DPO)
    sooner = _register(installed, clock, DE_DPO, days_ago=40)
    login(site, installed, clock, "dpo-de")
    text = site.get(BASE).text
    assert text.index(sooner) < text.index(later)
    row = text.split(sooner)[0].rsplit("<tr", 1)[1]
    assert 'class="overdue"' in row and "overdue" in row
    assert 'class="overdue"' not in text.split(sooner)[1].split(later)[0].rsplit("<tr", 1)[1]
    assert "Subject requests" in site.get("/console/audit").text  # a tab of the DPO's screen


def test_a_request_from_search_to_reply(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    request_id = _register(installed, clock, DE_DPO)
    login(site, installed, clock, "dpo-de")
    path = f"{BASE}/{request_id}"
    csrf = _csrf(site, path)
    assert site.post(f"{path}/search", data={"csrf": csrf}).status_code == 303
    text = site.get(path).text
    assert installed.person_id in text and "Confirm: it is the applicant" in text
    early = site.post(f"{path}/reply", data={"csrf": csrf})
    assert early.status_code == 409 and "confirm or reject every candidate" in early.text
    decided = site.post(
        f"{path}/holdings/{installed.person_id}", data={"csrf": csrf, "decision": "confirm"}
    )
    assert decided.status_code == 303
    (holding,) = installed.limes.subject_requests.get(DE_DPO, request_id).holdings
    assert holding.status == "confirmed" and holding.case_id is not None
    text = site.get(path).text
    assert holding.case_id in text and "Due" in text  # the consultation of FR
    waiting = site.post(f"{path}/reply", data={"csrf": csrf})
    assert waiting.status_code == 409 and "not answered" in waiting.text
    assert "sandbox" not in waiting.headers["content-security-policy"]  # a page, not a file
    answer = ConsultationAnswerIn(Disclosure.DISCLOSE)
    installed.limes.subject_requests.answer(FR_DPO, request_id, installed.person_id, answer)
    assert site.post(f"{path}/reply", data={"csrf": csrf}).status_code == 303
    text = site.get(path).text
    assert "Download the reply (PDF)" in text
    letter = site.get(f"{path}/reply?format=text")
    assert letter.headers["content-disposition"] == f'attachment; filename="{request_id}.txt"'
    assert letter.headers["content-security-policy"].endswith("; sandbox")
    assert "Ivanova" in letter.text or "IVANOVA" in letter.text.upper()
    assert site.get(f"{path}/reply?format=pdf").content.startswith(b"%PDF-")


def test_the_issuing_states_answer_is_checked_at_its_fields(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    de_sirene = make_ctx("DE")
    alert = installed.limes.alerts.issue(de_sirene, content(PERSON)).alert.id
    installed.limes.search.engine.catch_up()
    request_id = _register(installed, clock, FR_DPO)
    installed.limes.subject_requests.find(FR_DPO, request_id)
    installed.limes.subject_requests.decide(FR_DPO, request_id, alert, True)
    login(site, installed, clock, "dpo-de")
    path = f"{BASE}/{request_id}"
    text = site.get(path).text
    assert "answer on its alert" in text
    assert installed.person_id not in text  # FR's own candidates are not DE's to see
    csrf = csrf_of(text)
    url = f"{path}/holdings/{alert}/answer"
    refused = site.post(url, data={"csrf": csrf, "disclosure": "restrict", "note": "x"})
    assert refused.status_code == 400
    assert f'id="{alert}-ground-error"' in refused.text, refused.text[-3000:]
    done = site.post(url, data={"csrf": csrf, "disclosure": "disclose"})
    assert done.status_code == 303, done.text
    (holding,) = installed.limes.subject_requests.get(DE_DPO, request_id).holdings
    assert holding.disclosure == "disclose" and holding.answered_at is not None


def test_a_border_guard_is_refused_the_register(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "guard-1")
    assert site.get(BASE).status_code == 403


def test_the_answer_document() -> None:
    assert answer_document({"disclosure": "restrict", "ground": "", "alert_version": "3"}) == {
        "disclosure": "restrict",
        "alert_version": 3,
    }
