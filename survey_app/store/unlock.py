"""Passphrase -> raw SQLCipher key (Argon2id), the key header file, and the unlock delay."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw

from survey_app.store.errors import StoreCorrupt, StoreError

HEADER_FORMAT = "survey-app/store-key/v1"
KEY_BYTES = 32
SALT_BYTES = 16
MIN_PASSPHRASE_LENGTH = 8
_CHECK_LABEL = b"survey-app/store-key-check/v1"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id strength; the default is strong, tests pass a cheaper one."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4


@dataclass(frozen=True)
class KeyHeader:
    """What is needed to re-derive the key: salt, parameters and a key check value."""

    salt: bytes
    params: KdfParams
    check: str

    def to_json(self) -> bytes:
        """Serialise the header (no secrets inside)."""
        data = {
            "format": HEADER_FORMAT,
            "kdf": "argon2id",
            "salt": base64.b64encode(self.salt).decode("ascii"),
            "time_cost": self.params.time_cost,
            "memory_kib": self.params.memory_kib,
            "parallelism": self.params.parallelism,
            "check": self.check,
        }
        return json.dumps(data, indent=1, sort_keys=True).encode("utf-8")

    def matches(self, key: bytes) -> bool:
        """Return True when the derived key is the one this header was made for."""
        return hmac.compare_digest(self.check, key_check(key))


def derive_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """Derive the 32-byte database key from a passphrase with Argon2id."""
    return hash_secret_raw(
        secret=passphrase.encode("utf-8"),
        salt=salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def key_check(key: bytes) -> str:
    """Return a value that tells a wrong passphrase apart from a damaged database."""
    return hmac.new(key, _CHECK_LABEL, hashlib.sha256).hexdigest()


def new_header(passphrase: str, params: KdfParams) -> tuple[KeyHeader, bytes]:
    """Create a header with a fresh salt; return it with the derived key."""
    check_passphrase(passphrase)
    salt = os.urandom(SALT_BYTES)
    key = derive_key(passphrase, salt, params)
    return KeyHeader(salt, params, key_check(key)), key


def check_passphrase(passphrase: str) -> None:
    """Refuse passphrases too short to protect health data."""
    if not isinstance(passphrase, str) or len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise StoreError(
            "The passphrase must have at least {count} characters.", count=MIN_PASSPHRASE_LENGTH
        )


def read_header(path: Path) -> KeyHeader:
    """Read a key header file (StoreCorrupt if it is missing or malformed)."""
    try:
        data = json.loads(path.read_bytes())
        if data.get("format") != HEADER_FORMAT or data.get("kdf") != "argon2id":
            raise ValueError("unknown header format")
        params = KdfParams(
            time_cost=int(data["time_cost"]),
            memory_kib=int(data["memory_kib"]),
            parallelism=int(data["parallelism"]),
        )
        salt = base64.b64decode(data["salt"], validate=True)
        check = str(data["check"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreCorrupt() from exc
    return KeyHeader(salt, params, check)


def write_header(path: Path, header: KeyHeader) -> None:
    """Write a header atomically and durably (temp file, fsync, rename, fsync dir)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(header.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()  # a full disk must not leave a half-written header behind
        raise
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    """Make a rename in a directory durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def sqlcipher_key_pragma(key: bytes) -> str:
    """Return the PRAGMA that hands SQLCipher a raw key (skipping its own PBKDF2)."""
    return f"PRAGMA key = \"x'{key.hex()}'\""


def sqlcipher_rekey_pragma(key: bytes) -> str:
    """Return the PRAGMA that re-encrypts the database under a new raw key."""
    return f"PRAGMA rekey = \"x'{key.hex()}'\""


@dataclass
class UnlockGuard:
    """Failed unlock attempts on one screen: each failure doubles the wait before the next."""

    base_delay: float = 1.0
    max_delay: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    _not_before: float = field(default=0.0, repr=False)

    @property
    def delay_seconds(self) -> float:
        """The delay that applies to the next attempt after the failures so far."""
        if self.failures == 0:
            return 0.0
        return min(self.base_delay * 2 ** (self.failures - 1), self.max_delay)

    def wait_turn(self) -> None:
        """Sleep until the next attempt is allowed."""
        remaining = self._not_before - self.clock()
        if remaining > 0:
            self.sleep(remaining)

    def failed(self) -> float:
        """Record a failed attempt; return the delay before the next one."""
        self.failures += 1
        delay = self.delay_seconds
        self._not_before = self.clock() + delay
        return delay

    def reset(self) -> None:
        """Forget failures after a successful unlock."""
        self.failures = 0
        self._not_before = 0.0
