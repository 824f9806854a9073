"""A checked set of forms plus protocol: only forms without errors can be used for a participant."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from survey_app.errors import UserFacingError
from survey_app.forms.checker import check_source
from survey_app.forms.findings import Finding, FindingSink, Severity
from survey_app.forms.loader import read_form
from survey_app.forms.logic_check import check_logic
from survey_app.forms.model import Form, Protocol
from survey_app.forms.protocol_loader import read_protocol, step_lines

PROTOCOL_FILE = "protocol.yaml"


class FormUnavailable(UserFacingError):
    """A timepoint needs a form that is missing or failed its checks."""


@dataclass
class FormLibrary:
    """Forms that passed every check, the protocol, and what was found on the way."""

    forms: dict[str, Form] = field(default_factory=dict)
    protocol: Protocol | None = None
    findings: list[Finding] = field(default_factory=list)
    unusable: dict[str, list[Finding]] = field(default_factory=dict)

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
                    "run `python main.py check-forms`"
                )
            forms.append(form)
        return forms

    def by_hash(self, content_hash: str) -> Form | None:
        """Return the usable form with this content hash, if any."""
        return next((f for f in self.forms.values() if f.content_hash == content_hash), None)


def check_file(path: Path) -> tuple[Form | None, list[Finding]]:
    """Load and check one form file; return the form only when it has no errors."""
    form, findings, source = read_form(path)
    if form is not None:
        findings = findings + check_source(source, str(path)) + check_logic(form, source, str(path))
    usable = form is not None and not any(f.is_error for f in findings)
    return (form if usable else None), sorted(findings, key=lambda f: (f.line, f.message))


def load_library(forms_dir: Path, extra_forms: Iterable[Path] = ()) -> FormLibrary:
    """Load and check every form in a directory and its protocol; never raises on bad files."""
    library = FormLibrary()
    if not forms_dir.is_dir():
        library.findings.append(
            Finding(str(forms_dir), 0, Severity.ERROR, "no such forms directory")
        )
        return library
    paths = sorted(p for p in forms_dir.glob("*.yaml") if p.name != PROTOCOL_FILE)
    for path in [*paths, *extra_forms]:
        form, findings = check_file(path)
        library.findings.extend(findings)
        if form is not None:
            library.forms[form.id] = form
        else:
            library.unusable[path.stem] = [f for f in findings if f.is_error]
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
