"""Encrypted device store (SQLCipher): the public API is documented in docs/store-api.md."""

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
