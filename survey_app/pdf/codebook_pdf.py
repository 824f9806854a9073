"""The codebook as a PDF: every variable with labels, codes and rules in nb, en and ar."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm

from survey_app.forms.library import FormLibrary
from survey_app.forms.model import LANGUAGES, is_rtl
from survey_app.i18n import N_, tr, trn
from survey_app.pdf.fonts import register_fonts
from survey_app.pdf.labels import PAGE_OF
from survey_app.pdf.layout import (
    CONTENT_WIDTH,
    MARGIN_X,
    Flow,
    PageFrame,
    place,
    render,
    rule,
    shifted,
    table_row,
    text_block,
)
from survey_app.pdf.text import TextSetter, TextStyle

CODE_COL = 16 * mm
LANG_COL = (CONTENT_WIDTH - CODE_COL) / 3
HEAD_COL = 45 * mm

# A form language's status (TextStatus), as printed.
STATUS = {"draft": N_("draft"), "validated": N_("validated")}

# Row headings of a variable's rules, in the order printed.
RULES = (
    ("condition", N_("Asked only if")),
    ("constraint", N_("Constraint")),
    ("calculation", N_("Calculated as")),
    ("choice_filter", N_("Options offered only if")),
    ("scoring", N_("Scoring")),
    ("missing_rule", N_("Missing data")),
)


@dataclass
class CodebookPrintResult:
    """Facts about the printed codebook."""

    pages: int
    variables: int


def build_codebook_for_print(library: FormLibrary, pcl_cutoff: int | None = None):
    """The machine-readable codebook this PDF is printed from (survey_app.codebook)."""
    from survey_app.codebook import build_codebook

    return build_codebook(library, pcl_cutoff)


def _style(language: str, size: float = 8.5, bold: bool = False) -> TextStyle:
    if is_rtl(language):
        return TextStyle(size=size * 1.08, bold=bold, rtl=True, leading=1.5)
    return TextStyle(size=size, bold=bold)


def render_codebook(codebook, out: Path, language: str = "en") -> CodebookPrintResult:
    """Print a survey_app.codebook.Codebook to a PDF file, headings in the staff language."""
    setter = TextSetter(register_fonts())
    flow = Flow(setter)
    rtl = is_rtl(language)
    footer = tr(
        language,
        "codebook · study {study} · protocol v{version}",
        study=codebook.study_id,
        version=codebook.protocol_version,
    )
    flow.new_page(PageFrame(footer, footer_rtl=rtl))
    title = tr(language, "Codebook: study {study}", study=codebook.study_id)
    _para(flow, setter, title, TextStyle(size=15, bold=True, rtl=rtl))
    # Every number of the codebook (codes, versions, cut-off, ranges, counts, pages) is passed
    # as text, so it keeps the Western digits of the data files in every staff language.
    summary = tr(
        language,
        "Protocol version {version} · PCL-5 cut-off {cutoff} · timepoints: {timepoints}",
        version=codebook.protocol_version,
        cutoff=str(codebook.pcl_cutoff),
        timepoints=", ".join(codebook.timepoints) or "-",
    )
    count = len(codebook.variables)
    # On a line of its own: after the Latin timepoint names an Arabic line would set the count
    # inside their left-to-right run, away from its word.
    summary += "\n" + trn(
        language, "{count} variable", "{count} variables", count, count=str(count)
    )
    _para(flow, setter, summary, TextStyle(size=9, rtl=rtl))
    flow.gap(3 * mm)
    _heading(flow, setter, tr(language, "Missing-data codes"), rtl)
    _lang_row(flow, setter, tr(language, "Code"), _LANGUAGE_NAMES, TextStyle(size=8.5, bold=True))
    for code, names in sorted(codebook.missing_codes.items()):
        _lang_row(flow, setter, str(code), names)
    _para(
        flow,
        setter,
        tr(
            language,
            "Declined (\"I don't want to answer\"), not applicable (the form's logic skipped "
            "the question) and not answered are kept apart in every data set; scores follow the "
            "missing-data rule given with each score.",
        ),
        TextStyle(size=8.5, rtl=rtl),
    )
    flow.gap(3 * mm)
    _heading(flow, setter, tr(language, "Forms (version and SHA-256 of the definition file)"), rtl)
    for form in codebook.forms:
        status = ", ".join(
            f"{k}: {tr(language, STATUS.get(v, v))}"
            for k, v in sorted(form.language_status.items())
        )
        ops, h = table_row(
            setter,
            [
                (f"{form.id} ({form.kind})", TextStyle(size=8.5, bold=True)),
                (f"v{form.version} · {status}\n{form.content_hash}", TextStyle(size=7.5)),
            ],
            [HEAD_COL, CONTENT_WIDTH - HEAD_COL],
        )
        place(flow, ops, h)
    flow.gap(3 * mm)
    _heading(flow, setter, tr(language, "Variables"), rtl)
    for var in codebook.variables:
        _variable(flow, setter, var, language)
    render(
        flow.pages,
        out,
        setter,
        lambda p, n: [(tr(language, PAGE_OF, page=str(p), pages=str(n)), rtl)],
        title=tr(language, "Codebook"),
    )
    return CodebookPrintResult(len(flow.pages), len(codebook.variables))


def _para(flow: Flow, setter: TextSetter, text: str, style: TextStyle) -> None:
    ops, h = text_block(setter, text, style, MARGIN_X, CONTENT_WIDTH, 0)
    place(flow, ops, h)


def _heading(flow: Flow, setter: TextSetter, text: str, rtl: bool) -> None:
    style = TextStyle(size=11.5, bold=True, rtl=rtl)
    ops, h = text_block(setter, text, style, MARGIN_X, CONTENT_WIDTH, 0)
    place(flow, ops, h + 1 * mm)


def _lang_row(
    flow: Flow,
    setter: TextSetter,
    code: str,
    labels: dict[str, str],
    style: TextStyle | None = None,
) -> None:
    ops, h = _lang_row_ops(setter, code, labels, style)
    place(flow, ops, h)


def _lang_row_ops(
    setter: TextSetter, code: str, labels: dict[str, str], style: TextStyle | None = None
):
    cells = [(code, TextStyle(size=8.5, bold=True, rtl=_rtl_text(code)))]
    cells += [(labels.get(lang, ""), _style(lang, bold=style is not None)) for lang in _ORDER]
    return table_row(setter, cells, [CODE_COL, LANG_COL, LANG_COL, LANG_COL])


def _rtl_text(text: str) -> bool:
    """True for a heading written in Arabic letters (a code such as -7 stays left to right)."""
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


_ORDER = tuple(lang for lang in ("en", "nb", "ar") if lang in LANGUAGES)
# Each label column is headed by its language's own name, so every reader finds their column.
_LANGUAGE_NAMES = {"en": "English", "nb": "Norsk (bokmål)", "ar": "العربية"}


def _variable(flow: Flow, setter: TextSetter, var, language: str) -> None:
    """One variable as one block (kept on one page): header, labels, codes, rules."""
    rtl = is_rtl(language)
    ops = [rule(MARGIN_X, MARGIN_X + CONTENT_WIDTH)]
    y = -1.5 * mm
    # Type, measure, source, item type, ids, hashes and ranges are the data files' own values
    # (as SPSS and Stata show them): only the words around them are translated.
    facts = [var.type, var.measure, var.source]
    if var.form_id:
        if var.form_version:
            fact = tr(
                language,
                "form {form} v{version} · {hash}",
                form=var.form_id,
                version=var.form_version,
                hash=var.form_hash[:12],
            )
        else:  # a score: computed from the form's items, with no version of its own
            fact = tr(language, "form {form}", form=var.form_id)
        facts.append(fact)
    if var.item_type:
        facts.append(tr(language, "item type {type}", type=var.item_type))
    if var.minimum is not None or var.maximum is not None:
        facts.append(
            tr(language, "range {low}–{high}", low=str(var.minimum), high=str(var.maximum))
        )
    if var.free_text:
        facts.append(tr(language, "free text (may identify a person)"))
    if var.timepoints:
        facts.append(tr(language, "timepoints {list}", list=", ".join(var.timepoints)))
    head_ops, h = table_row(
        setter,
        [
            (var.name, TextStyle(size=9.5, bold=True)),
            (" · ".join(facts), TextStyle(size=7.5, rtl=rtl)),
        ],
        [HEAD_COL, CONTENT_WIDTH - HEAD_COL],
    )
    ops += [shifted(op, y) for op in head_ops]
    y -= h
    rows = [(tr(language, "label"), var.label)]
    rows += [(str(v.code), v.labels) for v in var.value_labels]
    for code in var.missing_codes:
        rows.append((str(code), _missing_labels(code)))
    for code, labels in rows:
        row_ops, h = _lang_row_ops(setter, code, labels)
        ops += [shifted(op, y) for op in row_ops]
        y -= h
    for field, title in RULES:
        text = getattr(var, field)
        if text:
            # The heading and the rule in their own cells: an expression such as
            # ${bg_country} = 11 stays left to right beside an Arabic heading.
            t_ops, h = table_row(
                setter,
                [(tr(language, title), TextStyle(size=8, bold=True, rtl=rtl)), (text, RULE)],
                [HEAD_COL, CONTENT_WIDTH - HEAD_COL],
            )
            ops += [shifted(op, y) for op in t_ops]
            y -= h
    place(flow, ops, -y + 2 * mm)


RULE = TextStyle(size=8)


def _missing_labels(code: int) -> dict[str, str]:
    from survey_app.codebook import MISSING_LABELS

    return MISSING_LABELS.get(code, {"en": str(code)})
