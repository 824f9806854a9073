"""Routes that refuse query parameters they do not declare (a typo must not be ignored).

`GET /v1/export?sinse=40` would otherwise be read as "from the start" and hand out everything
again; the OpenAPI description lists each route's parameters, and the server now holds to it.
Routes that declare no query parameter (the health checks) keep ignoring whatever is appended.
"""

# No `from __future__ import annotations`: FastAPI inspects the signatures here.
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response


def declared_query_names(dependant: Dependant) -> frozenset[str]:
    """Every query parameter a route reads, through all of its dependencies."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= declared_query_names(sub)
    return frozenset(names)


class StrictQueryRoute(APIRoute):
    """An APIRoute that answers 422 to a query parameter it does not declare."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        allowed = declared_query_names(self.dependant)
        if not allowed:
            return handler

        async def strict(request: Request) -> Response:
            unknown = set(request.query_params) - allowed
            if unknown:
                # The names are not echoed: they are whatever the caller typed.
                return JSONResponse(
                    {
                        "error": "invalid_request",
                        "message": f"unknown query parameter(s); this endpoint takes: "
                        f"{', '.join(sorted(allowed))}",
                    },
                    status_code=422,
                )
            return await handler(request)

        return strict
