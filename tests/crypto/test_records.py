"""A stored record read back as its alert: the sealed fields opened, or refused if altered."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.conftest import FixedClock, built, make_ctx
from tests.factories import PERSON, content

from limes.crypto.keys import IntegrityError
from limes.crypto.records import to_alert
from limes.store.port import Store

DE = make_ctx("DE")


def test_a_stored_record_reads_back_as_the_alert_issued(store: Store, clock: FixedClock) -> None:
    app = built(store, clock)
    issued = app.alerts.issue(DE, content(PERSON)).alert
    with store.read() as tx:
        record = tx.alerts.get(issued.id)
        assert record is not None
        alert = to_alert(record, app.alerts.crypto, tx)
    assert (alert.id, alert.version, alert.category) == (issued.id, 1, issued.category)
    assert alert.content == issued.content
    assert alert.extensions == ()


def test_an_altered_body_is_refused(store: Store, clock: FixedClock) -> None:
    app = built(store, clock)
    issued = app.alerts.issue(DE, content(PERSON)).alert
    with store.read() as tx:
        record = tx.alerts.get(issued.id)
        assert record is not None and record.body is not None
        altered = replace(record, body=record.body[:-1] + bytes([record.body[-1] ^ 1]))
        with pytest.raises(IntegrityError):
            to_alert(altered, app.alerts.crypto, tx)
