"""The application ``limes serve`` runs: the HTTP API under ``/v1`` and the console
under ``/console``, in one process, over one wired ``Limes``.

``create_app`` builds the API (``api/app.py``) and adds the console's routes, its
static files and ``ConsoleHeaders`` (outermost, so that the console's CSP replaces
the API's on console pages only). The console's routes are not part of the OpenAPI
document.

People log in to the console with password and TOTP, through Limes' own tokens
(``console_logins``): with ``LIMES_AUTH=tokens``, the API's authenticator; on a
development server with ``LIMES_AUTH=unsafe-dev-headers`` (``make run``), a token
authenticator of the console's own, so that the demo's console accounts (``limes dev
accounts``) can try it while the API takes the unsafe header. Nowhere else (the
settings refuse the unsafe mode outside development).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Path
from starlette.responses import Response

from limes.api.app import create_app as create_api
from limes.api.auth import Authenticator, TokenAuthenticator, token_authenticator
from limes.bootstrap import Limes
from limes.config import AuthMode, Environment
from limes.console import (
    alert_relations,
    alerts,
    assets,
    audit,
    border,
    security,
    session,
    sirene,
    subjects,
)
from limes.errors import NotFound

ROUTERS = (
    session.router,
    border.router,
    sirene.router,
    alerts.router,
    alert_relations.router,
    subjects.router,
    audit.router,
)


def static(name: Annotated[str, Path(max_length=40)]) -> Response:
    """A file of ``assets.ASSETS``, its bytes pinned by the pages' SRI attribute."""
    found = assets.assets().get(name)
    if found is None:
        raise NotFound("there is no such console file")
    return Response(
        found.content,
        media_type=found.media_type,
    )


def console_logins(limes: Limes, authenticator: Authenticator) -> TokenAuthenticator | None:
    """Who checks the console's logins (the module's docstring); None: nobody can log in."""
    if isinstance(authenticator, TokenAuthenticator):
        return authenticator
    settings = limes.settings
    if (
        settings.auth is AuthMode.UNSAFE_DEV_HEADERS
        and settings.environment is Environment.DEVELOPMENT
        and settings.token_key_path.exists()  # made by 'limes init'
    ):
        return token_authenticator(limes)
    return None


def create_app(limes: Limes, *, authenticator: Authenticator | None = None) -> FastAPI:
    """The API and the console for a wired ``Limes`` (``api.app.create_app`` says which
    authenticator is used)."""
    assets.assets()  # a vendored file that does not match its hash refuses to start
    app = create_api(limes, authenticator=authenticator)
    app.state.console_logins = console_logins(limes, app.state.authenticator)
    for router in ROUTERS:
        app.include_router(router)
    app.add_api_route("/console/static/{name}", static, methods=["GET"], include_in_schema=False)
    app.add_middleware(security.ConsoleHeaders)
    return app


def from_environment() -> FastAPI:
    """One worker of ``limes serve --workers N``: the API and the console over the
    ``Limes`` that ``bootstrap.start_worker`` builds from the environment."""
    from limes.bootstrap import freeze_startup_heap, start_worker

    app = create_app(start_worker())
    freeze_startup_heap()
    return app
