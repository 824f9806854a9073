"""Lists and the seed record as sealed files: each list to its laptop, the seed to the keyholders.

A laptop's list is age-encrypted to that laptop's list key (an X25519 key kept inside its
encrypted device store), so a copied list file tells nobody anything. The seed record holds the
seed and the settings; it is sealed to the study key and the principal investigator's key, so
either can give it to an auditor, who rebuilds every list from it (`randomise audit`).
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyrage

from survey_app.bundle.atomic import atomic_write_bytes
from survey_app.i18n import Counted
from survey_app.sealing.canonical import canonical_json
from survey_app.sealing.study_keys import parse_identity, parse_recipient
from survey_app.trial.config import Randomisation
from survey_app.trial.errors import ListError
from survey_app.trial.lists import (
    GENERATOR,
    LIST_SUFFIX,
    SEED_BYTES,
    LaptopList,
    ListSet,
    generate_lists,
    list_from_json,
    randomisation_from_json,
)

SEED_FORMAT = "survey-app/allocation-seed/v1"
SEED_RECORD_NAME = "allocation-seed-record.age"


@dataclass(frozen=True)
class SeedRecord:
    """What rebuilds a list set: seed, settings, laptops with their keys and list hashes."""

    study_id: str
    list_id: str
    seed: bytes
    created_at: str
    settings: Randomisation
    laptops: tuple[tuple[str, str, str], ...]  # (label, list recipient, list sha256)

    def to_json(self) -> dict[str, Any]:
        """The record as JSON (what is sealed)."""
        return {
            "format": SEED_FORMAT,
            "generator": GENERATOR,
            "study_id": self.study_id,
            "list_id": self.list_id,
            "seed": self.seed.hex(),
            "created_at": self.created_at,
            "settings": self.settings.to_json(),
            "laptops": [
                {"label": label, "recipient": recipient, "list_sha256": digest}
                for label, recipient, digest in self.laptops
            ],
        }

    def rebuild(self) -> ListSet:
        """Generate the lists again from the seed."""
        return generate_lists(
            self.settings,
            [label for label, _, _ in self.laptops],
            self.seed,
            study_id=self.study_id,
            list_id=self.list_id,
        )


@dataclass(frozen=True)
class WrittenLists:
    """What `write_list_set` wrote."""

    list_set: ListSet
    record: SeedRecord
    list_files: tuple[Path, ...]
    seed_file: Path


def new_seed() -> bytes:
    """A fresh seed from the operating system's random source."""
    return secrets.token_bytes(SEED_BYTES)


def seal_list(lst: LaptopList, recipient: str) -> bytes:
    """Encrypt a laptop's list to its list key."""
    return pyrage.encrypt(canonical_json(lst.to_json()), [parse_recipient(recipient)])


def open_list(data: bytes, identity: str) -> LaptopList:
    """Decrypt and parse a list (ListError when it is not for this laptop or damaged)."""
    try:
        plain = pyrage.decrypt(data, [parse_identity(identity)])
    except pyrage.DecryptError:
        raise ListError(
            "This allocation list was made for another laptop, or it is damaged. "
            "Ask the data manager for this laptop's list."
        ) from None
    try:
        doc = json.loads(plain.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ListError("The allocation list is damaged.") from None
    return list_from_json(doc)


def write_list_set(
    settings: Randomisation,
    laptops: Sequence[tuple[str, str]],
    *,
    study_id: str,
    keyholders: Sequence[str],
    out_dir: Path,
    seed: bytes | None = None,
    created_at: str | None = None,
) -> WrittenLists:
    """Generate lists for (label, list recipient) laptops and write them and the seed record."""
    for _, recipient in laptops:
        parse_recipient(recipient)
    keys = [recipient.strip() for _, recipient in laptops]
    if len(set(keys)) != len(keys):
        raise ListError("The same list key is given for two laptops: each laptop has its own.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [out_dir / f"allocation-list-{label}{LIST_SUFFIX}" for label, _ in laptops]
    existing = [p.name for p in [*names, out_dir / SEED_RECORD_NAME] if p.exists()]
    if existing:
        raise ListError(
            Counted(
                "{files} already exists in the output folder; nothing was written.",
                "{files} already exist in the output folder; nothing was written.",
            ),
            files=", ".join(existing),
            count=len(existing),
        )
    seed = seed or new_seed()
    list_id = str(uuid.uuid4())
    list_set = generate_lists(
        settings, [label for label, _ in laptops], seed, study_id=study_id, list_id=list_id
    )
    record = SeedRecord(
        study_id=study_id,
        list_id=list_id,
        seed=seed,
        created_at=created_at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        settings=settings,
        laptops=tuple(
            (label, recipient, list_set.for_laptop(label).sha256) for label, recipient in laptops
        ),
    )
    # The seed record first: lists without it could never be audited.
    recipients = [parse_recipient(k) for k in keyholders]
    seed_file = out_dir / SEED_RECORD_NAME
    atomic_write_bytes(seed_file, pyrage.encrypt(canonical_json(record.to_json()), recipients))
    for path, (label, recipient) in zip(names, laptops, strict=True):
        atomic_write_bytes(path, seal_list(list_set.for_laptop(label), recipient))
    return WrittenLists(list_set, record, tuple(names), seed_file)


def open_seed_record(data: bytes, identity: str) -> SeedRecord:
    """Decrypt a seed record with the study key or the principal investigator's key."""
    try:
        plain = pyrage.decrypt(data, [parse_identity(identity)])
        doc = json.loads(plain.decode("utf-8"))
    except pyrage.DecryptError:
        raise ListError("The seed record is not sealed to this key, or it is damaged.") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ListError("The seed record is damaged.") from None
    try:
        if doc["format"] != SEED_FORMAT or doc["generator"] != GENERATOR:
            raise ListError("This is not a seed record of a known format.")
        return SeedRecord(
            study_id=str(doc["study_id"]),
            list_id=str(doc["list_id"]),
            seed=bytes.fromhex(doc["seed"]),
            created_at=str(doc["created_at"]),
            settings=randomisation_from_json(doc["settings"]),
            laptops=tuple(
                (str(x["label"]), str(x["recipient"]), str(x["list_sha256"]))
                for x in doc["laptops"]
            ),
        )
    except (KeyError, TypeError, ValueError):
        raise ListError("The seed record is damaged.") from None
