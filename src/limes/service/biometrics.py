"""Fingerprints on person alerts: enrolment, 1:N search and 1:1 verification.

* **Enrolment** (``biometric:enrol``, only the issuing state, person alerts only): the
  records are parsed strictly and pass the quality gate (``biometrics/captures.py``)
  after the policy; each finger's one-view ISO/IEC 19794-2 record is sealed under the
  issuing state's data key and stored in one transaction (``tx.biometrics``) with an
  ``alert.biometrics_enrolled`` event (ids only); a refusal stores nothing. Deleting
  or expiring the alert deletes its fingers in the erasing transaction (``alert_steps``).
* **Search** (``search:fingerprints``): the in-memory ``AlertGallery`` proposes and
  re-ranks candidates; each is answered as the caller's view of its alert allows, with
  its score and, where the view holds the ``biometrics`` group, the fingers that
  matched. A candidate list for a human examiner, never an identity.
* **Verification** (``biometric:verify``): a capture against one alert's fingers.
* **Links** (``matching_alerts``, for the multiple-identity links' job only, no caller's
  principal): the alerts whose enrolled fingers agree with one alert's, by the
  verification's rule (mean MCC score over the fingers both hold at least
  ``VERIFY_THRESHOLD``).

The gallery is built from the store at the first search of each process and kept
current by this service after each enrolment commits; an alert found erased when a
search opens it is dropped from the gallery then. (A fingerprint enrolled through
another ``--workers`` process is found here after this process restarts: following the
change feed, as the name index does, is the step after this one.)

Audit records name the alert and the modality, never a template (``biometric_query``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from limes.audit.record import AlertRef, biometric_query
from limes.biometrics.captures import enrolment_fingers, search_fingers
from limes.biometrics.formats.iso19794_2 import FingerView, decode
from limes.biometrics.gallery import UNKNOWN, AlertGallery
from limes.biometrics.matching.cylinders import Cylinders, cylinders
from limes.biometrics.matching.mcc import score
from limes.biometrics.minutiae import points
from limes.domain.alerts import AlertStatus
from limes.domain.categories import CategoryCode, SubjectKind
from limes.domain.events import EventType
from limes.domain.sealed_fields import SealedField
from limes.errors import Conflict, InvalidInput, NotFound
from limes.policy import disclosure
from limes.policy.permissions import Context, Permission
from limes.policy.policy import Decision, require_owner
from limes.service.alert_views import AlertView, event
from limes.service.alerts import AlertService
from limes.service.audited import Description, Refs, about, audited
from limes.store.port import AlertRecord, FingerRow, Transaction

MODALITY = "fingerprint"
SHORTLIST = 100
MAX_CANDIDATES = 50
VERIFY_THRESHOLD = 0.04
"""A verification agrees at a mean MCC score of at least this over the fingers compared.
On the synthetic sets (``make bench-biometrics``) no impostor finger pair of 600 reached
0.021 and 99 % of genuine pairs scored over 0.059; real captures need their own figure."""
PAGE = 500


@dataclass(frozen=True, slots=True)
class EnrolledFinger:
    position: int
    quality: int
    minutiae: int
    enrolled_at: datetime


@dataclass(frozen=True, slots=True)
class Enrolment:
    alert_id: str
    issuing_state: str
    fingers: tuple[EnrolledFinger, ...]

    def audit_refs(self) -> Refs:
        return (AlertRef(self.alert_id, None, self.issuing_state),), {
            "fingers": [f.position for f in self.fingers]
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    """An alert proposed for the examiner; ``fingers`` (position, score) only where the
    reader's view holds biometrics."""

    view: AlertView
    score: float
    fingers: tuple[tuple[int, float], ...]


@dataclass(frozen=True, slots=True)
class FingerprintAnswer:
    candidates: tuple[Candidate, ...]

    def audit_refs(self) -> Refs:
        return tuple(c.view.audit_ref() for c in self.candidates), {
            "candidates": len(self.candidates)
        }


@dataclass(frozen=True, slots=True)
class Verification:
    alert_id: str
    issuing_state: str
    score: float
    agrees: bool
    fingers: tuple[tuple[int, float], ...]

    def audit_refs(self) -> Refs:
        return (AlertRef(self.alert_id, None, self.issuing_state),), {"agrees": self.agrees}


def _fingerprint(*alerts: str) -> Description:
    return about(*(AlertRef(a) for a in alerts), query=biometric_query(MODALITY))


def _cylinders(view: FingerView) -> Cylinders:
    return cylinders(points(view.minutiae))


class BiometricService:
    def __init__(self, alerts: AlertService) -> None:
        self.alerts = alerts
        self.audit = alerts.audit
        self.gallery = AlertGallery()
        self._built = False
        self._building = threading.Lock()

    # -- the gallery ----------------------------------------------------------------------

    def start(self) -> int:
        """Build the gallery from the store (once per process); how many alerts it holds."""
        with self._building:
            if not self._built:
                self._build()
                self._built = True
        return len(self.gallery)

    def _build(self) -> None:
        after: tuple[str, int] | None = None
        with self.alerts.store.read() as tx:
            while page := tx.biometrics.page(after, PAGE):
                by_alert: dict[str, dict[int, Cylinders]] = {}
                for row in page:
                    by_alert.setdefault(row.alert_id, {})[row.position] = self._open(tx, row)
                for alert_id, fingers in by_alert.items():
                    self.gallery.put(alert_id, fingers)
                after = (page[-1].alert_id, page[-1].position)

    def _open(self, tx: Transaction, row: FingerRow) -> Cylinders:
        record = tx.alerts.get(row.alert_id)
        if record is None:
            raise NotFound(f"fingers of a missing alert {row.alert_id}")
        opened = self.alerts.open_field(
            row.alert_id, record.issuing_state, SealedField.FINGERPRINT, row.template, tx
        )
        return _cylinders(decode(opened).views[0])

    def matching_alerts(self, alert_id: str) -> list[tuple[str, float]]:
        """Other alerts whose fingers agree with ``alert_id``'s (its fingers read from the
        store and filed in this process's gallery first, so that a job following the
        enrolments sees each), with their mean finger scores, best first."""
        self.start()
        with self.alerts.store.read() as tx:
            mine = {row.position: self._open(tx, row) for row in tx.biometrics.of(alert_id)}
        if not mine:
            return []
        self.gallery.put(alert_id, mine)
        found = []
        for match in self.gallery.search(mine, SHORTLIST, MAX_CANDIDATES):
            if match.key == alert_id or not match.fingers:
                continue
            mean = sum(s for _, s in match.fingers) / len(match.fingers)
            if mean >= VERIFY_THRESHOLD:
                found.append((match.key, round(mean, 4)))
        return sorted(found, key=lambda m: -m[1])

    # -- use cases ------------------------------------------------------------------------

    @audited(
        Permission.BIOMETRIC_ENROL,
        write=True,
        describe=lambda _, ctx, alert_id, records: _fingerprint(alert_id),
    )
    def enrol(self, ctx: Context, alert_id: str, records: Sequence[bytes]) -> Enrolment:
        """Enrol the fingers of ``records`` (ISO/IEC 19794-2) on a person alert of the
        caller's state, replacing a finger enrolled before at the same position."""
        self.start()
        now = self.alerts.clock()
        with self.alerts.store.transaction() as tx:
            record = self.alerts.active(tx, alert_id, for_update=True)
            self.alerts.policy.require(
                ctx, Permission.BIOMETRIC_ENROL, CategoryCode(record.category), alert_id
            )
            require_owner(ctx, record.issuing_state, alert_id)
            if record.subject != SubjectKind.PERSON.value:
                raise Conflict(f"alert {alert_id} is on an object: fingerprints go on persons")
            templates = enrolment_fingers(records)
            for position, template in templates.items():
                sealed = self.alerts.seal_field(
                    alert_id, record.issuing_state, SealedField.FINGERPRINT, template, tx
                )
                quality = decode(template).views[0].quality
                tx.biometrics.put(FingerRow(alert_id, position, sealed, quality, now))
            tx.outbox.append(event(EventType.ALERT_BIOMETRICS_ENROLLED, record, now))
        fingers = {p: decode(t).views[0] for p, t in templates.items()}
        self.gallery.put(alert_id, {p: _cylinders(v) for p, v in fingers.items()})
        enrolled = tuple(
            EnrolledFinger(p, v.quality, len(v.minutiae), now) for p, v in sorted(fingers.items())
        )
        return Enrolment(alert_id, record.issuing_state, enrolled)

    @audited(
        Permission.SEARCH_FINGERPRINTS,
        describe=lambda _, ctx, records, limit=10, categories=frozenset(): _fingerprint(),
    )
    def search(
        self,
        ctx: Context,
        records: Sequence[bytes],
        limit: int = 10,
        categories: frozenset[CategoryCode] = frozenset(),
    ) -> FingerprintAnswer:
        """Alerts whose fingers match the probe (fingers of known position, or one latent),
        best first, only in ``categories`` if any are named."""
        asked: list[CategoryCode | None] = [*sorted(categories)] or [None]
        for category in asked:
            self.alerts.policy.require(ctx, Permission.SEARCH_FINGERPRINTS, category)
        if not 1 <= limit <= MAX_CANDIDATES:
            raise InvalidInput(f"limit is 1 to {MAX_CANDIDATES}")
        probe = {p: _cylinders(v) for p, v in search_fingers(records).items()}
        self.start()
        matches = self.gallery.search(probe, SHORTLIST, MAX_CANDIDATES)
        found: list[Candidate] = []
        decisions: dict[str, Decision] = {}
        with self.alerts.store.read() as tx:
            for match in matches:
                record = tx.alerts.get(match.key)
                if record is None or record.status is not AlertStatus.ACTIVE:
                    self.gallery.remove(match.key)  # erased since the gallery took it
                    continue
                decision = self._decision(ctx, record, decisions)
                if not decision.allowed or (categories and record.category not in categories):
                    continue
                shown = disclosure.finger_scores(match.fingers, decision.fields)
                view = self.alerts.view(tx, ctx, record, decision)
                found.append(Candidate(view, round(match.score, 4), _rounded(shown)))
                if len(found) == limit:
                    break
        self.alerts.reads.opened(ctx, [c.view.alert.id for c in found])
        return FingerprintAnswer(tuple(found))

    def _decision(self, ctx: Context, record: AlertRecord, cache: dict[str, Decision]) -> Decision:
        if record.category not in cache:
            cache[record.category] = self.alerts.policy.decide(
                ctx, Permission.SEARCH_FINGERPRINTS, CategoryCode(record.category)
            )
        return cache[record.category]

    @audited(
        Permission.BIOMETRIC_VERIFY,
        describe=lambda _, ctx, alert_id, records: _fingerprint(alert_id),
    )
    def verify(self, ctx: Context, alert_id: str, records: Sequence[bytes]) -> Verification:
        """Whether a capture agrees with the fingers enrolled on one alert: each finger
        compared at its position (a latent with every enrolled finger, the best kept)."""
        with self.alerts.store.read() as tx:
            record = self.alerts.active(tx, alert_id, for_update=False)
            self.alerts.policy.require(
                ctx, Permission.BIOMETRIC_VERIFY, CategoryCode(record.category), alert_id
            )
            probe = search_fingers(records)
            enrolled = {row.position: self._open(tx, row) for row in tx.biometrics.of(alert_id)}
        if not enrolled:
            raise NotFound(f"alert {alert_id} has no fingerprints enrolled")
        compared = _compared(probe, enrolled)
        if not compared:
            raise Conflict(f"alert {alert_id} holds none of the fingers given")
        self.alerts.reads.opened(ctx, [alert_id])
        mean = sum(compared.values()) / len(compared)
        fingers = _rounded(tuple(sorted(compared.items())))
        return Verification(
            alert_id, record.issuing_state, round(mean, 4), mean >= VERIFY_THRESHOLD, fingers
        )


def _compared(probe: dict[int, FingerView], enrolled: dict[int, Cylinders]) -> dict[int, float]:
    """Score per enrolled position compared (a latent: its best enrolled finger)."""
    if UNKNOWN in probe:
        latent = _cylinders(probe[UNKNOWN])
        scored = {p: score(latent, f) for p, f in enrolled.items()}
        best = max(scored, key=lambda p: scored[p])
        return {best: scored[best]}
    return {p: score(_cylinders(v), enrolled[p]) for p, v in probe.items() if p in enrolled}


def _rounded(fingers: tuple[tuple[int, float], ...]) -> tuple[tuple[int, float], ...]:
    return tuple((p, round(s, 4)) for p, s in fingers)
