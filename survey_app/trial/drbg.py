"""A seeded, version-stable random number source (HMAC-SHA256 in counter mode).

Python's `random` module promises the same `random()` stream for a seed, but not the same
results of `randrange`, `choice` or `shuffle` across versions. An auditor must be able to
rebuild the allocation lists years later from the recorded seed, so the lists use this
generator, whose output depends on nothing but the seed, the label and the standard HMAC.
"""

from __future__ import annotations

import hashlib
import hmac


class Drbg:
    """Deterministic bytes and unbiased integers from a seed and a label (one stream per label)."""

    def __init__(self, seed: bytes, label: str) -> None:
        if len(seed) < 16:
            raise ValueError("the seed must have at least 16 bytes")
        self._key = seed
        self._label = label.encode("utf-8")
        self._counter = 0

    def next_bytes(self) -> bytes:
        """The next 32 bytes of the stream."""
        message = self._label + b"\0" + self._counter.to_bytes(8, "big")
        self._counter += 1
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def below(self, n: int) -> int:
        """A uniform integer in [0, n) (rejection sampling: no modulo bias)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            value = int.from_bytes(self.next_bytes()[:8], "big")
            if value < limit:
                return value % n

    def choice(self, options: tuple[int, ...] | list[int]) -> int:
        """One of the options, uniformly."""
        return options[self.below(len(options))]


def keyed_index(key: bytes, message: str, n: int) -> int:
    """A uniform index in [0, n) from HMAC(key, message): one draw, bias below n / 2**256."""
    if n < 1:
        raise ValueError("n must be at least 1")
    digest = hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest, "big") % n


def derive(seed: bytes, label: str) -> bytes:
    """A 32-byte key derived from the seed for one purpose."""
    return hmac.new(seed, b"derive\0" + label.encode("utf-8"), hashlib.sha256).digest()
