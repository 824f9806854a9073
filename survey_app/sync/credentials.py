"""Keeping the enrolment credentials (device token, server receipt key) next to the device store.

The store API has no settings/secret key-value table yet, so the credentials live in a file beside
the store, encrypted (AES-256-GCM) with a key derived from the device signing key, which itself
only exists inside the unlocked SQLCipher store: whoever cannot unlock the store cannot read the
token. When the store gains `get_setting`/`set_setting`, those are used instead.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from survey_app.errors import UserFacingError
from survey_app.sealing.device_keys import DeviceKey

SETTING_KEY = "sync_credentials"
FILE_SUFFIX = ".sync-credentials"
_INFO = b"survey-app/sync-credentials/v1"
_NONCE_BYTES = 12


@dataclass(frozen=True)
class SyncCredentials:
    """What enrolment gives a laptop; keep it inside the encrypted device store."""

    base_url: str
    device_id: str
    token: str
    server_public_key: str
    study_id: str | None = None
    ca_pem: str | None = None  # the study's CA certificate given at enrolment, if any
    insecure_http: bool = False  # enrolled over plain http to a network address, on purpose

    def to_dict(self) -> dict[str, str | bool | None]:
        """Plain dict for storage."""
        return {
            "base_url": self.base_url,
            "device_id": self.device_id,
            "token": self.token,
            "server_public_key": self.server_public_key,
            "study_id": self.study_id,
            "ca_pem": self.ca_pem,
            "insecure_http": self.insecure_http,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SyncCredentials:
        """Inverse of `to_dict`."""
        return cls(
            base_url=str(data["base_url"]),
            device_id=str(data["device_id"]),
            token=str(data["token"]),
            server_public_key=str(data["server_public_key"]),
            study_id=data.get("study_id"),
            ca_pem=data.get("ca_pem"),
            insecure_http=bool(data.get("insecure_http", False)),
        )

    def __repr__(self) -> str:
        return f"SyncCredentials(base_url={self.base_url!r}, device_id={self.device_id!r})"


class CredentialHolder(Protocol):
    """The parts of DeviceStore used here."""

    @property
    def path(self) -> Path: ...

    @property
    def device_key(self) -> DeviceKey: ...

    @property
    def device_id(self) -> str: ...


def credentials_path(store_path: Path) -> Path:
    """`device-store.db` -> `device-store.db.sync-credentials`."""
    store_path = Path(store_path)
    return store_path.with_name(store_path.name + FILE_SUFFIX)


def save_credentials(store: CredentialHolder, credentials: SyncCredentials) -> None:
    """Persist enrolment credentials for this store's device."""
    data = json.dumps(credentials.to_dict(), sort_keys=True)
    setter = getattr(store, "set_setting", None)
    if callable(setter):
        setter(SETTING_KEY, data)
        return
    key = _file_key(store.device_key)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = nonce + AESGCM(key).encrypt(nonce, data.encode("utf-8"), store.device_id.encode())
    _atomic_write(credentials_path(store.path), sealed)


def load_credentials(store: CredentialHolder) -> SyncCredentials | None:
    """The saved credentials, or None if this laptop has not enrolled."""
    getter = getattr(store, "get_setting", None)
    if callable(getter):
        text = getter(SETTING_KEY)
        return None if text is None else SyncCredentials.from_dict(json.loads(text))
    path = credentials_path(store.path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UserFacingError(f"cannot read the sync settings ({exc.strerror})") from None
    try:
        plain = AESGCM(_file_key(store.device_key)).decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], store.device_id.encode()
        )
        data: Any = json.loads(plain)
        return SyncCredentials.from_dict(data)
    except (InvalidTag, ValueError, KeyError):
        raise UserFacingError(
            "the saved sync settings belong to another device store or are damaged; enrol again"
        ) from None


def forget_credentials(store: CredentialHolder) -> None:
    """Remove saved credentials (e.g. before enrolling with another server)."""
    deleter = getattr(store, "delete_setting", None)
    if callable(deleter):
        deleter(SETTING_KEY)
        return
    credentials_path(store.path).unlink(missing_ok=True)


def _file_key(device_key: DeviceKey) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO)
    return hkdf.derive(device_key.private_bytes())


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
