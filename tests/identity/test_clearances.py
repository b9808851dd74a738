"""The clearance register: strict CSV, every bad line reported, all or nothing; the report."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from tests.conftest import FixedClock
from tests.identity.helpers import CLEARANCE, PASSWORD, admit, agree, client, guard, operator, seed

from limes.domain.roles import Clearance, Purpose, Role
from limes.errors import Forbidden, InvalidInput
from limes.identity.clearances import end_of_day, last_day, parse
from limes.policy.permissions import Context, Principal
from limes.service.accounts import AccountService

HEADER = "username,level,vetting_reference,valid_until\n"


def test_a_good_register_parses() -> None:
    rows, errors = parse(
        "\ufeff"
        + HEADER
        + 'guard-1,SECRET,"BfV-2026-0042, Ü2",2027-03-31\r\nop-de,RESTRICTED,R-1,2026-12-31\n'
    )
    assert errors == []
    assert [(r.line, r.username) for r in rows] == [(2, "guard-1"), (3, "op-de")]
    assert rows[0].clearance == Clearance(
        "SECRET", "BfV-2026-0042, Ü2", datetime(2027, 4, 1, tzinfo=UTC)
    )


def test_valid_until_is_the_last_valid_day() -> None:
    c = Clearance("SECRET", "x", end_of_day(date(2026, 12, 31)))
    assert c.valid_at(datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))
    assert not c.valid_at(datetime(2027, 1, 1, tzinfo=UTC))
    assert last_day(c) == date(2026, 12, 31)


def test_every_bad_line_is_reported_with_its_number() -> None:
    text = (
        HEADER
        + "guard-1,SECRET,R-1,2027-03-31\n"  # 2: good
        + "guard-2,secret,R-2,2027-03-31\n"  # 3: level is case-sensitive
        + "guard-3,SECRET,R-3,31.03.2027\n"  # 4: not ISO
        + "guard-4,SECRET,R-4,20270331\n"  # 5: ISO basic format refused too
        + "guard-5,SECRET,R-5,2027-02-30\n"  # 6: no such day
        + "guard-1,SECRET,R-6,2027-03-31\n"  # 7: listed twice
        + "guard-7,SECRET,2027-03-31\n"  # 8: three fields
        + "\n"  # 9: empty line
        + 'guard-8,SECRET,"two\nlines",2027-03-31\n'  # 10-11: control character in reference
        + "Guard 9,SECRET,,2027-03-31\n"  # 12: bad username and empty reference
    )
    rows, errors = parse(text)

    assert [r.line for r in rows] == [2]
    assert [e.pointer for e in errors] == [
        "/line/3/level",
        "/line/4/valid_until",
        "/line/5/valid_until",
        "/line/6/valid_until",
        "/line/7/username",
        "/line/8",
        "/line/9",
        "/line/10/vetting_reference",
        "/line/12/username",
        "/line/12/vetting_reference",
    ]
    assert errors[4].detail == "is already listed on line 2"


@pytest.mark.parametrize(
    "text",
    ["", "username,level,vetting_reference\n", "user,level,vetting_reference,valid_until\n"],
)
def test_the_header_is_exact(text: str) -> None:
    rows, errors = parse(text + "guard-1,SECRET,R-1,2027-03-31\n")
    assert rows == []
    assert [e.pointer for e in errors] == ["/line/1"]


def test_import_is_all_or_nothing(each_store: AccountService) -> None:
    seed(each_store)
    each_store.bootstrap_operator(operator("FR"), PASSWORD)
    admit(each_store, "op-de", "op-de-2", guard("guard-2", clearance=None))
    op = each_store.acting("op-de")
    bad = (
        HEADER
        + "guard-1,TOP_SECRET,R-1,2027-03-31\n"
        + "guard-2,SECRET,R-2,2027-03-31\n"
        + "op-fr,SECRET,R-3,2027-03-31\n"  # another state's account
        + "ghost,SECRET,R-4,2027-03-31\n"  # no such account
        + "guard-2,SECRET,R-5,2027-13-01\n"  # bad date (and listed twice)
    )
    with pytest.raises(InvalidInput, match="nothing was imported") as refused:
        each_store.import_clearances(op, bad)
    assert [(e.pointer, e.detail) for e in refused.value.errors] == [
        ("/line/4/username", "belongs to FR, not DE"),
        ("/line/5/username", "there is no account ghost"),
        ("/line/6/username", "is already listed on line 3"),
        ("/line/6/valid_until", "must be a calendar date YYYY-MM-DD"),
    ]
    assert each_store.get(op, "guard-1").clearance == CLEARANCE  # unchanged
    assert each_store.get(op, "guard-2").clearance is None

    good = HEADER + "guard-1,TOP_SECRET,R-1,2027-03-31\nguard-2,SECRET,R-2,2026-07-15\n"
    change = each_store.import_clearances(op, good)
    assert each_store.get(op, "guard-2").clearance is None  # proposed, not yet applied
    assert agree(each_store, change).change.accounts == ("guard-1", "guard-2")
    assert each_store.get(op, "guard-1").clearance == Clearance(
        "TOP_SECRET", "R-1", datetime(2027, 4, 1, tzinfo=UTC)
    )


def test_import_needs_an_operator(service: AccountService) -> None:
    _, user = seed(service)

    with pytest.raises(Forbidden):
        service.import_clearances(Context(Principal.of(user), Purpose.BORDER_CHECK), HEADER)
    with pytest.raises(InvalidInput) as empty:
        service.import_clearances(service.acting("op-de"), HEADER)
    assert empty.value.errors[0].detail == "the register lists no account"


def test_report(service: AccountService, clock: FixedClock) -> None:
    seed(service)  # op-de (no clearance), guard-1 (clearance until 2027-01-01)
    op = service.acting("op-de")
    now = clock.now
    soon = Clearance("SECRET", "R-soon", now + timedelta(days=30))
    later = Clearance("SECRET", "R-later", now + timedelta(days=30, microseconds=1))
    gone = Clearance("SECRET", "R-gone", now)
    keys = guard("keys", clearance=None, roles=frozenset({Role.KEY_CUSTODIAN}))
    for new in (
        guard("expiring", clearance=soon),
        guard("fine", clearance=later),
        guard("expired", clearance=gone),
        client("gateway"),
        keys,
    ):
        admit(service, "op-de", "op-de-2", new)
    service.bootstrap_operator(operator("FR"), PASSWORD)  # another state: not listed

    report = service.report(op)

    assert report.member_state == "DE"
    assert [e.username for e in report.expiring] == ["expiring"]
    assert report.expiring[0].clearance_last_day == (now + timedelta(days=30)).date().isoformat()
    assert [e.username for e in report.expired] == ["expired"]
    assert [e.username for e in report.without_clearance] == ["keys", "op-de", "op-de-2"]
    assert [(e.username, e.roles) for e in report.administrators] == [
        ("keys", (Role.KEY_CUSTODIAN,)),
        ("op-de", (Role.SYSTEM_OPERATOR,)),
        ("op-de-2", (Role.SYSTEM_OPERATOR,)),
    ]
