"""Upload receipts signed by the server's Ed25519 key, verifiable by the laptop (no web stack).

A receipt says: the server durably holds the envelope whose canonical hash is `content_hash`
under `submission_id`, received from `device_id` at `received_at`. The signature covers
canonical_json of every other field.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from survey_app.sealing.canonical import canonical_json
from survey_app.sealing.device_keys import DeviceKey, verify_signature

RECEIPT_FORMAT = "survey-app/receipt/v1"
RECEIPT_FIELDS = ("format", "submission_id", "device_id", "content_hash", "received_at")
ERASURE_NOTICE_FORMAT = "survey-app/erasure-notice/v1"
ERASURE_NOTICE_FIELDS = ("format", "submission_id", "device_id", "erased", "erased_at")


class ReceiptError(Exception):
    """A receipt that does not prove what the laptop needs before it may forget a submission."""


def receipt_body(
    *, submission_id: str, device_id: str, content_hash: str, received_at: str
) -> dict[str, str]:
    """The signed part of a receipt."""
    return {
        "format": RECEIPT_FORMAT,
        "submission_id": submission_id,
        "device_id": device_id,
        "content_hash": content_hash,
        "received_at": received_at,
    }


def sign_receipt(body: Mapping[str, str], server_key: DeviceKey) -> str:
    """Sign a receipt body; return the base64 signature."""
    return server_key.sign(canonical_json(dict(body)))


def verify_receipt(
    receipt: Mapping[str, Any],
    *,
    server_public_key: str,
    submission_id: str,
    content_hash: str,
) -> None:
    """Raise ReceiptError unless the server signed exactly this submission id and content hash."""
    if not isinstance(receipt, Mapping):
        raise ReceiptError("the receipt is not a JSON object")
    body = {name: receipt.get(name) for name in RECEIPT_FIELDS}
    if any(not isinstance(value, str) for value in body.values()):
        raise ReceiptError("the receipt lacks a field")
    if body["format"] != RECEIPT_FORMAT:
        raise ReceiptError("the receipt has an unknown format")
    signature = receipt.get("server_signature")
    if not isinstance(signature, str) or not verify_signature(
        server_public_key, signature, canonical_json(body)
    ):
        raise ReceiptError("the receipt is not signed by the enrolled server key")
    if body["submission_id"] != submission_id:
        raise ReceiptError("the receipt is for another submission")
    if body["content_hash"] != content_hash:
        raise ReceiptError("the server holds different content for this submission")


def erasure_notice(
    *, submission_id: str, device_id: str, erased_at: str, server_key: DeviceKey
) -> dict[str, Any]:
    """A signed statement that the server erased a submission and will never take it again.

    Signed like a receipt, so a laptop stops re-sending only on its enrolled server's word.
    """
    body: dict[str, Any] = {
        "format": ERASURE_NOTICE_FORMAT,
        "submission_id": submission_id,
        "device_id": device_id,
        "erased": True,
        "erased_at": erased_at,
    }
    return {**body, "server_signature": server_key.sign(canonical_json(body))}


def verify_erasure_notice(
    notice: Mapping[str, Any], *, server_public_key: str, submission_id: str
) -> None:
    """Raise ReceiptError unless the server signed an erasure notice for this submission id."""
    if not isinstance(notice, Mapping):
        raise ReceiptError("the erasure notice is not a JSON object")
    body = {name: notice.get(name) for name in ERASURE_NOTICE_FIELDS}
    if body["format"] != ERASURE_NOTICE_FORMAT or body["erased"] is not True:
        raise ReceiptError("the erasure notice has an unknown format")
    signature = notice.get("server_signature")
    if not isinstance(signature, str) or not verify_signature(
        server_public_key, signature, canonical_json(body)
    ):
        raise ReceiptError("the erasure notice is not signed by the enrolled server key")
    if body["submission_id"] != submission_id:
        raise ReceiptError("the erasure notice is for another submission")


def server_key_to_text(key: DeviceKey) -> str:
    """Serialise the server signing key for the server_meta table."""
    return base64.b64encode(key.private_bytes()).decode("ascii")


def server_key_from_text(text: str) -> DeviceKey:
    """Inverse of `server_key_to_text`."""
    return DeviceKey.from_private_bytes(base64.b64decode(text))
