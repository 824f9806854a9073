"""Expected store failures, each with a translatable English message and no personal data."""

from __future__ import annotations

from pathlib import Path

from survey_app.errors import DISK_FULL, READ_ONLY, WRITE_FAILED, UserFacingError, disk_problem
from survey_app.i18n import N_, Counted


class StoreError(UserFacingError):
    """A store failure fit to show to staff; `msgid` + `params` can be translated."""

    msgid = N_("The device store could not do this.")

    def __init__(self, msgid: str | None = None, **params: object) -> None:
        if msgid is not None:
            self.msgid = msgid
        self.params = params
        super().__init__(self.msgid.format(**params) if params else self.msgid)


class WrongPassphrase(StoreError):
    """The passphrase does not unlock the store."""

    msgid = Counted(
        "Wrong passphrase. Wait {seconds} second, then try again.",
        "Wrong passphrase. Wait {seconds} seconds, then try again.",
        "seconds",
    )

    def __init__(self, delay_seconds: float, msgid: str | None = None) -> None:
        self.delay_seconds = delay_seconds
        super().__init__(msgid, seconds=round(delay_seconds))


class CodeAlreadyUsed(StoreError):
    """The code has a session at this timepoint on this laptop: say what to do instead.

    The code itself is left out of the message: it is on the screen already, and messages may
    reach a log.
    """

    UNFINISHED = N_(
        "This code already has an unfinished session at this timepoint on this laptop. "
        "Do not start a new one: go back to the dashboard and press Resume to continue it."
    )
    USED = N_(
        "This code has already been used at this timepoint on this laptop. Compare the code "
        "with the participant's card: each code is used once per timepoint. If the card is "
        "right, ask the data manager before you go on."
    )

    def __init__(self, unfinished: bool) -> None:
        self.unfinished = unfinished
        super().__init__(self.UNFINISHED if unfinished else self.USED)


class StoreNotFound(StoreError):
    msgid = N_("No device store was found in this folder.")


class StoreExists(StoreError):
    msgid = N_("A device store already exists in this folder; unlock it instead.")


class StoreCorrupt(StoreError):
    msgid = N_(
        "The device store file is damaged or is not a device store. Do not delete it; "
        "contact the data manager."
    )


class StoreTooNew(StoreError):
    msgid = N_(
        "This device store was written by a newer version of the app "
        "(store version {found}, this app reads up to {supported}). Update the app."
    )


class InvalidSessionState(StoreError):
    msgid = N_("This session cannot be changed now.")


class InvalidAnswer(StoreError):
    msgid = N_("This answer is not valid for the question.")


class StoreFull(StoreError):
    msgid = N_(
        "The laptop's disk is full, so the last change was not saved. Everything saved before "
        "is safe. Free some disk space (or call the study's technical contact), then try again."
    )


class StoreReadOnly(StoreError):
    msgid = N_(
        "The device store cannot be written: its folder or disk is read-only. Everything saved "
        "before is safe. Make the folder writable (or call the study's technical contact)."
    )


class StoreWriteFailed(StoreError):
    msgid = N_(
        "The device store could not write to the disk, so the last change was not saved. "
        "Everything saved before is safe. Check the disk, then try again."
    )


_PROBLEM_ERRORS: dict[str, type[StoreError]] = {
    DISK_FULL: StoreFull,
    READ_ONLY: StoreReadOnly,
    WRITE_FAILED: StoreWriteFailed,
}


def write_error(exc: BaseException, folder: Path | None = None) -> StoreError | None:
    """The clear error for a write the disk refused (full, read-only, I/O), else None."""
    kind = _PROBLEM_ERRORS.get(disk_problem(exc, folder) or "")
    return kind() if kind is not None else None


class StoreThreadError(RuntimeError):
    """The store was used from a thread other than the one that opened it (a programming error)."""


class AnswerNotApplicable(InvalidAnswer):
    """The form's logic says the question does not apply (relevant is false)."""

    msgid = N_("This question does not apply after the earlier answers; the answer was not saved.")


class ConstraintFailed(InvalidAnswer):
    """The answer breaks the question's constraint; the form's own message says why."""

    msgid = N_("This answer is outside what the question allows; it was not saved.")


class OptionNotOffered(InvalidAnswer):
    """The chosen option is one the question's choice_filter does not offer now."""

    msgid = N_("This answer is not one of the answers offered after the earlier answers.")
