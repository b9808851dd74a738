"""Rendering the console's pages, and the screens each role may open.

``render`` fills a template with the request's language, CSRF token and principal;
``@page`` turns a refusal into a page a person can act on (log in again, not for
you, not found, too many requests, input to correct) instead of the API's problem
JSON. Each screen names the roles that see it and the purpose it acts for; a
principal without one of those roles is refused before any service is called
(the services check the policy again, as for the API).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, wraps
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from limes.api.problems import ContentTooLarge, UnsupportedMediaType
from limes.bootstrap import Limes
from limes.console import assets, i18n, security
from limes.domain.roles import Purpose, Role
from limes.errors import (
    Conflict,
    Forbidden,
    Gone,
    InvalidInput,
    LimesError,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from limes.policy.permissions import Context, Principal


class Screen(StrEnum):
    BORDER = "border"
    SIRENE = "sirene"
    AUDIT = "audit"


@dataclass(frozen=True, slots=True)
class ScreenRule:
    roles: frozenset[Role]
    purposes: tuple[Purpose, ...]
    """The purpose the screen acts for: the first of these the principal holds."""
    path: str


SCREENS = {
    Screen.BORDER: ScreenRule(
        frozenset({Role.BORDER_GUARD, Role.POLICE_OFFICER}),
        (Purpose.BORDER_CHECK, Purpose.POLICE_CHECK),
        "/console/border",
    ),
    Screen.SIRENE: ScreenRule(
        frozenset({Role.SIRENE_OPERATOR}), (Purpose.SIRENE,), "/console/sirene"
    ),
    Screen.AUDIT: ScreenRule(
        frozenset({Role.DATA_PROTECTION_OFFICER, Role.SUPERVISORY_AUTHORITY}),
        (Purpose.DATA_PROTECTION,),
        "/console/audit",
    ),
}


def screens_of(who: Principal) -> list[Screen]:
    """The screens ``who`` may open, in menu order."""
    return [s for s, rule in SCREENS.items() if who.roles & rule.roles]


def limes_of(request: Request) -> Limes:
    found: Limes = request.app.state.limes
    return found


def enter(request: Request, who: Principal, screen: Screen) -> Context:
    """The context ``who`` acts in on ``screen``; ``Forbidden`` if it is not theirs."""
    rule = SCREENS[screen]
    purpose = next((p for p in rule.purposes if p in who.purposes), None)
    if not who.roles & rule.roles or purpose is None:
        raise Forbidden(f"the {screen} screen is not for your roles")
    return limes_of(request).enter(who, purpose)


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("limes.console", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["integrity"] = assets.integrity
    env.globals["LANGUAGES"] = i18n.LANGUAGES
    return env


def language(request: Request) -> str:
    found: str | None = getattr(request.state, "language", None)
    if found is None:
        found = i18n.choose(
            request.cookies.get(security.LANGUAGE_COOKIE),
            request.headers.get("accept-language"),
        )
        request.state.language = found
    return found


def gettext(request: Request) -> Callable[[str], str]:
    return i18n.translations(language(request)).gettext


def render(request: Request, template: str, status: int = 200, **values: Any) -> Response:
    """The page ``template`` for this request, in its language, with its CSRF token."""
    lang = language(request)
    who: Principal | None = getattr(request.state, "console_principal", None)
    body = (
        environment()
        .get_template(template)
        .render(
            _=i18n.translations(lang).gettext,
            lang=lang,
            fmt=i18n.Formats(lang),
            csrf=security.csrf_token(request),
            who=who,
            screens=screens_of(who) if who else [],
            path=request.url.path,
            fragment=request.headers.get("hx-request") == "true",
            **values,
        )
    )
    response = HTMLResponse(body, status_code=status)
    security.ensure_csrf(request, response)
    renewed: str | None = getattr(request.state, "renewed_token", None)
    if renewed is not None:
        security.set_cookie(request, response, security.SESSION_COOKIE, renewed)
    return response


_STATUS: tuple[tuple[type[LimesError], int], ...] = (
    (Forbidden, 403),
    (NotFound, 404),
    (Gone, 410),
    (Conflict, 409),
    (RateLimited, 429),
    (InvalidInput, 400),
    (UnsupportedMediaType, 415),
    (ContentTooLarge, 413),
)


def refusal(request: Request, error: LimesError) -> Response:
    """The page for a refusal: to the login for an unauthenticated request, else the
    reason, with the status the API would answer."""
    if isinstance(error, Unauthenticated):
        target = "/console/login?next=" + quote(request.url.path, safe="/")
        if request.headers.get("hx-request") == "true":
            return Response(status_code=204, headers={"HX-Redirect": target})
        response = RedirectResponse(target, status_code=303)
        security.clear_cookie(request, response, security.SESSION_COOKIE)
        return response
    status = next((code for kind, code in _STATUS if isinstance(error, kind)), 400)
    return render(request, "refused.html", status, detail=error.detail, status_code=status)


Handler = Callable[..., Any]


def _request_of(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Request:
    found = kwargs.get("request")
    if isinstance(found, Request):
        return found
    return next(a for a in args if isinstance(a, Request))


def page(handler: Handler) -> Handler:
    """Answer a refusal raised by ``handler`` (sync or async) as a page (``refusal``)."""
    if inspect.iscoroutinefunction(handler):

        @wraps(handler)
        async def awaited(*args: Any, **kwargs: Any) -> Response:
            try:
                answer: Response = await handler(*args, **kwargs)
            except LimesError as error:
                return await run_in_threadpool(refusal, _request_of(args, kwargs), error)
            return answer

        return awaited

    @wraps(handler)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            answer: Response = handler(*args, **kwargs)
        except LimesError as error:
            return refusal(_request_of(args, kwargs), error)
        return answer

    return wrapper
