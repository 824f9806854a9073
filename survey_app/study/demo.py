"""The bundled DEMO study: a public, throw-away key pair for trying the app, never real data."""

from __future__ import annotations

from pathlib import Path

from survey_app import assets

DEMO_PASSPHRASE = "demo"
DEMO_PRIVATE_KEY_FILE = "DEMO-study-private-key.age"
DEMO_PUBLIC_KEY_FILE = "study-public-key.txt"


def demo_study_dir() -> Path:
    """Return resources/demo-study (study.yaml, DEMO keys, README.txt)."""
    return assets.demo_study_dir()


def demo_private_key_path() -> Path:
    """Return the DEMO private key file (passphrase: "demo")."""
    return demo_study_dir() / DEMO_PRIVATE_KEY_FILE
