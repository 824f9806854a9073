"""Check a decrypted submission against the exact form versions it was answered on."""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from datetime import date
from operator import itemgetter
from typing import Any

from survey_app.forms.library import FormLibrary, check_file, form_files
from survey_app.forms.logic import FormState, form_state, submission_problems
from survey_app.forms.model import Form, ItemType
from survey_app.store.errors import InvalidAnswer
from survey_app.store.schema import ADDRESSEES
from survey_app.store.values import checked_value

SUBMISSION_FORMAT = "survey-app/submission/v1"
# "abandoned": closed unfinished by staff, with the answers given so far
# (docs/submission-format.md).
SESSION_STATUSES = ("completed", "declined", "abandoned")
# Verdicts on answers remembered per form index (most answers repeat a few small integers).
_VERDICTS_MAX = 200_000

# What an answer's verdict depends on (read in one go: 75 answers a submission).
_ANSWER_KEYS = ("form_hash", "form_id", "item_id", "status", "value")
_ANSWER_PARTS = itemgetter(*_ANSWER_KEYS)

# Each answered form with logic, its answers, and the state its logic gives them.
LogicStates = list[tuple[Form, dict[str, tuple[object, str]], FormState]]


def session_status(session: Mapping[str, Any]) -> str:
    """A submission's session status; submissions from before the field was sent completed."""
    status = session.get("status")
    return "completed" if status is None else str(status)


class FormIndex:
    """Every known form version, by content hash (current library plus archived versions)."""

    def __init__(self, forms: Iterable[Form]) -> None:
        forms = list(forms)
        # Submissions sealed before content hashes covered meaning carry the file's hash.
        self._by_hash = {f.file_hash: f for f in forms if f.file_hash}
        self._by_hash.update({f.content_hash: f for f in forms})
        # The hashes of forms with logic: only their answers are grouped for it (logic_states).
        self.with_logic = frozenset(h for h, f in self._by_hash.items() if f.has_logic)
        # (form hash, form id, item id, status, value type, value) -> what _answer_verdict says
        self.verdicts: dict[tuple[Any, ...], tuple[tuple[str, str] | None, str]] = {}

    @classmethod
    def from_library(cls, library: FormLibrary, archive_dirs: Iterable[Any] = ()) -> FormIndex:
        """Index the library's forms and every usable form file in the archive folders."""
        forms = list(library.forms.values())
        for directory in archive_dirs:
            for path in form_files(directory):
                form, _ = check_file(path, program=library.program)
                if form is not None:
                    forms.append(form)
        return cls(forms)

    def get(self, content_hash: str) -> Form | None:
        """The form with this content hash, if known."""
        return self._by_hash.get(content_hash)


def validate_submission(
    payload: Mapping[str, Any],
    envelope: Mapping[str, Any],
    forms: FormIndex,
    timepoints: Iterable[str],
    memo: dict[str, Any] | None = None,
) -> list[str]:
    """Return the reasons a submission cannot be used (empty when it is valid).

    `memo`: a dict kept by the caller for this payload, so the row maker can reuse the form
    logic's states worked out here (see logic_states).
    """
    sid = envelope.get("submission_id")
    if payload.get("format") != SUBMISSION_FORMAT:
        return ["not a submission of a known format"]
    for key in ("submission_id", "study_id", "device_id"):
        if payload.get(key) != envelope.get(key):
            return [f"the sealed {key} differs from the envelope's"]
    session = payload.get("session")
    if not isinstance(session, Mapping):
        return ["the submission has no session"]
    reasons = _session_problems(session, set(timepoints))
    reasons += _form_list_problems(payload.get("forms"), forms)
    reasons += _consent_problems(payload.get("consent"), forms)
    answer_reasons = _answer_problems(payload.get("answers"), forms)
    reasons += answer_reasons
    if not answer_reasons:
        reasons += logic_problems(payload, forms, memo)
    if sid is None:
        reasons.append("the submission has no id")
    return reasons


def _session_problems(session: Mapping[str, Any], timepoints: set[str]) -> list[str]:
    reasons = []
    if session.get("timepoint") not in timepoints:
        reasons.append(f"unknown timepoint {str(session.get('timepoint'))[:40]!r}")
    if session_status(session) not in SESSION_STATUSES:
        reasons.append("the session status is not completed, declined or abandoned")
    if not isinstance(session.get("participant_code"), str) or not session["participant_code"]:
        reasons.append("the session has no participant code")
    if session.get("addressee") not in (None, *ADDRESSEES):
        reasons.append("the session addresses its participant in an unknown way")
    return reasons


def _unknown(form_id: object, version: object, content_hash: object) -> str:
    short = str(content_hash)[:12]
    return (
        f"answered on an unknown form version (form {str(form_id)[:40]!r}, version "
        f"{str(version)[:20]!r}, hash {short}…); add that form version to the forms archive"
    )


def _form_list_problems(raw: object, forms: FormIndex) -> list[str]:
    if not isinstance(raw, list):
        return ["the submission has no form list"]
    reasons = []
    for entry in raw:
        if not isinstance(entry, Mapping):
            reasons.append("a form list entry is malformed")
            continue
        form = forms.get(str(entry.get("content_hash")))
        if form is None or form.id != entry.get("form_id"):
            reasons.append(
                _unknown(entry.get("form_id"), entry.get("version"), entry.get("content_hash"))
            )
    return reasons


def _consent_problems(raw: object, forms: FormIndex) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, Mapping) or not isinstance(raw.get("decisions"), Mapping):
        return ["the consent record is malformed"]
    form = forms.get(str(raw.get("form_hash")))
    if form is None or form.id != raw.get("form_id"):
        return [_unknown(raw.get("form_id"), raw.get("form_version"), raw.get("form_hash"))]
    reasons = []
    for item_id, value in raw["decisions"].items():
        try:
            item = form.item(item_id)
        except KeyError:
            reasons.append(f"consent decision for an item not in {form.id}: {item_id[:40]!r}")
            continue
        if item.type is not ItemType.CONSENT or value not in (0, 1) or isinstance(value, bool):
            reasons.append(f"consent decision {item_id!r} is not 0 or 1")
    return reasons


def _answer_problems(raw: object, forms: FormIndex) -> list[str]:
    if not isinstance(raw, list):
        return ["the submission has no answer list"]
    reasons = []
    seen: set[tuple[str, str]] = set()
    verdicts = forms.verdicts
    for answer in raw:
        # (dict first: json.loads gives dicts, and the Mapping check is slow for 75 answers each)
        if type(answer) is not dict and not isinstance(answer, Mapping):
            reasons.append("an answer is malformed")
            continue
        try:
            form_hash, form_id, item_id, status, value = _ANSWER_PARTS(answer)
        except KeyError:  # a part left out reads as None (as answer.get gives it)
            form_hash, form_id, item_id, status, value = map(answer.get, _ANSWER_KEYS)
        kind = type(value)
        if kind is list and all(type(code) is int for code in value):
            value = tuple(value)  # a multiple choice's codes, as a key (its type says list)
        key = (form_hash, form_id, item_id, status, kind, value)
        try:
            verdict = verdicts.get(key)
        except TypeError:  # a part that cannot be a dict key (a list): never remembered
            verdict = None
        if verdict is None:
            verdict = _answer_verdict(answer, forms)
            if _rememberable(key) and len(verdicts) < _VERDICTS_MAX:
                verdicts[key] = verdict
        seen_key, reason = verdict
        if seen_key is not None:
            if seen_key in seen:
                reasons.append(f"item {seen_key[1][:40]!r} is answered twice")
            seen.add(seen_key)
        if reason:
            reasons.append(reason)
    return reasons


def _rememberable(key: tuple[Any, ...]) -> bool:
    """True when an answer's verdict may be remembered under its key.

    Only keys whose parts are all text and whose value is None, a plain int or a list of plain
    ints (kept as a tuple) are: the verdict depends on nothing else, and such keys cannot
    collide (the value's type is part of the key, so True is not taken for 1, and a list is
    made a tuple only when its codes are plain ints). A later answer finds a remembered verdict
    only when its key is equal, part by part, so its parts are texts and its value of that
    type as well: in a payload from JSON only a str equals a str.
    """
    form_hash, form_id, item_id, status, kind, value = key
    return (
        (kind is int or kind is type(None) or (kind is list and type(value) is tuple))
        and type(form_hash) is str
        and type(form_id) is str
        and type(item_id) is str
        and type(status) is str
    )


def _answer_verdict(
    answer: Mapping[str, Any], forms: FormIndex
) -> tuple[tuple[str, str] | None, str]:
    """(form id, item id) to count the answer under (None: unknown form), and what is wrong."""
    form = forms.get(str(answer.get("form_hash")))
    if form is None or form.id != answer.get("form_id"):
        return None, _unknown(
            answer.get("form_id"), answer.get("form_version"), answer.get("form_hash")
        )
    item_id = str(answer.get("item_id"))
    key = (form.id, item_id)
    try:
        item = form.item(item_id)
    except KeyError:
        return key, f"answer to an item not in {form.id} {form.version}: {item_id[:40]!r}"
    try:
        normalised = checked_value(item, answer.get("value"), str(answer.get("status")))
    except InvalidAnswer:
        return key, f"the answer to {item_id!r} does not fit the item"
    if normalised != answer.get("value"):
        return key, f"the answer to {item_id!r} is not in its stored form"
    return key, ""


def session_date(payload: Mapping[str, Any]) -> date:
    """The date form logic saw as today(): the day the session was completed (UTC)."""
    session = payload.get("session") or {}
    for key in ("completed_at", "started_at"):
        text = str(session.get(key) or "")[:10]
        try:
            return date.fromisoformat(text)
        except ValueError:
            continue
    return date.today()


def answers_by_form(
    payload: Mapping[str, Any], forms: FormIndex, hashes: Container[str] | None = None
) -> list[tuple[Form, dict[str, tuple[object, str]]]]:
    """Each form a submission answered (by content hash), with item -> (value, status).

    `hashes`: only the forms with these content hashes (the others' answers are passed over).
    """
    grouped: dict[str, dict[str, tuple[object, str]]] = {}
    for answer in payload.get("answers") or ():
        content_hash = answer.get("form_hash")
        if type(content_hash) is not str:
            content_hash = str(content_hash)
        if hashes is not None and content_hash not in hashes:
            continue
        grouped.setdefault(content_hash, {})[str(answer.get("item_id"))] = (
            answer.get("value"),
            str(answer.get("status")),
        )
    out = []
    for content_hash, answers in grouped.items():
        form = forms.get(content_hash)
        if form is not None:
            out.append((form, answers))
    return out


def logic_states(
    payload: Mapping[str, Any], forms: FormIndex, memo: dict[str, Any] | None = None
) -> LogicStates:
    """Each answered form with logic, its answers and their state (kept in memo if given)."""
    if memo is not None and "logic_states" in memo:
        return memo["logic_states"]
    today = session_date(payload)
    states = [
        (form, answers, form_state(form, answers, today))
        for form, answers in answers_by_form(payload, forms, forms.with_logic)
    ]
    if memo is not None:
        memo["logic_states"] = states
    return states


def logic_problems(
    payload: Mapping[str, Any], forms: FormIndex, memo: dict[str, Any] | None = None
) -> list[str]:
    """Answers that break their form's logic: not applicable, constraint, calculation."""
    today = session_date(payload)
    reasons: list[str] = []
    for form, answers, state in logic_states(payload, forms, memo):
        reasons += [f"{form.id}: {r}" for r in submission_problems(form, answers, today, state)]
        for item in form.items:
            if not item.calculated or item.logic.calculate is None:
                continue
            if "today()" in item.logic.calculate.canonical:
                continue  # depends on the clock of the laptop, not only on the answers
            given = answers.get(item.id, (None, ""))[0]
            if given != state.calculated.get(item.id):
                reasons.append(
                    f"{form.id}: the calculated value of {item.id!r} does not follow from "
                    "the answers"
                )
    return reasons
