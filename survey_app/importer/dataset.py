"""Turn accepted submissions into one table per timepoint, following the codebook (pure)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from survey_app.answers.codes import validate_code
from survey_app.answers.errors import AnswerError
from survey_app.codebook import DECLINED, NOT_ANSWERED, NOT_APPLICABLE, Codebook, Variable
from survey_app.importer.validate import FormIndex, logic_states, session_status
from survey_app.scoring import scorer

Cell = int | float | str | None
Scorer = Callable[[Mapping[str, Any]], Mapping[str, int | float | None]]

# Strings carry the missing codes as text, so every format shows the same thing.
DECLINED_TEXT = str(DECLINED)
NOT_APPLICABLE_TEXT = str(NOT_APPLICABLE)
NOT_ANSWERED_TEXT = str(NOT_ANSWERED)
# 1 on every row whose code and timepoint another submission has too (e.g. from another laptop).
DUPLICATE_COLUMN = "duplicate_code_timepoint"
# 1 when the participant code is not a valid code as stored (format or check character): the
# submission is kept, but `participant find|erase CODE` cannot be given it (use --submission).
INVALID_CODE_COLUMN = "invalid_code"


@dataclass(frozen=True)
class Table:
    """Columns (codebook variables) and rows of cells, ready for CSV/SAV/DTA writers."""

    name: str
    variables: tuple[Variable, ...]
    rows: tuple[tuple[Cell, ...], ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)


def make_scorer(cutoff: int) -> Scorer:
    """Scores of one submission's answered items (declined and missing items are absent)."""
    return scorer(cutoff)


@dataclass(frozen=True)
class CodeTimepointDuplicate:
    """Submissions that share one participant code at one timepoint (the code is left out)."""

    timepoint: str
    submission_ids: tuple[str, ...]
    devices: int  # how many laptops they came from: more than 1 is a duplicate across laptops


@dataclass(frozen=True)
class TableRow:
    """One submission's cells for its timepoint's table, and where the row sorts."""

    timepoint: str
    order: tuple[str, str, str]
    cells: dict[str, Cell]


class RowMaker:
    """Makes the TableRow of a payload (pure: worker processes make them in parallel)."""

    def __init__(self, codebook: Codebook, scorer: Scorer, forms: FormIndex | None) -> None:
        self._codebook = codebook
        self._scorer = scorer
        self._forms = forms
        self._plans: dict[str, tuple[_Cell, ...]] = {}

    def __call__(
        self,
        payload: Mapping[str, Any],
        scores: Mapping[str, Any] | None = None,
        memo: dict[str, Any] | None = None,
    ) -> TableRow:
        """The row of one accepted payload (`scores`, `memo`: worked out already, if given).

        `memo` is the dict validate_submission was given for this payload (and, from the
        Preparer, its answer_map under "answer_map").
        """
        timepoint = payload["session"]["timepoint"]
        plan = self._plans.get(timepoint)
        if plan is None:
            plan = self._plans[timepoint] = _plan(self._codebook.variables_for(timepoint))
        cells = _row(payload, plan, self._scorer, self._forms, scores, memo)
        return TableRow(timepoint, _row_order(payload), cells)


def build_tables(
    codebook: Codebook,
    payloads: Iterable[Mapping[str, Any]],
    scorer: Scorer,
    *,
    separate_free_text: bool,
    forms: FormIndex | None = None,
) -> list[Table]:
    """One table per timepoint (plus a free-text table each when separate), rows sorted."""
    maker = RowMaker(codebook, scorer, forms)
    return tables_from_rows(
        codebook, (maker(p) for p in payloads), separate_free_text=separate_free_text
    )


def tables_from_rows(
    codebook: Codebook, rows: Iterable[TableRow], *, separate_free_text: bool
) -> list[Table]:
    """build_tables from rows made already (by RowMaker, here or in worker processes)."""
    by_timepoint: dict[str, list[TableRow]] = {tp: [] for tp in codebook.timepoints}
    for row in rows:
        by_timepoint.setdefault(row.timepoint, []).append(row)
    tables: list[Table] = []
    for timepoint, group in by_timepoint.items():
        variables = codebook.variables_for(timepoint)
        group = _flag_duplicates(group)
        group.sort(key=lambda row: row.order)
        if separate_free_text:
            main = tuple(v for v in variables if not v.free_text)
            free = tuple(v for v in variables if v.free_text)
        else:
            main, free = variables, ()
        cells = [row.cells for row in group]
        tables.append(Table(timepoint, main, _project(cells, main)))
        if free:
            keys = tuple(v for v in variables if v.name in ("submission_id", "timepoint"))
            tables.append(
                Table(f"{timepoint}-free-text", keys + free, _project(cells, keys + free))
            )
    return tables


def is_valid_stored_code(code: object) -> bool:
    """True when `code` is a valid participant code exactly as the laptops store it."""
    if not isinstance(code, str):
        return False
    try:
        return validate_code(code) == code
    except AnswerError:
        return False


def invalid_code_submissions(rows: Iterable[TableRow]) -> list[str]:
    """Submission ids of the rows whose participant code is not valid, in table order."""
    flagged = [row for row in rows if row.cells.get(INVALID_CODE_COLUMN)]
    return [str(row.cells.get("submission_id")) for row in sorted(flagged, key=lambda r: r.order)]


def code_timepoint_duplicates(rows: Iterable[TableRow]) -> list[CodeTimepointDuplicate]:
    """Every code held by more than one submission at one timepoint, in table order.

    Laptops cannot see each other's codes, so the same code at the same timepoint on two laptops
    shows up only here; on one laptop it is refused at entry (and was flagged before that).
    """
    groups: dict[tuple[str, str], list[TableRow]] = {}
    for row in rows:
        code = str(row.cells.get("participant_code") or "")
        if code:
            groups.setdefault((row.timepoint, code), []).append(row)
    found = []
    for (timepoint, _code), group in sorted(groups.items()):
        if len(group) > 1:
            group.sort(key=lambda row: row.order)
            found.append(
                CodeTimepointDuplicate(
                    timepoint,
                    tuple(str(row.cells.get("submission_id")) for row in group),
                    len({row.cells.get("device_id") for row in group}),
                )
            )
    return found


def _flag_duplicates(group: list[TableRow]) -> list[TableRow]:
    """The rows with DUPLICATE_COLUMN set: 1 on every row of a shared code (copies, not edits)."""
    flagged = {sid for d in code_timepoint_duplicates(group) for sid in d.submission_ids}
    return [
        TableRow(
            row.timepoint,
            row.order,
            {**row.cells, DUPLICATE_COLUMN: int(str(row.cells.get("submission_id")) in flagged)},
        )
        for row in group
    ]


def _row_order(payload: Mapping[str, Any]) -> tuple[str, str, str]:
    session = payload["session"]
    return (
        str(session.get("participant_code") or ""),
        str(session.get("started_at") or ""),
        str(payload["submission_id"]),
    )


def _project(
    rows: list[dict[str, Cell]], keep: tuple[Variable, ...]
) -> tuple[tuple[Cell, ...], ...]:
    # itemgetter picks a row's cells in C: a generator per row cost ~0.03 s for 2,000 rows,
    # in the import's tail. With one name it returns the cell itself, not a tuple; with none
    # it cannot be made.
    if len(keep) < 2:
        return tuple(tuple(row[v.name] for v in keep) for row in rows)
    pick = itemgetter(*(v.name for v in keep))
    return tuple(map(pick, rows))


def answer_map(payload: Mapping[str, Any]) -> dict[str, tuple[str, Any]]:
    """item id -> (status, value), consent decisions included as answered items."""
    out: dict[str, tuple[str, Any]] = {
        answer["item_id"]: (answer["status"], answer.get("value"))
        for answer in payload.get("answers") or ()
    }
    consent = payload.get("consent") or {}
    for item_id, value in (consent.get("decisions") or {}).items():
        out[item_id] = ("answered", value)
    return out


def not_applicable(
    payload: Mapping[str, Any], forms: FormIndex | None, memo: dict[str, Any] | None = None
) -> set[str]:
    """Item ids the form's logic skipped for this participant (forms they answered only)."""
    if forms is None:
        return set()
    skipped: set[str] = set()
    for form, _answers, state in logic_states(payload, forms, memo):
        skipped |= {i.id for i in form.items if i.stored and not state.applies(i.id)}
    return skipped


# How one variable's cell is made, worked out once per timepoint (a row has ~150 cells, and
# asking each variable what it is, cell by cell, was about half of a row's time).
_SESSION, _VERSION, _SCORE, _ANSWER, _OPTION = range(5)


@dataclass(frozen=True, slots=True)
class _Cell:
    name: str
    kind: int
    key: str  # the item id, or the form id of a form_version cell
    skipped: Cell  # the cell of an item the form's logic skipped
    absent: Cell  # ... of an item not answered
    declined: Cell  # ... of an item declined
    option: Any = None  # an option column's code
    text: bool = False  # a string column: answers written as text


def _plan(variables: tuple[Variable, ...]) -> tuple[_Cell, ...]:
    """Each variable's _Cell, in export order."""
    kinds = {"session": _SESSION, "form_version": _VERSION, "score": _SCORE, "option": _OPTION}
    plan = []
    for var in variables:
        text = var.type == "string"
        plan.append(
            _Cell(
                var.name,
                kinds.get(var.source, _ANSWER),
                var.form_id if var.source == "form_version" else var.item_id,
                NOT_APPLICABLE_TEXT if text else NOT_APPLICABLE,
                NOT_ANSWERED_TEXT if text else NOT_ANSWERED,
                DECLINED_TEXT if text else DECLINED,
                var.option_code,
                text,
            )
        )
    return tuple(plan)


def _row(
    payload: Mapping[str, Any],
    plan: tuple[_Cell, ...],
    scorer: Scorer,
    forms: FormIndex | None,
    scores: Mapping[str, Any] | None = None,
    memo: dict[str, Any] | None = None,
) -> dict:
    session = payload["session"]
    known = memo.get("answer_map") if memo is not None else None
    answers = known if known is not None else answer_map(payload)
    skipped = not_applicable(payload, forms, memo)
    versions = _versions(payload)
    if scores is None:
        scores = scorer({k: v for k, (status, v) in answers.items() if status == "answered"})
    meta = _session_cells(payload, session)
    given = answers.get
    row: dict[str, Cell] = {}
    for cell in plan:
        kind = cell.kind
        if kind >= _ANSWER:  # _answer_cell, inline: most cells are answers
            answer = given(cell.key)
            if answer is None:
                row[cell.name] = cell.skipped if cell.key in skipped else cell.absent
            elif answer[0] == "declined":
                row[cell.name] = cell.declined
            elif kind == _OPTION:
                row[cell.name] = int(cell.option in answer[1])
            else:
                row[cell.name] = str(answer[1]) if cell.text else answer[1]
        elif kind == _SESSION:
            row[cell.name] = meta[cell.name]
        elif kind == _VERSION:
            row[cell.name] = versions.get(cell.key, "")
        else:
            row[cell.name] = scores.get(cell.name)
    return row


def _versions(payload: Mapping[str, Any]) -> dict[str, str]:
    entries = payload.get("forms") or ()
    # Usually each form once: its version as it is (the join of one version is that version).
    once = {entry["form_id"]: str(entry["version"]) for entry in entries}
    if len(once) == len(entries):
        return once
    out: dict[str, list[str]] = {}
    for entry in entries:
        out.setdefault(entry["form_id"], []).append(str(entry["version"]))
    return {k: ";".join(sorted(set(v))) for k, v in out.items()}


def listened_items(payload: Mapping[str, Any]) -> int:
    """How many distinct items had a recorded reading played (text or options; audit)."""
    heard = {
        (str(detail.get("form_id")), str(detail.get("item_id")))
        for entry in payload.get("audit") or ()
        if entry.get("action") == "item_listened"
        and isinstance(detail := entry.get("detail"), Mapping)
        and detail.get("item_id")
    }
    return len(heard)


def _close_reason(session: Mapping[str, Any]) -> str:
    reason = session.get("close_reason")
    return str(reason.get("reason") or "") if isinstance(reason, Mapping) else ""


def _session_cells(payload: Mapping[str, Any], session: Mapping[str, Any]) -> dict[str, Cell]:
    meeting = payload.get("meeting") or {}
    return {
        "submission_id": payload["submission_id"],
        "participant_code": session.get("participant_code") or "",
        "timepoint": session.get("timepoint") or "",
        "arm": session.get("arm") or "",
        # Filled from the imported allocations (survey_app.importer.trial_import).
        "arm_stratum": "",
        "arm_period": None,
        "arm_emergency": None,
        "status": session_status(session),
        # The reason's code only: the staff's free-text note stays in the sealed submission.
        "close_reason": _close_reason(session),
        "language": session.get("language") or "",
        "interpreter_language": session.get("interpreter_language") or "",
        "interpreter_assisted": int(bool(session.get("interpreter_assisted"))),
        "listened_items": listened_items(payload),
        "addressee": session.get("addressee") or "",
        "source": session.get("source") or "",
        "duplicate_flag": int(bool(session.get("duplicate_flag"))),
        # Set across all submissions when the tables are made (tables_from_rows).
        DUPLICATE_COLUMN: 0,
        INVALID_CODE_COLUMN: int(not is_valid_stored_code(session.get("participant_code"))),
        "device_id": payload.get("device_id") or "",
        "meeting_date": meeting.get("date") or "",
        "started_at": session.get("started_at") or "",
        "completed_at": session.get("completed_at") or "",
    }
