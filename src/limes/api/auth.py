"""Who is calling: the authentication seam of the HTTP door.

An ``Authenticator`` turns a request into a ``Principal`` or raises
``Unauthenticated``; nothing else in the door knows how credentials look. The
configured ``AuthMode`` picks one (``for_settings``):

* ``none`` (the default): ``RefuseAll``.
* ``tokens``: ``TokenAuthenticator``: a bearer token issued by Limes (Ed25519 JWT,
  ``identity/tokens.py``) or by a member state's OpenID Connect provider listed in
  ``LIMES_OIDC_PROVIDERS`` (``identity/oidc.py``); without an ``Authorization``
  header, a client certificate pinned on a system client, as the ASGI TLS extension
  hands it over (``identity/certificates.py``; ``limes serve`` adds the extension,
  ``api/tls.py``, and verifies the certificate against ``LIMES_TLS_CLIENT_CA``).
* ``unsafe-dev-headers``: the principal named in a header, development only.

The purpose of a request is not part of authentication: every authenticator's
callers name it per request in ``X-Limes-Purpose`` (see ``deps.context``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

from starlette.requests import HTTPConnection

from limes.config import AuthMode, Environment, Settings, SettingsError
from limes.domain.countries import CountryError, member_state
from limes.domain.roles import Role
from limes.errors import Unauthenticated
from limes.identity.certificates import peer_fingerprint
from limes.identity.oidc import OidcVerifier, load_providers
from limes.identity.tokens import TokenIssuer, TokenRefused, load_signing_key, unverified_issuer
from limes.policy.permissions import Principal
from limes.service.accounts import AccountService

if TYPE_CHECKING:
    from limes.bootstrap import Limes
from limes.policy.standins import purposes_for, unsafe_stand_in_clearance

PRINCIPAL_HEADER = "X-Limes-Unsafe-Principal"


class Authenticator(Protocol):
    """Turns a request into the principal that made it.

    ``challenge`` is sent in ``WWW-Authenticate`` with every 401 answer (RFC 9110,
    11.6.1); ``openapi_scheme`` describes the credentials in the OpenAPI document
    (None: there is nothing to describe). ``authenticate`` runs in the thread pool,
    unless the authenticator says ``blocks = False`` (it reads nothing but the request):
    then it runs on the event loop. Either way an authenticator that needs keys from
    elsewhere fetches and caches them ahead of requests.
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
    blocks = False

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
    as is the header given twice. The principal holds the purposes the policy table
    names for its roles and an unsafe stand-in clearance (no vetting), so that the
    demo can show alert content; neither exists outside development.
    """

    challenge = 'UnsafeDevHeader realm="limes"'
    blocks = False
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
    return Principal(
        m["user"],
        state,
        m["authority"],
        frozenset(roles),
        purposes=purposes_for(roles),
        clearance=unsafe_stand_in_clearance("the unsafe development header"),
    )


class TokenAuthenticator:
    """``AuthMode.TOKENS``: bearer tokens (Limes' own or a provider's), or a client certificate.

    ``Authorization: Bearer <jwt>``, given once. The token's unverified ``iss`` only
    picks the verifier: Limes' own (``LIMES_TOKEN_ISSUER``) or the provider listed
    for that issuer; any other issuer is refused. The verifier checks everything, then
    the account service builds the principal from the account as it is now (and the
    session, for users). Without an ``Authorization`` header, a client certificate
    from the ASGI TLS extension (never a header) is looked up by fingerprint.

    ``authenticate`` reads the store (and writes it at most once per 30 s per
    session): call it from a worker thread, not the event loop.
    """

    challenge = 'Bearer realm="limes"'
    blocks = True  # accounts and sessions are read from the store
    openapi_scheme: tuple[str, dict[str, Any]] | None = (
        "bearerToken",
        {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A token from POST /v1/auth/login (users), 'limes token issue' "
            "(system clients), or a member state's OpenID Connect provider.",
        },
    )

    def __init__(
        self, accounts: AccountService, issuer: TokenIssuer, oidc: OidcVerifier | None = None
    ) -> None:
        self.accounts = accounts
        self.issuer = issuer
        self.verifier = issuer.verifier()
        self.oidc = oidc

    def authenticate(self, request: HTTPConnection) -> Principal:
        values = request.headers.getlist("authorization")
        if len(values) > 1:
            raise Unauthenticated("the Authorization header is given more than once")
        if not values:
            fingerprint = peer_fingerprint(request.scope)
            if fingerprint is not None:
                return self.accounts.client_for_certificate(fingerprint)
            raise Unauthenticated(
                "send a bearer token (Authorization: Bearer <token>); "
                "users get one from POST /v1/auth/login"
            )
        scheme, _, token = values[0].strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("the Authorization header must read: Bearer <token>")
        issuer = unverified_issuer(token)
        now = self.accounts.clock()
        if issuer == self.verifier.issuer:
            claims = self.verifier.verify(token, now)
            return self.accounts.principal_for_token(claims.subject, claims.session_id)
        if self.oidc is not None and self.oidc.knows(issuer):
            return self.accounts.principal_for_oidc(self.oidc.verify(token, now))
        raise TokenRefused("the token's issuer is not trusted here")


def token_authenticator(limes: Limes, accounts: AccountService | None = None) -> TokenAuthenticator:
    """The token authenticator for a wired ``Limes``: its signing key, providers, accounts.

    Refuses to start (``SettingsError``) if the key file is missing or others may read
    it, or if the provider list or a JWKS file is not acceptable.
    """
    settings = limes.settings
    key = load_signing_key(settings.token_key_path)
    issuer = TokenIssuer(key, settings.token_issuer, settings.token_audience)
    oidc = None
    if settings.oidc_providers is not None:
        oidc = OidcVerifier(load_providers(settings.oidc_providers, own_issuer=issuer.issuer))
    return TokenAuthenticator(accounts or limes.accounts, issuer, oidc)


def for_settings(settings: Settings, limes: Limes | None = None) -> Authenticator:
    """The authenticator the settings configure; unsafe combinations are refused.

    ``tokens`` needs the wired ``limes`` (its store holds the accounts).
    """
    settings.check()
    if settings.auth is AuthMode.NONE:
        return RefuseAll()
    if settings.auth is AuthMode.TOKENS:
        if limes is None:
            raise SettingsError("LIMES_AUTH=tokens needs the store of accounts")
        return token_authenticator(limes)
    if settings.auth is AuthMode.UNSAFE_DEV_HEADERS:
        if settings.environment is not Environment.DEVELOPMENT:  # check() says so too
            raise SettingsError("unsafe-dev-headers is refused outside development")
        return UnsafeDevHeaderAuthenticator()
    raise SettingsError(f"no authenticator for LIMES_AUTH={settings.auth}")
