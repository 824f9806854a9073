"""Score variables of the codebook, described from survey_app.scoring's MissingRule data."""

from __future__ import annotations

from collections.abc import Mapping

from survey_app.codebook.model import ValueLabel, Variable
from survey_app.forms.library import FormLibrary
from survey_app.scoring import DEFAULT_RULES, SCORE_NAMES
from survey_app.scoring.rules import Method, MissingRule


def _l(en: str, nb: str, ar: str) -> dict[str, str]:
    return {"en": en, "nb": nb, "ar": ar}


SCORE_LABELS: dict[str, dict[str, str]] = {
    "hscl_total": _l(
        "HSCL-25 mean, all items (1-4)",
        "HSCL-25 snitt, alle ledd (1-4)",
        "HSCL-25 المتوسط، كل البنود (1-4)",
    ),
    "hscl_anx": _l(
        "HSCL-25 anxiety mean (items 1-10)",
        "HSCL-25 angst, snitt (ledd 1-10)",
        "HSCL-25 متوسط القلق (البنود 1-10)",
    ),
    "hscl_dep": _l(
        "HSCL-25 depression mean (items 11-25)",
        "HSCL-25 depresjon, snitt (ledd 11-25)",
        "HSCL-25 متوسط الاكتئاب (البنود 11-25)",
    ),
    "hscl_case": _l("HSCL-25 mean >= 1.75", "HSCL-25 snitt >= 1,75", "HSCL-25 المتوسط >= 1.75"),
    "pcl_total": _l("PCL-5 total (0-80)", "PCL-5 sum (0-80)", "PCL-5 المجموع (0-80)"),
    "pcl_b": _l(
        "PCL-5 cluster B (items 1-5)", "PCL-5 klynge B (ledd 1-5)", "PCL-5 المجموعة B (البنود 1-5)"
    ),
    "pcl_c": _l(
        "PCL-5 cluster C (items 6-7)", "PCL-5 klynge C (ledd 6-7)", "PCL-5 المجموعة C (البنود 6-7)"
    ),
    "pcl_d": _l(
        "PCL-5 cluster D (items 8-14)",
        "PCL-5 klynge D (ledd 8-14)",
        "PCL-5 المجموعة D (البنود 8-14)",
    ),
    "pcl_e": _l(
        "PCL-5 cluster E (items 15-20)",
        "PCL-5 klynge E (ledd 15-20)",
        "PCL-5 المجموعة E (البنود 15-20)",
    ),
    "pcl_probable": _l(
        "PCL-5 total at or above cut-off",
        "PCL-5 sum på eller over grenseverdi",
        "PCL-5 المجموع عند الحد الفاصل أو أعلى",
    ),
    "pcl_dx": _l(
        "PCL-5 provisional DSM-5 diagnosis",
        "PCL-5 foreløpig DSM-5-diagnose",
        "PCL-5 تشخيص مبدئي وفق DSM-5",
    ),
    "via_heritage": _l(
        "VIA heritage orientation mean (1-9)",
        "VIA opprinnelseskultur, snitt (1-9)",
        "VIA متوسط التوجه نحو ثقافة الأصل (1-9)",
    ),
    "via_mainstream": _l(
        "VIA Norwegian orientation mean (1-9)",
        "VIA norsk kultur, snitt (1-9)",
        "VIA متوسط التوجه نحو الثقافة النرويجية (1-9)",
    ),
}

_NO_YES = (
    ValueLabel(0, _l("No", "Nei", "لا")),
    ValueLabel(1, _l("Yes", "Ja", "نعم")),
)


def score_variables(library: FormLibrary, pcl_cutoff: int) -> tuple[Variable, ...]:
    """One variable per computed score whose items are asked; copies of an item are skipped."""
    item_forms = _item_forms(library)
    out: list[Variable] = []
    for name in SCORE_NAMES:
        rule = DEFAULT_RULES[name]
        if name in item_forms:
            continue  # a COPY score is the item itself (cantril_now, eqvas): one column only
        items = _items_of(rule)
        forms = sorted({item_forms[i] for i in items if i in item_forms})
        if not forms:
            continue
        flag = rule.method in (Method.DERIVED, Method.DECIDABLE)
        out.append(
            Variable(
                name=name,
                label=SCORE_LABELS.get(name, _l(name, name, name)),
                type="numeric",
                source="score",
                measure="nominal" if flag else "scale",
                value_labels=_NO_YES if flag else (),
                decimals=0 if flag else 2,
                form_id=",".join(forms),
                timepoints=_timepoints(library, forms),
                scoring=_describe(rule, pcl_cutoff),
                missing_rule=_missing(rule),
            )
        )
    return tuple(out)


def _items_of(rule: MissingRule) -> tuple[str, ...]:
    if rule.method is Method.DERIVED and rule.derived_from:
        return DEFAULT_RULES[rule.derived_from].items
    return rule.items


def _item_forms(library: FormLibrary) -> dict[str, str]:
    return {item.id: form.id for form in library.forms.values() for item in form.items}


def _timepoints(library: FormLibrary, forms: list[str]) -> tuple[str, ...]:
    if library.protocol is None:
        return ()
    return tuple(
        tp.id
        for tp in library.protocol.timepoints.values()
        if any(step.form_id in forms for step in tp.steps)
    )


def _span(items: tuple[str, ...]) -> str:
    numbers = [int(i.rsplit("_", 1)[1]) for i in items if i.rsplit("_", 1)[-1].isdigit()]
    contiguous = len(numbers) == len(items) and numbers == list(range(numbers[0], numbers[-1] + 1))
    if len(items) > 1 and contiguous:
        return f"{items[0]}..{items[-1]}"
    return " ".join(items)


def _describe(rule: MissingRule, pcl_cutoff: int) -> str:
    if rule.method is Method.MEAN:
        return f"mean of the answered items {_span(rule.items)}"
    if rule.method is Method.PRORATED_SUM:
        return (
            f"sum of the answered items {_span(rule.items)} x {len(rule.items)} / number answered"
        )
    if rule.method is Method.COPY:
        return f"the value of {rule.items[0]}"
    if rule.method is Method.DERIVED:
        cutoff = f">= {pcl_cutoff}" if rule.derived_from == "pcl_total" else ">= 1.75"
        return f"1 when {rule.derived_from} {cutoff}, else 0"
    return rule.rationale


def _missing(rule: MissingRule) -> str:
    if rule.method in (Method.MEAN, Method.PRORATED_SUM, Method.COPY):
        text = (
            f"computed when at least {rule.min_answered} of {len(rule.items)} items are "
            "answered; otherwise system missing"
        )
    elif rule.method is Method.DERIVED:
        text = f"system missing when {rule.derived_from} is missing"
    else:
        text = "system missing only when the answered items cannot decide it"
    return (
        f"{text} ({rule.rationale})"
        if rule.rationale and rule.method is not Method.DERIVED
        else text
    )


def score_rules() -> Mapping[str, MissingRule]:
    """The rules the codebook describes (the scoring package's defaults)."""
    return DEFAULT_RULES
