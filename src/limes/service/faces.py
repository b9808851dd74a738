"""Faces on person alerts: enrolment, 1:N search and 1:1 verification.

* **Enrolment** (``biometric:enrol``, only the issuing state, person alerts only, at
  most ``MAX_FACES`` a person): each image is decoded strictly, its one face held to
  the quality gate and templated (``biometrics/faces/captures``) before anything is
  written; image and template are then sealed together under the issuing state's data
  key and stored in one transaction with an ``alert.biometrics_enrolled`` event (ids
  only). A refusal stores nothing. Deleting or expiring the alert deletes its faces in
  the erasing transaction (``alert_steps``).
* **Search** (``search:faces``): the HNSW index (``biometrics/faces/index``) proposes
  ``SHORTLIST`` faces, re-ranked by exact distance; each alert is answered once (its
  nearest face) as the caller's view of it allows, with its score. A candidate list
  for a human examiner, never an identity.
* **Verification** (``biometric:verify``, through ``POST /v1/verify`` with a face): a
  live capture against the faces enrolled on one alert, the nearest one kept.

The index is built from the store at the first use in each process and follows the
change feed as the fingerprint gallery does (``service/feed_follower``, the same code):
each enrolment and search first applies the events written since (by this process or
any other ``--workers`` process on the same store), reading again the faces of an alert
with an ``alert.biometrics_enrolled`` event and dropping an alert the index holds once
it is deleted or expired; an alert found erased when a search opens it is dropped then
too. Audit records name the alert and the modality
(``biometric_query("face")``), never an image or a template.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from limes.audit.record import AlertRef, biometric_query
from limes.biometrics.faces.captures import Capture, capture, captures, pack, template
from limes.biometrics.faces.encoder import Vector
from limes.biometrics.faces.index import FaceIndex, FaceMatch
from limes.domain.alerts import AlertStatus
from limes.domain.categories import CategoryCode
from limes.domain.events import EventType
from limes.domain.sealed_fields import SealedField
from limes.errors import Conflict, NotFound
from limes.policy import disclosure
from limes.policy.permissions import Context, Permission
from limes.service.alert_views import AlertView, event
from limes.service.alerts import AlertService
from limes.service.audited import Description, Refs, about, audited
from limes.service.biometric_doors import enrollable, require_search, shown_matches, verifiable
from limes.service.feed_follower import FeedFollower
from limes.store.port import FaceRow, Transaction

MODALITY = "face"
MAX_FACES = 5
SHORTLIST = 200
MAX_CANDIDATES = 50
VERIFY_DISTANCE = 0.4
"""A verification agrees when the nearest enrolled face is at most this far (Euclidean,
unit 128-d templates). dlib calibrates 0.6 on LFW (99.38 % there), but the two different
women of the tests' photographs are 0.47 apart, which 0.6 would call one person: 0.4
sends more true pairs to the examiner as 'disagrees' and calls fewer strangers one
(two captures of one face in the tests are about 0.1 apart). Real captures need their
own figure, measured on a labelled set this machine does not have."""
PAGE = 500


@dataclass(frozen=True, slots=True)
class EnrolledFace:
    number: int
    media_type: str
    width: int
    height: int
    eye_distance: int
    roll: float
    yaw: float
    enrolled_at: datetime


@dataclass(frozen=True, slots=True)
class FaceEnrolment:
    alert_id: str
    issuing_state: str
    faces: tuple[EnrolledFace, ...]

    def audit_refs(self) -> Refs:
        return (AlertRef(self.alert_id, None, self.issuing_state),), {
            "faces": [f.number for f in self.faces]
        }


@dataclass(frozen=True, slots=True)
class FaceCandidate:
    """An alert proposed for the examiner: its nearest face's score (cosine similarity)
    and distance; ``face`` (which enrolled face) only where the view holds biometrics."""

    view: AlertView
    score: float
    distance: float
    face: int | None


@dataclass(frozen=True, slots=True)
class FaceAnswer:
    candidates: tuple[FaceCandidate, ...]

    def audit_refs(self) -> Refs:
        return tuple(c.view.audit_ref() for c in self.candidates), {
            "candidates": len(self.candidates)
        }


@dataclass(frozen=True, slots=True)
class FaceVerification:
    alert_id: str
    issuing_state: str
    score: float
    distance: float
    agrees: bool
    face: int

    def audit_refs(self) -> Refs:
        return (AlertRef(self.alert_id, None, self.issuing_state),), {"agrees": self.agrees}


def _face(*alerts: str) -> Description:
    return about(*(AlertRef(a) for a in alerts), query=biometric_query(MODALITY))


class FaceService:
    def __init__(self, alerts: AlertService) -> None:
        self.alerts = alerts
        self.audit = alerts.audit
        self.index = FaceIndex()
        self.follower = FeedFollower(alerts.store, self._build, self._holds, self._refresh)

    # -- the index ------------------------------------------------------------------------

    def start(self) -> int:
        """Build the index from the store (once per process), then apply the change feed
        written since (``service/feed_follower``); how many faces it holds."""
        self.follower.follow()
        return len(self.index)

    def _build(self) -> None:
        after: tuple[str, int] | None = None
        with self.alerts.store.read() as tx:
            while page := tx.faces.page(after, PAGE):
                self.index.add(((r.alert_id, r.number), self._open(tx, r)) for r in page)
                after = (page[-1].alert_id, page[-1].number)

    def _holds(self, alert_id: str) -> bool:
        return bool(self.index.numbers(alert_id))

    def _refresh(self, alert_id: str) -> None:
        """The alert's faces as the store holds them now: none unless it is active."""
        with self.alerts.store.read() as tx:
            record = tx.alerts.get(alert_id)
            active = record is not None and record.status is AlertStatus.ACTIVE
            rows = tx.faces.of(alert_id) if active else []
            faces = [((alert_id, row.number), self._open(tx, row)) for row in rows]
        self.index.remove_alert(alert_id)
        self.index.add(faces)

    def _open(self, tx: Transaction, row: FaceRow) -> Vector:
        record = tx.alerts.get(row.alert_id)
        if record is None:
            raise NotFound(f"faces of a missing alert {row.alert_id}")
        opened = self.alerts.open_field(
            row.alert_id, record.issuing_state, SealedField.FACE, row.face, tx
        )
        return template(opened)

    # -- use cases ------------------------------------------------------------------------

    @audited(
        Permission.BIOMETRIC_ENROL,
        write=True,
        describe=lambda _, ctx, alert_id, images: _face(alert_id),
    )
    def enrol(self, ctx: Context, alert_id: str, images: Sequence[bytes]) -> FaceEnrolment:
        """Enrol the face of each image on a person alert of the caller's state, after
        the faces it holds (numbered on)."""
        self.start()
        with self.alerts.store.read() as tx:
            enrollable(self.alerts, ctx, tx, alert_id, "faces", for_update=False)
        found = captures(images)  # detection and templates: outside the write transaction
        now = self.alerts.clock()
        with self.alerts.store.transaction() as tx:
            record = enrollable(self.alerts, ctx, tx, alert_id, "faces", for_update=True)
            first = 1 + max((f.number for f in tx.faces.of(alert_id)), default=0)
            if first - 1 + len(found) > MAX_FACES:
                raise Conflict(f"alert {alert_id} may hold at most {MAX_FACES} faces")
            enrolled = []
            for number, face in enumerate(found, first):
                sealed = self.alerts.seal_field(
                    alert_id, record.issuing_state, SealedField.FACE, pack(face), tx
                )
                eyes = round(face.pose.eye_distance)
                tx.faces.put(FaceRow(alert_id, number, sealed, face.image.media_type, eyes, now))
                enrolled.append(_enrolled(number, face, now))
            tx.outbox.append(event(EventType.ALERT_BIOMETRICS_ENROLLED, record, now))
        self.start()  # the index takes them from the change feed
        return FaceEnrolment(alert_id, record.issuing_state, tuple(enrolled))

    @audited(
        Permission.SEARCH_FACES,
        describe=lambda _, ctx, image, limit=10, categories=frozenset(): _face(),
    )
    def search(
        self,
        ctx: Context,
        image: bytes,
        limit: int = 10,
        categories: frozenset[CategoryCode] = frozenset(),
    ) -> FaceAnswer:
        """Alerts whose faces are nearest the probe's, best first, only in
        ``categories`` if any are named."""
        require_search(self.alerts, ctx, Permission.SEARCH_FACES, categories, limit, MAX_CANDIDATES)
        probe = capture(image)
        self.start()
        nearest = _per_alert(self.index.search(probe.template, SHORTLIST))
        found: list[FaceCandidate] = []
        with self.alerts.store.read() as tx:
            for match, record, decision in shown_matches(
                self.alerts,
                ctx,
                tx,
                Permission.SEARCH_FACES,
                categories,
                ((m.key[0], m) for m in nearest),
                self.index.remove_alert,  # erased since the index took it
            ):
                shown = disclosure.face_number(match.key[1], decision.fields)
                view = self.alerts.view(tx, ctx, record, decision)
                score, distance = round(match.score, 4), round(match.distance, 4)
                found.append(FaceCandidate(view, score, distance, shown))
                if len(found) == limit:
                    break
        self.alerts.reads.opened(ctx, [c.view.alert.id for c in found])
        return FaceAnswer(tuple(found))

    @audited(
        Permission.BIOMETRIC_VERIFY,
        describe=lambda _, ctx, alert_id, image: _face(alert_id),
    )
    def verify(self, ctx: Context, alert_id: str, image: bytes) -> FaceVerification:
        """Whether a live capture agrees with the faces enrolled on one alert."""
        with self.alerts.store.read() as tx:
            record = verifiable(self.alerts, ctx, tx, alert_id)
            probe = capture(image)
            enrolled = {row.number: self._open(tx, row) for row in tx.faces.of(alert_id)}
        if not enrolled:
            raise NotFound(f"alert {alert_id} has no face enrolled")
        distances = {
            n: float(((t - probe.template) ** 2).sum() ** 0.5) for n, t in enrolled.items()
        }
        number = min(distances, key=lambda n: distances[n])
        match = FaceMatch((alert_id, number), distances[number])
        self.alerts.reads.opened(ctx, [alert_id])
        return FaceVerification(
            alert_id,
            record.issuing_state,
            round(match.score, 4),
            round(match.distance, 4),
            match.distance <= VERIFY_DISTANCE,
            number,
        )


def _per_alert(matches: list[FaceMatch]) -> list[FaceMatch]:
    """Each alert's nearest face, nearest first (matches come nearest first)."""
    seen: set[str] = set()
    kept = []
    for match in matches:
        if match.key[0] not in seen:
            seen.add(match.key[0])
            kept.append(match)
    return kept


def _enrolled(number: int, face: Capture, now: datetime) -> EnrolledFace:
    return EnrolledFace(
        number,
        face.image.media_type,
        face.image.width,
        face.image.height,
        round(face.pose.eye_distance),
        round(face.pose.roll, 1),
        round(face.pose.yaw, 1),
        now,
    )
