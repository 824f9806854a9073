"""Study key pair: age keys, private half in a passphrase-protected age file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from survey_app.errors import UserFacingError
from survey_app.sealing.study_keys import (
    StudyKeyPair,
    check_passphrase,
    parse_recipient,
    public_key_for,
    read_private_key,
    read_public_key_file,
    write_private_key,
)

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory, study_keypair: StudyKeyPair) -> Path:
    path = tmp_path_factory.mktemp("keys") / "study-private-key.age"
    write_private_key(path, study_keypair.identity, PASSPHRASE)
    return path


def test_generated_pair_matches(study_keypair: StudyKeyPair) -> None:
    assert study_keypair.public.startswith("age1")
    assert study_keypair.identity.startswith("AGE-SECRET-KEY-1")
    assert public_key_for(study_keypair.identity) == study_keypair.public


def test_private_key_file_round_trips(key_file: Path, study_keypair: StudyKeyPair) -> None:
    assert read_private_key(key_file, PASSPHRASE) == study_keypair.identity


def test_private_key_file_is_an_age_file_without_the_key_in_clear(
    key_file: Path, study_keypair: StudyKeyPair
) -> None:
    content = key_file.read_bytes()
    assert content.startswith(b"age-encryption.org/v1\n-> scrypt ")
    assert study_keypair.identity.encode() not in content


def test_private_key_file_is_readable_by_owner_only(key_file: Path) -> None:
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_wrong_passphrase_is_a_user_facing_error(key_file: Path) -> None:
    with pytest.raises(UserFacingError, match="wrong passphrase"):
        read_private_key(key_file, "not the passphrase")


def test_missing_key_file_is_a_user_facing_error(tmp_path: Path) -> None:
    with pytest.raises(UserFacingError, match="not found"):
        read_private_key(tmp_path / "absent.age", PASSPHRASE)


def test_existing_key_file_is_never_overwritten(
    key_file: Path, study_keypair: StudyKeyPair
) -> None:
    before = key_file.read_bytes()
    with pytest.raises(UserFacingError, match="already exists"):
        write_private_key(key_file, study_keypair.identity, PASSPHRASE)
    assert key_file.read_bytes() == before


def test_invalid_public_key_is_refused() -> None:
    with pytest.raises(UserFacingError, match="age1"):
        parse_recipient("ssh-ed25519 AAAA")
    with pytest.raises(UserFacingError, match="not a valid age key"):
        parse_recipient("age1qqqqqqqq")


def test_short_passphrase_is_refused() -> None:
    with pytest.raises(UserFacingError, match="at least 12"):
        check_passphrase("short")
    check_passphrase("twelve chars")


def test_public_key_file_may_carry_comments(tmp_path: Path, study_keypair: StudyKeyPair) -> None:
    path = tmp_path / "study-public-key.txt"
    path.write_text(f"# study ips2\n{study_keypair.public}\n", encoding="utf-8")
    assert read_public_key_file(path) == study_keypair.public


def test_public_key_file_with_two_keys_is_refused(
    tmp_path: Path, study_keypair: StudyKeyPair, other_study_keypair: StudyKeyPair
) -> None:
    path = tmp_path / "study-public-key.txt"
    path.write_text(f"{study_keypair.public}\n{other_study_keypair.public}\n", encoding="utf-8")
    with pytest.raises(UserFacingError, match="exactly one"):
        read_public_key_file(path)
