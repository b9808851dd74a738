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
  principal): the alerts whose enrolled fingers agree with one alert's: a mean MCC score
  over the fingers both hold of at least ``LINK_THRESHOLD``, set on the gallery's bit
  scores (verification's ``VERIFY_THRESHOLD`` is set on float scores).

The gallery is built from the store at the first use of each process and follows the
change feed (``service/feed_follower``, shared with the face index), as the name index
does: each search, verification and enrolment first
applies the events written since (by this process or any other ``--workers`` process
on the same store), reading again the fingers of an alert with an
``alert.biometrics_enrolled`` event and dropping an alert the gallery holds once it is
deleted or expired; an alert found erased when a search opens it is dropped then too.

Audit records name the alert and the modality, never a template (``biometric_query``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from limes.audit.record import AlertRef, biometric_query
from limes.biometrics.captures import (
    enrolment_fingers,
    enrolment_palms,
    latent_marks,
    search_fingers,
    search_palms,
)
from limes.biometrics.extraction import Extractor
from limes.biometrics.formats.iso19794_2 import FingerView, decode
from limes.biometrics.gallery import PALM_POSITIONS, UNKNOWN, UNKNOWN_PALM, AlertGallery
from limes.biometrics.identification import LATENT_SHORTLIST
from limes.biometrics.latents import LATENT_BASE, MAX_LATENTS, LatentBank
from limes.biometrics.matching.cylinders import Cylinders, cylinders
from limes.biometrics.matching.mcc import score
from limes.biometrics.minutiae import points
from limes.biometrics.transactions import Captured, Submission, captured, records_of
from limes.domain.alerts import AlertStatus
from limes.domain.categories import CategoryCode
from limes.domain.compatibility import ExistingAlert
from limes.domain.events import EventType
from limes.domain.sealed_fields import SealedField
from limes.errors import Conflict, InvalidInput, NotFound
from limes.policy import disclosure
from limes.policy.permissions import Context, Permission
from limes.service.alert_views import AlertView, event
from limes.service.alerts import AlertService
from limes.service.audited import Description, Refs, about, audited
from limes.service.biometric_checks import LINK_THRESHOLD, LatentHit, latent_hits, same_person
from limes.service.biometric_doors import enrollable, require_search, shown_matches, verifiable
from limes.service.feed_follower import FeedFollower
from limes.store.port import FingerRow, Transaction

MODALITY = "fingerprint"
SHORTLIST = 100
"""Alerts a search by fingers of known position re-ranks (a latent re-ranks
``identification.LATENT_SHORTLIST`` fingers)."""
MAX_CANDIDATES = 50
VERIFY_THRESHOLD = 0.04
"""A 1:1 verification agrees at a mean MCC score of at least this over the fingers
compared. It compares float cylinders (MCC's float version: the enrolled fingers opened
from the store, not the gallery's bits), so it is set on float scores: on the synthetic
sets (``make bench-biometrics``) no impostor finger pair of 600 reached 0.021 and 99 % of
genuine pairs scored over 0.059; real captures need their own figure."""
PAGE = 500


@dataclass(frozen=True, slots=True)
class EnrolledFinger:
    position: int
    quality: int
    minutiae: int
    enrolled_at: datetime


@dataclass(frozen=True, slots=True)
class Enrolment:
    """The fingers (or latents, at slots 100-199) enrolled; the alerts on the same
    person to report (``biometric_checks.same_person``), as the caller may read them;
    the stored latents the fingers match."""

    alert_id: str
    issuing_state: str
    fingers: tuple[EnrolledFinger, ...]
    related: tuple[ExistingAlert, ...] = ()
    related_notice: str | None = None
    latent_hits: tuple[LatentHit, ...] = ()

    def audit_refs(self) -> Refs:
        hits = tuple(h.view.audit_ref() for h in self.latent_hits)
        return (AlertRef(self.alert_id, None, self.issuing_state), *hits), {
            "fingers": [f.position for f in self.fingers]
        }


@dataclass(frozen=True, slots=True)
class EnrolledFingers:
    """The fingers enrolled on an alert, as a reader may see them: position, quality and
    when, enrolled by the issuing state (the one state that enrols); never a template.
    ``withheld``: the reader's view of the alert holds no biometrics, so none are listed."""

    alert_id: str
    issuing_state: str
    fingers: tuple[tuple[int, int, datetime], ...]
    withheld: bool

    def audit_refs(self) -> Refs:
        return (AlertRef(self.alert_id, None, self.issuing_state),), {"fingers": len(self.fingers)}


@dataclass(frozen=True, slots=True)
class Candidate:
    """An alert proposed for the examiner; ``fingers`` (position, score) only where the
    reader's view holds biometrics."""

    view: AlertView
    score: float
    fingers: tuple[tuple[int, float], ...]


@dataclass(frozen=True, slots=True)
class FingerprintAnswer:
    """Candidates best first; apart from them, the stored latents (on alerts on unknown
    wanted persons) that a finger of a ten-print probe matches."""

    candidates: tuple[Candidate, ...]
    latent_hits: tuple[LatentHit, ...] = ()

    def audit_refs(self) -> Refs:
        refs = (*(c.view.audit_ref() for c in self.candidates),)
        refs += tuple(h.view.audit_ref() for h in self.latent_hits)
        return refs, {"candidates": len(self.candidates), "latent_hits": len(self.latent_hits)}


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
        self.latents = LatentBank()
        self.palms = AlertGallery(positions=PALM_POSITIONS, unknown=UNKNOWN_PALM)
        self.extractor = Extractor()
        self.follower = FeedFollower(alerts.store, self._build, self._holds, self._refresh)

    # -- the gallery ----------------------------------------------------------------------

    def start(self) -> int:
        """Build the gallery from the store (once per process), then apply the change
        feed written since (``service/feed_follower``); how many alerts it holds."""
        self.follower.follow()
        return len(self.gallery)

    def _build(self) -> None:
        after: tuple[str, int] | None = None
        alert_id, held = "", dict[int, Cylinders]()  # an alert's rows may span two pages
        with (
            self.gallery.loading(),
            self.palms.loading(),
            self.latents.loading(),
            self.alerts.store.read() as tx,
        ):
            while page := tx.biometrics.page(after, PAGE):
                for row in page:
                    if row.alert_id != alert_id and held:
                        self._hold(alert_id, held)
                        held = {}
                    alert_id = row.alert_id
                    held[row.position] = self._open(tx, row)
                after = (page[-1].alert_id, page[-1].position)
            if held:
                self._hold(alert_id, held)

    def _hold(self, alert_id: str, held: dict[int, Cylinders]) -> None:
        """Fingers into the gallery, palms into theirs, latents into the latent bank (all
        of the alert's)."""
        fingers = {p: c for p, c in held.items() if p < PALM_POSITIONS[0]}
        palms = {p: c for p, c in held.items() if p in PALM_POSITIONS}
        latents = {p: c for p, c in held.items() if p >= LATENT_BASE}
        for index in (self.gallery, self.palms, self.latents):
            index.remove(alert_id)
        if fingers:
            self.gallery.put(alert_id, fingers)
        if palms:
            self.palms.put(alert_id, palms)
        if latents:
            self.latents.put(alert_id, latents)

    def _holds(self, alert_id: str) -> bool:
        return bool(
            self.gallery.fingers(alert_id)
            or self.palms.fingers(alert_id)
            or self.latents.slots(alert_id)
        )

    def _refresh(self, alert_id: str) -> None:
        with self.alerts.store.read() as tx:
            record = tx.alerts.get(alert_id)
            active = record is not None and record.status is AlertStatus.ACTIVE
            rows = tx.biometrics.of(alert_id) if active else []
            held = {row.position: self._open(tx, row) for row in rows}
        self._hold(alert_id, held)

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
            if mean >= LINK_THRESHOLD:
                found.append((match.key, round(mean, 4)))
        return sorted(found, key=lambda m: -m[1])

    # -- use cases ------------------------------------------------------------------------

    @audited(
        Permission.BIOMETRIC_ENROL,
        write=True,
        describe=lambda _, ctx, alert_id, records: _fingerprint(alert_id),
    )
    def enrol(
        self, ctx: Context, alert_id: str, records: Sequence[bytes] | Submission
    ) -> Enrolment:
        """Enrol the fingers of ``records`` (ISO/IEC 19794-2, or images to extract them
        from) on a person alert of the caller's state, replacing a finger enrolled before
        at the same position."""
        self.start()
        if isinstance(records, Submission):
            with self.alerts.store.read() as tx:  # refused before any image is read
                enrollable(self.alerts, ctx, tx, alert_id, "fingerprints", for_update=False)
        given = captured(records, self.extractor)
        now = self.alerts.clock()
        with self.alerts.store.transaction() as tx:
            record = enrollable(self.alerts, ctx, tx, alert_id, "fingerprints", for_update=True)
            related: tuple[ExistingAlert, ...] = ()
            hits: tuple[LatentHit, ...] = ()
            if record.category == CategoryCode.UNKNOWN_WANTED:
                templates = self._latents_of(tx, alert_id, given)
            else:
                templates = self._enrolled_of(given)
                probe = {p: _cylinders(decode(t).views[0]) for p, t in templates.items() if p <= 10}
                if probe:
                    related = same_person(self.alerts, self.gallery, ctx, record, probe, tx)
                    hits = latent_hits(self.alerts, self.latents, ctx, probe, tx)
            for position, template in templates.items():
                sealed = self.alerts.seal_field(
                    alert_id, record.issuing_state, SealedField.FINGERPRINT, template, tx
                )
                quality = decode(template).views[0].quality
                tx.biometrics.put(FingerRow(alert_id, position, sealed, quality, now))
            tx.outbox.append(event(EventType.ALERT_BIOMETRICS_ENROLLED, record, now))
        self.start()  # the gallery and the latent bank take them from the change feed
        views = {p: decode(t).views[0] for p, t in templates.items()}
        enrolled = tuple(
            EnrolledFinger(p, v.quality, len(v.minutiae), now) for p, v in sorted(views.items())
        )
        shown = disclosure.related(related, disclosure.could_read(self.alerts.policy, ctx))
        return Enrolment(alert_id, record.issuing_state, enrolled, shown.alerts, shown.notice, hits)

    @staticmethod
    def _enrolled_of(given: Captured) -> dict[int, bytes]:
        """Fingers (1-10) and palms (21-38) to enrol, by position, after the gates."""
        fingers = enrolment_fingers(given.fingers) if given.fingers or not given.palms else {}
        return fingers | enrolment_palms(given.palms)

    def _latents_of(self, tx: Transaction, alert_id: str, given: Captured) -> dict[int, bytes]:
        """The latents to store on an alert on an unknown wanted person, each at the next
        free slot after those it holds."""
        if given.palms:
            raise InvalidInput("an alert on an unknown wanted person holds finger marks only")
        marks = latent_marks(given.fingers)
        held = [r.position for r in tx.biometrics.of(alert_id) if r.position >= LATENT_BASE]
        first = max(held, default=LATENT_BASE - 1) + 1
        if first - LATENT_BASE + len(marks) > MAX_LATENTS:
            raise Conflict(f"alert {alert_id} holds {len(held)} latents (at most {MAX_LATENTS})")
        return {first + n: record for n, (_, record) in enumerate(marks)}

    @audited(Permission.ALERT_READ, describe=lambda _, ctx, alert_id: _fingerprint(alert_id))
    def enrolled(self, ctx: Context, alert_id: str) -> EnrolledFingers:
        """The fingers enrolled on an alert the caller may read (position, quality, when),
        listed where the caller's view of the alert holds its biometrics."""
        with self.alerts.store.read() as tx:
            record = self.alerts.active(tx, alert_id, for_update=False)
            decision = self.alerts.policy.require(
                ctx, Permission.ALERT_READ, CategoryCode(record.category), alert_id
            )
            shown = disclosure.biometrics_shown(decision.fields)
            rows = tx.biometrics.of(alert_id) if shown else []
        self.alerts.reads.opened(ctx, [alert_id])
        fingers = tuple((r.position, r.quality, r.enrolled_at) for r in rows)
        return EnrolledFingers(alert_id, record.issuing_state, fingers, not shown)

    @audited(
        Permission.SEARCH_FINGERPRINTS,
        describe=lambda _, ctx, records, limit=10, categories=frozenset(): _fingerprint(),
    )
    def search(
        self,
        ctx: Context,
        records: Sequence[bytes] | Submission,
        limit: int = 10,
        categories: frozenset[CategoryCode] = frozenset(),
    ) -> FingerprintAnswer:
        """Alerts whose fingers match the probe (fingers of known position, or one latent),
        best first, only in ``categories`` if any are named."""
        require_search(
            self.alerts, ctx, Permission.SEARCH_FINGERPRINTS, categories, limit, MAX_CANDIDATES
        )
        given = captured(records, self.extractor)
        if given.palms and given.fingers:
            raise InvalidInput("search by fingers or by palms, not both at once")
        views = search_palms(given.palms) if given.palms else search_fingers(given.fingers)
        probe = {p: _cylinders(v) for p, v in views.items()}
        self.start()
        latent = UNKNOWN in probe or UNKNOWN_PALM in probe
        matches = (self.palms if given.palms else self.gallery).search(
            probe, LATENT_SHORTLIST if latent else SHORTLIST, MAX_CANDIDATES
        )
        found: list[Candidate] = []
        with self.alerts.store.read() as tx:
            for match, record, decision in shown_matches(
                self.alerts,
                ctx,
                tx,
                Permission.SEARCH_FINGERPRINTS,
                categories,
                ((m.key, m) for m in matches),
                lambda alert_id: self._hold(alert_id, {}),  # erased since the gallery took it
            ):
                shown = disclosure.finger_scores(match.fingers, decision.fields)
                view = self.alerts.view(tx, ctx, record, decision)
                found.append(Candidate(view, round(match.score, 4), _rounded(shown)))
                if len(found) == limit:
                    break
            reverse = (
                not given.palms
                and UNKNOWN not in probe
                and (not categories or CategoryCode.UNKNOWN_WANTED in categories)
            )
            hits = latent_hits(self.alerts, self.latents, ctx, probe, tx) if reverse else ()
        opened = [c.view.alert.id for c in found] + [h.view.alert.id for h in hits]
        self.alerts.reads.opened(ctx, list(dict.fromkeys(opened)))
        return FingerprintAnswer(tuple(found), hits)

    @audited(
        Permission.BIOMETRIC_VERIFY,
        describe=lambda _, ctx, alert_id, records: _fingerprint(alert_id),
    )
    def verify(
        self, ctx: Context, alert_id: str, records: Sequence[bytes] | Submission
    ) -> Verification:
        """Whether a capture agrees with the fingers enrolled on one alert: each finger
        compared at its position (a latent with every enrolled finger, the best kept)."""
        with self.alerts.store.read() as tx:
            record = verifiable(self.alerts, ctx, tx, alert_id)
            probe = search_fingers(records_of(records, self.extractor))
            enrolled = {
                row.position: self._open(tx, row)
                for row in tx.biometrics.of(alert_id)
                if row.position < PALM_POSITIONS[0]
            }
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
