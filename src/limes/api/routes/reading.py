"""Read blocks: who was stopped reading past their bound, and lifting a block.

``GET /v1/read-blocks`` lists the blocks of the caller's member state (in force by
default, ``status=all`` for every one); ``POST /v1/read-blocks/{block_id}/lift`` lifts
one, with a reason (a data protection officer or system operator of the same state,
never on themselves or their own authority). ``service/reading.py`` has the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response

from limes import codec
from limes.api import schemas
from limes.api.deps import App, Body, Ctx
from limes.api.routes import needs
from limes.domain.alerts import STRICT
from limes.policy.permissions import Permission
from limes.store.port import BlockRow

router = APIRouter(prefix="/v1/read-blocks", tags=["read-blocks"])


@dataclass(frozen=True, slots=True)
class LiftRequest:
    __pydantic_config__ = STRICT

    reason: str


@dataclass(frozen=True, slots=True)
class ReadBlocksOut:
    items: tuple[BlockRow, ...]


REQUESTS: tuple[type, ...] = (LiftRequest,)
ANSWERS: tuple[type, ...] = (BlockRow, ReadBlocksOut)


@cache
def components() -> dict[str, Any]:
    """The JSON schemas of this router's bodies, for the OpenAPI document."""
    return schemas.schemas_of(REQUESTS, ANSWERS)


@router.get(
    "",
    summary="Read blocks of the caller's member state, newest first",
    openapi_extra=needs(Permission.READING_LIFT),
    responses={200: schemas.answer(ReadBlocksOut, "The blocks")},
)
def list_blocks(
    ctx: Ctx,
    limes: App,
    status: Annotated[
        Literal["in_force", "all"], Query(description="in_force (default) or all")
    ] = "in_force",
) -> Response:
    found = limes.read_blocks.list(ctx, in_force_only=status == "in_force")
    return schemas.json_response(ReadBlocksOut(found.items))


@router.post(
    "/{block_id}/lift",
    summary="Lift a read block (a DPO or operator of the same state, never one's own)",
    openapi_extra=needs(Permission.READING_LIFT, schemas.body(LiftRequest)),
    responses={200: schemas.answer(BlockRow, "The lifted block")},
)
def lift_block(
    ctx: Ctx,
    limes: App,
    block_id: Annotated[str, Path(description="The block's id (ULID)")],
    raw: Body,
) -> Response:
    form = codec.parse(LiftRequest, raw)
    return schemas.json_response(limes.read_blocks.lift(ctx, block_id, form.reason).block)
