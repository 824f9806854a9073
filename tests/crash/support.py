"""Run a child process that is killed with SIGKILL, and read what it reported as committed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from survey_app.crashpoints import ENV_CRASH_AT, ENV_TRACE

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ChildRun:
    """How a child ended and the lines it printed (each printed only after its commit)."""

    returncode: int
    lines: list[str]

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL

    def events(self, kind: str) -> list[list[str]]:
        """The fields of every reported line starting with `kind`."""
        return [line.split()[1:] for line in self.lines if line.split()[:1] == [kind]]


def child_env(
    crash_at: str | None = None, trace: Path | None = None, **extra: str
) -> dict[str, str]:
    """The environment of a child: the test's own, plus where to die or what to trace."""
    env = {k: v for k, v in os.environ.items() if k not in (ENV_CRASH_AT, ENV_TRACE)}
    if crash_at:
        env[ENV_CRASH_AT] = crash_at
    if trace is not None:
        env[ENV_TRACE] = str(trace)
    env.update(extra)
    return env


def run_child(
    args: list[str],
    *,
    crash_at: str | None = None,
    trace: Path | None = None,
    kill_after: float | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> ChildRun:
    """Run `python ARGS...` from the repository; SIGKILL it after `kill_after` seconds if given."""
    environment = env if env is not None else child_env(crash_at, trace)
    with subprocess.Popen(
        [sys.executable, *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    ) as child:
        try:
            out, err = child.communicate(timeout=kill_after if kill_after is not None else timeout)
        except subprocess.TimeoutExpired:
            if kill_after is None:
                child.kill()
                raise
            child.send_signal(signal.SIGKILL)
            out, err = child.communicate(timeout=timeout)
    if child.returncode not in (0, -signal.SIGKILL):
        raise AssertionError(
            f"child {args} failed ({child.returncode}): {err.decode(errors='replace')[-2000:]}"
        )
    text = out.decode("utf-8", errors="replace")
    # A line cut by the kill was not completely reported: ignore it.
    lines = text.split("\n")[:-1]
    return ChildRun(child.returncode, lines)


def trace_counts(trace: Path) -> dict[str, int]:
    """How often each crash point was reached in a traced run."""
    counts: dict[str, int] = {}
    if trace.is_file():
        for name in trace.read_text().split():
            counts[name] = counts.get(name, 0) + 1
    return counts
