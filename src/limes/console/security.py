"""The browser's side of security: headers, cookies and CSRF tokens of the console.

* **Content-Security-Policy**: scripts, styles, images and requests from this origin
  only; no inline script or style, no ``eval`` (htmx is configured not to need it,
  ``templates/base.html``), no framing, forms post here only. The API keeps its own,
  stricter policy (``api/app.py``); ``ConsoleHeaders`` puts this one on ``/console``.
* **Cookies**: ``limes_session`` carries the Limes token (at most 15 minutes, renewed
  while the session is used), ``limes_csrf`` the CSRF token; both ``HttpOnly``,
  ``SameSite=Strict``, ``Path=/console`` and ``Secure`` over HTTPS.
* **CSRF**: every form carries the token of the ``limes_csrf`` cookie (double submit);
  a POST whose field does not match it, or whose ``Origin`` or ``Sec-Fetch-Site``
  says it came from elsewhere, is refused before anything else is looked at.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from limes.errors import Forbidden

PREFIX = "/console"
SESSION_COOKIE = "limes_session"
CSRF_COOKIE = "limes_csrf"
CSRF_FIELD = "csrf"
LANGUAGE_COOKIE = "limes_lang"

POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

HEADERS = {
    "Content-Security-Policy": POLICY,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    # not no-referrer: with it a browser sends "Origin: null" on a form's POST, and the
    # origin check below could tell nothing; no other origin is ever told a console URL
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
_RAW = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in HEADERS.items()]
_NAMES = frozenset(name for name, _ in _RAW)
DOWNLOADS = PREFIX + "/sirene/attachments/"
REPLIES = PREFIX + "/audit/subject-requests/"
"""Files, not pages (a SIRENE attachment, a subject request's reply as sent): their
answers are sandboxed as well (no script, no form, an origin of their own), were a
browser ever to render one instead of saving it."""


def is_download(method: str, path: str) -> bool:
    """A GET of a file (a POST to the reply's path writes it and answers a page)."""
    files = path.startswith(DOWNLOADS) or (path.startswith(REPLIES) and path.endswith("/reply"))
    return method == "GET" and files


_DOWNLOAD_RAW = [
    (name, value + b"; sandbox" if name == b"content-security-policy" else value)
    for name, value in _RAW
]


class ConsoleHeaders:
    """Outermost: the console's headers on every answer under ``/console`` (they
    replace the API's, which would sandbox the page and forbid its script)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return

        ours = _DOWNLOAD_RAW if is_download(scope["method"], path) else _RAW

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *(h for h in message.get("headers", ()) if h[0] not in _NAMES),
                    *ours,
                ]
            await send(message)

        await self.app(scope, receive, send_secured)


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    """A console cookie: HttpOnly, SameSite=Strict, on /console, Secure over HTTPS."""
    response.set_cookie(
        name,
        value,
        path=PREFIX,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(
        name, path=PREFIX, httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )


def csrf_token(request: Request) -> str:
    """The request's CSRF token: its cookie's, or a new one (``ensure_csrf`` sets it)."""
    known: str | None = getattr(request.state, "csrf", None)
    if known is None:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        known = cookie if 32 <= len(cookie) <= 64 and cookie.isascii() else None
        request.state.csrf_new = known is None
        known = known or secrets.token_urlsafe(32)
        request.state.csrf = known
    return known


def ensure_csrf(request: Request, response: Response) -> None:
    """Set the CSRF cookie on the answer if the request came without one."""
    if getattr(request.state, "csrf_new", False):
        set_cookie(request, response, CSRF_COOKIE, request.state.csrf)


def renew_csrf(request: Request, response: Response) -> None:
    """A new CSRF token (at login and logout: a token never outlives the session)."""
    request.state.csrf = secrets.token_urlsafe(32)
    set_cookie(request, response, CSRF_COOKIE, request.state.csrf)


def check_post(request: Request, fields: dict[str, str]) -> None:
    """Refuse (``Forbidden``) a form that did not come from a console page of this origin."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise Forbidden("the form was sent from another site; open the console and try again")
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise Forbidden("the form was sent from another origin; open the console and try again")
    cookie = request.cookies.get(CSRF_COOKIE)
    sent = fields.get(CSRF_FIELD)
    if not cookie or not sent or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise Forbidden("the form's security token is missing or stale; reload the page")
