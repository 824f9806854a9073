"""The codebook: every exported variable with labels, codes and rules, as plain dataclasses."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

DECLINED = -7
NOT_APPLICABLE = -8
NOT_ANSWERED = -9
CODEBOOK_FORMAT = "survey-app/codebook/v1"

# Data labels (they go into the data files and the codebook, not the interface catalogs).
MISSING_LABELS: dict[int, dict[str, str]] = {
    DECLINED: {
        "en": "Declined to answer",
        "nb": "Ønsket ikke å svare",
        "ar": "لا يريد الإجابة",
    },
    NOT_APPLICABLE: {
        "en": "Not applicable (skipped by the form's logic)",
        "nb": "Ikke aktuelt (hoppet over av skjemaets logikk)",
        "ar": "لا ينطبق (تخطّاه منطق الاستبيان)",
    },
    NOT_ANSWERED: {
        "en": "Not answered",
        "nb": "Ikke besvart",
        "ar": "لم تتم الإجابة",
    },
}


@dataclass(frozen=True)
class ValueLabel:
    """One code of a variable and its label in every language."""

    code: int | float | str
    labels: dict[str, str]


@dataclass(frozen=True)
class Variable:
    """One column of the exported data sets."""

    name: str
    label: dict[str, str]
    type: str  # "numeric" | "string"
    source: str  # "session" | "form_version" | "item" | "option" | "calculated" | "score"
    measure: str = "nominal"  # "nominal" | "ordinal" | "scale"
    value_labels: tuple[ValueLabel, ...] = ()
    missing_codes: tuple[int, ...] = ()
    form_id: str = ""
    form_version: str = ""
    form_hash: str = ""
    item_id: str = ""
    item_type: str = ""
    option_code: int | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    decimals: int = 0
    free_text: bool = False
    timepoints: tuple[str, ...] = ()
    scoring: str = ""
    missing_rule: str = ""
    condition: str = ""  # when the item applies (relevant, with its sections), as written
    constraint: str = ""
    calculation: str = ""
    choice_filter: str = ""  # "code: condition; ..." for options offered only under a condition

    def value_label_map(self, language: str = "en") -> dict[int | float | str, str]:
        """Code -> label in one language, with the missing codes included."""
        labels = {
            v.code: v.labels.get(language) or v.labels.get("en", "") for v in self.value_labels
        }
        for code in self.missing_codes:
            labels[code] = MISSING_LABELS[code].get(language, MISSING_LABELS[code]["en"])
        return labels


@dataclass(frozen=True)
class FormEntry:
    """Which version of a form the codebook describes."""

    id: str
    kind: str
    version: str
    content_hash: str
    title: dict[str, str]
    language_status: dict[str, str]


@dataclass(frozen=True)
class Codebook:
    """All variables of a study's exports, in export order, plus the forms they come from."""

    study_id: str
    protocol_version: str
    pcl_cutoff: int
    forms: tuple[FormEntry, ...]
    variables: tuple[Variable, ...]
    timepoints: tuple[str, ...] = ()
    missing_codes: dict[int, dict[str, str]] = field(default_factory=lambda: dict(MISSING_LABELS))

    def variable(self, name: str, timepoint: str | None = None) -> Variable:
        """Return a variable by name, first match or the one of a timepoint (KeyError)."""
        pool = self.variables if timepoint is None else self.variables_for(timepoint)
        for var in pool:
            if var.name == name:
                return var
        raise KeyError(name)

    def variables_for(self, timepoint: str) -> tuple[Variable, ...]:
        """The variables of one timepoint's data set, in export order."""
        return tuple(v for v in self.variables if not v.timepoints or timepoint in v.timepoints)

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict (codes as they are; missing-code keys as text)."""
        return {
            "format": CODEBOOK_FORMAT,
            "study_id": self.study_id,
            "protocol_version": self.protocol_version,
            "pcl_cutoff": self.pcl_cutoff,
            "timepoints": list(self.timepoints),
            "missing_codes": {str(k): v for k, v in self.missing_codes.items()},
            "forms": [asdict(f) for f in self.forms],
            "variables": [_variable_json(v) for v in self.variables],
        }


def _variable_json(var: Variable) -> dict[str, Any]:
    out = asdict(var)
    out["value_labels"] = [{"code": v.code, "labels": v.labels} for v in var.value_labels]
    out["missing_codes"] = list(var.missing_codes)
    out["timepoints"] = list(var.timepoints)
    return out
