"""Encrypted device store (SQLCipher): the public API is documented in docs/store-api.md.

Names are imported from their modules on first use (PEP 562): the app's first screen only asks
whether a store exists, and must not wait for SQLCipher, the sealing keys and age to load.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_HOMES = {
    "DeviceStore": "device_store",
    "InvalidAnswer": "errors",
    "InvalidSessionState": "errors",
    "StoreCorrupt": "errors",
    "StoreError": "errors",
    "StoreExists": "errors",
    "StoreFull": "errors",
    "StoreNotFound": "errors",
    "StoreReadOnly": "errors",
    "StoreThreadError": "errors",
    "StoreTooNew": "errors",
    "StoreWriteFailed": "errors",
    "WrongPassphrase": "errors",
    "default_store_path": "paths",
    "store_exists": "paths",
    "store_path_in": "paths",
    "AuditEntry": "records",
    "ConsentRecord": "records",
    "Meeting": "records",
    "ResumePoint": "records",
    "SealedCopy": "records",
    "SessionInfo": "records",
    "StoredAnswer": "records",
    "KdfParams": "unlock",
    "UnlockGuard": "unlock",
}

if TYPE_CHECKING:
    from survey_app.store.device_store import DeviceStore
    from survey_app.store.errors import (
        InvalidAnswer,
        InvalidSessionState,
        StoreCorrupt,
        StoreError,
        StoreExists,
        StoreFull,
        StoreNotFound,
        StoreReadOnly,
        StoreThreadError,
        StoreTooNew,
        StoreWriteFailed,
        WrongPassphrase,
    )
    from survey_app.store.paths import default_store_path, store_exists, store_path_in
    from survey_app.store.records import (
        AuditEntry,
        ConsentRecord,
        Meeting,
        ResumePoint,
        SealedCopy,
        SessionInfo,
        StoredAnswer,
    )
    from survey_app.store.unlock import KdfParams, UnlockGuard


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


__all__ = [
    "AuditEntry",
    "ConsentRecord",
    "DeviceStore",
    "InvalidAnswer",
    "InvalidSessionState",
    "KdfParams",
    "Meeting",
    "ResumePoint",
    "SealedCopy",
    "SessionInfo",
    "StoreCorrupt",
    "StoreError",
    "StoreExists",
    "StoreFull",
    "StoreNotFound",
    "StoreReadOnly",
    "StoreThreadError",
    "StoreTooNew",
    "StoreWriteFailed",
    "StoredAnswer",
    "UnlockGuard",
    "WrongPassphrase",
    "default_store_path",
    "store_exists",
    "store_path_in",
]
