"""A feed item: one change event with the alert's sealed rows, as copies receive it.

The centre's authenticated feed (``GET /v1/feed``) and its JetStream stream
(``LIMES_FEED``) carry the same JSON. Each item is the change event (as
``disclosure.feed_event`` shows it) and, for an alert the reader may hold, the
alert's rows **as stored**: ciphertext envelopes (``body``, ``extensions``, the
misused identity, flag reasons, fingerprint templates, enrolled faces: image and
template), each naming the data key that sealed it, and blind-index tokens, never
plaintext. ``row_seq`` is the centre's
feed position when the rows were read: a copy applies rows only over older ones.

An item outside a reader's filter is sent as its sequence number alone
(``skipped``), so the reader still sees an unbroken sequence. ``parse`` refuses
anything malformed (``ItemError``): a copy then fetches that position again from the
feed endpoint instead of applying it.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from limes import codec
from limes.domain.alerts import AlertStatus, Flag, FlagStatus
from limes.domain.events import ChangeEvent, EventType
from limes.store.port import AlertRecord, FaceRow, FingerRow


class ItemError(ValueError):
    """A feed item that is not well formed; it is never applied."""


@dataclass(frozen=True, slots=True)
class SealedAlert:
    """An alert's rows as the centre stores them (ciphertext and tokens only)."""

    record: AlertRecord
    flags: tuple[Flag, ...] = ()
    links: tuple[str, ...] = ()
    misused_identity: bytes | None = None
    fingers: tuple[FingerRow, ...] = ()
    faces: tuple[FaceRow, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedItem:
    seq: int
    event: ChangeEvent | None = None
    sealed: SealedAlert | None = None
    row_seq: int = 0

    @property
    def skipped(self) -> bool:
        return self.event is None


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise ItemError("a sealed value must be base64 text")
    return base64.b64decode(text, validate=True)


def _ts(text: Any) -> datetime:
    if not isinstance(text, str):
        raise ItemError("a time must be ISO 8601 text")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ItemError("a time must name its zone")
    return moment


def _opt_ts(text: Any) -> datetime | None:
    return None if text is None else _ts(text)


def sealed_json(s: SealedAlert) -> dict[str, Any]:
    r = s.record
    return {
        "id": r.id,
        "category": r.category,
        "object_type": r.object_type,
        "subject": r.subject,
        "issuing_state": r.issuing_state,
        "status": r.status.value,
        "version": r.version,
        "created_at": r.created_at.isoformat(),
        "updated_at": r.updated_at.isoformat(),
        "expires_at": r.expires_at.isoformat(),
        "warned_at": None if r.warned_at is None else r.warned_at.isoformat(),
        "body": _b64(r.body),
        "extensions": _b64(r.extensions),
        "keys": sorted(r.keys),
        "flags": [
            {
                "state": f.state,
                "status": f.status.value,
                "reason": f.reason,
                "requested_at": f.requested_at.isoformat(),
                "decided_at": None if f.decided_at is None else f.decided_at.isoformat(),
                "decision_reason": f.decision_reason,
            }
            for f in s.flags
        ],
        "links": list(s.links),
        "misused_identity": _b64(s.misused_identity),
        "fingers": [
            {
                "position": g.position,
                "template": _b64(g.template),
                "quality": g.quality,
                "enrolled_at": g.enrolled_at.isoformat(),
            }
            for g in s.fingers
        ],
        "faces": [
            {
                "number": f.number,
                "face": _b64(f.face),
                "media_type": f.media_type,
                "eye_distance": f.eye_distance,
                "enrolled_at": f.enrolled_at.isoformat(),
            }
            for f in s.faces
        ],
    }


def to_json(item: FeedItem) -> dict[str, Any]:
    if item.event is None:
        return {"seq": item.seq, "skipped": True}
    e = item.event
    return {
        "seq": item.seq,
        "type": e.type.value,
        "alert_id": e.alert_id,
        "issuing_state": e.issuing_state,
        "category": e.category,
        "version": e.version,
        "at": e.at.isoformat(),
        "detail": dict(e.detail),
        "row_seq": item.row_seq,
        "sealed": None if item.sealed is None else sealed_json(item.sealed),
    }


def encode(item: FeedItem) -> bytes:
    return codec.encode(to_json(item))


def _sealed(d: Mapping[str, Any]) -> SealedAlert:
    alert_id = str(d["id"])
    record = AlertRecord(
        id=alert_id,
        category=str(d["category"]),
        object_type=None if d["object_type"] is None else str(d["object_type"]),
        subject=str(d["subject"]),
        issuing_state=str(d["issuing_state"]),
        status=AlertStatus(d["status"]),
        version=int(d["version"]),
        created_at=_ts(d["created_at"]),
        updated_at=_ts(d["updated_at"]),
        expires_at=_ts(d["expires_at"]),
        warned_at=_opt_ts(d["warned_at"]),
        body=_unb64(d["body"]),
        extensions=_unb64(d["extensions"]),
        keys=frozenset(str(k) for k in d["keys"]),
    )
    flags = tuple(
        Flag(
            str(f["state"]),
            FlagStatus(f["status"]),
            str(f["reason"]),
            _ts(f["requested_at"]),
            _opt_ts(f["decided_at"]),
            None if f["decision_reason"] is None else str(f["decision_reason"]),
        )
        for f in d["flags"]
    )
    fingers = tuple(
        FingerRow(
            alert_id,
            int(g["position"]),
            _unb64(g["template"]) or b"",
            int(g["quality"]),
            _ts(g["enrolled_at"]),
        )
        for g in d["fingers"]
    )
    faces = tuple(
        FaceRow(
            alert_id,
            int(f["number"]),
            _unb64(f["face"]) or b"",
            str(f["media_type"]),
            int(f["eye_distance"]),
            _ts(f["enrolled_at"]),
        )
        for f in d.get("faces", ())  # absent from a centre or seed older than faces
    )
    links = tuple(str(i) for i in d["links"])
    return SealedAlert(record, flags, links, _unb64(d["misused_identity"]), fingers, faces)


def from_json(d: Any) -> FeedItem:
    """The item ``d`` (parsed JSON) describes, or ``ItemError``."""
    try:
        seq = d["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
            raise ItemError("seq must be a positive integer")
        if d.get("skipped") is True:
            return FeedItem(seq)
        event = ChangeEvent(
            EventType(d["type"]),
            str(d["alert_id"]),
            str(d["issuing_state"]),
            str(d["category"]),
            int(d["version"]),
            _ts(d["at"]),
            {str(k): str(v) for k, v in d["detail"].items()},
            seq,
        )
        sealed = None if d["sealed"] is None else _sealed(d["sealed"])
        return FeedItem(seq, event, sealed, int(d["row_seq"]))
    except ItemError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ItemError(f"a feed item is malformed: {exc!r}") from None


def decode(raw: bytes) -> FeedItem:
    try:
        return from_json(codec.strict_json(raw))
    except ItemError:
        raise
    except Exception as exc:  # the codec's refusals of a malformed document
        raise ItemError(f"a feed item is not JSON: {exc!r}") from None
