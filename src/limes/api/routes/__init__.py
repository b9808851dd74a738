"""The routes of the HTTP door, and the permission each declares.

Every route declares the permission its service call needs, in its OpenAPI operation
(``openapi_extra=needs(Permission.…)`` puts ``x-limes-permission`` there), so the
published document says it too. The routes that need none are in ``UNPROTECTED``
(``api/deps.py``, which authenticates every other route first), each with the reason;
``tests/api/test_authorization_matrix.py`` fails for any route that is in neither,
and checks every declared one against the policy table.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute

from limes.policy.permissions import Permission

PERMISSION_KEY = "x-limes-permission"


def needs(permission: Permission, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """``openapi_extra`` for a route that needs ``permission`` (merged into ``extra``)."""
    return {**(extra or {}), PERMISSION_KEY: permission.value}


def declared(route: BaseRoute) -> Permission | None:
    """The permission a route declares, or None."""
    extra = getattr(route, "openapi_extra", None) or {}
    value = extra.get(PERMISSION_KEY)
    return Permission(value) if value is not None else None


def operations(routes: Sequence[BaseRoute]) -> Iterator[tuple[str, str, Permission | None]]:
    """(method, path, declared permission) of every operation the routes serve.

    Included routers are walked as FastAPI itself does (``iter_route_contexts``), so
    the paths are the ones requests reach.
    """
    for context in iter_route_contexts(routes):
        needed = declared(context.original_route)
        for method in sorted(context.methods or ()):
            yield method, str(context.path), needed
