"""Liveness, readiness (the database answers) and metrics (counts only, never content).

- `GET /v1/health/live`: the process serves requests; no database access (for restarts).
- `GET /v1/health/ready`: the database answers and holds the server's schema (for load
  balancers: send no laptop to a process that cannot store).
- `GET /v1/metrics`: row counts per table and this process's uptime, as JSON or in the
  Prometheus text format (`?format=prometheus`); needs an admin token.
"""

# No `from __future__ import annotations`: FastAPI must see the closures in Annotated[...].
import logging
import os
import time
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from survey_app.server.db import Database
from survey_app.server.repository import iso, utc_now

log = logging.getLogger("survey_app.server")

# name -> (help text, SQL giving one count). Counts only: no ids, no labels, no times.
COUNTS: dict[str, tuple[str, str]] = {
    "submissions": ("sealed submissions stored", "SELECT COUNT(*) FROM submissions"),
    "devices_active": (
        "enrolled laptops not revoked",
        "SELECT COUNT(*) FROM devices WHERE revoked_at IS NULL",
    ),
    "devices_revoked": (
        "revoked laptops",
        "SELECT COUNT(*) FROM devices WHERE revoked_at IS NOT NULL",
    ),
    "accounts": ("admin and data-manager accounts", "SELECT COUNT(*) FROM accounts"),
    "enrol_codes_open": (
        "enrolment codes neither used nor expired",
        "SELECT COUNT(*) FROM enrol_codes WHERE used_at IS NULL AND expires_at > ?",
    ),
    "conflicts": ("refused uploads of a taken id", "SELECT COUNT(*) FROM conflicts"),
    "erasures": ("erasure requests logged", "SELECT COUNT(*) FROM erasures"),
    "erased_submissions": ("tombstones of erased ids", "SELECT COUNT(*) FROM erased_submissions"),
}


def is_ready(db: Database) -> bool:
    """True when the database answers a query on the server's own schema."""
    try:
        with db.transaction(write=False) as tx:
            row = tx.fetchone("SELECT value FROM server_meta WHERE key = ?", ("schema",))
    except Exception as exc:  # any driver or network failure means "not ready"
        log.warning("readiness check failed: %s", type(exc).__name__)
        return False
    return row is not None


def counts(db: Database) -> dict[str, int]:
    """Every count in COUNTS, read in one transaction."""
    now = iso(utc_now())
    with db.transaction(write=False) as tx:
        return {
            name: int(tx.fetchone(sql, (now,) if "?" in sql else ())[0])  # type: ignore[index]
            for name, (_, sql) in COUNTS.items()
        }


def prometheus_text(values: dict[str, float]) -> str:
    """The Prometheus text exposition format, one gauge per value."""
    lines = []
    for name, value in values.items():
        metric = f"survey_server_{name}"
        help_text = COUNTS[name][0] if name in COUNTS else name.replace("_", " ")
        lines += [f"# HELP {metric} {help_text}", f"# TYPE {metric} gauge", f"{metric} {value:g}"]
    return "\n".join(lines) + "\n"


_METRICS_OK = {
    "description": "counts and uptime: JSON, or the Prometheus text format",
    "content": {
        "application/json": {
            "schema": {"type": "object", "additionalProperties": {"type": "number"}}
        },
        "text/plain": {"schema": {"type": "string"}},
    },
}


def install(
    app: FastAPI,
    db: Database,
    admin: Callable[..., Any],
    error_responses: dict[int | str, dict[str, Any]] | None = None,
) -> None:
    """Add the three endpoints; `admin` is the dependency that requires an admin token.

    `error_responses` documents the error bodies of the metrics endpoint (401, 403, 422, 429)
    in the OpenAPI description, as the API's other endpoints do.
    """
    started = time.monotonic()

    @app.get("/v1/health/live", tags=["operations"])
    def live() -> dict[str, str]:
        """The process is up (no database access)."""
        return {"status": "ok"}

    @app.get("/v1/health/ready", tags=["operations"], responses={503: {"description": "not ready"}})
    def ready() -> Response:
        """The database answers: 200 ready, 503 not ready."""
        if is_ready(db):
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)

    @app.get(
        "/v1/metrics",
        tags=["operations"],
        responses={200: _METRICS_OK, **(error_responses or {})},
    )
    def metrics(
        _: Annotated[Any, Depends(admin)],
        format: Annotated[str, Query(pattern="^(json|prometheus)$")] = "json",
    ) -> Response:
        """Row counts and this process's uptime: never ids, labels or content."""
        values: dict[str, float] = {**counts(db)}
        values["process_uptime_seconds"] = round(time.monotonic() - started, 1)
        if format == "prometheus":
            text = prometheus_text(values)
            return PlainTextResponse(text, media_type="text/plain; version=0.0.4")
        return JSONResponse({**values, "pid": os.getpid()})
