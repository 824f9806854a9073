"""Located findings reported by the loader and the checker."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem in a definition file, printed as `path:line: severity: message`."""

    path: str
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


@dataclass
class FindingSink:
    """Collects findings for one file."""

    path: str
    findings: list[Finding]

    def error(self, line: int, message: str) -> None:
        """Record an error at a line."""
        self.findings.append(Finding(self.path, line, Severity.ERROR, message))

    def warning(self, line: int, message: str) -> None:
        """Record a warning at a line."""
        self.findings.append(Finding(self.path, line, Severity.WARNING, message))

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)
