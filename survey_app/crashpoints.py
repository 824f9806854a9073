"""Named crash points for the crash-test harness: a real kill -9 at an exact moment.

Production code calls `reach("store.complete.marked")` at the moments where a power cut matters
most (between a write and the write that depends on it). Normally this does nothing but one
attribute test. When the environment variable SURVEY_APP_CRASH_AT holds `NAME:N` (or several,
comma-separated), the N-th time the process reaches NAME it sends itself SIGKILL: no exception
handlers, no `finally`, no flushing, exactly like pulling the plug at that line. Where SIGKILL
does not exist (Windows) it ends with os._exit, the closest equivalent.

`SURVEY_APP_CRASH_TRACE=PATH` appends every point reached to PATH (one name per line, written
unbuffered), so a harness can first learn which points an operation passes and how often, then
choose one by seed. Both are read once, at import; nothing else in the app reads them.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

ENV_CRASH_AT = "SURVEY_APP_CRASH_AT"
ENV_TRACE = "SURVEY_APP_CRASH_TRACE"


@dataclass
class CrashPlan:
    """Where to die (name -> which arrival) and where to note arrivals."""

    targets: dict[str, int]
    trace_path: str | None = None
    seen: Counter[str] = field(default_factory=Counter)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> CrashPlan | None:
        """The plan the environment asks for, or None (the normal case)."""
        spec = env.get(ENV_CRASH_AT, "").strip()
        trace = env.get(ENV_TRACE, "").strip() or None
        if not spec and trace is None:
            return None
        targets: dict[str, int] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            name, _, count = part.partition(":")
            targets[name] = int(count or "1")
        return cls(targets, trace)

    def reach(self, name: str) -> None:
        """Count an arrival at name; note it; die if this is the chosen one."""
        self.seen[name] += 1
        if self.trace_path is not None:
            fd = os.open(self.trace_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, f"{name}\n".encode())
            finally:
                os.close(fd)
        if self.targets.get(name) == self.seen[name]:
            die()


def die() -> None:
    """End this process the way a power cut would: SIGKILL to itself."""
    kill = getattr(signal, "SIGKILL", None)
    if kill is not None:
        os.kill(os.getpid(), kill)
    os._exit(137)


# Read once: the harness sets the variable before starting the process it wants to kill.
_PLAN = CrashPlan.from_env(os.environ)


def reach(name: str) -> None:
    """Mark a crash point (does nothing unless a crash test asked for it)."""
    if _PLAN is not None:
        _PLAN.reach(name)
