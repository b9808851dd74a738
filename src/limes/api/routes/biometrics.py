"""Fingerprints: enrolment on an alert, 1:N search, 1:1 verification.

A body names ISO/IEC 19794-2 finger minutiae records as base64 strings in strict JSON
(``records``), or, for enrolment and search, is one capture: one record as
``application/octet-stream``, one ANSI/NIST-ITL transaction with Type-4/14 finger
images or Type-9 minutiae (the ISO/IEC 19794-2 block 9.126-9.141) as
``application/x-ansi-nist``, or one bare 500 ppi finger image as ``image/png``
(8-bit grey) or ``image/x-wsq``, whose finger the query's ``position`` names (0: a
latent, unknown finger; 21-38 a palm by its ANSI/NIST-ITL code, 20 a palm mark).
Type-15 palm images are enrolled and searched on the same machinery as fingers.
Minutiae are extracted from images with mindtct and each image's quality is NFIQ 2's
(``biometrics/extraction.py``). Every refusal is an RFC 9457 problem with the pointer
of what was wrong (``/records/1/bytes/40``); a refused enrolment stores nothing.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Annotated, Any

from annotated_types import Ge, Le, MaxLen, MinLen
from fastapi import APIRouter, Query, Response

from limes import codec
from limes.api import schemas
from limes.api.deps import AlertId, App, Body, Ctx, RecordBody
from limes.api.routes import faces as face_routes
from limes.api.routes import needs
from limes.domain.alerts import STRICT
from limes.domain.categories import CategoryCode
from limes.domain.compatibility import ExistingAlert
from limes.errors import FieldError, InvalidInput
from limes.policy.permissions import Permission
from limes.service.biometric_checks import LatentHit
from limes.service.biometrics import (
    MAX_CANDIDATES,
    MODALITY,
    VERIFY_THRESHOLD,
    EnrolledFingers,
    Enrolment,
    FingerprintAnswer,
    Verification,
)
from limes.service.door_types import MAX_RECORD_BYTES, MAX_RECORDS, Form, Submission
from limes.service.faces import MODALITY as FACE_MODALITY
from limes.service.faces import VERIFY_DISTANCE, FaceVerification

router = APIRouter(tags=["biometrics"])

Record = Annotated[str, MinLen(1), MaxLen((MAX_RECORD_BYTES + 2) // 3 * 4)]
"""An ISO/IEC 19794-2 record, base64 (RFC 4648, with padding)."""
Records = Annotated[tuple[Record, ...], MinLen(1), MaxLen(MAX_RECORDS)]
FORMS = {
    "application/octet-stream": Form.RECORDS,
    "application/x-ansi-nist": Form.TRANSACTION,
    "image/png": Form.PNG,
    "image/x-wsq": Form.WSQ,
}
Position = Annotated[
    int,
    Query(
        ge=0,
        le=38,
        description="What a bare image shows: finger 1-10, 0 (a latent), palm 21-38 or 20",
    ),
]


@dataclass(frozen=True, slots=True)
class FingerprintEnrolment:
    """Records of the fingers to enrol (positions 1-10, one view each)."""

    __pydantic_config__ = STRICT

    records: Records


@dataclass(frozen=True, slots=True)
class FingerprintSearch:
    """Fingers of known positions (a ten-print or flat set) or one latent (position 0)."""

    __pydantic_config__ = STRICT

    records: Records
    categories: Annotated[tuple[CategoryCode, ...], MaxLen(len(CategoryCode))] = ()
    limit: Annotated[int, Ge(1), Le(MAX_CANDIDATES)] = 10


@dataclass(frozen=True, slots=True)
class FingerprintVerification:
    """A capture to compare with what is enrolled on ``alert_id``: finger ``records``,
    or one facial image as ``face`` (base64 JPEG, PNG or Type-10), never both."""

    __pydantic_config__ = STRICT

    alert_id: Annotated[str, MinLen(1), MaxLen(40)]
    records: Annotated[tuple[Record, ...], MaxLen(MAX_RECORDS)] = ()
    face: face_routes.Image | None = None


@dataclass(frozen=True, slots=True)
class EnrolledFingerOut:
    position: int
    quality: int
    minutiae: int
    enrolled_at: datetime


@dataclass(frozen=True, slots=True)
class LatentHitOut:
    """A latent stored on an alert on an unknown wanted person that one finger matches:
    the alert as the caller may see it, the latent's slot (100-199), the finger, the score."""

    alert: schemas.AlertOut
    slot: int
    position: int
    score: float


@dataclass(frozen=True, slots=True)
class FingerprintEnrolmentOut:
    """The fingers enrolled (latents at slots 100-199); ``related_alerts``: alerts on the
    same person by fingerprints, as the caller may read them (of any other, only
    ``related_notice``); ``latent_hits``: stored latents the fingers match."""

    alert_id: str
    fingers: tuple[EnrolledFingerOut, ...]
    related_alerts: tuple[ExistingAlert, ...]
    related_notice: str | None
    latent_hits: tuple[LatentHitOut, ...]


@dataclass(frozen=True, slots=True)
class ListedFingerOut:
    position: int
    quality: int
    enrolled_at: datetime
    enrolled_by: str


@dataclass(frozen=True, slots=True)
class EnrolledFingersOut:
    """The fingers enrolled on the alert, never a template; ``withheld``: the caller's
    view of the alert holds no biometrics, so none are listed."""

    alert_id: str
    fingers: tuple[ListedFingerOut, ...]
    withheld: bool


@dataclass(frozen=True, slots=True)
class FingerScoreOut:
    position: int
    score: float


@dataclass(frozen=True, slots=True)
class CandidateOut:
    """An alert for the examiner to compare, never an identity; ``fingers`` only where
    the caller's view of the alert holds biometrics."""

    alert: schemas.AlertOut
    score: float
    fingers: tuple[FingerScoreOut, ...]


@dataclass(frozen=True, slots=True)
class CandidatesOut:
    """Candidates best first; ``latent_hits`` apart: stored latents that a finger of a
    ten-print probe matches."""

    candidates: tuple[CandidateOut, ...]
    latent_hits: tuple[LatentHitOut, ...]


@dataclass(frozen=True, slots=True)
class VerificationOut:
    """``agrees``: for fingerprints, the mean score of the fingers compared is at least
    ``threshold``; for a face, the nearest enrolled face (``face``) is at most
    ``threshold`` away (``distance``; ``score`` its cosine similarity)."""

    alert_id: str
    score: float
    agrees: bool
    threshold: float
    fingers: tuple[FingerScoreOut, ...]
    modality: str = MODALITY
    face: int | None = None
    distance: float | None = None


REQUESTS: tuple[type, ...] = (FingerprintEnrolment, FingerprintSearch, FingerprintVerification)
ANSWERS: tuple[type, ...] = (
    FingerprintEnrolmentOut,
    EnrolledFingersOut,
    CandidatesOut,
    VerificationOut,
)


@cache
def components() -> dict[str, Any]:
    found = schemas.schemas_of(REQUESTS, ANSWERS)
    shared = schemas.components()
    return {name: shared.get(name, schema) for name, schema in found.items()}


def _decoded(records: tuple[str, ...]) -> list[bytes]:
    found = []
    for number, text in enumerate(records):
        try:
            found.append(base64.b64decode(text, validate=True))
        except ValueError:  # binascii.Error, or a character outside ASCII
            where = f"/records/{number}"
            detail = "is not base64 (RFC 4648, with padding)"
            raise InvalidInput(f"{where} {detail}", [FieldError(where, detail)]) from None
    return found


def _scores(fingers: tuple[tuple[int, float], ...]) -> tuple[FingerScoreOut, ...]:
    return tuple(FingerScoreOut(p, s) for p, s in fingers)


def _enrolment_out(enrolment: Enrolment) -> FingerprintEnrolmentOut:
    fingers = tuple(
        EnrolledFingerOut(f.position, f.quality, f.minutiae, f.enrolled_at)
        for f in enrolment.fingers
    )
    return FingerprintEnrolmentOut(
        enrolment.alert_id,
        fingers,
        enrolment.related,
        enrolment.related_notice,
        _latent_hits(enrolment.latent_hits),
    )


def _latent_hits(hits: tuple[LatentHit, ...]) -> tuple[LatentHitOut, ...]:
    return tuple(LatentHitOut(schemas.alert_out(h.view), h.slot, h.position, h.score) for h in hits)


def _enrolled_out(found: EnrolledFingers) -> EnrolledFingersOut:
    fingers = tuple(
        ListedFingerOut(position, quality, when, found.issuing_state)
        for position, quality, when in found.fingers
    )
    return EnrolledFingersOut(found.alert_id, fingers, found.withheld)


def _candidates_out(answer: FingerprintAnswer) -> CandidatesOut:
    return CandidatesOut(
        tuple(
            CandidateOut(schemas.alert_out(c.view), c.score, _scores(c.fingers))
            for c in answer.candidates
        ),
        _latent_hits(answer.latent_hits),
    )


def _verification_out(found: Verification) -> VerificationOut:
    return VerificationOut(
        found.alert_id, found.score, found.agrees, VERIFY_THRESHOLD, _scores(found.fingers)
    )


def _body(cls: type) -> dict[str, Any]:
    extra = schemas.body(cls)
    binary = {"schema": {"type": "string", "format": "binary"}}
    for media_type in FORMS:
        extra["requestBody"]["content"][media_type] = binary
    return extra


def _capture(media_type: str, data: bytes, position: int) -> Submission:
    form = FORMS[media_type]
    if form is not Form.PNG and form is not Form.WSQ and position:
        detail = "names the finger of a bare image only"
        raise InvalidInput(f"position {detail}", [FieldError("/query/position", detail)])
    return Submission(form, (data,), position)


@router.post(
    "/v1/alerts/{alert_id}/biometrics",
    status_code=201,
    summary="Enrol fingerprints (ISO/IEC 19794-2) on a person alert of the caller's state",
    openapi_extra=needs(Permission.BIOMETRIC_ENROL, _body(FingerprintEnrolment)),
    responses={201: schemas.answer(FingerprintEnrolmentOut, "The fingers enrolled")},
)
def enrol(
    ctx: Ctx, limes: App, alert_id: AlertId, raw: RecordBody, position: Position = 0
) -> Response:
    media_type, data = raw
    records = (
        _capture(media_type, data, position)
        if media_type
        else _decoded(codec.parse(FingerprintEnrolment, data).records)
    )
    enrolled = limes.biometrics.enrol(ctx, alert_id, records)
    return schemas.json_response(_enrolment_out(enrolled), 201)


@router.get(
    "/v1/alerts/{alert_id}/biometrics",
    summary="The fingers enrolled on an alert: positions, quality, when and by which state",
    openapi_extra=needs(Permission.ALERT_READ),
    responses={200: schemas.answer(EnrolledFingersOut, "The fingers, never a template")},
)
def enrolled(ctx: Ctx, limes: App, alert_id: AlertId) -> Response:
    return schemas.json_response(_enrolled_out(limes.biometrics.enrolled(ctx, alert_id)))


@router.post(
    "/v1/search/fingerprints",
    summary="Search alerts by fingerprints: a ten-print or flat set, or one latent",
    openapi_extra=needs(Permission.SEARCH_FINGERPRINTS, _body(FingerprintSearch)),
    responses={200: schemas.answer(CandidatesOut, "Candidates for an examiner, best first")},
)
def search(ctx: Ctx, limes: App, raw: RecordBody, position: Position = 0) -> Response:
    media_type, data = raw
    form = FingerprintSearch(("",)) if media_type else codec.parse(FingerprintSearch, data)
    records = _capture(media_type, data, position) if media_type else _decoded(form.records)
    answer = limes.biometrics.search(ctx, records, form.limit, frozenset(form.categories))
    return schemas.json_response(_candidates_out(answer))


@router.post(
    "/v1/verify",
    summary="Verify a fingerprint or face capture against what is enrolled on one alert",
    openapi_extra=needs(Permission.BIOMETRIC_VERIFY, schemas.body(FingerprintVerification)),
    responses={200: schemas.answer(VerificationOut, "The comparison")},
)
def verify(ctx: Ctx, limes: App, raw: Body) -> Response:
    form = codec.parse(FingerprintVerification, raw)
    if (form.face is None) == (not form.records):
        detail = "give finger records or one face, not both"
        raise InvalidInput(detail, [FieldError("/records", detail)])
    if form.face is not None:
        face = limes.faces.verify(ctx, form.alert_id, face_routes.decoded(form.face, "/face"))
        return schemas.json_response(_face_verification_out(face))
    found = limes.biometrics.verify(ctx, form.alert_id, _decoded(form.records))
    return schemas.json_response(_verification_out(found))


def _face_verification_out(found: FaceVerification) -> VerificationOut:
    return VerificationOut(
        found.alert_id,
        found.score,
        found.agrees,
        VERIFY_DISTANCE,
        (),
        FACE_MODALITY,
        found.face,
        found.distance,
    )
