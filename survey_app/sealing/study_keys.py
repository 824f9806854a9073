"""The study key pair: an age X25519 key, private half kept in a passphrase-protected age file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyrage

from survey_app.errors import UserFacingError

MIN_PASSPHRASE_LENGTH = 12


@dataclass(frozen=True)
class StudyKeyPair:
    """An age recipient ("age1...") and its identity ("AGE-SECRET-KEY-1...")."""

    public: str
    identity: str


def generate_study_keypair() -> StudyKeyPair:
    """Generate a fresh age X25519 key pair for a study."""
    identity = pyrage.x25519.Identity.generate()
    return StudyKeyPair(public=str(identity.to_public()), identity=str(identity))


def parse_recipient(public: str) -> pyrage.x25519.Recipient:
    """Parse an age public key, raising UserFacingError when it is not one."""
    text = public.strip() if isinstance(public, str) else ""
    if not text.startswith("age1"):
        raise UserFacingError("the study public key must be an age public key starting with 'age1'")
    try:
        return pyrage.x25519.Recipient.from_str(text)
    except pyrage.RecipientError as exc:
        raise UserFacingError(f"the study public key is not a valid age key ({exc})") from None


def parse_identity(identity: str) -> pyrage.x25519.Identity:
    """Parse an age secret key, raising UserFacingError when it is not one."""
    try:
        return pyrage.x25519.Identity.from_str(identity.strip())
    except (pyrage.IdentityError, AttributeError):
        raise UserFacingError("the study private key is not a valid age secret key") from None


def public_key_for(identity: str) -> str:
    """Return the age public key belonging to a secret key."""
    return str(parse_identity(identity).to_public())


def check_passphrase(passphrase: str) -> None:
    """Refuse passphrases too short to protect the study's private key."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise UserFacingError(
            f"the passphrase must have at least {MIN_PASSPHRASE_LENGTH} characters"
        )


def read_public_key_file(path: Path) -> str:
    """Read an age recipients file holding one public key (comment lines allowed)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise UserFacingError(f"cannot read public key file {path}") from None
    keys = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if len(keys) != 1:
        raise UserFacingError(f"{path.name} must hold exactly one age public key")
    parse_recipient(keys[0])
    return keys[0]


def write_private_key(path: Path, identity: str, passphrase: str) -> None:
    """Write the secret key as an age passphrase-encrypted identity file (never overwrites)."""
    path = Path(path)
    if not passphrase:
        raise UserFacingError("the private key file needs a passphrase")
    public = public_key_for(identity)
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    # Same layout as `age-keygen` output, so `age -d -i FILE` can use the file directly.
    text = f"# created: {created}\n# public key: {public}\n{identity.strip()}\n"
    sealed = pyrage.passphrase.encrypt(text.encode("ascii"), passphrase)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UserFacingError(f"{path.name} already exists; it was not overwritten") from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(sealed)


def read_private_key(path: Path, passphrase: str) -> str:
    """Decrypt a private key file and return the age secret key it holds."""
    path = Path(path)
    try:
        sealed = path.read_bytes()
    except FileNotFoundError:
        raise UserFacingError(f"private key file not found: {path}") from None
    except OSError as exc:
        raise UserFacingError(f"cannot read private key file {path}: {exc.strerror}") from None
    try:
        text = pyrage.passphrase.decrypt(sealed, passphrase).decode("ascii")
    except pyrage.DecryptError:
        raise UserFacingError(
            f"cannot open {path.name}: wrong passphrase, or not a study private key file"
        ) from None
    except UnicodeDecodeError:
        raise UserFacingError(f"{path.name} does not hold an age secret key") from None
    keys = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if len(keys) != 1 or not keys[0].startswith("AGE-SECRET-KEY-"):
        raise UserFacingError(f"{path.name} does not hold exactly one age secret key")
    parse_identity(keys[0])
    return keys[0]
