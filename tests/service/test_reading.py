"""Bulk extraction is stopped: the extraction scripts of issue 11 each end refused,
having read at most the bound, on both stores (``service/reading.py``)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

import pytest
from tests.conftest import FixedClock, built, make_ctx
from tests.store_peek import peek

from limes.bootstrap import Limes
from limes.config import ReadBounds
from limes.demo.generator import DemoGenerator
from limes.domain.categories import CategoryCode
from limes.domain.roles import Purpose, Role
from limes.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    LimesError,
    NotFound,
    RateLimited,
    ReadsBlocked,
)
from limes.policy.permissions import Context
from limes.service.alerts import AlertService
from limes.service.demo import load
from limes.service.reading import BLOCKED, LIFTED, ReadBlocks, ReadGuard
from limes.service.relations import RelationService
from limes.store.port import AlertFilter, Store

BOUNDS = ReadBounds(
    per_hour=40, per_day=100, authority_per_hour=90, authority_per_day=200, daily_reads=10_000
)
ALERTS = 160


def guard(ctx_state: str = "DE", user: str = "guard-1", authority: str = "BPOL") -> Context:
    return make_ctx(
        ctx_state, Role.BORDER_GUARD, purpose=Purpose.BORDER_CHECK, user=user, authority=authority
    )


def dpo(user: str = "dpo", state: str = "DE") -> Context:
    return make_ctx(
        state,
        Role.DATA_PROTECTION_OFFICER,
        purpose=Purpose.DATA_PROTECTION,
        user=user,
        authority="BfDI",
    )


def operator(user: str = "ops", state: str = "DE") -> Context:
    return make_ctx(
        state, Role.SYSTEM_OPERATOR, purpose=Purpose.OPERATIONS, user=user, authority="OPS"
    )


@pytest.fixture
def app(store: Store, clock: FixedClock) -> Limes:
    return built(
        store,
        clock,
        reads_per_hour=BOUNDS.per_hour,
        reads_per_day=BOUNDS.per_day,
        authority_reads_per_hour=BOUNDS.authority_per_hour,
        authority_reads_per_day=BOUNDS.authority_per_day,
        daily_read_quota=BOUNDS.daily_reads,
    )


@pytest.fixture
def alerts(app: Limes) -> AlertService:
    service = app.alerts
    items = DemoGenerator(seed=11).alerts(persons=ALERTS // 2, objects=ALERTS // 2)
    for _ in load(service, items, batch=200):
        pass
    return service


@pytest.fixture
def blocks(app: Limes) -> ReadBlocks:
    return app.read_blocks


@dataclass
class Script:
    """What an extraction script got before it was refused."""

    read: set[str] = field(default_factory=set)
    refused: LimesError | None = None


def walk(
    alerts: AlertService, ctx: Context, where: AlertFilter, reread: str | None = None
) -> Script:
    """Page through ``where`` until the end or a refusal; with ``reread``, read that
    alert again between pages (the trick that reset the old sequential-walk counter)."""
    out, cursor = Script(), None
    while True:
        try:
            page = alerts.list(ctx, replace(where, after=cursor))
            out.read |= {item.alert.id for item in page.items}
            if reread is not None:
                out.read.add(alerts.get(ctx, reread).alert.id)
        except LimesError as exc:
            out.refused = exc
            return out
        if page.next_cursor is None:
            return out
        cursor = page.next_cursor


def states(store: Store) -> list[str]:
    with store.read() as tx:
        return [s for (s,) in peek(tx).rows("SELECT DISTINCT issuing_state FROM alerts ORDER BY 1")]


def all_ids(store: Store) -> list[str]:
    with store.read() as tx:
        return [r.id for r in tx.alerts.list(AlertFilter(limit=500))]


def event_kinds(store: Store) -> list[str]:
    with store.read() as tx:
        return [e.kind for e in tx.security_events.after(limit=1000)]


def test_the_honest_single_list_of_fifty_raises_nothing(alerts: AlertService, store: Store) -> None:
    page = alerts.list(guard(), AlertFilter(category=CategoryCode.ARREST.value, limit=50))
    assert page.items
    assert event_kinds(store) == []


def test_a_border_guard_lists_no_page_larger_than_its_role_and_names_a_criterion(
    alerts: AlertService, store: Store
) -> None:
    with pytest.raises(InvalidInput) as exc:
        alerts.list(guard(), AlertFilter(issuing_state="DE", limit=500))
    assert [e.pointer for e in exc.value.errors] == ["/query/limit"]
    with pytest.raises(Forbidden, match="category, object type or issuing state"):
        alerts.list(guard(), AlertFilter(limit=50))
    system = make_ctx("DE", Role.SYSTEM_CLIENT, purpose=Purpose.BORDER_CHECK, user="nat-sys")
    with pytest.raises(Forbidden):
        alerts.list(system, AlertFilter(limit=10))
    # the roles that keep or review alerts browse, in larger pages
    alerts.reads.list_rules(dpo(), AlertFilter(limit=200))
    with pytest.raises(InvalidInput):
        alerts.reads.list_rules(dpo(), AlertFilter(limit=201))
    assert alerts.list(make_ctx("DE"), AlertFilter(limit=10)).items  # SIRENE bureau


def test_pages_of_the_largest_size_end_refused_with_at_most_the_bound_read(
    alerts: AlertService, store: Store
) -> None:
    found = {
        s: walk(alerts, guard(), AlertFilter(issuing_state=s, limit=50)) for s in states(store)
    }
    read = set().union(*(s.read for s in found.values()))
    assert len(read) <= BOUNDS.per_hour
    assert any(isinstance(s.refused, ReadsBlocked) for s in found.values())
    assert event_kinds(store) == [BLOCKED]
    # blocked: even one alert already read, and a search with nothing to open, are refused
    with pytest.raises(ReadsBlocked):
        alerts.get(guard(), next(iter(read)))
    with pytest.raises(ReadsBlocked):
        alerts.reads.opened(guard(), [])


def test_pages_of_45_with_rereads_of_the_lowest_id_end_refused(
    alerts: AlertService, store: Store
) -> None:
    police = make_ctx("DE", Role.POLICE_OFFICER, purpose=Purpose.POLICE_CHECK, authority="LKA")
    first = alerts.list(police, AlertFilter(issuing_state="DE", limit=1)).items[0].alert.id
    got = Script()
    for state in states(store):
        one = walk(alerts, police, AlertFilter(issuing_state=state, limit=45), reread=first)
        got.read |= one.read
        got.refused = got.refused or one.refused
    assert isinstance(got.refused, ReadsBlocked)
    assert len(got.read) <= BOUNDS.per_hour


def test_many_principals_of_one_authority_end_refused_with_at_most_its_bound(
    alerts: AlertService, store: Store
) -> None:
    """Each officer stays under its own bound (30 of 40); the authority's stops them."""
    read: set[str] = set()
    ids = all_ids(store)
    with pytest.raises(ReadsBlocked, match="authority BPOL/DE is blocked"):
        for n in range(len(ids) // 30):
            officer = guard(user=f"guard-{n}")
            for start in range(n * 30, n * 30 + 30, 10):
                alerts.reads.opened(officer, ids[start : start + 10])
                read |= set(ids[start : start + 10])
    assert len(read) <= BOUNDS.authority_per_hour
    # the authority is blocked: a colleague who has read nothing is refused too,
    # another authority of the same state is not
    with pytest.raises(ReadsBlocked, match="authority BPOL/DE"):
        alerts.list(guard(user="fresh"), AlertFilter(issuing_state="DE", limit=1))
    assert alerts.list(guard(user="x", authority="ZOLL"), AlertFilter(issuing_state="DE", limit=1))


def test_a_slow_pace_ends_refused_by_the_daily_bound(
    alerts: AlertService, store: Store, clock: FixedClock
) -> None:
    """Just under the hourly bound every hour: the sliding 24 hours stop it."""
    ids, read = all_ids(store), set[str]()
    refused = None
    for hour in range(len(ids) // 30):
        chunk = ids[hour * 30 : hour * 30 + 30]
        try:
            alerts.reads.opened(guard(), chunk)
        except ReadsBlocked as exc:
            refused = exc
            break
        read |= set(chunk)
        clock.advance(hours=1, minutes=1)
    assert refused is not None
    assert len(read) <= BOUNDS.per_day


def test_rereading_opens_nothing_new(alerts: AlertService, store: Store) -> None:
    page = alerts.list(guard(), AlertFilter(issuing_state="DE", limit=30))
    for _ in range(10):  # 300 reads of the same 30 alerts: far fewer than the bound of 40
        again = alerts.list(guard(), AlertFilter(issuing_state="DE", limit=30))
        assert again.items == page.items
    assert event_kinds(store) == []


def test_the_bound_holds_across_processes(
    alerts: AlertService, store: Store, clock: FixedClock
) -> None:
    """Two guards on one store (two worker processes) share one count."""
    processes = (ReadGuard(store, clock, BOUNDS), ReadGuard(store, clock, BOUNDS))
    ids, read = all_ids(store), set[str]()
    with pytest.raises(ReadsBlocked):
        for n in range(0, len(ids), 7):
            processes[n % 2].opened(guard(), ids[n : n + 7])
            read |= set(ids[n : n + 7])
    assert len(read) <= BOUNDS.per_hour


def test_a_block_stays_until_a_dpo_of_the_same_state_lifts_it(
    alerts: AlertService, blocks: ReadBlocks, store: Store, clock: FixedClock
) -> None:
    ids = all_ids(store)
    with pytest.raises(ReadsBlocked):
        alerts.reads.opened(guard(), ids[: BOUNDS.per_hour + 1])
    clock.advance(days=3)  # time alone lifts nothing
    with pytest.raises(ReadsBlocked):
        alerts.get(guard(), ids[0])
    (block,) = blocks.list(dpo()).items
    assert block.principal == "guard-1@BPOL/DE"
    assert blocks.list(dpo("x", "FR")).items == ()
    with pytest.raises(NotFound):
        blocks.lift(dpo("x", "FR"), block.id, "not my state")
    with pytest.raises(Forbidden):
        blocks.lift(guard(), block.id, "I lift my own")
    with pytest.raises(Forbidden):
        blocks.lift(guard(user="colleague"), block.id, "border guards lift nothing")
    with pytest.raises(ReadsBlocked):
        alerts.get(guard(), ids[0])
    lifted = blocks.lift(operator(), block.id, "exercise announced to the DPO").block
    assert lifted.lifted_by == "ops@OPS/DE"
    with pytest.raises(Conflict):
        blocks.lift(dpo(), block.id, "again")
    assert alerts.get(guard(), ids[0]).alert.id == ids[0]  # the count starts again
    assert event_kinds(store) == [BLOCKED, LIFTED]
    assert blocks.list(dpo()).items == ()
    assert [b.id for b in blocks.list(dpo(), in_force_only=False).items] == [block.id]


def test_the_daily_read_quota_is_shared_by_every_process(
    alerts: AlertService, store: Store, clock: FixedClock
) -> None:
    bounds = replace(BOUNDS, daily_reads=25)
    first, second = ReadGuard(store, clock, bounds), ReadGuard(store, clock, bounds)
    ids = all_ids(store)[:20]
    first.opened(guard(), ids)
    with pytest.raises(RateLimited, match="daily quota"):
        second.opened(guard(), ids[:6])
    second.opened(guard(), ids[:5])
    clock.advance(timedelta(days=1))
    second.opened(guard(), ids)


def alerts_of(store: Store, *, state: str, other: bool = False) -> list[str]:
    with store.read() as tx:
        found = tx.alerts.list(AlertFilter(limit=500))
    return [r.id for r in found if (r.issuing_state != state) is other]


def test_flag_requests_open_the_alerts_they_answer_and_stop_at_the_bound(
    alerts: AlertService, store: Store
) -> None:
    """A flag request answers the whole alert as the flagging bureau sees it: a door
    to other states' alerts that must count like a read, and stop like one."""
    relations, bureau = RelationService(alerts), make_ctx("FR")
    answered: set[str] = set()
    with pytest.raises(ReadsBlocked):
        for alert_id in alerts_of(store, state="FR", other=True):
            answered.add(relations.request_flag(bureau, alert_id, "flag it").alert.id)
    assert len(answered) <= BOUNDS.authority_per_hour
    requested = next(iter(answered))
    # blocked: neither a new request nor a withdrawal answers, and neither writes
    with pytest.raises(ReadsBlocked):
        relations.withdraw_flag(bureau, requested, "FR")
    untouched = next(a for a in alerts_of(store, state="FR", other=True) if a not in answered)
    with pytest.raises(ReadsBlocked):
        relations.request_flag(bureau, untouched, "flag it")
    with store.read() as tx:
        assert [f.status.value for f in tx.flags.of(requested)] == ["requested"]
        assert tx.flags.of(untouched) == []


def test_a_blocked_bureau_opens_nothing_by_linking_its_own_alerts(
    alerts: AlertService, store: Store
) -> None:
    relations, bureau = RelationService(alerts), make_ctx("DE")
    own = alerts_of(store, state="DE")
    with pytest.raises(ReadsBlocked):
        alerts.reads.opened(bureau, all_ids(store))
    with pytest.raises(ReadsBlocked):
        relations.link(bureau, own[0], own[1])
    with store.read() as tx:
        assert tx.links.of(own[0]) == []


def test_concurrent_answers_share_one_transaction_and_count_as_one_after_another(
    alerts: AlertService, store: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Answers that arrive while a count commits are counted together in the next
    transaction (one fsync, no thread in SQLite's busy handler: issue 13's tail), each
    as if alone: the answer that passes the bound is refused and blocks, the ones
    before it pass, the ones after it meet the block."""
    reads = ReadGuard(store, clock, BOUNDS)
    opened: list[int] = []
    real = store.transaction

    def counted() -> Any:
        opened.append(1)
        return real()

    monkeypatch.setattr(store, "transaction", counted)
    ids = all_ids(store)
    outcomes: dict[int, str] = {}

    def answer(n: int) -> None:
        try:
            reads.opened(guard(), ids[n * 15 : n * 15 + 15])
            outcomes[n] = "answered"
        except ReadsBlocked:
            outcomes[n] = "refused"

    threads = [threading.Thread(target=answer, args=(n,)) for n in range(4)]
    with reads._counting.exclusive():  # a commit under way: the four queue behind it
        for n, thread in enumerate(threads):
            thread.start()
            while reads._counting.queued() < n + 1:
                time.sleep(0.001)
    for thread in threads:
        thread.join(10)
    assert opened == [1]  # one transaction for the four
    # 15 + 15 distinct alerts pass the hourly bound of 40; the third answer would make 45
    assert sorted(outcomes.values()) == ["answered", "answered", "refused", "refused"]
    assert event_kinds(store) == [BLOCKED]
