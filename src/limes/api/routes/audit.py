"""``/v1/audit``: the data protection officer's view of the audit log, with proofs.

``GET /v1/audit/records?alert_id=…`` lists every access to an alert, and
``GET /v1/audit/records?user=…`` every action of a user (one of the two; ``since``,
``after`` and ``limit`` page through them). Each record comes with its inclusion proof
(leaf index, tree size, audit path) against the signed tree head in the same answer,
so the caller can check, with the public key alone (``limes audit public-key``), that
the record is in the log the server signed. ``GET /v1/audit/tree-head`` answers the
latest signed head; a client that keeps one can later check the log only grew.
Both need ``audit:read``.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from limes.api import schemas
from limes.api.deps import App, Ctx
from limes.api.routes import needs
from limes.audit.answers import (
    MAX_LIMIT,
    AuditRecordsOut,
    TreeHeadOut,
    head_out,
    records_out,
)
from limes.policy.permissions import Permission

router = APIRouter(prefix="/v1/audit", tags=["audit"])


ANSWERS: tuple[type, ...] = (TreeHeadOut, AuditRecordsOut)


@cache
def components() -> dict[str, Any]:
    """The JSON schemas of this router's bodies, for the OpenAPI document."""
    return schemas.schemas_of((), ANSWERS)


@router.get(
    "/records",
    summary="Every access to an alert, or every action of a user, each with its proof",
    openapi_extra=needs(Permission.AUDIT_READ),
    responses={200: schemas.answer(AuditRecordsOut, "Records, oldest first, with proofs")},
)
def audit_records(
    ctx: Ctx,
    limes: App,
    alert_id: Annotated[str | None, Query(max_length=64)] = None,
    user: Annotated[str | None, Query(max_length=64)] = None,
    since: Annotated[datetime | None, Query(description="ISO 8601 with a zone")] = None,
    after: Annotated[int | None, Query(ge=0, description="next_after of the last page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> Response:
    answer = limes.audit_reader.records(
        ctx, alert_id=alert_id, user=user, since=since, after=after, limit=limit
    )
    return schemas.json_response(records_out(answer))


@router.get(
    "/tree-head",
    summary="The latest signed tree head of the audit log",
    openapi_extra=needs(Permission.AUDIT_READ),
    responses={200: schemas.answer(TreeHeadOut, "The latest signed tree head")},
)
def audit_tree_head(ctx: Ctx, limes: App) -> Response:
    return schemas.json_response(head_out(limes.audit_reader.tree_head(ctx)))
