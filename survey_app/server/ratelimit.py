"""Rate limits kept in the server's database, so every server process on it shares them.

Token buckets: a key (a device, an account, or a client address) may make `burst` requests at
once and `rate` per second after that. Failed enrolments have their own, much smaller bucket per
client address. The state is a row per key, updated in a short transaction that is not fsynced
(a power cut may forgive a few requests; it never loses data). Rows of buckets that have filled
up again carry no information and are swept away now and then.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from survey_app.server.db import Database, Transaction

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS rate_buckets (
        bucket_key TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL,
        updated DOUBLE PRECISION NOT NULL, full_at DOUBLE PRECISION NOT NULL)""",
)
SWEEP_EVERY_SECONDS = 60.0


@dataclass(frozen=True)
class Limit:
    """`burst` at once, then `rate` per second."""

    rate: float
    burst: float

    def refill(self, tokens: float, updated: float, now: float) -> float:
        """Tokens in the bucket at `now`."""
        return min(self.burst, tokens + max(0.0, now - updated) * self.rate)

    def wait_for_one(self, tokens: float) -> float:
        """Seconds until the bucket holds one token again."""
        if tokens >= 1.0:
            return 0.0
        return (1.0 - tokens) / self.rate if self.rate > 0 else 3600.0

    def full_at(self, tokens: float, now: float) -> float:
        """When the bucket will be full again (then its row may go)."""
        return now + (self.burst - tokens) / self.rate if self.rate > 0 else now + 86400.0


@dataclass
class RateLimiter:
    """Token buckets in the database."""

    db: Database
    clock: Callable[[], float] = time.time
    _next_sweep: float = field(default=0.0, init=False)

    def initialise(self, tx: Transaction) -> None:
        """Create the table (idempotent)."""
        for statement in SCHEMA:
            tx.execute(statement)

    def create_table(self) -> None:
        """Create the table in this limiter's database if missing (safe for several processes)."""
        with self.db.transaction(durable=False) as tx:
            # Two PostgreSQL processes creating one table at once would clash: one at a time.
            tx.lock_appends()
            self.initialise(tx)

    def take(self, key: str, limit: Limit) -> float:
        """Take a token for key: 0.0 if allowed, else seconds until the next one."""
        return self._update(key, limit, spend=True)

    def check(self, key: str, limit: Limit) -> float:
        """Like `take` without spending: 0.0 if a token is there, else seconds to wait."""
        return self._update(key, limit, spend=False)

    def _update(self, key: str, limit: Limit, *, spend: bool) -> float:
        now = self.clock()
        with self.db.transaction(durable=False) as tx:
            tx.lock_key(key)
            row = tx.fetchone(
                "SELECT tokens, updated FROM rate_buckets WHERE bucket_key = ?", (key,)
            )
            tokens = limit.burst if row is None else limit.refill(row[0], row[1], now)
            wait = limit.wait_for_one(tokens)
            if spend and wait == 0.0:
                tokens -= 1.0
            if spend or row is not None:
                tx.execute(
                    "INSERT INTO rate_buckets (bucket_key, tokens, updated, full_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (bucket_key) DO UPDATE SET"
                    " tokens = excluded.tokens, updated = excluded.updated,"
                    " full_at = excluded.full_at",
                    (key, tokens, now, limit.full_at(tokens, now)),
                )
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_EVERY_SECONDS
            self.sweep(now)
        return wait

    def sweep(self, now: float | None = None) -> None:
        """Forget buckets that are full again."""
        with self.db.transaction(durable=False) as tx:
            tx.execute(
                "DELETE FROM rate_buckets WHERE full_at <= ?",
                (self.clock() if now is None else now,),
            )
