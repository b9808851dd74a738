"""``POST /v1/auth/enrol``: the holder of a new account sets its first secrets.

Takes ``{username, code, password}``: the one-time enrolment code the approving
operator handed over, and the password the holder chooses. Answers the TOTP
provisioning URI, once, to the holder only (``service/enrolment.py``). Open like the
login (``security: []``), and like it refused with 401 unless ``LIMES_AUTH=tokens``:
an enrolled account is of use only where tokens are issued. Every refusal of the code
reads the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from annotated_types import MaxLen, MinLen
from fastapi import APIRouter, Request
from starlette.responses import Response

from limes import codec
from limes.api import schemas
from limes.api.auth import TokenAuthenticator
from limes.api.deps import Body
from limes.domain.alerts import STRICT
from limes.errors import Unauthenticated
from limes.service.enrolment import EnrolmentService

router = APIRouter(prefix="/v1/auth", tags=["auth"])


@dataclass(frozen=True, slots=True)
class EnrolmentRequest:
    """The username, the enrolment code an operator handed over, and a new password."""

    __pydantic_config__ = STRICT

    username: Annotated[str, MinLen(1), MaxLen(64)]
    code: Annotated[str, MinLen(1), MaxLen(64)]
    password: Annotated[str, MinLen(1), MaxLen(1024)]


@dataclass(frozen=True, slots=True)
class EnrolmentOut:
    """The enrolled account and its TOTP provisioning URI (otpauth://), shown this once."""

    username: str
    totp_provisioning_uri: str


@cache
def components() -> dict[str, Any]:
    """The JSON schemas of this router's bodies, for the OpenAPI document."""
    return schemas.schemas_of((EnrolmentRequest,), (EnrolmentOut,))


@router.post(
    "/enrol",
    summary="Enrol a new account with its one-time code; answers its TOTP provisioning URI",
    openapi_extra={**schemas.body(EnrolmentRequest), "security": []},
    responses={200: schemas.answer(EnrolmentOut, "The TOTP provisioning URI, shown once")},
)
def enrol(request: Request, raw: Body) -> Response:
    authenticator = request.app.state.authenticator
    if not isinstance(authenticator, TokenAuthenticator):
        raise Unauthenticated("this server does not enrol accounts (LIMES_AUTH is not tokens)")
    form = codec.parse(EnrolmentRequest, raw)
    done = EnrolmentService(authenticator.accounts).enrol(form.username, form.code, form.password)
    assert done.totp_uri is not None  # noqa: S101 - an enrolment always makes a secret
    return schemas.json_response(EnrolmentOut(done.account.username, done.totp_uri))
