"""Canonical JSON, study keys (age), device keys (Ed25519) and sealed submission envelopes."""
