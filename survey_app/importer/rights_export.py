"""A participant's own copy of their data (right of access and to a copy): JSON, text and CSV.

Every submission of one code with its answers, the item texts in the participant's language and
in English, the labels of the chosen options, consent decisions, form versions, scores and the
session history. Staff initials are left out (they are the staff's data, not the
participant's). File names are fixed and neutral; the folder is named by the data manager.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from survey_app.bundle.atomic import atomic_write_bytes
from survey_app.errors import UserFacingError
from survey_app.forms.model import Form, Item, LocalText
from survey_app.importer.dataset import answer_map
from survey_app.importer.record import ImportRecord
from survey_app.importer.validate import FormIndex
from survey_app.scoring import ScoringError, score_all

EXPORT_FORMAT = "survey-app/participant-export/v1"
JSON_NAME = "participant-data.json"
TEXT_NAME = "participant-data.txt"
CSV_NAME = "participant-answers.csv"
CSV_COLUMNS = (
    "submission_id",
    "timepoint",
    "language",
    "form_id",
    "form_version",
    "item_id",
    "kind",
    "status",
    "value",
    "value_label",
    "value_label_en",
    "text",
    "text_en",
    "at",
)
_YES_NO = {1: "yes", 0: "no"}


def participant_document(
    record: ImportRecord,
    code: str,
    forms: FormIndex,
    *,
    study_id: str,
    pcl_cutoff: int,
    created_at: str,
) -> dict[str, Any]:
    """Everything the record holds about one code, as a JSON-ready document."""
    held = record.payloads_of(code)
    held.sort(
        key=lambda pair: (str(pair[0]["session"].get("started_at")), pair[0]["submission_id"])
    )
    return {
        "format": EXPORT_FORMAT,
        "study_id": study_id,
        "participant_code": code,
        "created_at": created_at,
        "submissions": [_submission(p, at, forms, pcl_cutoff) for p, at in held],
    }


def write_participant_export(target: Path, document: Mapping[str, Any]) -> list[Path]:
    """Write the JSON, text and CSV files into a new (or empty) folder; return their paths."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UserFacingError(f"{target} already exists and is not an empty folder; name a new one")
    target.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        target.chmod(0o700)
    files = {
        JSON_NAME: json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True).encode(),
        TEXT_NAME: document_text(document).encode("utf-8"),
        CSV_NAME: document_csv(document),
    }
    paths = []
    for name, data in files.items():
        atomic_write_bytes(target / name, data)
        paths.append(target / name)
    return paths


def _texts(text: LocalText | None, language: str) -> dict[str, str]:
    if text is None:
        return {}
    return {lang: text.get(lang) for lang in dict.fromkeys((language, "en")) if text.get(lang)}


def _item(form: Form | None, item_id: str) -> Item | None:
    if form is None:
        return None
    try:
        return form.item(item_id)
    except KeyError:
        return None


def _value_labels(item: Item | None, value: Any, language: str) -> dict[str, str]:
    if item is None or item.scale is None or value is None:
        return {}
    codes = value if isinstance(value, list) else [value]
    options = [item.scale.option(c) for c in codes if isinstance(c, int)]
    if not options or None in options:
        return {}
    return {
        lang: "; ".join(o.label.get(lang) for o in options if o is not None)
        for lang in dict.fromkeys((language, "en"))
    }


def _answer(answer: Mapping[str, Any], forms: FormIndex, language: str) -> dict[str, Any]:
    item = _item(forms.get(str(answer.get("form_hash"))), str(answer.get("item_id")))
    return {
        "form_id": answer.get("form_id"),
        "form_version": answer.get("form_version"),
        "item_id": answer.get("item_id"),
        "text": _texts(item.text if item else None, language),
        "status": answer.get("status"),
        "value": answer.get("value"),
        "value_label": _value_labels(item, answer.get("value"), language),
        "answered_at": answer.get("answered_at"),
    }


def _consent(raw: Mapping[str, Any] | None, forms: FormIndex, language: str) -> dict | None:
    if not raw:
        return None
    form = forms.get(str(raw.get("form_hash")))
    decisions = []
    for item_id, value in sorted((raw.get("decisions") or {}).items()):
        item = _item(form, item_id)
        decisions.append(
            {
                "item_id": item_id,
                "text": _texts(item.text if item else None, language),
                "decision": value,
                "meaning": _YES_NO.get(value, ""),
            }
        )
    return {
        "form_id": raw.get("form_id"),
        "form_version": raw.get("form_version"),
        "at": raw.get("at"),
        "decisions": decisions,
    }


def _scores(payload: Mapping[str, Any], cutoff: int) -> dict[str, Any]:
    answered = {k: v for k, (s, v) in answer_map(payload).items() if s == "answered"}
    try:
        scores = score_all(answered, cutoff)
    except ScoringError:
        return {}
    return {k: (v if v is None or isinstance(v, int) else float(v)) for k, v in scores.items()}


def _submission(
    payload: Mapping[str, Any], imported_at: str, forms: FormIndex, cutoff: int
) -> dict[str, Any]:
    session = dict(payload.get("session") or {})
    language = str(session.get("language") or "en")
    meeting = payload.get("meeting") or {}
    form_list = []
    for entry in payload.get("forms") or ():
        form = forms.get(str(entry.get("content_hash")))
        form_list.append(
            {
                "form_id": entry.get("form_id"),
                "version": entry.get("version"),
                "content_hash": entry.get("content_hash"),
                "title": _texts(form.title if form else None, language),
            }
        )
    return {
        "submission_id": payload["submission_id"],
        "device_id": payload.get("device_id"),
        "session": {k: v for k, v in session.items() if k != "id"},
        "meeting": {"date": meeting.get("date"), "place": meeting.get("place")},
        "imported_at": imported_at,
        "forms": form_list,
        "consent": _consent(payload.get("consent"), forms, language),
        "answers": [_answer(a, forms, language) for a in payload.get("answers") or ()],
        "scores": _scores(payload, cutoff),
        "history": [
            {"at": e.get("at"), "action": e.get("action"), "detail": e.get("detail")}
            for e in payload.get("audit") or ()
        ],
    }


def document_text(document: Mapping[str, Any]) -> str:
    """A readable UTF-8 text version of the document (for printing or reading aloud)."""
    subs = document["submissions"]
    lines = [
        "Data held about one participant",
        f"Study: {document['study_id']}",
        f"Participant code: {document['participant_code']}",
        f"Made: {document['created_at']}",
        f"Submissions: {len(subs)}",
    ]
    for number, sub in enumerate(subs, 1):
        session, language = sub["session"], sub["session"].get("language") or "en"
        lines += [
            "",
            f"== Submission {number} of {len(subs)}: {session.get('timepoint')}, "
            f"{session.get('status')} ==",
            f"Id: {sub['submission_id']}",
            f"Meeting: {sub['meeting'].get('date')}, {sub['meeting'].get('place')}",
            f"Language: {language}; interpreter: {session.get('interpreter_language') or '-'}",
            f"Started {session.get('started_at')}, finished {session.get('completed_at')}",
            "Forms: " + ", ".join(f"{f['form_id']} {f['version']}" for f in sub["forms"]),
        ]
        consent = sub["consent"]
        if consent:
            lines.append(
                f"Consent ({consent['form_id']} {consent['form_version']}, {consent['at']}):"
            )
            for d in consent["decisions"]:
                lines += _text_lines(d["item_id"], d["text"], language)
                lines.append(f"    decision: {d['meaning'] or d['decision']}")
        lines.append("Answers:")
        for a in sub["answers"]:
            lines += _text_lines(
                f"{a['form_id']} {a['form_version']} {a['item_id']}", a["text"], language
            )
            lines.append(f"    answer: {_answer_words(a, language)}")
        lines.append("Scores:")
        lines += [f"  {k}: {'-' if v is None else v}" for k, v in sub["scores"].items()]
    return "\n".join(lines) + "\n"


def _text_lines(head: str, texts: Mapping[str, str], language: str) -> list[str]:
    out = [f"  {head}"]
    for lang in dict.fromkeys((language, "en")):
        if texts.get(lang):
            out.append(f"    {lang}: {texts[lang]}")
    return out


def _answer_words(answer: Mapping[str, Any], language: str) -> str:
    if answer["status"] == "declined":
        return "declined to answer"
    labels = answer["value_label"]
    shown = " / ".join(dict.fromkeys(labels[lang] for lang in labels if labels[lang]))
    return f"{answer['value']} ({shown})" if shown else str(answer["value"])


def document_csv(document: Mapping[str, Any]) -> bytes:
    """One row per answer and consent decision; UTF-8 with BOM like the data sets."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for sub in document["submissions"]:
        session = sub["session"]
        language = session.get("language") or "en"
        head = [sub["submission_id"], session.get("timepoint"), language]
        consent = sub["consent"]
        for d in consent["decisions"] if consent else ():
            writer.writerow(
                [
                    *head,
                    *(consent["form_id"], consent["form_version"], d["item_id"], "consent"),
                    *("answered", d["decision"], d["meaning"], d["meaning"]),
                    *(d["text"].get(language, ""), d["text"].get("en", ""), consent["at"]),
                ]
            )
        for a in sub["answers"]:
            value = a["value"]
            if isinstance(value, list):
                value = ";".join(str(v) for v in value)
            writer.writerow(
                [
                    *head,
                    *(a["form_id"], a["form_version"], a["item_id"], "answer", a["status"]),
                    "" if value is None else value,
                    *(a["value_label"].get(language, ""), a["value_label"].get("en", "")),
                    *(a["text"].get(language, ""), a["text"].get("en", ""), a["answered_at"]),
                ]
            )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
