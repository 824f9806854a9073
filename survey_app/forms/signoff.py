"""Validation with provenance: a language is `validated` only with a sign-off record naming who
signed (role and initials), when, after which steps of the translation process, and a hash of
exactly the texts signed. A later change to any of them makes the language "changed since
validation", an error until it is signed again."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import date
from enum import StrEnum

from survey_app.forms.findings import Finding, FindingSink
from survey_app.forms.model import LANGUAGES, Form, SignOff, TextStatus
from survey_app.forms.sources import NodeReader
from survey_app.forms.texts import SOURCE_LANGUAGE, form_texts, versions
from survey_app.forms.yamlsource import Node
from survey_app.program_name import SOURCE

# The standard steps of translating a questionnaire (forward translation, reconciliation of two
# forward translations, independent back-translation, its review against the source, cognitive
# debriefing with people of the target group, proofreading of the final text).
STEPS: tuple[str, ...] = (
    "forward_translation",
    "reconciliation",
    "back_translation",
    "back_translation_review",
    "cognitive_debriefing",
    "proofreading",
)
# The source language is not translated: its sign-off says it was proofread against its source.
SOURCE_STEPS: tuple[str, ...] = ("proofreading",)
HASH_PREFIX = "sha256:"
_INITIALS = re.compile(r"^[^\W\d_][\w.\-]{0,9}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SIGN_COMMAND = "forms sign-off"


class LanguageState(StrEnum):
    VALIDATED = "validated"
    DRAFT = "draft"
    CHANGED = "changed since validation"


def texts_hash(form: Form, language: str) -> str:
    """Return the hash of every text of a form in one language (keys, variants and codes)."""
    rows = sorted(
        [ref.key, version.addressee or "", unicodedata.normalize("NFC", text)]
        for ref in form_texts(form)
        for version, text in versions(ref.text, language)
    )
    canonical = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return HASH_PREFIX + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def language_state(form: Form, language: str) -> LanguageState:
    """Return whether a language is validated (and unchanged since), a draft, or changed."""
    info = form.languages.get(language)
    if info is None or info.status is not TextStatus.VALIDATED:
        return LanguageState.DRAFT
    if info.signoff is None or info.signoff.texts != texts_hash(form, language):
        return LanguageState.CHANGED
    return LanguageState.VALIDATED


def read_signoff(reader: NodeReader, node: Node | None, where: str) -> SignOff | None:
    """Read a `signoff:` record of a language entry, recording problems as findings."""
    if node is None:
        return None
    where = f"{where} signoff"
    allowed = {"role", "initials", "date", "steps", "texts", "source_texts"}
    if not reader.keys(node, allowed, allowed - {"source_texts"}, where):
        return None
    fields: dict[str, Node] = node.value  # type: ignore[assignment]
    role = reader.text(fields.get("role"), f"{where} role").strip()
    initials = reader.text(fields.get("initials"), f"{where} initials").strip()
    when = reader.text(fields.get("date"), f"{where} date").strip()
    for problem in record_problems(role, initials, when):
        reader.sink.error(node.line, f"{where}: {problem}")
    steps = _read_steps(reader, fields.get("steps"), where)
    return SignOff(
        role=role,
        initials=initials,
        date=when,
        steps=steps,
        texts=reader.text(fields.get("texts"), f"{where} texts").strip(),
        source_texts=reader.text(fields.get("source_texts"), f"{where} source_texts").strip(),
        line=node.line,
    )


def record_problems(role: str, initials: str, when: str) -> list[str]:
    """Return what is wrong with the who and when of a sign-off (empty when nothing)."""
    problems = []
    if not role.strip():
        problems.append("role is empty (e.g. 'certified translator')")
    if not initials.strip():
        problems.append("initials are empty")
    elif not _INITIALS.fullmatch(initials.strip()):
        problems.append(f"initials '{initials}' are not initials (letters, at most 10)")
    if not valid_date(when):
        problems.append(f"date '{when}' is not a date (YYYY-MM-DD)")
    return problems


def valid_date(text: str) -> bool:
    """True for a real calendar date written YYYY-MM-DD."""
    if not _DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _read_steps(reader: NodeReader, node: Node | None, where: str) -> tuple[str, ...]:
    if node is None:
        return ()
    if not node.is_list:
        reader.sink.error(node.line, f"{where} steps: expected a list, e.g. [proofreading]")
        return ()
    steps: list[str] = []
    for child in node.value:  # type: ignore[union-attr]
        step = reader.text(child, f"{where} steps")
        if step not in STEPS:
            reader.sink.error(
                child.line, f"{where}: unknown step '{step}' (known: {', '.join(STEPS)})"
            )
        elif step not in steps:
            steps.append(step)
    return tuple(steps)


def check_signoffs(form: Form, path: str, program: str = SOURCE) -> list[Finding]:
    """Return the findings of each language's status and sign-off record.

    program: how the command line is run (`survey-app` when installed), for the signing hint.
    """
    sign = f"{program} {SIGN_COMMAND}"
    findings: list[Finding] = []
    sink = FindingSink(path, findings)
    for language in LANGUAGES:
        info = form.languages.get(language)
        if info is None:
            continue
        where = f"languages [{language}]"
        record = info.signoff
        if info.status is TextStatus.VALIDATED and record is None:
            sink.error(
                info.line,
                f"{where}: 'validated' needs a sign-off record (who, when, which steps, hash of "
                f"the texts): run {sign} {form.id} --language {language} ...; "
                "until then write status: draft",
            )
            continue
        if record is None:
            continue
        if info.status is not TextStatus.VALIDATED:
            sink.warning(
                record.line,
                f"{where}: a sign-off record on a draft language; set status: validated by "
                f"signing again ({sign}) or delete the record",
            )
            continue
        _check_record(sink, form, language, record, where, sign)
    return findings


def _check_record(
    sink: FindingSink, form: Form, language: str, record: SignOff, where: str, sign: str
) -> None:
    signed = f"signed {record.date} by {record.role} {record.initials}"
    if record.texts != texts_hash(form, language):
        sink.error(
            record.line,
            f"{where}: changed since validation ({signed}): the {language} texts differ from "
            f"the texts signed. Have the change reviewed, then sign again: {sign} "
            f"{form.id} --language {language} ...",
        )
        return
    if (
        language != SOURCE_LANGUAGE
        and record.source_texts
        and record.source_texts != texts_hash(form, SOURCE_LANGUAGE)
    ):
        sink.warning(
            record.line,
            f"{where}: the [{SOURCE_LANGUAGE}] source texts changed since [{language}] was "
            f"validated ({signed}): review the translation against them and sign again",
        )
    expected = SOURCE_STEPS if language == SOURCE_LANGUAGE else STEPS
    missing = [step for step in expected if step not in record.steps]
    if missing:
        sink.warning(
            record.line,
            f"{where}: validated without {', '.join(missing)} ({signed})",
        )
