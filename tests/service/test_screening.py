"""Screening under the profiles, on Limes' side: each profile answers exactly its fields.

The generated test plants a marker in every field of an alert of each person category
(authority, reference, reason, decision) and screens it under every profile: a category
the profile searches answers exactly the profile's fields (and the issuing state is
told where the profile says), any other answers no hit, and no marker, name, date, id
or reference ever leaves.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
import pytest
from tests.conftest import FixedClock, built, make_ctx
from tests.service.recorders import Memory

from limes import codec
from limes.bootstrap import Limes
from limes.domain.alerts import AlertContent
from limes.domain.categories import CATEGORIES, CategoryCode, SubjectKind
from limes.domain.events import EventType
from limes.domain.roles import Purpose, Role
from limes.errors import Forbidden, InvalidInput, NotFound, RateLimited
from limes.policy.permissions import Context
from limes.policy.profiles import Profile, default_profiles
from limes.service.screening import ScreeningService
from limes.store.sqlite import SqliteStore

PROFILES = default_profiles()
SURNAMES = dict(
    zip(
        [c for c in CategoryCode if CATEGORIES[c].subject is SubjectKind.PERSON],
        [
            "Abramowicz",
            "Bergstrand",
            "Castellano",
            "Dimitrescu",
            "Esterhazy",
            "Fitzwilliam",
            "Gonzaga",
            "Halvorsen",
            "Ivanishvili",
            "Jablonski",
            "Kowalczyk",
            "Lindqvist",
        ],
        strict=True,
    )
)
"""One distinct surname per person category, so that each query finds one alert."""
MARKER = "marker"
REF = {"external_reference": "EES-42"}


def planted(code: CategoryCode) -> AlertContent:
    """A valid alert of ``code`` with a marker in every free-text field."""
    category = CATEGORIES[code]
    fields = category.person_required | category.person_optional
    given = {
        "surnames": [{"latin": SURNAMES[code]}],
        "forenames": [{"latin": "Olga"}],
        "date_of_birth": "2014-03-17" if code.startswith("child_") else "1984-03-17",
        "gender": "female",
        "nationalities": ["UA"],
    }
    data: dict[str, Any] = {
        "category": code.value,
        "action": sorted(category.actions)[0].value,
        "issuing_authority": "Marker Authority",
        "national_reference": f"MARKER-{code}",
        "reason": "Marker reason that must never leave",
        "person": {k: v for k, v in given.items() if k in fields},
    }
    if category.requires_national_decision:
        data["national_decision"] = {
            "authority": "Marker Court",
            "reference": "MARKER-D",
            "decided_on": "2026-01-15",
        }
    if category.requires_return_details:
        data["return_details"] = {"decision_date": "2026-01-15"}
    if category.requires_biometrics:
        data["biometrics"] = [
            {"modality": "fingerprint", "format": "ISO/IEC 19794-2", "reference": "MARKER-B"}
        ]
    return codec.parse(AlertContent, orjson.dumps(data))


def gateway(profile: Profile, user: str = "eu-lisa-gw") -> Context:
    return make_ctx("DE", Role.SYSTEM_CLIENT, purpose=profile.purpose, user=user)


@pytest.fixture(scope="module")
def planted_app(tmp_path_factory: pytest.TempPathFactory) -> tuple[Limes, dict[CategoryCode, str]]:
    store = SqliteStore(tmp_path_factory.mktemp("screening") / "limes.db")
    store.migrate()
    app = built(store, FixedClock())
    ids = {}
    for code in SURNAMES:
        ids[code] = app.alerts.issue(make_ctx("DE"), planted(code)).alert.id
    return app, ids


def query(profile: Profile, code: CategoryCode) -> dict[str, Any]:
    born = "2014-03-17" if code.startswith("child_") else "1984-03-17"
    fields = {
        "surnames": [SURNAMES[code]],
        "forenames": ["Olga"],
        "date_of_birth": born,
        "external_reference": "APP-7",
    }
    return {k: v for k, v in fields.items() if k in profile.query}


CASES = [(p, c) for p in PROFILES for c in SURNAMES]


@pytest.mark.parametrize(("profile_id", "code"), CASES)
def test_each_profile_answers_exactly_its_fields(
    planted_app: tuple[Limes, dict[CategoryCode, str]], profile_id: str, code: CategoryCode
) -> None:
    app, ids = planted_app
    profile = PROFILES[profile_id]
    before = len(app.store.events_after(0, limit=10_000))
    answered = app.screening.screen(
        gateway(profile), profile.id, profile.system, query(profile, code)
    )
    answer = answered.answer
    has_name = "surnames" in (CATEGORIES[code].person_required | CATEGORIES[code].person_optional)
    expected_hit = code in profile.categories and has_name
    assert answer["source"] == "SIS"
    assert answer["profile"] == profile.id
    assert answer["hit"] is expected_hit
    allowed = {"source", "profile", "hit"} | (set() if profile.flag_only else {"results"})
    assert set(answer) == allowed
    if not profile.flag_only:
        if expected_hit:
            content = planted(code)
            want = {
                "source": "SIS",
                "category": code.value,
                "action": content.action.value,
                "sirene_bureau": "SIRENE DE",
                "issuing_state": "DE",
            }
            assert answer["results"] == [{k: want[k] for k in ("source", *profile.answer)}]
        else:
            assert answer["results"] == []
    text = orjson.dumps(answer).decode().lower()
    secrets = (MARKER, SURNAMES[code].lower(), "olga", "1984", "2014", ids[code].lower(), "app-7")
    for secret in secrets:
        assert secret not in text, f"{secret!r} left under {profile.id}"
    events = app.store.events_after(0, limit=10_000)[before:]
    notified = [e for e in events if e.type is EventType.SCREENING_HIT]
    if expected_hit and profile.notify_owner:
        assert [(e.alert_id, e.issuing_state) for e in notified] == [(ids[code], "DE")]
        assert notified[0].detail == {"profile": profile.id, "external_system": profile.system}
    else:
        assert notified == []


def test_a_profile_serves_its_own_system_and_purpose_only(
    planted_app: tuple[Limes, dict[CategoryCode, str]],
) -> None:
    app, _ = planted_app
    etias, ees = PROFILES["etias-screening"], PROFILES["ees-border-check"]
    asked = query(etias, CategoryCode.ARREST)
    with pytest.raises(Forbidden, match="has no screening profile"):
        app.screening.screen(gateway(etias), etias.id, ees.system, asked)  # another system
    with pytest.raises(NotFound):
        app.screening.screen(gateway(etias), "no-such-profile", etias.system, asked)
    vis = PROFILES["vis-visa-check"]
    with pytest.raises(Forbidden, match="serves the purpose"):
        app.screening.screen(gateway(vis), etias.id, etias.system, asked)  # visa purpose
    guard = make_ctx("DE", Role.BORDER_GUARD, purpose=Purpose.BORDER_CHECK)
    with pytest.raises(Forbidden):
        app.screening.screen(guard, etias.id, etias.system, asked)  # not a system client


def test_fields_outside_the_profile_are_refused(
    planted_app: tuple[Limes, dict[CategoryCode, str]],
) -> None:
    app, _ = planted_app
    ees = PROFILES["ees-border-check"]
    with pytest.raises(InvalidInput) as refused:
        app.screening.screen(
            gateway(ees), ees.id, ees.system, {"surnames": ["Kowalczyk"], "gender": "female", **REF}
        )
    assert [e.pointer for e in refused.value.errors] == ["/gender"]
    etias = PROFILES["etias-screening"]
    with pytest.raises(InvalidInput) as missing:
        app.screening.screen(gateway(etias), etias.id, etias.system, {"surnames": ["Kowalczyk"]})
    assert [e.pointer for e in missing.value.errors] == ["/date_of_birth", "/external_reference"]
    with pytest.raises(InvalidInput):
        app.screening.screen(
            gateway(etias),
            etias.id,
            etias.system,
            {"surnames": ["Kowalczyk"], "date_of_birth": "17.03.1984", **REF},
        )


def test_the_profile_rate_and_daily_quota_hold_at_limes(tmp_path: Any) -> None:
    store = SqliteStore(tmp_path / "limes.db")
    store.migrate()
    clock = FixedClock()
    app = built(store, clock)
    tight = Profile(
        **{**_fields(PROFILES["ees-border-check"]), "burst": 2, "per_second": 1.0, "per_day": 3}
    )
    service = ScreeningService(app.search, app.usage, {tight.id: tight})
    ctx = gateway(tight)
    asked = {"surnames": ["Nobody"], **REF}
    for _ in range(2):
        assert service.screen(ctx, tight.id, tight.system, asked).answer["hit"] is False
    with pytest.raises(RateLimited) as limited:
        service.screen(ctx, tight.id, tight.system, asked)
    assert limited.value.retry_after >= 1
    clock.advance(timedelta(seconds=5))
    service.screen(ctx, tight.id, tight.system, asked)  # the third of the day
    clock.advance(timedelta(seconds=5))
    with pytest.raises(RateLimited, match="daily quota"):
        service.screen(ctx, tight.id, tight.system, asked)
    clock.advance(timedelta(days=1))
    service.screen(ctx, tight.id, tight.system, asked)  # a new day


def test_each_screening_is_audited_without_the_values(
    planted_app: tuple[Limes, dict[CategoryCode, str]],
) -> None:
    app, ids = planted_app
    service = ScreeningService(app.search, app.usage)
    service.audit = Memory()
    etias = PROFILES["etias-screening"]
    service.screen(gateway(etias), etias.id, etias.system, query(etias, CategoryCode.ARREST))
    entry = service.audit.entries[-1]
    assert entry.action == "screening:query"
    assert entry.refs["profile"] == etias.id and entry.refs["external_system"] == "etias"
    assert [a.id for a in entry.alerts] == [ids[CategoryCode.ARREST]]
    text = orjson.dumps(codec.to_jsonable(entry.query)).decode()
    assert entry.query and SURNAMES[CategoryCode.ARREST] not in text and "1984" not in text
    with pytest.raises(NotFound):
        service.profile("nothing")


def _fields(profile: Profile) -> dict[str, Any]:
    return {name: getattr(profile, name) for name in Profile.__slots__}
