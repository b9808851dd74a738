"""``/v1/health`` and ``/v1/categories``: what a client needs before it reads any alert.

Neither holds personal data. Health answers without authentication (load balancers
probe it) and says nothing about the data; the category table needs a principal,
but no purpose, as it is the law's text, not an alert.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from limes.api import schemas
from limes.api.deps import App, Who
from limes.api.hot import HotRoute
from limes.policy.permissions import Context

router = APIRouter(prefix="/v1", tags=["meta"])


@router.get(
    "/health",
    summary="Is the server up",
    responses={200: schemas.answer(schemas.HealthOut, "The server answers")},
    openapi_extra={"security": []},
)
async def health() -> Response:
    return schemas.json_response(schemas.HealthOut("ok"))


async def health_answer(request: Request, ctx: Context | None, value: None) -> Response:
    """The same answer, from the hot lane (``api/hot.py``): no caller, no dependencies."""
    return await health()


HOT = (HotRoute("GET", f"{router.prefix}/health", health_answer, body=False, anonymous=True),)
"""The load balancer's probe, answered by the hot lane besides FastAPI."""


@router.get(
    "/categories",
    summary="The alert categories and object types: fields, actions, review periods",
    responses={200: schemas.answer(schemas.CategoriesOut, "The category and object tables")},
)
async def categories(who: Who, limes: App) -> Response:
    return schemas.json_response(schemas.categories_out(limes.settings.review))
