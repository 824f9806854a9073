"""The codebook as a PDF: every variable with labels, codes and rules in nb, en and ar."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm

from survey_app.forms.library import FormLibrary
from survey_app.forms.model import LANGUAGES, is_rtl
from survey_app.pdf.fonts import register_fonts
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


def render_codebook(codebook, out: Path) -> CodebookPrintResult:
    """Print a survey_app.codebook.Codebook to a PDF file."""
    setter = TextSetter(register_fonts())
    flow = Flow(setter)
    footer = f"codebook · study {codebook.study_id} · protocol v{codebook.protocol_version}"
    flow.new_page(PageFrame(footer))
    _para(flow, setter, f"Codebook: study {codebook.study_id}", TextStyle(size=15, bold=True))
    _para(
        flow,
        setter,
        f"Protocol version {codebook.protocol_version} · PCL-5 cut-off {codebook.pcl_cutoff} · "
        f"timepoints: {', '.join(codebook.timepoints) or '-'} · "
        f"{len(codebook.variables)} variables",
        TextStyle(size=9),
    )
    flow.gap(3 * mm)
    _heading(flow, setter, "Missing-data codes")
    for code, names in sorted(codebook.missing_codes.items()):
        _lang_row(flow, setter, str(code), names)
    _para(
        flow,
        setter,
        "Declined (\"I don't want to answer\"), not applicable (the form's logic skipped the "
        "question) and not answered are kept apart in every data set; scores follow the "
        "missing-data rule given with each score.",
        TextStyle(size=8.5),
    )
    flow.gap(3 * mm)
    _heading(flow, setter, "Forms (version and SHA-256 of the definition file)")
    for form in codebook.forms:
        status = ", ".join(f"{k}: {v}" for k, v in sorted(form.language_status.items()))
        ops, h = table_row(
            setter,
            [
                (f"{form.id} ({form.kind})", TextStyle(size=8.5, bold=True)),
                (f"v{form.version} · {status}\n{form.content_hash}", TextStyle(size=7.5)),
            ],
            [45 * mm, CONTENT_WIDTH - 45 * mm],
        )
        place(flow, ops, h)
    flow.gap(3 * mm)
    _heading(flow, setter, "Variables")
    for var in codebook.variables:
        _variable(flow, setter, var)
    render(flow.pages, out, setter, lambda p, n: [(f"Page {p} of {n}", False)], title="Codebook")
    return CodebookPrintResult(len(flow.pages), len(codebook.variables))


def _para(flow: Flow, setter: TextSetter, text: str, style: TextStyle) -> None:
    ops, h = text_block(setter, text, style, MARGIN_X, CONTENT_WIDTH, 0)
    place(flow, ops, h)


def _heading(flow: Flow, setter: TextSetter, text: str) -> None:
    ops, h = text_block(setter, text, TextStyle(size=11.5, bold=True), MARGIN_X, CONTENT_WIDTH, 0)
    place(flow, ops, h + 1 * mm)


def _lang_row(flow: Flow, setter: TextSetter, code: str, labels: dict[str, str]) -> None:
    ops, h = _lang_row_ops(setter, code, labels)
    place(flow, ops, h)


def _lang_row_ops(setter: TextSetter, code: str, labels: dict[str, str]):
    cells = [(code, TextStyle(size=8.5, bold=True))]
    cells += [(labels.get(lang, ""), _style(lang)) for lang in _ORDER]
    return table_row(setter, cells, [CODE_COL, LANG_COL, LANG_COL, LANG_COL])


_ORDER = tuple(lang for lang in ("en", "nb", "ar") if lang in LANGUAGES)


def _variable(flow: Flow, setter: TextSetter, var) -> None:
    """One variable as one block (kept on one page): header, labels, codes, rules."""
    ops = [rule(MARGIN_X, MARGIN_X + CONTENT_WIDTH)]
    y = -1.5 * mm
    facts = [var.type, var.measure, var.source]
    if var.form_id:
        facts.append(f"form {var.form_id} v{var.form_version} · {var.form_hash[:12]}")
    if var.item_type:
        facts.append(f"item type {var.item_type}")
    if var.minimum is not None or var.maximum is not None:
        facts.append(f"range {var.minimum}–{var.maximum}")
    if var.free_text:
        facts.append("free text (may identify a person)")
    if var.timepoints:
        facts.append("timepoints " + ", ".join(var.timepoints))
    head_ops, h = table_row(
        setter,
        [(var.name, TextStyle(size=9.5, bold=True)), (" · ".join(facts), TextStyle(size=7.5))],
        [45 * mm, CONTENT_WIDTH - 45 * mm],
    )
    ops += [shifted(op, y) for op in head_ops]
    y -= h
    rows = [("label", var.label)]
    rows += [(str(v.code), v.labels) for v in var.value_labels]
    for code in var.missing_codes:
        rows.append((str(code), _missing_labels(code)))
    for code, labels in rows:
        row_ops, h = _lang_row_ops(setter, code, labels)
        ops += [shifted(op, y) for op in row_ops]
        y -= h
    rules = (
        ("Asked only if", var.condition),
        ("Constraint", var.constraint),
        ("Calculated as", var.calculation),
        ("Options offered only if", var.choice_filter),
        ("Scoring", var.scoring),
        ("Missing data", var.missing_rule),
    )
    for title, text in rules:
        if text:
            t_ops, h = text_block(
                setter, f"{title}: {text}", TextStyle(size=8), MARGIN_X + 1.5, CONTENT_WIDTH, y
            )
            ops += t_ops
            y -= h
    place(flow, ops, -y + 2 * mm)


def _missing_labels(code: int) -> dict[str, str]:
    from survey_app.codebook import MISSING_LABELS

    return MISSING_LABELS.get(code, {"en": str(code)})
