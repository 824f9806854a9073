"""Which timepoints can run: a form that failed its checks never reaches a participant (no Qt).

Rule: a timepoint (for a given arm) can be started only when every form it needs passed the
checker. It is never run with the broken form left out, because a silently shortened
questionnaire loses an instrument for everyone who answers it. A step limited to one arm blocks
only that arm; a step for everyone blocks the whole timepoint.
"""

from __future__ import annotations

from dataclasses import dataclass

from survey_app.errors import UserFacingError
from survey_app.forms.model import Form
from survey_app.i18n import N_, Counted
from survey_app.program_name import SOURCE


class TimepointUnavailable(UserFacingError):
    """A session cannot start or continue because a form it needs failed its checks."""

    def __init__(self, msgid: str, **params: object) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(msgid.format(**params) if params else msgid)


NO_PROTOCOL = N_(
    "The study protocol could not be loaded, so no session can start. "
    "Run `{program} check-forms` to see the errors."
)
FORMS_UNUSABLE = Counted(
    "This session cannot start: the form {forms} failed its checks. Nothing was saved. "
    "Run `{program} check-forms` to see the errors.",
    "This session cannot start: the forms {forms} failed their checks. Nothing was saved. "
    "Run `{program} check-forms` to see the errors.",
)

TIMEPOINT_BLOCKED = Counted(
    "This timepoint cannot be used: the form {forms} failed its checks. "
    "Run `{program} check-forms` to see the errors.",
    "This timepoint cannot be used: the forms {forms} failed their checks. "
    "Run `{program} check-forms` to see the errors.",
)


@dataclass(frozen=True)
class Blocked:
    """A timepoint that cannot run: the unusable forms, and the arm (None: for everyone)."""

    timepoint: str
    forms: tuple[str, ...]
    arm: str | None = None


def missing_forms(library, timepoint: str, arm: str | None) -> list[str]:
    """Return the forms a timepoint needs for this arm that cannot be used (empty: it can run)."""
    protocol = library.protocol
    tp = protocol.timepoints.get(timepoint) if protocol is not None else None
    if tp is None:
        return []
    return [
        step.form_id
        for step in tp.steps
        if (step.only_arm is None or step.only_arm == arm) and not library.usable(step.form_id)
    ]


def blocked_timepoints(library) -> list[Blocked]:
    """List every timepoint (or arm of one) that cannot run, in protocol order."""
    if library.protocol is None:
        return []
    found: list[Blocked] = []
    for tp in library.protocol.timepoints.values():
        common = tuple(missing_forms(library, tp.id, None))
        if common:
            found.append(Blocked(tp.id, common))
            continue
        arms = sorted({s.only_arm for s in tp.steps if s.only_arm})
        for arm in arms:
            extra = tuple(f for f in missing_forms(library, tp.id, arm) if f not in common)
            if extra:
                found.append(Blocked(tp.id, extra, arm))
    return found


def unusable_forms(library) -> list[str]:
    """Return the ids of forms that failed their checks or are named but missing."""
    names = set(library.unusable)
    if library.protocol is not None:
        names |= {
            s.form_id
            for tp in library.protocol.timepoints.values()
            for s in tp.steps
            if not library.usable(s.form_id)
        }
    return sorted(names)


def session_forms(library, timepoint: str, arm: str | None, program: str = SOURCE) -> list[Form]:
    """Return the forms of a session, or raise TimepointUnavailable (a translatable message).

    program: how the app was started (AppContext.program), for the check-forms hint.
    """
    if library.protocol is None:
        raise TimepointUnavailable(NO_PROTOCOL, program=program)
    missing = missing_forms(library, timepoint, arm)
    if missing:
        raise TimepointUnavailable(
            FORMS_UNUSABLE, forms=", ".join(missing), count=len(missing), program=program
        )
    return library.steps(timepoint, arm)
