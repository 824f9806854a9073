"""Expected failures of the trial code, with translatable English messages and no personal data."""

from __future__ import annotations

from survey_app.errors import UserFacingError
from survey_app.i18n import N_


class TrialError(UserFacingError):
    """A trial failure fit to show; `msgid` + `params` can be translated (like StoreError)."""

    msgid = N_("The trial step could not be done.")

    def __init__(self, msgid: str | None = None, **params: object) -> None:
        if msgid is not None:
            self.msgid = msgid
        self.params = params
        super().__init__(self.msgid.format(**params) if params else self.msgid)


class ListError(TrialError):
    """An allocation list cannot be generated, read or used."""


class StratumNeeded(TrialError):
    """The baseline does not answer the stratification question: staff must give the stratum."""

    msgid = N_(
        "The baseline does not say which stratum this participant belongs to. "
        "Ask the participant, then choose the stratum."
    )
