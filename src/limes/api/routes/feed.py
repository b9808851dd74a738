"""``/v1/feed``: the centre's replication feed for national copies (system clients).

``GET /v1/feed?after=N&limit=M`` answers the change events after position ``N``,
oldest first, each with the alert's rows as the centre stores them (ciphertext
envelopes naming their data keys, blind-index tokens; never plaintext) and the
position ``row_seq`` they reflect, plus ``position``, the centre's newest. A partial
copy names its filter (``category``, ``object_type``, ``state``, each repeatable):
events outside it come as ``{"seq": N, "skipped": true}``. ``GET /v1/feed/digest``
answers the latest signed completeness digest and ``GET /v1/feed/leaves?partition=``
one partition's alert ids, versions and statuses. All need ``feed:replicate``
(``service/replication.py``); every call is recorded. ``POST /v1/feed/audit`` takes a
copy's own audit records, signed (``audit:forward``, ``service/audit_forwarding.py``).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import Field

from limes import codec
from limes.api import schemas
from limes.api.deps import App, Body, Ctx
from limes.api.routes import needs
from limes.domain.alerts import STRICT
from limes.errors import FieldError, InvalidInput
from limes.policy.permissions import Permission
from limes.service.replication import MAX_PAGE, CopyFilter

router = APIRouter(prefix="/v1/feed", tags=["feed"])


@dataclass(frozen=True, slots=True)
class FeedPageOut:
    """Feed items (``feed/items.py``: the event, ``row_seq`` and the ``sealed`` rows, or
    ``{"seq", "skipped": true}`` outside the filter) and the centre's newest position."""

    items: list[dict[str, Any]]
    position: int


@dataclass(frozen=True, slots=True)
class DigestOut:
    """The signed digest: position, time, ``{partition: {count, root}}``, Ed25519
    signature (base64) over ``limes-copy-digest-v1\\0`` + canonical JSON, key id."""

    seq: int
    at: str
    partitions: dict[str, dict[str, Any]]
    signature: str
    key_id: str


@dataclass(frozen=True, slots=True)
class LeavesOut:
    """A partition's ``[id, version, status, object type]`` and the position read at."""

    partition: str
    position: int
    leaves: list[list[Any]]


@dataclass(frozen=True, slots=True)
class AuditBatch:
    """A copy's audit records from ``first`` on, each the canonical JSON its log wrote,
    and the copy's Ed25519 signature (base64) over the batch."""

    __pydantic_config__ = STRICT

    first: Annotated[int, Field(ge=0)]
    records: Annotated[
        list[Annotated[str, Field(max_length=65536)]], Field(min_length=1, max_length=500)
    ]
    signature: Annotated[str, Field(min_length=1, max_length=200)]


@dataclass(frozen=True, slots=True)
class AuditAccepted:
    """Records stored, repeats (already held, identical) and the next record expected."""

    stored: int
    repeats: int
    next: int


ANSWERS: tuple[type, ...] = (FeedPageOut, DigestOut, LeavesOut, AuditAccepted)


@cache
def components() -> dict[str, Any]:
    """The JSON schemas of this router's bodies and answers, for the OpenAPI document."""
    return schemas.schemas_of((AuditBatch,), ANSWERS)


Codes = Annotated[list[str], Query(max_length=40)]


@router.get(
    "",
    summary="Change events after a position, with each alert's sealed rows",
    openapi_extra=needs(Permission.FEED_REPLICATE),
    responses={200: schemas.answer(FeedPageOut, "Feed items, oldest first, and the position")},
)
def feed_page(
    ctx: Ctx,
    limes: App,
    after: Annotated[int, Query(ge=0, description="The last position the copy holds")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 500,
    category: Codes = [],  # noqa: B006 - FastAPI's declaration of a repeatable parameter
    object_type: Codes = [],  # noqa: B006
    state: Codes = [],  # noqa: B006
) -> Response:
    where = CopyFilter.of(category, object_type, state)
    page = limes.replication.page(ctx, after, limit, where)
    return schemas.json_response(page.to_json())


@router.get(
    "/digest",
    summary="The latest signed completeness digest of the alert set",
    openapi_extra=needs(Permission.FEED_REPLICATE),
    responses={200: schemas.answer(DigestOut, "Position, time, roots per partition, signature")},
)
def feed_digest(ctx: Ctx, limes: App) -> Response:
    return schemas.json_response(limes.replication.digest(ctx))


@router.get(
    "/leaves",
    summary="One partition's alert ids, versions and statuses, for a copy that differs",
    openapi_extra=needs(Permission.FEED_REPLICATE),
    responses={200: schemas.answer(LeavesOut, "The partition's leaves and the position")},
)
def feed_leaves(
    ctx: Ctx,
    limes: App,
    partition: Annotated[str, Query(min_length=4, max_length=48)],
) -> Response:
    return schemas.json_response(limes.replication.leaves(ctx, partition).to_json())


@router.post(
    "/audit",
    summary="A national copy's own audit records, signed, kept at the centre",
    openapi_extra=needs(Permission.AUDIT_FORWARD, schemas.body(AuditBatch)),
    responses={200: schemas.answer(AuditAccepted, "Stored, repeats, and the next expected")},
)
def forward_audit(ctx: Ctx, limes: App, raw: Body) -> Response:
    batch = codec.parse(AuditBatch, raw)
    try:
        signature = base64.b64decode(batch.signature, validate=True)
    except ValueError:
        raise InvalidInput(
            "the signature is not base64", [FieldError("/signature", "not base64")]
        ) from None
    accepted = limes.audit_forwarding.receive(ctx, batch.first, batch.records, signature)
    return schemas.json_response(accepted.to_json())
