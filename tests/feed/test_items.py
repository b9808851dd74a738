"""Feed items: what the centre sends a copy, round-tripped and refused when malformed."""

from __future__ import annotations

import base64

import orjson
import pytest
from tests.contract.test_alerts import T0, record

from limes.domain.alerts import Flag, FlagStatus
from limes.domain.events import ChangeEvent, EventType
from limes.feed.items import FeedItem, ItemError, SealedAlert, decode, encode, to_json
from limes.store.port import FingerRow

SEALED = SealedAlert(
    record("01A", body=b"\x00sealed", extensions=b"\x01ext"),
    (Flag("FR", FlagStatus.REQUESTED, "v1.sealed-reason", T0),),
    ("01B",),
    b"\x02misused",
    (FingerRow("01A", 2, b"\x03template", 77, T0),),
)
EVENT = ChangeEvent(EventType.ALERT_ISSUED, "01A", "DE", "arrest", 1, T0, {}, 5)


def test_an_item_round_trips_byte_for_byte() -> None:
    item = FeedItem(5, EVENT, SEALED, 9)
    assert decode(encode(item)) == item
    assert decode(encode(FeedItem(6))) == FeedItem(6)
    assert FeedItem(6).skipped


def test_sealed_values_travel_as_base64_ciphertext_only() -> None:
    sent = to_json(FeedItem(5, EVENT, SEALED, 9))
    assert base64.b64decode(sent["sealed"]["body"]) == b"\x00sealed"
    assert sent["sealed"]["keys"] == ["person:01a"]


@pytest.mark.parametrize(
    "change",
    [
        {"seq": 0},
        {"seq": True},
        {"type": "alert.bogus"},
        {"at": "2026-06-01T08:30:00"},  # no zone
        {"sealed": {"id": "01A"}},
        {"detail": []},
    ],
)
def test_a_malformed_item_is_refused(change: dict[str, object]) -> None:
    sent = to_json(FeedItem(5, EVENT, SEALED, 9)) | change
    with pytest.raises(ItemError):
        decode(orjson.dumps(sent))


def test_what_is_not_json_is_refused() -> None:
    with pytest.raises(ItemError):
        decode(b"{not json")
    with pytest.raises(ItemError):
        decode(b'{"seq": 1, "seq": 2, "skipped": true}')  # a key twice
