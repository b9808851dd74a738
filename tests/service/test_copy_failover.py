"""A copy across a failover of the central pair (real PostgreSQL primary and standby,
tests/pg_pair.py): the fenced old primary refuses the feed and every other read with
503 ``central-fenced``, and the copy's list of centres moves on to the promoted one."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import FixedClock
from tests.pg_pair import central_pair
from tests.service.copy_helpers import COPY_CLIENT, centre_site, copy_of, guard, person

from limes.errors import Fenced
from limes.feed.centres import CentreList
from limes.search.query import PersonQuery
from limes.store import central
from limes.store.postgres import PostgresStore
from limes.store.sqlite import SqliteStore

pytestmark = pytest.mark.postgres
FENCED = "urn:limes:problem:central-fenced"


def test_a_fenced_old_primary_answers_no_read_and_the_copy_moves_to_the_promoted(
    tmp_path: Path, clock: FixedClock
) -> None:
    with central_pair() as (primary, standby):
        old = centre_site(PostgresStore(primary.url), clock)
        first = person(old.limes, reference="BKA-1", surname="Ivanova")
        copy = copy_of(old, SqliteStore(tmp_path / "copy.db"), clock)
        copy.copies.catch_up(old.feed())
        held = copy.copies.position()
        old.limes.search.start(follow=False)  # its engine holds the alert in memory

        central.promote(standby.url, "limes", old_primaries=[primary.url], alone=True)

        headers = {"X-Limes-Unsafe-Principal": COPY_CLIENT, "X-Limes-Purpose": "operations"}
        for path in ("/v1/feed?after=0", "/v1/feed/digest", "/v1/feed/leaves?partition=DE/arrest"):
            answer = old.client.get(path, headers=headers)
            assert (answer.status_code, answer.json()["type"]) == (503, FENCED), path
        reader = {"X-Limes-Unsafe-Principal": "g1@PAF/FR;roles=border_guard"}
        answer = old.client.get(
            f"/v1/alerts/{first}", headers={**reader, "X-Limes-Purpose": "border_check"}
        )
        assert (answer.status_code, answer.json()["type"]) == (503, FENCED)
        for surname in ("Ivanova", "Nobody"):  # a hit, and a "no hit" that may be stale
            with pytest.raises(Fenced, match="term 1 belongs to 'limes_b'"):
                old.limes.search.persons(guard(), PersonQuery(surnames=(surname,)))

        new = centre_site(PostgresStore(standby.url), clock)
        second = person(new.limes, reference="BKA-2", surname="Kowalska")
        moved: list[str] = []
        centres = CentreList(
            [("https://limes-a.test", old.feed()), ("https://limes-b.test", new.feed())],
            remember=moved.append,
        )
        copy.copies.catch_up(centres)

        assert centres.url == "https://limes-b.test" and moved == ["https://limes-b.test"]
        assert old.calls[-1].startswith("/v1/feed?after=")  # asked, answered 503, passed over
        assert copy.copies.position() > held
        with copy.store.read() as tx:
            assert tx.alerts.get(first) is not None and tx.alerts.get(second) is not None
        old.limes.close()
        new.limes.close()
