"""A checked set of forms plus protocol: only forms without errors can be used for a participant."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from survey_app.errors import UserFacingError
from survey_app.forms.backcheck import check_backtranslations
from survey_app.forms.backtranslation import backtranslation_path, read_backtranslations
from survey_app.forms.checker import check_source
from survey_app.forms.findings import Finding, FindingSink, Severity
from survey_app.forms.lexicon import STUDY_LEXICON_FILE, Lexicon, load_lexicon
from survey_app.forms.loader import read_form
from survey_app.forms.logic_check import check_logic
from survey_app.forms.meaning import check_meaning
from survey_app.forms.model import Form, Protocol
from survey_app.forms.protocol_loader import read_protocol, step_lines
from survey_app.forms.signoff import check_signoffs
from survey_app.forms.status import LanguageStatus, language_statuses
from survey_app.program_name import SOURCE

PROTOCOL_FILE = "protocol.yaml"


class FormUnavailable(UserFacingError):
    """A timepoint needs a form that is missing or failed its checks."""


@dataclass(frozen=True)
class FileReport:
    """What checking one form file found: the form as read, findings and language statuses."""

    path: Path
    form: Form | None
    findings: list[Finding]
    languages: list[LanguageStatus] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return self.form is not None and not any(f.is_error for f in self.findings)


@dataclass
class FormLibrary:
    """Forms that passed every check, the protocol, and what was found on the way."""

    forms: dict[str, Form] = field(default_factory=dict)
    protocol: Protocol | None = None
    findings: list[Finding] = field(default_factory=list)
    unusable: dict[str, list[Finding]] = field(default_factory=dict)
    reports: list[FileReport] = field(default_factory=list)
    program: str = SOURCE  # how check-forms is run (`survey-app`), for the hint of steps()

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    def usable(self, form_id: str) -> bool:
        """Return True when the form loaded and passed every check."""
        return form_id in self.forms

    def steps(self, timepoint: str, arm: str | None = None) -> list[Form]:
        """Return the forms of a timepoint in order; raise FormUnavailable if any is unusable."""
        if self.protocol is None:
            raise FormUnavailable("the study protocol could not be loaded")
        tp = self.protocol.timepoints.get(timepoint)
        if tp is None:
            raise FormUnavailable(f"the protocol has no timepoint '{timepoint}'")
        forms: list[Form] = []
        for step in tp.steps:
            if step.only_arm is not None and step.only_arm != arm:
                continue
            form = self.forms.get(step.form_id)
            if form is None:
                raise FormUnavailable(
                    f"form '{step.form_id}' has errors and cannot be used; "
                    f"run `{self.program} check-forms`"
                )
            forms.append(form)
        return forms

    def by_hash(self, content_hash: str) -> Form | None:
        """Return the usable form with this content hash, if any."""
        return next((f for f in self.forms.values() if f.content_hash == content_hash), None)


def form_files(directory: Path) -> list[Path]:
    """Return the form definition files of a directory (not the protocol, lexicon or reviews)."""
    return sorted(
        p
        for p in directory.glob("*.yaml")
        if p.name not in (PROTOCOL_FILE, STUDY_LEXICON_FILE) and "." not in p.stem
    )


def inspect_file(
    path: Path, lexicon: Lexicon | None = None, sign_offs: bool = True, program: str = SOURCE
) -> FileReport:
    """Load one form file and run every check on it (sign-offs optional, for signing).

    program: how the command line is run, for the hints in the findings.
    """
    form, findings, source = read_form(path)
    statuses: list[LanguageStatus] = []
    if form is not None:
        if lexicon is None:
            lexicon = load_lexicon(path.parent)
            findings = findings + lexicon.findings
        findings = (
            findings
            + check_source(source, str(path))
            + check_logic(form, source, str(path))
            + check_meaning(form, source, str(path), lexicon)
        )
        backs = read_backtranslations(backtranslation_path(path))
        if backs is not None:
            findings += check_backtranslations(form, backs, lexicon, program)
        if sign_offs:
            findings += check_signoffs(form, str(path), program)
        statuses = language_statuses(form, backs)
    ordered = sorted(findings, key=lambda f: (f.path != str(path), f.path, f.line, f.message))
    return FileReport(path, form, ordered, statuses)


def check_file(
    path: Path, lexicon: Lexicon | None = None, program: str = SOURCE
) -> tuple[Form | None, list[Finding]]:
    """Load and check one form file; return the form only when it has no errors."""
    report = inspect_file(path, lexicon, program=program)
    return (report.form if report.usable else None), report.findings


def load_library(
    forms_dir: Path, extra_forms: Iterable[Path] = (), program: str = SOURCE
) -> FormLibrary:
    """Load and check every form in a directory and its protocol; never raises on bad files.

    program: how the command line is run, for the hints in the findings.
    """
    library = FormLibrary(program=program)
    if not forms_dir.is_dir():
        library.findings.append(
            Finding(str(forms_dir), 0, Severity.ERROR, "no such forms directory")
        )
        return library
    lexicon = load_lexicon(forms_dir)
    library.findings.extend(lexicon.findings)
    for path in [*form_files(forms_dir), *extra_forms]:
        report = inspect_file(path, lexicon, program=program)
        library.reports.append(report)
        library.findings.extend(report.findings)
        if report.usable and report.form is not None:
            library.forms[report.form.id] = report.form
        else:
            library.unusable[path.stem] = [f for f in report.findings if f.is_error]
    protocol_path = forms_dir / PROTOCOL_FILE
    if protocol_path.exists():
        protocol, findings, source = read_protocol(protocol_path)
        library.protocol = protocol
        library.findings.extend(findings + check_source(source, str(protocol_path)))
        if protocol is not None:
            library.findings.extend(check_protocol(protocol, protocol_path, library))
    return library


def check_protocol(protocol: Protocol, path: Path, library: FormLibrary) -> list[Finding]:
    """Check that every step names an existing, usable form and that consent comes first."""
    findings: list[Finding] = []
    sink = FindingSink(str(path), findings)
    lines = step_lines(path)
    for tp in protocol.timepoints.values():
        for index, step in enumerate(tp.steps):
            line = lines.get((tp.id, step.form_id), 0)
            if step.form_id in library.unusable:
                sink.error(line, f"timepoint '{tp.id}': form '{step.form_id}' has errors")
            elif step.form_id not in library.forms:
                sink.error(line, f"timepoint '{tp.id}': no form '{step.form_id}'")
            elif index == 0 and library.forms[step.form_id].kind != "consent":
                sink.warning(line, f"timepoint '{tp.id}': the first step is not a consent form")
    return findings
