"""Faces: enrolment on an alert and 1:N search (1:1 verification is ``POST /v1/verify``
with a ``face``, in ``routes/biometrics``).

A body names images as base64 strings in strict JSON (``images`` for an enrolment,
``image`` for a search), or is one image as ``application/octet-stream``: a JPEG, a PNG
or an ANSI/NIST-ITL transaction with Type-10 facial records, told by its first bytes.
Every refusal is an RFC 9457 problem with the pointer of what was wrong
(``/images/1/face``); a refused enrolment stores nothing.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Annotated, Any

from annotated_types import Ge, Le, MaxLen, MinLen
from fastapi import APIRouter, Response

from limes import codec
from limes.api import schemas
from limes.api.deps import AlertId, App, Ctx, RecordBody
from limes.api.routes import needs
from limes.biometrics.faces.captures import MAX_IMAGES
from limes.biometrics.faces.images import MAX_IMAGE_BYTES
from limes.domain.alerts import STRICT
from limes.domain.categories import CategoryCode
from limes.errors import FieldError, InvalidInput
from limes.policy.permissions import Permission
from limes.service.faces import MAX_CANDIDATES, FaceAnswer, FaceEnrolment

router = APIRouter(tags=["biometrics"])

Image = Annotated[str, MinLen(1), MaxLen((MAX_IMAGE_BYTES + 2) // 3 * 4)]
"""A JPEG, a PNG or an ANSI/NIST-ITL transaction with Type-10 faces, base64 (RFC 4648)."""


@dataclass(frozen=True, slots=True)
class FaceEnrolmentIn:
    """Images of the person's face, one face each (at most 5 a person in all)."""

    __pydantic_config__ = STRICT

    images: Annotated[tuple[Image, ...], MinLen(1), MaxLen(MAX_IMAGES)]


@dataclass(frozen=True, slots=True)
class FaceSearch:
    """One facial image to search with."""

    __pydantic_config__ = STRICT

    image: Image
    categories: Annotated[tuple[CategoryCode, ...], MaxLen(len(CategoryCode))] = ()
    limit: Annotated[int, Ge(1), Le(MAX_CANDIDATES)] = 10


@dataclass(frozen=True, slots=True)
class EnrolledFaceOut:
    """A face enrolled: its number on the alert, the image's type and size, and how it
    passed the gate (eye distance in pixels, roll and estimated yaw in degrees)."""

    number: int
    media_type: str
    width: int
    height: int
    eye_distance: int
    roll: float
    yaw: float
    enrolled_at: datetime


@dataclass(frozen=True, slots=True)
class FaceEnrolmentOut:
    alert_id: str
    faces: tuple[EnrolledFaceOut, ...]


@dataclass(frozen=True, slots=True)
class FaceCandidateOut:
    """An alert for the examiner to compare, never an identity: ``score`` is the cosine
    similarity of the templates (1 the same), ``distance`` their Euclidean distance;
    ``face`` (which enrolled face was nearest) only where the view holds biometrics."""

    alert: schemas.AlertOut
    score: float
    distance: float
    face: int | None


@dataclass(frozen=True, slots=True)
class FaceCandidatesOut:
    candidates: tuple[FaceCandidateOut, ...]


REQUESTS: tuple[type, ...] = (FaceEnrolmentIn, FaceSearch)
ANSWERS: tuple[type, ...] = (FaceEnrolmentOut, FaceCandidatesOut)


@cache
def components() -> dict[str, Any]:
    found = schemas.schemas_of(REQUESTS, ANSWERS)
    shared = schemas.components()
    return {name: shared.get(name, schema) for name, schema in found.items()}


def decoded(text: str, where: str) -> bytes:
    """The bytes of a base64 image, or a problem located at ``where``."""
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:  # binascii.Error, or a character outside ASCII
        detail = "is not base64 (RFC 4648, with padding)"
        raise InvalidInput(f"{where} {detail}", [FieldError(where, detail)]) from None


def _enrolment_out(enrolment: FaceEnrolment) -> FaceEnrolmentOut:
    faces = tuple(
        EnrolledFaceOut(
            f.number, f.media_type, f.width, f.height, f.eye_distance, f.roll, f.yaw, f.enrolled_at
        )
        for f in enrolment.faces
    )
    return FaceEnrolmentOut(enrolment.alert_id, faces)


def _candidates_out(answer: FaceAnswer) -> FaceCandidatesOut:
    return FaceCandidatesOut(
        tuple(
            FaceCandidateOut(schemas.alert_out(c.view), c.score, c.distance, c.face)
            for c in answer.candidates
        )
    )


def _body(cls: type) -> dict[str, Any]:
    extra = schemas.body(cls)
    binary = {"schema": {"type": "string", "format": "binary"}}
    extra["requestBody"]["content"]["application/octet-stream"] = binary
    return extra


@router.post(
    "/v1/alerts/{alert_id}/faces",
    status_code=201,
    summary="Enrol faces (JPEG, PNG or ANSI/NIST-ITL Type-10) on a person alert of the "
    "caller's state",
    openapi_extra=needs(Permission.BIOMETRIC_ENROL, _body(FaceEnrolmentIn)),
    responses={201: schemas.answer(FaceEnrolmentOut, "The faces enrolled")},
)
def enrol(ctx: Ctx, limes: App, alert_id: AlertId, raw: RecordBody) -> Response:
    media_type, data = raw  # "" for JSON; a raw image's format is read from its bytes
    if not media_type:
        texts = codec.parse(FaceEnrolmentIn, data).images
        images = [decoded(t, f"/images/{n}") for n, t in enumerate(texts)]
    else:
        images = [data]
    enrolled = limes.faces.enrol(ctx, alert_id, images)
    return schemas.json_response(_enrolment_out(enrolled), 201)


@router.post(
    "/v1/search/faces",
    summary="Search alerts by a facial image: candidates for an examiner",
    openapi_extra=needs(Permission.SEARCH_FACES, _body(FaceSearch)),
    responses={200: schemas.answer(FaceCandidatesOut, "Candidates for an examiner, best first")},
)
def search(ctx: Ctx, limes: App, raw: RecordBody) -> Response:
    media_type, data = raw  # "" for JSON; a raw image's format is read from its bytes
    form = FaceSearch("") if media_type else codec.parse(FaceSearch, data)
    image = data if media_type else decoded(form.image, "/image")
    answer = limes.faces.search(ctx, image, form.limit, frozenset(form.categories))
    return schemas.json_response(_candidates_out(answer))
