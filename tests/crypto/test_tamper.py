"""Edits made with database access alone are detected on read, and the read fails closed.

Each test changes bytes straight in the SQLite file (another connection, as a database
administrator would) and reads through the service: the read raises
``IntegrityError`` and returns nothing of the altered record.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.api.helpers import TestClient, headers
from tests.conftest import TEST_KEYRING, FixedClock, make_ctx
from tests.factories import PERSON, VEHICLE, content, doc
from tests.identity.helpers import PASSWORD, code, seed

from limes import codec
from limes.api.app import create_app
from limes.bootstrap import Limes, build
from limes.config import AuthMode, Environment, Settings
from limes.crypto import open_crypto
from limes.crypto.fields import HEADER, from_text
from limes.crypto.keys import IntegrityError
from limes.domain.alerts import MisusedIdentity
from limes.domain.roles import Purpose, Role
from limes.store.alert_ids import id_in
from limes.store.sqlite import SqliteStore

DE, FR, IT = make_ctx("DE"), make_ctx("FR"), make_ctx("IT")
CUSTODIAN = make_ctx("DE", Role.KEY_CUSTODIAN, purpose=Purpose.OPERATIONS)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "limes.db"


@pytest.fixture
def app(tmp_path: Path, db_path: Path, clock: FixedClock) -> Iterator[Limes]:
    store = SqliteStore(db_path)
    store.migrate()
    settings = Settings(
        var_dir=tmp_path,
        environment=Environment.DEVELOPMENT,
        auth=AuthMode.UNSAFE_DEV_HEADERS,
        test_only_weak_password_hashing=True,
    )
    limes = build(settings, store=store, clock=clock, keyring=TEST_KEYRING)
    yield limes
    limes.close()


def admin(db_path: Path, sql: str, params: tuple[object, ...] = ()) -> list[Any]:
    """What a database administrator does: plain SQL on the file, behind the service's back."""
    conn = sqlite3.connect(db_path)
    try:
        with conn:
            return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def body_of(db_path: Path, alert_id: str) -> bytes:
    (row,) = admin(db_path, "SELECT body FROM alerts WHERE id = ?", (id_in(alert_id),))
    assert isinstance(row[0], bytes)
    return row[0]


def set_body(db_path: Path, alert_id: str, body: bytes) -> None:
    admin(db_path, "UPDATE alerts SET body = ? WHERE id = ?", (body, id_in(alert_id)))


def person(n: int) -> dict[str, object]:
    """PERSON on another subject (another surname, no document), so both can be held."""
    changed = doc(PERSON, national_reference=f"BKA-2026-{n:04d}")
    changed["person"] = {
        **changed["person"],
        "surnames": [{"latin": "Ivanova" + "bcdefg"[n]}],
        "documents": [],
    }
    return changed


def test_a_body_swapped_between_two_alerts_is_detected(app: Limes, db_path: Path) -> None:
    one = app.alerts.issue(DE, content(person(1))).alert.id
    two = app.alerts.issue(DE, content(person(2))).alert.id
    first, second = body_of(db_path, one), body_of(db_path, two)
    set_body(db_path, one, second)
    set_body(db_path, two, first)
    for alert_id in (one, two):
        with pytest.raises(IntegrityError, match="moved from another record"):
            app.alerts.get(DE, alert_id)


@pytest.mark.parametrize("where", [0, 2, 9, 15, 21, 40, -1], ids=lambda w: f"byte-{w}")
def test_a_flipped_byte_anywhere_is_detected(app: Limes, db_path: Path, where: int) -> None:
    alert_id = app.alerts.issue(DE, content(PERSON)).alert.id
    body = bytearray(body_of(db_path, alert_id))
    body[where] ^= 0x01
    set_body(db_path, alert_id, bytes(body))
    with pytest.raises(IntegrityError):
        app.alerts.get(DE, alert_id)


def test_an_edited_key_version_or_scope_is_detected(app: Limes, db_path: Path) -> None:
    alert_id = app.alerts.issue(DE, content(PERSON)).alert.id
    sealed = body_of(db_path, alert_id)
    magic, fmt, scope, version = HEADER.unpack_from(sealed)
    assert (magic, fmt, scope, version) == (b"LE", 1, b"DE", 1)

    set_body(db_path, alert_id, HEADER.pack(magic, fmt, scope, 2) + sealed[HEADER.size :])
    with pytest.raises(IntegrityError, match="no data key DE version 2"):
        app.alerts.get(DE, alert_id)

    app.keys.rotate_data_keys(CUSTODIAN)  # version 2 now exists
    with pytest.raises(IntegrityError, match="fails its integrity check"):
        app.alerts.get(DE, alert_id)

    app.alerts.issue(FR, content(VEHICLE))  # FR's data key exists too
    set_body(db_path, alert_id, HEADER.pack(magic, fmt, b"FR", 1) + sealed[HEADER.size :])
    with pytest.raises(IntegrityError, match="sealed for FR, not DE"):
        app.alerts.get(DE, alert_id)

    set_body(db_path, alert_id, sealed)  # put back, it reads again
    assert app.alerts.get(DE, alert_id).alert.content == content(PERSON)


def test_a_value_moved_to_another_field_is_detected(app: Limes, db_path: Path) -> None:
    alert_id = app.alerts.issue(DE, content(PERSON)).alert.id
    app.alerts.extend(DE, alert_id, "still wanted", expected_version=1)
    (row,) = admin(db_path, "SELECT body, extensions FROM alerts WHERE id = ?", (id_in(alert_id),))
    admin(db_path, "UPDATE alerts SET body = ? WHERE id = ?", (row[1], id_in(alert_id)))
    with pytest.raises(IntegrityError):
        app.alerts.get(DE, alert_id)


def test_garbage_and_plaintext_are_refused(app: Limes, db_path: Path) -> None:
    alert_id = app.alerts.issue(DE, content(PERSON)).alert.id
    for stored in (b"", b"LE", codec.encode(content(PERSON)), body_of(db_path, alert_id)[:30]):
        set_body(db_path, alert_id, stored)
        with pytest.raises(IntegrityError):
            app.alerts.get(DE, alert_id)


def victim(surname: str) -> MisusedIdentity:
    data = {
        "consent": {"given_on": "2026-05-02", "reference": "CONSENT-7"},
        "person": {"surnames": [{"latin": surname}], "date_of_birth": "1990-02-03"},
    }
    return codec.parse(MisusedIdentity, orjson.dumps(data))


def test_misused_identities_swapped_between_alerts_are_detected(app: Limes, db_path: Path) -> None:
    one = app.alerts.issue(DE, content(person(1)), misused_identity=victim("Schmidt")).alert.id
    two = app.alerts.issue(DE, content(person(2)), misused_identity=victim("Meier")).alert.id
    assert app.alerts.get_misused_identity(DE, one).person.surnames[0].latin == "Schmidt"
    rows = dict(admin(db_path, "SELECT alert_id, body FROM misused_identities"))
    admin(db_path, "UPDATE misused_identities SET body = ? WHERE alert_id = ?", (rows[two], one))
    with pytest.raises(IntegrityError):
        app.alerts.get_misused_identity(DE, one)


def test_flag_reasons_swapped_between_states_are_detected(app: Limes, db_path: Path) -> None:
    alert_id = app.alerts.issue(DE, content(PERSON)).alert.id
    app.relations.request_flag(FR, alert_id, "not under French law")
    app.relations.request_flag(IT, alert_id, "not under Italian law")
    reasons = dict(admin(db_path, "SELECT state, reason FROM alert_flags"))
    assert "law" not in str(reasons)
    from_text(str(reasons["FR"]))  # stored as the text form of an envelope
    admin(db_path, "UPDATE alert_flags SET reason = ? WHERE state = 'FR'", (reasons["IT"],))
    with pytest.raises(IntegrityError):
        app.alerts.get(DE, alert_id)


def test_a_swapped_totp_secret_fails_the_login_closed(app: Limes, db_path: Path) -> None:
    accounts = app.accounts
    op, user = seed(accounts)
    stored = dict(admin(db_path, "SELECT username, totp_secret FROM accounts"))
    assert user.totp_secret is not None and user.totp_secret not in str(stored)
    now = accounts.clock()
    assert accounts.login(user.username, PASSWORD, code(user, now)).account.id == user.id
    admin(
        db_path,
        "UPDATE accounts SET totp_secret = ? WHERE username = ?",
        (stored[op.username], user.username),
    )
    with pytest.raises(IntegrityError):
        accounts.login(user.username, PASSWORD, code(user, now))


def test_wrapped_data_keys_swapped_between_states_are_detected(app: Limes, db_path: Path) -> None:
    de = app.alerts.issue(DE, content(PERSON)).alert.id
    app.alerts.issue(FR, content(VEHICLE))
    rows = dict(
        (s, (k, w)) for s, k, w in admin(db_path, "SELECT scope, kek_id, wrapped FROM data_keys")
    )
    admin(db_path, "UPDATE data_keys SET wrapped = ? WHERE scope = 'DE'", (rows["FR"][1],))
    fresh = open_crypto(app.store, TEST_KEYRING)  # a process that has not unwrapped it yet
    sealed = body_of(db_path, de)
    with pytest.raises(IntegrityError, match="does not unwrap"):
        fresh.fields.open("DE", de, "body", sealed)


def test_the_api_answers_an_altered_alert_with_a_bare_500(app: Limes, db_path: Path) -> None:
    alert_id = app.alerts.issue(DE, content(PERSON)).alert.id
    body = bytearray(body_of(db_path, alert_id))
    body[-1] ^= 0x80
    set_body(db_path, alert_id, bytes(body))
    client = TestClient(create_app(app), raise_server_exceptions=False)
    answer = client.get(f"/v1/alerts/{alert_id}", headers=headers())
    assert answer.status_code == 500
    assert answer.json()["type"] == "urn:limes:problem:internal-error"
    assert "Ivanova" not in answer.text and "L898902C3" not in answer.text
