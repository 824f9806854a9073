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

from survey_app.i18n import Counted
from survey_app.store.errors import StoreCorrupt, StoreError

HEADER_FORMAT = "survey-app/store-key/v1"
KEY_BYTES = 32
SALT_BYTES = 16
MIN_PASSPHRASE_LENGTH = 8
PASSPHRASE_TOO_SHORT = Counted(
    "The passphrase must have at least {count} character.",
    "The passphrase must have at least {count} characters.",
)
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
        raise StoreError(PASSPHRASE_TOO_SHORT, count=MIN_PASSPHRASE_LENGTH)


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
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
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


GUARD_FORMAT = "survey-app/unlock-guard/v1"


@dataclass
class UnlockGuard:
    """Failed unlock attempts: each failure doubles the wait before the next.

    Attached to a store (`attach`, done by every unlock), the count and the earliest time of the
    next attempt are kept in a small file beside the store, so closing and restarting the app
    or a command does not reset them. See docs/store-api.md for what this does and does not
    protect against.
    """

    base_delay: float = 1.0
    max_delay: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    failures: int = 0
    _not_before: float = field(default=0.0, repr=False)
    state_path: Path | None = field(default=None, repr=False)

    @property
    def delay_seconds(self) -> float:
        """The delay that applies to the next attempt after the failures so far."""
        if self.failures == 0:
            return 0.0
        return min(self.base_delay * 2 ** (self.failures - 1), self.max_delay)

    def attach(self, path: Path) -> None:
        """Keep the count in `path` from now on, taking over what an earlier run left there."""
        path = Path(path)
        if self.state_path == path:
            return
        self.state_path = path
        failures, not_before = read_guard_state(path, self.max_delay, self.clock())
        if failures > self.failures or not_before > self._not_before:
            self.failures = max(self.failures, failures)
            self._not_before = max(self._not_before, not_before)

    def wait_turn(self) -> None:
        """Sleep until the next attempt is allowed (never longer than max_delay)."""
        remaining = min(self._not_before - self.clock(), self.max_delay)
        if remaining > 0:
            self.sleep(remaining)

    def failed(self) -> float:
        """Record a failed attempt; return the delay before the next one."""
        self.failures += 1
        delay = self.delay_seconds
        self._not_before = self.clock() + delay
        self._save()
        return delay

    def reset(self) -> None:
        """Forget failures after a successful unlock."""
        had = self.failures or self._not_before
        self.failures = 0
        self._not_before = 0.0
        if had:
            self._save()

    def _save(self) -> None:
        if self.state_path is not None:
            write_guard_state(self.state_path, self.failures, self._not_before)


def _guard_check(failures: int, not_before: float) -> str:
    text = f"{GUARD_FORMAT}|{failures}|{not_before!r}"
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def read_guard_state(path: Path, max_delay: float, now: float) -> tuple[int, float]:
    """(failures, earliest next attempt) from a guard file; a missing file means none.

    A file that is unreadable, malformed or edited (its check value no longer fits) counts as
    tampering: the next attempt waits the longest delay.
    """
    try:
        data = json.loads(Path(path).read_bytes())
        failures = int(data["failures"])
        not_before = float(data["not_before"])
        if data.get("format") != GUARD_FORMAT or failures < 0:
            raise ValueError("unknown guard format")
        if not hmac.compare_digest(str(data["check"]), _guard_check(failures, not_before)):
            raise ValueError("guard file changed")
    except FileNotFoundError:
        return 0, 0.0
    except (OSError, ValueError, KeyError, TypeError):
        return 1, now + max_delay
    return failures, not_before


def write_guard_state(path: Path, failures: int, not_before: float) -> None:
    """Write the guard file atomically, readable by the owner only."""
    data = {
        "format": GUARD_FORMAT,
        "failures": failures,
        "not_before": not_before,
        "check": _guard_check(failures, not_before),
    }
    tmp = Path(path).with_name(Path(path).name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, json.dumps(data, sort_keys=True).encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
