"""``/docs``: Swagger UI served offline, from the package's assets, under a strict
Content-Security-Policy of its own (api/routes/docs.py)."""

from __future__ import annotations

import re

from tests.api.helpers import TestClient

from limes.api.app import SECURITY_HEADERS

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)


def test_the_page_loads_its_scripts_from_this_server_only(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    scripts = SCRIPT.findall(page.text)
    assert [attributes for attributes, _ in scripts] == [
        ' src="/docs/assets/swagger-ui-bundle.js"',
        ' src="/docs/init.js"',
    ]
    assert all(not body.strip() for _, body in scripts)  # no inline script
    assert "style=" not in page.text and "<style" not in page.text
    assert "http://" not in page.text and "https://" not in page.text


def test_the_policy_allows_this_origin_and_nothing_inline(client: TestClient) -> None:
    for path in ("/docs", "/docs/init.js", "/docs/assets/swagger-ui.css"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "default-src 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy
        for name, value in SECURITY_HEADERS.items():
            if name != "Content-Security-Policy":
                assert answer.headers[name] == value, (path, name)
    # the API's own answers keep theirs
    api = client.get("/v1/health")
    assert api.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]


def test_swagger_ui_is_served_from_the_package_and_reads_the_openapi_document(
    client: TestClient,
) -> None:
    bundle = client.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert bundle.headers["content-type"].startswith("text/javascript")
    assert "SwaggerUIBundle" in bundle.text and len(bundle.content) > 500_000
    css = client.get("/docs/assets/swagger-ui.css")
    assert css.headers["content-type"].startswith("text/css") and ".swagger-ui" in css.text
    init = client.get("/docs/init.js").text
    assert '"/v1/openapi.json"' in init and "validatorUrl: null" in init
    assert client.get("/v1/openapi.json").json()["openapi"].startswith("3.1")


def test_nothing_else_of_the_package_is_served(client: TestClient) -> None:
    for name in ("swagger-editor-bundle.js", "..%2F__init__.py", "LICENSE", "index.css"):
        answer = client.get(f"/docs/assets/{name}")
        assert answer.status_code == 404, name
        assert answer.headers["content-type"] == "application/problem+json"
