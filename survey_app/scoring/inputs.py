"""Turn stored answer rows (submission format) into the item -> value mapping scores take."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from survey_app.scoring.rules import ScoringError


def values_from_answers(rows: Iterable[Mapping[str, object]]) -> dict[str, object]:
    """Map item_id -> value for answered rows and None for declined ones (one row per item)."""
    values: dict[str, object] = {}
    for row in rows:
        item = str(row["item_id"])
        if item in values:
            raise ScoringError(f"{item}: more than one answer in one session; cannot score")
        values[item] = row.get("value") if row.get("status") == "answered" else None
    return values
