"""An alert's links, flags and misused identity on its SIRENE page, through the use cases."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import FixedClock, make_ctx
from tests.console.conftest import login
from tests.console.helpers import World, csrf_of

from limes.console.alert_relations import misused_document
from limes.domain.roles import Purpose, Role
from limes.service.alert_views import AlertView


def _page(site: TestClient, alert_id: str) -> tuple[str, str]:
    answer = site.get(f"/console/sirene/alerts/{alert_id}")
    assert answer.status_code == 200, answer.text
    return answer.text, csrf_of(answer.text)


def _view(installed: World, alert_id: str, state: str = "FR") -> AlertView:
    ctx = make_ctx(state, Role.SIRENE_OPERATOR, purpose=Purpose.SIRENE)
    return installed.limes.alerts.get(ctx, alert_id)


def test_two_alerts_of_the_state_are_linked_and_unlinked(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "sirene-fr")
    text, csrf = _page(site, installed.person_id)
    assert 'id="link-other_id"' in text
    url = f"/console/sirene/alerts/{installed.person_id}/links"
    data = {"csrf": csrf, "op": "link", "link.other_id": installed.vehicle_id}
    answer = site.post(url, data=data)
    assert answer.status_code == 303, answer.text
    assert installed.vehicle_id in _view(installed, installed.person_id).links
    again = site.post(url, data=data)
    assert again.status_code == 409
    assert 'id="link-other_id-error"' in again.text and "already linked" in again.text
    itself = site.post(url, data=data | {"link.other_id": installed.person_id})
    assert itself.status_code == 400 and 'id="link-other_id-error"' in itself.text
    unknown = site.post(url, data=data | {"link.other_id": "nonsense"})
    assert unknown.status_code == 400 and 'id="link-other_id-error"' in unknown.text
    removed = site.post(url, data=data | {"op": "unlink"})
    assert removed.status_code == 303
    assert _view(installed, installed.person_id).links == ()


def test_a_flag_is_requested_by_one_state_and_granted_by_the_issuer(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "sirene-de")
    text, csrf = _page(site, installed.person_id)
    assert "Request a flag" in text and 'id="link-other_id"' not in text  # not DE's alert
    url = f"/console/sirene/alerts/{installed.person_id}/flags"
    empty = site.post(url, data={"csrf": csrf, "op": "request", "flag.reason": ""})
    assert empty.status_code == 400 and 'id="flag-reason-error"' in empty.text
    assert _view(installed, installed.person_id).flags == ()
    reason = "Festnahme in Deutschland rechtlich nicht möglich"
    asked = site.post(url, data={"csrf": csrf, "op": "request", "flag.reason": reason})
    assert asked.status_code == 303, asked.text
    site.cookies.clear()
    clock.advance(seconds=31)
    login(site, installed, clock, "sirene-fr")
    text, csrf = _page(site, installed.person_id)
    assert "Grant the flag" in text and reason in text
    decided = site.post(
        url,
        data={"csrf": csrf, "op": "grant", "flag.state": "DE", "flag.DE.reason": "Accordé"},
    )
    assert decided.status_code == 303, decided.text
    site.cookies.clear()
    clock.advance(seconds=31)
    login(site, installed, clock, "sirene-de")
    text, _ = _page(site, installed.person_id)
    assert "Withdraw the flag" in text and "Request a flag" not in text  # DE's is granted
    (flag,) = _view(installed, installed.person_id).flags
    assert (flag.state, flag.status) == ("DE", "granted")


def test_the_misused_identity_is_saved_with_consent_and_removed(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "sirene-fr")
    text, csrf = _page(site, installed.person_id)
    assert 'id="misused-consent-given_on"' in text
    url = f"/console/sirene/alerts/{installed.person_id}/misused-identity"
    version = text.split('name="version" value="')[1].split('"')[0]
    data = {
        "csrf": csrf,
        "op": "set",
        "version": version,
        "misused.consent.given_on": "2099-01-01",
        "misused.consent.reference": "CNIL-2026-7",
        "misused.person.surnames": "Martin",
        "misused.person.forenames": "Claire",
        "misused.person.date_of_birth": "1985-06-01",
        "misused.person.nationalities": "fr",
    }
    future = site.post(url, data=data)
    assert future.status_code == 400
    assert 'id="misused-consent-given_on-error"' in future.text
    assert not _view(installed, installed.person_id).has_misused_identity
    nameless = site.post(
        url, data=data | {"misused.consent.given_on": "2026-01-05", "misused.person.surnames": ""}
    )
    assert nameless.status_code == 400 and 'id="misused-person-surnames-error"' in nameless.text
    alone = {k: v for k, v in data.items() if not k.startswith("misused.person.")}
    personless = site.post(url, data=alone | {"misused.consent.given_on": "2026-01-05"})
    assert personless.status_code == 400
    assert 'id="misused-person-surnames-error"' in personless.text
    saved = site.post(url, data=data | {"misused.consent.given_on": "2026-01-05"})
    assert saved.status_code == 303, saved.text
    view = _view(installed, installed.person_id)
    assert view.has_misused_identity
    stale = site.post(url, data=data | {"misused.consent.given_on": "2026-01-05"})
    assert stale.status_code == 409  # the version shown is no longer the alert's
    text, csrf = _page(site, installed.person_id)
    current = text.split('name="version" value="')[1].split('"')[0]
    removed = site.post(url, data={"csrf": csrf, "op": "remove", "version": current})
    assert removed.status_code == 303
    assert not _view(installed, installed.person_id).has_misused_identity


def test_the_misused_identity_document() -> None:
    found = {
        "misused.consent.given_on": "2026-01-05",
        "misused.person.surnames": "Ivanova | Иванова\n",
        "misused.person.nationalities": "ua, pl",
    }
    assert misused_document(found) == {
        "consent": {"given_on": "2026-01-05"},
        "person": {
            "surnames": ({"latin": "Ivanova", "original": "Иванова", "script": "Cyrl"},),
            "nationalities": ("UA", "PL"),
        },
    }
