"""The one rule for study ids: study.yaml, envelopes, the server's study list and its queries."""

from __future__ import annotations

import re

STUDY_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
STUDY_ID_RULE = "1-40 of a-z, 0-9, '-' and '_', starting with a letter or digit"


def is_study_id(value: object) -> bool:
    """True for a well-formed study id (safe in file names, URLs and logs)."""
    return isinstance(value, str) and STUDY_ID_PATTERN.fullmatch(value) is not None
