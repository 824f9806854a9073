"""The command-line half of an untrusted-certificate message: which option takes the CA file."""

from __future__ import annotations


def with_ca_hint(message: str) -> str:
    """The message, plus how to give the CA file when it says the certificate is not trusted."""
    from survey_app.sync.transport import CERTIFICATE_NOT_TRUSTED

    if CERTIFICATE_NOT_TRUSTED not in message:
        return message
    return f"{message} Then give it to this command with --ca FILE."
