"""Build the codebook from the form library (items, options, versions) and the scoring rules."""

from __future__ import annotations

from survey_app.codebook.model import (
    DECLINED,
    NOT_ANSWERED,
    NOT_APPLICABLE,
    Codebook,
    FormEntry,
    ValueLabel,
    Variable,
)
from survey_app.codebook.scores import score_variables
from survey_app.errors import UserFacingError
from survey_app.forms.library import FormLibrary
from survey_app.forms.logic import condition_text
from survey_app.forms.model import LANGUAGES, Form, Item, ItemType, LocalText, ResultType

MISSING = (DECLINED, NOT_ANSWERED)
# Items asked only under a condition (and calculations) can also be "not applicable".
MISSING_CONDITIONAL = (DECLINED, NOT_APPLICABLE, NOT_ANSWERED)
CALCULATED_MISSING = (NOT_APPLICABLE, NOT_ANSWERED)

YES_NO = (
    ValueLabel(0, {"en": "No", "nb": "Nei", "ar": "لا"}),
    ValueLabel(1, {"en": "Yes", "nb": "Ja", "ar": "نعم"}),
)
CHOSEN = (
    ValueLabel(0, {"en": "Not chosen", "nb": "Ikke valgt", "ar": "غير مختار"}),
    ValueLabel(1, {"en": "Chosen", "nb": "Valgt", "ar": "مختار"}),
)

_VERSION = {"en": "version", "nb": "versjon", "ar": "الإصدار"}


def _l(en: str, nb: str, ar: str) -> dict[str, str]:
    return {"en": en, "nb": nb, "ar": ar}


def session_variables() -> tuple[Variable, ...]:
    """The per-submission variables that precede the answers in every data set."""
    s = "session"
    return (
        Variable(
            "submission_id",
            _l("Submission id (random)", "Innsendings-id (tilfeldig)", "معرّف الإرسال (عشوائي)"),
            "string",
            s,
        ),
        Variable(
            "participant_code",
            _l("Participant code", "Deltakernummer", "رقم المشارك"),
            "string",
            s,
        ),
        Variable("timepoint", _l("Timepoint", "Tidspunkt", "نقطة القياس"), "string", s),
        Variable(
            "arm",
            _l(
                "Study arm (randomised allocation)",
                "Studiearm (loddtrekning)",
                "مجموعة الدراسة (التوزيع العشوائي)",
            ),
            "string",
            s,
        ),
        Variable(
            "arm_stratum",
            _l("Randomisation stratum", "Stratum i loddtrekningen", "الطبقة في التوزيع العشوائي"),
            "string",
            s,
        ),
        Variable(
            "arm_period",
            _l(
                "Allocation period (ratio in force)",
                "Periode i loddtrekningen (gjeldende forhold)",
                "فترة التوزيع (النسبة المعمول بها)",
            ),
            "numeric",
            s,
        ),
        Variable(
            "arm_emergency",
            _l(
                "Allocation revealed in an emergency (before baseline)",
                "Tildeling avslørt i nødstilfelle (før første skjema)",
                "كُشف التوزيع في حالة طارئة (قبل الاستبيان الأول)",
            ),
            "numeric",
            s,
            value_labels=YES_NO,
        ),
        Variable(
            "status",
            _l(
                "Session outcome: completed, declined or abandoned",
                "Utfall av økten: completed, declined eller abandoned",
                "نتيجة الجلسة: completed أو declined أو abandoned",
            ),
            "string",
            s,
        ),
        Variable(
            "close_reason",
            _l(
                "Why staff closed it unfinished (abandoned only)",
                "Hvorfor personalet avsluttet den uferdig (bare abandoned)",
                "سبب إغلاق الموظفين لها دون إكمال (abandoned فقط)",
            ),
            "string",
            s,
        ),
        Variable(
            "language",
            _l("Language answered in", "Svarspråk", "لغة الإجابة"),
            "string",
            s,
        ),
        Variable(
            "interpreter_language",
            _l("Interpreter's language", "Tolkens språk", "لغة المترجم"),
            "string",
            s,
        ),
        Variable(
            "interpreter_assisted",
            _l("Answered with interpreter help", "Svart med tolkehjelp", "أُجيب بمساعدة مترجم"),
            "numeric",
            s,
            value_labels=YES_NO,
        ),
        Variable(
            "listened_items",
            _l(
                "Items whose recorded reading was played (count)",
                "Spørsmål som ble lyttet til (antall)",
                "عدد الأسئلة التي استُمع إلى تسجيلها",
            ),
            "numeric",
            s,
        ),
        Variable(
            "addressee",
            _l(
                "Addressed as (female, male; empty: not stated)",
                "Tiltalt som (female, male; tom: ikke oppgitt)",
                "صيغة المخاطبة (female مؤنث، male مذكر؛ فارغ: غير محدد)",
            ),
            "string",
            s,
        ),
        Variable(
            "source",
            _l("Source (screen or paper)", "Kilde (skjerm eller papir)", "المصدر (شاشة أو ورق)"),
            "string",
            s,
        ),
        Variable(
            "duplicate_flag",
            _l(
                "Same code and timepoint seen twice",
                "Samme nummer og tidspunkt to ganger",
                "نفس الرقم ونقطة القياس مرتين",
            ),
            "numeric",
            s,
            value_labels=YES_NO,
        ),
        Variable(
            "duplicate_code_timepoint",
            _l(
                "Same code and timepoint in another submission too (any laptop)",
                "Samme nummer og tidspunkt også i en annen innsending (alle PC-er)",
                "الرقم ونقطة القياس نفسهما في إرسال آخر أيضًا (أي حاسوب)",
            ),
            "numeric",
            s,
            value_labels=YES_NO,
        ),
        Variable("device_id", _l("Device id", "Enhets-id", "معرّف الجهاز"), "string", s),
        Variable("meeting_date", _l("Meeting date", "Møtedato", "تاريخ الاجتماع"), "string", s),
        Variable(
            "started_at",
            _l("Started (UTC)", "Startet (UTC)", "البدء (UTC)"),
            "string",
            s,
        ),
        Variable(
            "completed_at",
            _l("Completed (UTC)", "Fullført (UTC)", "الانتهاء (UTC)"),
            "string",
            s,
        ),
    )


def build_codebook(library: FormLibrary, pcl_cutoff: int | None = None) -> Codebook:
    """Describe every exported variable of a study: labels, codes, missing codes, scoring."""
    protocol = library.protocol
    cutoff = pcl_cutoff if pcl_cutoff is not None else (protocol.pcl_cutoff if protocol else 33)
    forms = _forms_in_order(library)
    timepoints_of = _timepoints_of(library)
    variables: list[Variable] = list(session_variables())
    for form in forms:
        tps = timepoints_of.get(form.id, ())
        variables.append(_version_variable(form, tps))
        for item in form.stored_items:
            variables.extend(_item_variables(form, item, tps))
    for var in score_variables(library, cutoff):
        variables.append(var)
    _check_unique(variables, tuple(protocol.timepoints) if protocol else ())
    return Codebook(
        study_id=protocol.study_id if protocol else "",
        protocol_version=protocol.version if protocol else "",
        pcl_cutoff=cutoff,
        forms=tuple(_form_entry(f) for f in forms),
        variables=tuple(variables),
        timepoints=tuple(protocol.timepoints) if protocol else (),
    )


def form_timepoints(library: FormLibrary, form_id: str) -> tuple[str, ...]:
    """The protocol timepoints at which a form is asked."""
    return _timepoints_of(library).get(form_id, ())


def _forms_in_order(library: FormLibrary) -> list[Form]:
    order: list[str] = []
    if library.protocol is not None:
        for tp in library.protocol.timepoints.values():
            order.extend(s.form_id for s in tp.steps if s.form_id not in order)
    else:
        # Without a protocol nothing says when a form is asked: describe every form.
        order.extend(sorted(library.forms))
    return [library.forms[f] for f in order if f in library.forms]


def _timepoints_of(library: FormLibrary) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    if library.protocol is not None:
        for tp in library.protocol.timepoints.values():
            for step in tp.steps:
                out.setdefault(step.form_id, [])
                if tp.id not in out[step.form_id]:
                    out[step.form_id].append(tp.id)
    return {k: tuple(v) for k, v in out.items()}


def _form_entry(form: Form) -> FormEntry:
    return FormEntry(
        id=form.id,
        kind=form.kind,
        version=form.version,
        content_hash=form.content_hash,
        title=_texts(form.title),
        language_status={lang: str(info.status) for lang, info in form.languages.items()},
    )


def version_variable_name(form_id: str) -> str:
    """Name of the variable holding the version a form was answered on."""
    return f"ver_{form_id}"


def _version_variable(form: Form, timepoints: tuple[str, ...]) -> Variable:
    title = _texts(form.title)
    return Variable(
        name=version_variable_name(form.id),
        label={lang: f"{title.get(lang) or form.id}: {_VERSION[lang]}" for lang in LANGUAGES},
        type="string",
        source="form_version",
        form_id=form.id,
        form_version=form.version,
        form_hash=form.content_hash,
        timepoints=timepoints,
    )


def _item_variables(form: Form, item: Item, timepoints: tuple[str, ...]) -> list[Variable]:
    label = _item_label(item)
    condition = condition_text(form, item)
    constraint = item.logic.constraint
    common = {
        "form_id": form.id,
        "form_version": form.version,
        "form_hash": form.content_hash,
        "item_id": item.id,
        "item_type": str(item.type),
        "timepoints": timepoints,
        "condition": condition,
        "constraint": constraint.canonical if constraint is not None else "",
        "choice_filter": "; ".join(
            f"{code}: {condition.canonical}" for code, condition in item.logic.choice_filter or ()
        ),
    }
    if item.calculated:
        return [_calculated_variable(item, label, common)]
    missing = MISSING_CONDITIONAL if condition else MISSING
    if item.type is ItemType.MULTIPLE_CHOICE and item.scale is not None:
        return [
            Variable(
                name=option_variable_name(item.id, option.code),
                label={lang: f"{label[lang]}: {option.label.get(lang)}" for lang in LANGUAGES},
                type="numeric",
                source="option",
                value_labels=CHOSEN,
                missing_codes=missing,
                option_code=option.code,
                minimum=0,
                maximum=1,
                **common,
            )
            for option in item.scale.options
        ]
    if item.type in (ItemType.TEXT, ItemType.DATE):
        return [
            Variable(
                name=item.id,
                label=label,
                type="string",
                source="item",
                missing_codes=missing,
                free_text=item.free_text,
                **common,
            )
        ]
    minimum, maximum, values, measure = _numeric_shape(item)
    return [
        Variable(
            name=item.id,
            label=label,
            type="numeric",
            source="item",
            measure=measure,
            value_labels=values,
            missing_codes=missing,
            minimum=minimum,
            maximum=maximum,
            decimals=_decimals(item),
            **common,
        )
    ]


# Shown decimals of a decimal item without a `decimals` limit (the data keep every digit).
DEFAULT_DECIMALS = 2


def _decimals(item: Item) -> int:
    if item.type is not ItemType.DECIMAL:
        return 0
    return item.decimals if item.decimals is not None else DEFAULT_DECIMALS


def _calculated_variable(item: Item, label: dict[str, str], common: dict) -> Variable:
    result = item.logic.result or ResultType.NUMBER
    calculation = item.logic.calculate.canonical if item.logic.calculate else ""
    return Variable(
        name=item.id,
        label=label,
        type="numeric" if result is ResultType.NUMBER else "string",
        source="calculated",
        measure="scale" if result is ResultType.NUMBER else "nominal",
        missing_codes=CALCULATED_MISSING,
        calculation=calculation,
        **common,
    )


def option_variable_name(item_id: str, code: int) -> str:
    """Name of the 0/1 indicator of one option of a multiple-choice item."""
    return f"{item_id}_{code}"


def _numeric_shape(
    item: Item,
) -> tuple[int | float | None, int | float | None, tuple[ValueLabel, ...], str]:
    if item.type is ItemType.CONSENT:
        return 0, 1, YES_NO, "nominal"
    if item.type in (ItemType.INTEGER, ItemType.DECIMAL):
        return item.minimum, item.maximum, (), "scale"
    scale = item.scale
    if scale is None:
        return None, None, (), "nominal"
    if item.type in (ItemType.LADDER, ItemType.VAS):
        anchors = []
        if scale.anchor_low is not None:
            anchors.append(ValueLabel(scale.min, _texts(scale.anchor_low)))
        if scale.anchor_high is not None:
            anchors.append(ValueLabel(scale.max, _texts(scale.anchor_high)))
        return scale.min, scale.max, tuple(anchors), "scale"
    values = tuple(ValueLabel(o.code, _texts(o.label)) for o in scale.options)
    # Named scales are rating scales (ordered); inline option lists are categories.
    measure = "nominal" if scale.id.endswith("_options") else "ordinal"
    return scale.min, scale.max, values, measure


def _item_label(item: Item) -> dict[str, str]:
    texts = _texts(item.text)
    out = {lang: _shorten(texts.get(lang, "")) for lang in LANGUAGES}
    out["en"] = item.label or out["en"] or item.id
    return out


def _shorten(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _texts(text: LocalText | None) -> dict[str, str]:
    if text is None:
        return {}
    return {lang: text.get(lang) for lang in LANGUAGES if text.get(lang)}


def _check_unique(variables: list[Variable], timepoints: tuple[str, ...]) -> None:
    # Two consent forms may reuse item ids at different timepoints; one data set may not.
    for timepoint in timepoints or ("",):
        seen: set[str] = set()
        for var in variables:
            if var.timepoints and timepoint not in var.timepoints:
                continue
            if var.name in seen:
                where = f" at timepoint '{timepoint}'" if timepoint else ""
                raise UserFacingError(
                    f"two exported variables are both named '{var.name}'{where}; item ids must "
                    "be unique across the forms of one timepoint"
                )
            seen.add(var.name)
