"""The central pair (store/central.py): status, promotion and the fencing rule.

Rule 1 (every writer checks the term) runs on the test server; rules 2 and 3 and the
status need a real primary and standby (tests/pg_pair.py), made here per test.
"""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql as pgsql
from tests.contract.test_alerts import record
from tests.pg_pair import central_pair

from limes.errors import Fenced
from limes.store import central
from limes.store.postgres import PostgresStore

pytestmark = pytest.mark.postgres


def _set_term(store: PostgresStore, term: int, site: str) -> None:
    with psycopg.connect(store._url, autocommit=True) as conn:
        conn.execute(pgsql.SQL("SET search_path TO {}").format(pgsql.Identifier(store.schema)))
        central.write_term(conn, central.Term(term, site))


def _migrate(url: str) -> None:
    store = PostgresStore(url)
    try:
        store.migrate()
    finally:
        store.close()


def test_a_server_that_does_not_hold_the_term_refuses_every_write_and_read(
    postgres_store: PostgresStore,
) -> None:
    with postgres_store.transaction() as tx:  # no row: term 0, the one primary writes
        tx.alerts.insert(record("A-1"))
    site = postgres_store._connection().execute("SHOW cluster_name").fetchone()
    assert site is not None
    _set_term(postgres_store, 3, "elsewhere")
    with pytest.raises(Fenced, match="term 3 belongs to 'elsewhere'"):
        with postgres_store.transaction() as tx:
            tx.alerts.insert(record("A-2"))
    with pytest.raises(Fenced, match="term 3 belongs to 'elsewhere'"):
        with postgres_store.read() as tx:
            tx.alerts.get("A-1")
    with pytest.raises(Fenced):
        postgres_store.bulk_insert([record("A-3")], [])
    _set_term(postgres_store, 3, site[0])  # this server holds term 3: it writes again
    with postgres_store.transaction() as tx:
        tx.alerts.insert(record("A-4"))
    _set_term(postgres_store, 2, site[0])  # an older term than this writer has seen
    with pytest.raises(Fenced, match="holds term 2, but term 3 was seen"):
        with postgres_store.transaction() as tx:
            tx.alerts.insert(record("A-5"))
    with pytest.raises(Fenced, match="holds term 2, but term 3 was seen"):
        with postgres_store.read() as tx:  # nor does it answer reads: they may be behind
            tx.alerts.get("A-1")
    _set_term(postgres_store, 3, site[0])
    with postgres_store.read() as tx:
        assert tx.alerts.get("A-1") is not None and tx.alerts.get("A-4") is not None
        assert [tx.alerts.get(i) for i in ("A-2", "A-3", "A-5")] == [None, None, None]


def test_status_shows_the_primary_its_synchronous_standby_and_the_standby() -> None:
    with central_pair() as (primary, standby):
        _migrate(primary.url)
        up = central.status(primary.url, "limes")
        assert up["role"] == "primary" and up["site"] == "limes_a" and up["term"] == 0
        assert up["fenced"] is False and up["synchronous_standby_names"] == "limes_b"
        [follower] = up["standbys"]  # type: ignore[misc]
        assert follower["name"] == "limes_b" and follower["sync_state"] == "sync"
        down = central.status(standby.url, "limes")
        assert down["role"] == "standby" and down["site"] == "limes_b"
        assert down["receiving"] == "streaming" and down["unreplayed_bytes"] == 0


def test_promotion_fences_a_reachable_old_primary_and_the_standby_writes() -> None:
    with central_pair() as (primary, standby):
        old = PostgresStore(primary.url)
        old.migrate()
        with old.transaction() as tx:
            tx.alerts.insert(record("B-1"))
        with pytest.raises(central.NotAStandby):
            central.promote(primary.url, "limes")  # a primary is never "promoted"
        promotion = central.promote(standby.url, "limes", old_primaries=[primary.url], alone=True)
        assert promotion.term == central.Term(1, "limes_b")
        assert promotion.old_primary == "fenced"
        with pytest.raises(Fenced, match="term 1 belongs to 'limes_b'"):
            with old.transaction() as tx:
                tx.alerts.insert(record("B-2"))
        new = PostgresStore(standby.url)
        with new.transaction() as tx:
            tx.alerts.insert(record("B-3"))
        with new.read() as tx:
            assert tx.alerts.get("B-1") is not None and tx.alerts.get("B-3") is not None
        assert central.status(primary.url, "limes")["fenced"] is True
        assert central.status(standby.url, "limes")["role"] == "primary"
        with pytest.raises(central.NotAStandby):
            central.promote(standby.url, "limes")  # twice: it is a primary now
        old.close()
        new.close()


def test_an_old_primary_back_from_the_dead_is_fenced_by_its_peers() -> None:
    with central_pair() as (primary, standby):
        _migrate(primary.url)
        primary.kill_9()
        promotion = central.promote(standby.url, "limes", old_primaries=[primary.url], alone=True)
        assert promotion.old_primary == "unreachable"
        primary.start()  # it comes back believing itself the primary, at term 0
        back = PostgresStore(primary.url, central_peers=[standby.url])
        with pytest.raises(Fenced, match="term 1 belongs to 'limes_b'"):
            with back.transaction() as tx:
                tx.alerts.insert(record("C-1"))
        assert central.status(primary.url, "limes")["fenced"] is True
        back.close()
