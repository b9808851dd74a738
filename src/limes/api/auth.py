"""Who is calling: the authentication seam of the HTTP door.

An ``Authenticator`` turns a request into a ``Principal`` or raises
``Unauthenticated``; nothing else in the door knows how credentials look. The
configured ``AuthMode`` picks one (``for_settings``). Adding a token authenticator
is one class here and one line in ``for_settings``.

The purpose of a request is not part of authentication: every authenticator's
callers name it per request in ``X-Limes-Purpose`` (see ``deps.context``).
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from starlette.requests import HTTPConnection

from limes.config import AuthMode, Environment, Settings, SettingsError
from limes.domain.countries import CountryError, member_state
from limes.errors import Unauthenticated
from limes.policy.permissions import Principal, Role

PRINCIPAL_HEADER = "X-Limes-Unsafe-Principal"


class Authenticator(Protocol):
    """Turns a request into the principal that made it.

    ``challenge`` is sent in ``WWW-Authenticate`` with every 401 answer (RFC 9110,
    11.6.1); ``openapi_scheme`` describes the credentials in the OpenAPI document
    (None: there is nothing to describe). ``authenticate`` runs on the event loop, so
    it must not block: an authenticator that needs keys from elsewhere fetches and
    caches them ahead of requests.
    """

    @property
    def challenge(self) -> str: ...

    @property
    def openapi_scheme(self) -> tuple[str, dict[str, Any]] | None: ...

    def authenticate(self, request: HTTPConnection) -> Principal:
        """The principal, or raise ``Unauthenticated`` saying why not."""
        ...


class RefuseAll:
    """``AuthMode.NONE``, the default: no method is configured, so nobody gets in."""

    challenge = 'Unconfigured realm="limes"'
    openapi_scheme = None

    def authenticate(self, request: HTTPConnection) -> Principal:
        raise Unauthenticated(
            "no authentication method is configured on this server (LIMES_AUTH=none), "
            "so every request is refused; the operator must configure one"
        )


_PRINCIPAL = re.compile(
    r"(?P<user>[A-Za-z0-9._-]{1,64})@(?P<authority>[A-Za-z0-9._-]{1,64})"
    r"/(?P<state>[^;]{1,8});roles=(?P<roles>[a-z_,]{0,400})"
)


class UnsafeDevHeaderAuthenticator:
    """``AuthMode.UNSAFE_DEV_HEADERS``: the caller *names* its principal, with no proof.

    For local demos and tests only (``Settings.check`` refuses it outside development).
    The header reads ``X-Limes-Unsafe-Principal: <user>@<authority>/<STATE>;roles=<role>,…``
    with user and authority of 1-64 characters ``[A-Za-z0-9._-]``, a member state's
    ISO 3166-1 alpha-2 code and at least one ``Role`` value. Anything else is refused,
    as is the header given twice.
    """

    challenge = 'UnsafeDevHeader realm="limes"'
    openapi_scheme: tuple[str, dict[str, Any]] | None = (
        "unsafeDevPrincipal",
        {
            "type": "apiKey",
            "in": "header",
            "name": PRINCIPAL_HEADER,
            "description": "UNSAFE, development only: "
            "<user>@<authority>/<STATE>;roles=<role>,<role> taken on trust.",
        },
    )

    def authenticate(self, request: HTTPConnection) -> Principal:
        values = request.headers.getlist(PRINCIPAL_HEADER)
        if not values:
            raise Unauthenticated(f"the {PRINCIPAL_HEADER} header is missing")
        if len(values) > 1:
            raise Unauthenticated(f"the {PRINCIPAL_HEADER} header is given more than once")
        return parse_principal(values[0])


def parse_principal(value: str) -> Principal:
    """Read ``<user>@<authority>/<STATE>;roles=<role>,<role>`` strictly."""
    m = _PRINCIPAL.fullmatch(value)
    if m is None:
        raise Unauthenticated(
            f"{PRINCIPAL_HEADER} must read <user>@<authority>/<STATE>;roles=<role>,<role> "
            "with user and authority of 1-64 characters A-Z a-z 0-9 . _ -"
        )
    try:
        state = member_state(m["state"])
    except CountryError as exc:
        raise Unauthenticated(f"{PRINCIPAL_HEADER}: {exc}") from None
    names = m["roles"].split(",")
    roles = set()
    for name in names:
        try:
            roles.add(Role(name))
        except ValueError:
            known = ", ".join(Role)
            raise Unauthenticated(
                f"{PRINCIPAL_HEADER}: {name!r} is not a role; the roles are {known}"
            ) from None
    return Principal(m["user"], state, m["authority"], frozenset(roles))


def for_settings(settings: Settings) -> Authenticator:
    """The authenticator the settings configure; unsafe combinations are refused."""
    settings.check()
    if settings.auth is AuthMode.NONE:
        return RefuseAll()
    if settings.auth is AuthMode.UNSAFE_DEV_HEADERS:
        if settings.environment is not Environment.DEVELOPMENT:  # check() says so too
            raise SettingsError("unsafe-dev-headers is refused outside development")
        return UnsafeDevHeaderAuthenticator()
    raise SettingsError(f"no authenticator for LIMES_AUTH={settings.auth}")
