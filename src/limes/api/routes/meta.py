"""``/v1/health`` and ``/v1/categories``: what a client needs before it reads any alert.

Neither holds personal data. Health answers without authentication (load balancers
probe it) and says nothing about the data; the category table needs a principal,
but no purpose, as it is the law's text, not an alert.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from limes.api import schemas
from limes.api.deps import App, Who

router = APIRouter(prefix="/v1", tags=["meta"])


@router.get(
    "/health",
    summary="Is the server up",
    responses={200: schemas.answer(schemas.HealthOut, "The server answers")},
    openapi_extra={"security": []},
)
async def health() -> Response:
    return schemas.json_response(schemas.HealthOut("ok"))


@router.get(
    "/categories",
    summary="The alert categories and object types: fields, actions, review periods",
    responses={200: schemas.answer(schemas.CategoriesOut, "The category and object tables")},
)
async def categories(who: Who, limes: App) -> Response:
    return schemas.json_response(schemas.categories_out(limes.settings.review))
