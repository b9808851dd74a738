"""External identities: what ETIAS, EES and VIS screen under a profile that registers
identities is kept sealed under the EU's key, compared with the person alerts by the link
job (both ways), linked yellow for the alert's bureau, shown by colour, told to no one
outside Limes, and erased with its links after the profile's retention."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import FixedClock, built, make_ctx
from tests.crypto.helpers import files_under
from tests.factories import PERSON, content

from limes.bootstrap import Limes
from limes.domain.events import EventType
from limes.domain.roles import Purpose, Role
from limes.errors import Forbidden, InvalidInput, NotFound
from limes.policy.permissions import Context
from limes.policy.profiles import Profile, default_profiles
from limes.service.external_identities import ExternalIdentity, Gallery, opened
from limes.service.identity_links import Colour
from limes.store.sqlite import SqliteStore

PROFILES = default_profiles()
ETIAS = PROFILES["etias-screening"]
DE, FR = make_ctx("DE"), make_ctx("FR")
DE_POLICE = make_ctx("DE", Role.POLICE_OFFICER, purpose=Purpose.POLICE_CHECK)
REFERENCE = "ETIAS-2026-0000777"
APPLICATION: dict[str, Any] = {
    "surnames": ["Ivanova"],
    "forenames": ["Olga"],
    "date_of_birth": "1984-03-17",
    "external_reference": REFERENCE,
}


def gateway(profile: Profile) -> Context:
    return make_ctx("DE", Role.SYSTEM_CLIENT, purpose=profile.purpose, user="eu-lisa-gw")


@pytest.fixture
def app(tmp_path: Path, clock: FixedClock) -> Limes:
    store = SqliteStore(tmp_path / "limes.db")
    store.migrate()
    return built(store, clock)


def screen(app: Limes, fields: dict[str, Any] = APPLICATION) -> dict[str, Any]:
    return dict(app.screening.screen(gateway(ETIAS), ETIAS.id, ETIAS.system, fields).answer)


def external_links(app: Limes, ctx: Context, alert_id: str) -> list[Any]:
    return [
        k for k in app.identity_links.of_alert(ctx, alert_id).links if k.other_kind == "external"
    ]


def test_a_screened_identity_is_kept_sealed_and_the_answer_is_the_profiles(
    app: Limes, tmp_path: Path
) -> None:
    arrest = app.alerts.issue(DE, content(PERSON)).alert.id
    answer = screen(app)
    assert answer == {
        "source": "SIS",
        "profile": ETIAS.id,
        "hit": True,
        "results": [{"source": "SIS", "category": "arrest", "sirene_bureau": "SIRENE DE"}],
    }
    assert REFERENCE not in str(answer) and arrest not in str(answer)
    with app.store.read() as tx:
        [row] = tx.external_identities.pending(10)
        assert (row.system, row.profile) == ("etias", ETIAS.id)
        assert row.expires_at == row.registered_at + timedelta(days=ETIAS.retain_days)
        identity = opened(tx, app.alerts.crypto, row)
    assert identity == ExternalIdentity(
        REFERENCE, ("Ivanova",), ("Olga",), "1984-03-17", None, (), None
    )
    for path, data in files_under(tmp_path).items():  # the database, its WAL
        for value in (REFERENCE.encode(), b"Ivanova", b"1984-03-17"):
            assert value not in data, f"{value!r} in the clear in {path.name}"


def test_a_flag_only_profile_keeps_nothing(app: Limes) -> None:
    flag = PROFILES["law-enforcement-flag"]
    ctx = gateway(flag)
    app.screening.screen(ctx, flag.id, flag.system, {"surnames": ["Ivanova"]})
    with app.store.read() as tx:
        assert tx.external_identities.pending(10) == []


def test_a_bad_reference_is_refused_and_nothing_is_kept(app: Limes) -> None:
    for reference in ("", "has space", "x" * 65, "<script>"):
        with pytest.raises(InvalidInput):
            screen(app, {**APPLICATION, "external_reference": reference})
    with pytest.raises(InvalidInput):
        screen(app, {k: v for k, v in APPLICATION.items() if k != "external_reference"})
    with app.store.read() as tx:
        assert tx.external_identities.pending(10) == []


def test_the_link_job_links_a_registered_identity_to_the_alert_for_its_bureau(
    app: Limes, clock: FixedClock
) -> None:
    arrest = app.alerts.issue(DE, content(PERSON)).alert.id
    app.identity_links.detect()  # the alert's own run: nothing else to compare with
    screen(app)
    assert app.identity_links.detect() == 1
    assert app.identity_links.detect() == 0  # compared once
    [link] = external_links(app, DE, arrest)
    assert (link.alert_id, link.colour, link.external_system) == (arrest, Colour.YELLOW, "etias")
    assert link.external is not None and link.external.reference == REFERENCE
    created = [
        e for e in app.store.events_after(0, 1000) if e.type is EventType.IDENTITY_LINK_CREATED
    ]
    assert [(e.alert_id, e.issuing_state) for e in created] == [(arrest, "DE")]
    with app.store.read() as tx:
        assert tx.external_identities.pending(10) == []


def test_an_alert_issued_later_is_compared_with_the_live_identities(app: Limes) -> None:
    screen(app)  # nothing to link yet
    assert app.identity_links.detect() == 0
    arrest = app.alerts.issue(DE, content(PERSON)).alert.id
    assert app.identity_links.detect() == 1
    [link] = external_links(app, DE, arrest)
    assert link.external is not None and link.external.surnames == ("Ivanova",)


def test_another_identity_is_not_linked(app: Limes) -> None:
    app.alerts.issue(DE, content(PERSON))
    screen(app, {**APPLICATION, "surnames": ["Lindqvist"], "forenames": ["Sven"]})
    assert app.identity_links.detect() == 0


def test_only_the_alerts_bureau_sees_and_resolves_and_red_shows_no_identity(
    app: Limes, clock: FixedClock
) -> None:
    arrest = app.alerts.issue(DE, content(PERSON)).alert.id
    screen(app)
    app.identity_links.detect()
    [link] = external_links(app, DE, arrest)
    assert external_links(app, DE_POLICE, arrest) == []  # yellow: the bureau only
    with pytest.raises(NotFound):
        app.identity_links.resolve(FR, link.id, "red")
    with pytest.raises(Forbidden):
        app.identity_links.resolve(DE_POLICE, link.id, "red")
    with pytest.raises(InvalidInput):
        app.identity_links.resolve(DE, link.id, "yellow")
    clock.advance(timedelta(hours=2))
    green = app.identity_links.resolve(DE, link.id, "green")
    assert green.colour is Colour.GREEN and [c for c, _ in green.history] == ["yellow", "green"]
    assert external_links(app, DE_POLICE, arrest) == []  # green: the verifying bureau only
    red = app.identity_links.resolve(DE, link.id, "red")
    assert red.external is not None  # the bureau still sees what it verified
    [seen] = external_links(app, DE_POLICE, arrest)  # red: any reader of the alert
    assert seen.colour is Colour.RED and seen.external is None
    assert seen.external_system == "etias"
    resolved = [
        e for e in app.store.events_after(0, 1000) if e.type is EventType.IDENTITY_LINK_RESOLVED
    ]
    assert [e.detail["colour"] for e in resolved] == ["green", "red"]


def test_an_identity_past_its_retention_goes_with_its_links(app: Limes, clock: FixedClock) -> None:
    arrest = app.alerts.issue(DE, content(PERSON)).alert.id
    screen(app)
    app.identity_links.detect()
    assert len(external_links(app, DE, arrest)) == 1
    clock.advance(timedelta(days=ETIAS.retain_days, seconds=1))
    app.identity_links.detect()
    assert external_links(app, DE, arrest) == []
    with app.store.read() as tx:
        assert tx.external_identities.live(clock(), "", 10) == []
        assert tx.external_identities.expired(clock(), 10) == []


def test_the_gallery_holds_the_live_identities_only(app: Limes, clock: FixedClock) -> None:
    screen(app)
    with app.store.read() as tx:
        gallery = Gallery(tx, app.alerts.crypto, clock())
        later = Gallery(tx, app.alerts.crypto, clock() + timedelta(days=ETIAS.retain_days + 1))
    [found] = list(
        gallery.matching(
            ExternalIdentity(REFERENCE, ("Ivanova",), ("Olga",), "1984-03-17").query, 5
        )
    )
    assert found[0].profile == ETIAS.id and found[1] >= 0.8
    assert list(later.matching(ExternalIdentity("x", ("Ivanova",)).query, 5)) == []
