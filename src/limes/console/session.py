"""Who is at the console: login with password and TOTP, the session cookie, logout.

The console needs Limes' tokens (``LIMES_AUTH=tokens``, or a development server's
own, ``console/app.py``'s ``console_logins``): a user logs in through the account service
exactly as ``POST /v1/auth/login`` does (the same login limits, the same one-use
codes, the same audit records), and the Limes token it answers (at most 15 minutes)
is kept in the ``limes_session`` cookie. Every request verifies the token and builds
the principal from the account and session as they are now (``TokenAuthenticator``),
so the session's idle timeout (15 minutes) and absolute lifetime
(``LIMES_SESSION_MAX_HOURS``) apply as for the API; a token older than
``RENEW_AFTER`` is exchanged for a fresh one on the way (``AccountService.refresh``).
Logout ends the session, and every token naming it is refused from then on.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from limes.api.auth import TokenAuthenticator
from limes.console import forms, i18n, security
from limes.console.pages import SCREENS, page, render, screens_of
from limes.errors import Unauthenticated
from limes.policy.permissions import Principal

router = APIRouter(prefix="/console", include_in_schema=False)

RENEW_AFTER = timedelta(minutes=5)


def _tokens(request: Request) -> TokenAuthenticator:
    authenticator = getattr(request.app.state, "console_logins", None)
    if not isinstance(authenticator, TokenAuthenticator):
        raise Unauthenticated(
            "the console needs LIMES_AUTH=tokens (users log in with password and TOTP)"
        )
    return authenticator


def principal(request: Request) -> Principal:
    """The principal of the session cookie, or ``Unauthenticated`` (to the login page).

    Runs in the thread pool (it reads the store). A token older than ``RENEW_AFTER``
    is renewed; ``render`` sets the new cookie on the answer.
    """
    known: Principal | None = getattr(request.state, "console_principal", None)
    if known is not None:
        return known
    token = request.cookies.get(security.SESSION_COOKIE)
    if not token:
        raise Unauthenticated("log in to use the console")
    tokens = _tokens(request)
    now = tokens.accounts.clock()
    claims = tokens.verifier.verify(token, now)
    who = tokens.accounts.principal_for_token(claims.subject, claims.session_id)
    if now - claims.issued_at >= RENEW_AFTER:
        session = tokens.accounts.refresh(who).session
        issued = tokens.issuer.issue(session.account_id, now, session_id=session.id)
        request.state.renewed_token = issued.token
    request.state.console_principal = who
    return who


def _home(who: Principal) -> str:
    found = screens_of(who)
    return SCREENS[found[0]].path if found else "/console/none"


def _safe_next(target: str | None) -> str | None:
    """A place to go after login: a console path of this site, nothing else."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/console/") or "\\" in target:
        return None
    return target


@router.get("", include_in_schema=False)
@router.get("/", include_in_schema=False)
@page
def home(request: Request) -> Response:
    who = principal(request)
    return RedirectResponse(_home(who), status_code=303)


@router.get("/none")
@page
def nothing(request: Request) -> Response:
    principal(request)
    return render(request, "none.html")


@router.get("/login")
def login_page(
    request: Request, next: Annotated[str | None, Query(max_length=200)] = None
) -> Response:
    tokens = isinstance(getattr(request.app.state, "console_logins", None), TokenAuthenticator)
    notice = None if tokens else "the console needs LIMES_AUTH=tokens: nobody can log in here"
    return render(request, "login.html", next=_safe_next(next) or "", error=notice)


@router.post("/login")
@page
async def login(request: Request) -> Response:
    found = await forms.fields(request)
    security.check_post(request, found)
    return await run_in_threadpool(_login, request, found)


def _login(request: Request, found: dict[str, str]) -> Response:
    tokens = _tokens(request)
    address = request.client.host if request.client else None
    username = found.get("username", "")[:64]
    try:
        done = tokens.accounts.login(
            username, found.get("password", "")[:1024], found.get("totp", "").strip()[:6], address
        )
    except Unauthenticated as refused:
        return render(request, "login.html", 401, next=found.get("next", ""), error=refused.detail)
    issued = tokens.issuer.issue(
        done.account.id, tokens.accounts.clock(), session_id=done.session.id
    )
    who = Principal.of(done.account, done.session.id)
    response = RedirectResponse(_safe_next(found.get("next")) or _home(who), status_code=303)
    security.set_cookie(request, response, security.SESSION_COOKIE, issued.token)
    security.renew_csrf(request, response)
    return response


@router.post("/logout")
@page
async def logout(request: Request) -> Response:
    found = await forms.fields(request)
    security.check_post(request, found)
    await run_in_threadpool(_logout, request)
    response = RedirectResponse("/console/login", status_code=303)
    security.clear_cookie(request, response, security.SESSION_COOKIE)
    security.renew_csrf(request, response)
    return response


def _logout(request: Request) -> None:
    try:
        who = principal(request)
    except Unauthenticated:
        return  # the session had ended already
    _tokens(request).accounts.logout(who)


@router.post("/language")
@page
async def language(request: Request) -> Response:
    found = await forms.fields(request)
    security.check_post(request, found)
    chosen = found.get("language", "")
    back = _safe_next(found.get("next")) or "/console/"
    response = RedirectResponse(back, status_code=303)
    if chosen in i18n.LANGUAGES:
        security.set_cookie(request, response, security.LANGUAGE_COOKIE, chosen)
    return response
