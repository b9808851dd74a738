"""The application ``limes serve`` runs: the HTTP API under ``/v1`` and the console
under ``/console``, in one process, over one wired ``Limes``.

``create_app`` builds the API (``api/app.py``) and adds the console's routes, its
static files and ``ConsoleHeaders`` (outermost, so that the console's CSP replaces
the API's on console pages only). The console's routes are not part of the OpenAPI
document.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Path
from starlette.responses import Response

from limes.api.app import create_app as create_api
from limes.api.auth import Authenticator
from limes.bootstrap import Limes
from limes.console import alerts, assets, audit, border, security, session, sirene
from limes.errors import NotFound

ROUTERS = (session.router, border.router, sirene.router, alerts.router, audit.router)


def static(name: Annotated[str, Path(max_length=40)]) -> Response:
    """A file of ``assets.ASSETS``, its bytes pinned by the pages' SRI attribute."""
    found = assets.assets().get(name)
    if found is None:
        raise NotFound("there is no such console file")
    return Response(
        found.content,
        media_type=found.media_type,
    )


def create_app(limes: Limes, *, authenticator: Authenticator | None = None) -> FastAPI:
    """The API and the console for a wired ``Limes`` (``api.app.create_app`` says which
    authenticator is used)."""
    assets.assets()  # a vendored file that does not match its hash refuses to start
    app = create_api(limes, authenticator=authenticator)
    for router in ROUTERS:
        app.include_router(router)
    app.add_api_route("/console/static/{name}", static, methods=["GET"], include_in_schema=False)
    app.add_middleware(security.ConsoleHeaders)
    return app


def from_environment() -> FastAPI:
    """One worker of ``limes serve --workers N``: as ``api.app.from_environment``, with
    the console."""
    from limes.bootstrap import build
    from limes.config import from_env

    limes = build(from_env())
    limes.check_serving()
    limes.search.start()
    return create_app(limes)
