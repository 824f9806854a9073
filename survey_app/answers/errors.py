"""The one error type raised for answers and participant codes a person typed or chose."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from survey_app.errors import UserFacingError


class AnswerError(UserFacingError):
    """Bad input: `code` names the problem, `params` hold the limits (never the input itself)."""

    def __init__(self, code: str, params: Mapping[str, object] | None = None) -> None:
        self.code = code
        self.params: Mapping[str, object] = MappingProxyType(dict(params or {}))
        detail = ", ".join(f"{k}={v}" for k, v in sorted(self.params.items()))
        # The text never includes what was typed: it may be personal data.
        super().__init__(f"{code} ({detail})" if detail else code)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AnswerError):
            return NotImplemented
        return self.code == other.code and dict(self.params) == dict(other.params)

    def __hash__(self) -> int:
        return hash(self.code)
