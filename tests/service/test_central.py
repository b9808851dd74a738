"""``service/central.py``: the doors' face of the central pair — refusals named, passwords
never shown. The pair itself is tested in tests/contract/test_central.py and
tests/test_failover.py."""

from __future__ import annotations

import pytest
from tests.pg_pair import free_port

from limes.errors import Conflict, InvalidInput, Unavailable
from limes.service import central

UNREACHABLE = f"postgresql://limes:s3cret@127.0.0.1:{free_port()}/limes"


def test_an_unreachable_server_is_listed_as_such_without_its_password() -> None:
    [report] = central.status([UNREACHABLE])
    assert report["reachable"] is False and "s3cret" not in str(report)
    assert report["server"] == UNREACHABLE.replace("s3cret", "***")


def test_only_postgresql_urls_are_taken() -> None:
    with pytest.raises(InvalidInput, match="not a postgresql:// URL"):
        central.status(["sqlite:///var/limes.db"])
    with pytest.raises(InvalidInput):
        central.promote("http://example.test/")


def test_promoting_an_unreachable_standby_is_unavailable_and_says_no_password() -> None:
    with pytest.raises(Unavailable) as refused:
        central.promote(UNREACHABLE)
    assert "s3cret" not in refused.value.detail


@pytest.mark.postgres
def test_a_primary_is_never_promoted(postgres_url: str) -> None:
    [report] = central.status([postgres_url])
    assert report["reachable"] is True and report["role"] == "primary"
    with pytest.raises(Conflict, match="not a standby"):
        central.promote(postgres_url)
