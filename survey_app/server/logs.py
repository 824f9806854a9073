"""Server log lines as text or as one JSON object per line, never with content.

What is logged is decided where it is logged (ids, counts, statuses; never bodies, tokens,
codes or query strings). The JSON form only adds structure: the message and the request fields
the access log passes as `extra`, so a log collector can count without parsing text.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime

# Fields a log call may attach with `extra={...}`; anything else stays out of the JSON line.
STRUCTURED_FIELDS = ("event", "method", "path", "status", "device", "duration_ms")


class JsonFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message", "pid", ...request fields}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": os.getpid(),
        }
        for name in STRUCTURED_FIELDS:
            if name in record.__dict__:
                line[name] = record.__dict__[name]
        if record.exc_info and record.exc_info[0] is not None:
            # The exception's type only: its text may quote input.
            line["error"] = record.exc_info[0].__name__
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


def configure_logging(log_format: str) -> None:
    """Send INFO and above to stderr as text or JSON lines (the process's only log setup)."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
