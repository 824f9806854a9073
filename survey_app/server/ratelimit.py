"""Per-credential token buckets, in memory (one server process; restarts forgive everyone)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass
class RateLimiter:
    """Allow `burst` requests at once and `rate` per second after that, per key."""

    rate: float
    burst: int
    clock: Callable[[], float] = time.monotonic
    max_keys: int = 10_000
    _buckets: dict[str, _Bucket] = field(default_factory=dict, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def acquire(self, key: str) -> float:
        """Take one token for key: 0.0 if allowed, else seconds until the next token."""
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self.max_keys:
                    self._forget_full(now)
                bucket = self._buckets[key] = _Bucket(float(self.burst), now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate if self.rate > 0 else 60.0

    def _forget_full(self, now: float) -> None:
        # A bucket that has refilled carries no information: dropping it changes nothing.
        refill = self.burst / self.rate if self.rate > 0 else float("inf")
        stale = [k for k, b in self._buckets.items() if now - b.updated >= refill]
        for key in stale or list(self._buckets)[: len(self._buckets) // 2]:
            del self._buckets[key]
