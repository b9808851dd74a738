"""``/docs``: the API's documentation (Swagger UI), served offline by the server itself.

Swagger UI's assets come from the ``swagger-ui-py`` package (Swagger UI 5, which
reads the OpenAPI 3.1 document at ``/v1/openapi.json``); nothing is fetched from
elsewhere, and the page has no inline script or style: ``init.js`` starts Swagger
UI. The pages carry a Content-Security-Policy of their own (``CSP``, set by the
app's ``Guard`` for paths under ``/docs``): scripts, styles and requests to this
origin only, no ``unsafe-inline``, no ``unsafe-eval``. The documentation is public
(it is the same document ``/v1/openapi.json`` serves); trying a request from it needs
a credential like any other request.
"""

from __future__ import annotations

import functools
from importlib import resources

from fastapi import APIRouter
from starlette.responses import Response

from limes.errors import NotFound

PREFIX = "/docs"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Limes API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"><noscript>The API is described at /v1/openapi.json (OpenAPI 3.1).
</noscript></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
"""

INIT = """"use strict";
// Starts Swagger UI on the server's own OpenAPI document; no validator badge (it
// would load an image from elsewhere), no request leaves this origin.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/v1/openapi.json",
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    tryItOutEnabled: false,
  });
});
"""

router = APIRouter(prefix=PREFIX, include_in_schema=False)


@functools.cache
def asset(name: str) -> bytes:
    """An asset's bytes, read from the package once."""
    return (resources.files("swagger_ui") / "static" / name).read_bytes()


@router.get("")
async def page() -> Response:
    return Response(PAGE, media_type="text/html; charset=utf-8")


@router.get("/init.js")
async def init() -> Response:
    return Response(INIT, media_type="text/javascript; charset=utf-8")


@router.get("/assets/{name}")
async def assets(name: str) -> Response:
    media_type = ASSETS.get(name)
    if media_type is None:
        raise NotFound(f"there is no asset {name} of the documentation")
    return Response(asset(name), media_type=media_type)
