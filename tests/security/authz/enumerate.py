"""Every URL the project answers, from the URLconf: Django views (their names) and the ninja API's operations
(one URL pattern per operation; its HTTP method comes from the operation). The Django admin under
/quan-tri/ is summarised as one entry ("admin only": a handful of its URLs are tried, not all).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

ADMIN_PREFIX = "quan-tri/"
API_NAMESPACE = "api-v1"


@dataclass(frozen=True)
class Endpoint:
    name: str  # "namespace:name" as ``reverse`` takes it
    route: str  # the pattern, e.g. "can-bo/ho-so/<int:pk>/"
    params: tuple[str, ...]  # the route's parameter names
    methods: tuple[str, ...]  # for API operations, their HTTP methods; () for Django views (the rule says)

    @property
    def is_api(self) -> bool:
        return self.name.startswith(f"{API_NAMESPACE}:")


def _operation_methods(callback: Any, name: str) -> tuple[str, ...]:
    """The HTTP methods of the ninja operation a URL pattern stands for: the pattern's view is the
    ``PathView`` of its path (every operation of the path), the operation is the one whose view has the name."""
    path_view = None
    for cell in getattr(callback, "__closure__", None) or ():
        if hasattr(cell.cell_contents, "operations"):
            path_view = cell.cell_contents
    if path_view is None:  # the OpenAPI document and docs: plain GET views
        return ("GET",)
    short = name.split(":", 1)[1]
    found = [op for op in path_view.operations if getattr(op.view_func, "__name__", "") == short]
    if len(found) != 1:
        raise LookupError(f"cannot tell which operation {name} is ({len(found)} candidates)")
    return tuple(sorted(found[0].methods))


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield prefix + str(p.pattern), name, p


def endpoints() -> list[Endpoint]:
    """Every named URL pattern outside the Django admin, each API operation once."""
    found: dict[str, Endpoint] = {}
    admin_seen = False
    for route, name, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(ADMIN_PREFIX):
            admin_seen = True
            continue
        if not name:
            raise AssertionError(f"URL pattern without a name: {route!r} (the matrix addresses URLs by name)")
        params = tuple(pattern.pattern.converters)
        methods = _operation_methods(pattern.callback, name) if name.startswith(f"{API_NAMESPACE}:") else ()
        endpoint = Endpoint(name=name, route=route, params=params, methods=methods)
        if name in found and found[name].route != route:
            raise AssertionError(f"two URL patterns named {name}: {found[name].route!r} and {route!r}")
        found[name] = endpoint
    if admin_seen:
        found["admin"] = Endpoint(name="admin", route=ADMIN_PREFIX, params=(), methods=())
    return sorted(found.values(), key=lambda e: e.route)
