"""``/v1/auth``: log in, refresh and log out (users of ``LIMES_AUTH=tokens``).

* ``POST /v1/auth/login`` takes ``{username, password, totp}`` and answers a token
  (at most 15 minutes) for a new session. Every refusal reads the same; too many
  attempts from one address, or on one username without a valid code, answer 429
  before any password is checked (``service/login_limits.py``).
* ``POST /v1/auth/refresh`` answers a new token for the caller's live session.
* ``POST /v1/auth/logout`` ends the caller's session: every token naming it is
  refused from then on, including those not yet expired.

System clients have no session: they get tokens from ``limes token issue`` (or
their provider) and are revoked by disabling the account. Under any other
``LIMES_AUTH`` these routes refuse with 401. None of them needs a purpose: they
read no alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Annotated, Any, Literal

from annotated_types import MaxLen, MinLen
from fastapi import APIRouter, Request
from starlette.responses import Response

from limes import codec
from limes.api import schemas
from limes.api.auth import TokenAuthenticator
from limes.api.deps import Body, Who
from limes.domain.alerts import STRICT
from limes.errors import Unauthenticated
from limes.identity.tokens import IssuedToken

router = APIRouter(prefix="/v1/auth", tags=["auth"])


@dataclass(frozen=True, slots=True)
class LoginRequest:
    """A user's credentials: username, password and the current TOTP code."""

    __pydantic_config__ = STRICT

    username: Annotated[str, MinLen(1), MaxLen(64)]
    password: Annotated[str, MinLen(1), MaxLen(1024)]
    totp: Annotated[str, MinLen(6), MaxLen(6)]


@dataclass(frozen=True, slots=True)
class TokenOut:
    """A bearer token for ``Authorization: Bearer …``, its expiry and its session."""

    token: str
    token_type: Literal["Bearer"]
    expires_at: datetime
    session_id: str


REQUESTS: tuple[type, ...] = (LoginRequest,)
ANSWERS: tuple[type, ...] = (TokenOut,)


@cache
def components() -> dict[str, Any]:
    """The JSON schemas of this router's bodies, for the OpenAPI document."""
    return schemas.schemas_of(REQUESTS, ANSWERS)


def _tokens(request: Request) -> TokenAuthenticator:
    authenticator = request.app.state.authenticator
    if not isinstance(authenticator, TokenAuthenticator):
        raise Unauthenticated("this server does not issue tokens (LIMES_AUTH is not tokens)")
    return authenticator


def _token_response(issued: IssuedToken, session_id: str) -> Response:
    return schemas.json_response(TokenOut(issued.token, "Bearer", issued.expires_at, session_id))


_TOKEN: dict[int | str, dict[str, Any]] = {200: schemas.answer(TokenOut, "A token")}


@router.post(
    "/login",
    summary="Log in with password and TOTP code; answers a token for a new session",
    openapi_extra={**schemas.body(LoginRequest), "security": []},
    responses=_TOKEN,
)
def login(request: Request, raw: Body) -> Response:
    tokens = _tokens(request)
    form = codec.parse(LoginRequest, raw)
    address = request.client.host if request.client else None
    done = tokens.accounts.login(form.username, form.password, form.totp, address)
    issued = tokens.issuer.issue(
        done.account.id, tokens.accounts.clock(), session_id=done.session.id
    )
    return _token_response(issued, done.session.id)


@router.post(
    "/refresh",
    summary="A new token for the caller's live session",
    responses=_TOKEN,
)
def refresh(request: Request, who: Who) -> Response:
    tokens = _tokens(request)
    session = tokens.accounts.refresh(who).session
    issued = tokens.issuer.issue(session.account_id, tokens.accounts.clock(), session_id=session.id)
    return _token_response(issued, session.id)


@router.post(
    "/logout",
    status_code=204,
    summary="End the caller's session; its tokens are refused from now on",
    responses={204: {"description": "The session has ended"}},
)
def logout(request: Request, who: Who) -> Response:
    tokens = _tokens(request)
    tokens.accounts.logout(who)
    return Response(status_code=204)
