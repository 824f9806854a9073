"""Register and trial operations run on the store worker (no widgets here).

The linking register is opened on the worker thread beside the device store, as
`worker.register`, with its own passphrase; locking the app closes it again. Every function
returns an op `worker -> result` for StoreClient.call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from survey_app.ui.context import AppContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CodeView:
    """What the staff dialog shows for one code: register entry, consents, trial state."""

    code: str
    person: Any  # survey_app.register.model.Person | None
    consents: tuple[Any, ...]
    withdrawals: tuple[Any, ...]
    randomised_at: str | None
    emergency_arm: str | None  # shown only after an emergency reveal
    baseline_sealed: str | None  # session id of a sealed, completed, not randomised baseline


def register_path(ctx: AppContext) -> Path:
    """Where this laptop's linking register lives (beside the device store)."""
    from survey_app.register.store import register_path_in

    return register_path_in(ctx.data_dir)


def register_is_open(worker) -> bool:
    """True when the register is unlocked on the worker."""
    return getattr(worker, "register", None) is not None


def exists(ctx: AppContext):
    """Op: does this laptop have a linking register yet?"""
    from survey_app.register.store import register_exists

    path = register_path(ctx)
    return lambda worker: (register_exists(path), register_is_open(worker))


def unlock(ctx: AppContext, passphrase: str, guard, *, create: bool):
    """Op: open (or create) the register with its own passphrase."""
    from survey_app.register.store import RegisterStore

    path, kdf = register_path(ctx), ctx.kdf

    def op(worker):
        if register_is_open(worker):
            return True
        if create:
            kwargs = {"kdf": kdf} if kdf is not None else {}
            worker.register = RegisterStore.create(path, passphrase, **kwargs)
        else:
            worker.register = RegisterStore.open(path, passphrase, guard=guard)
            guard.reset()
        return True

    return op


def close(worker) -> None:
    """Op: close the register (the app was locked)."""
    register = getattr(worker, "register", None)
    if register is not None:
        worker.register = None
        register.close()


def look_up(study, code: str):
    """Op: the dialog's view of one code."""
    from survey_app.answers.codes import validate_code

    def op(worker):
        canonical = validate_code(code)
        register, store = worker.register, worker.store
        allocation = store.allocation(canonical)
        sealed = None
        if allocation is None:
            sealed = _sealed_baseline(store, study, canonical)
        return CodeView(
            code=canonical,
            person=register.person(canonical),
            consents=tuple(register.consents(canonical)),
            withdrawals=tuple(register.withdrawals(canonical)),
            randomised_at=allocation.revealed_at if allocation else None,
            emergency_arm=allocation.arm if allocation and allocation.emergency else None,
            baseline_sealed=sealed,
        )

    return op


def _sealed_baseline(store, study, code: str) -> str | None:
    from survey_app.store.trial import FINISHED, baseline_timepoint

    try:
        first = baseline_timepoint(study)
    except Exception:  # no protocol: nothing to randomise
        return None
    for session in store.sessions():
        if (
            session.participant_code == code
            and session.timepoint == first
            and session.outcome == "completed"
            and session.status in FINISHED
        ):
            return session.id
    return None


def save_person(code: str, fields: dict[str, str], actor: str):
    """Op: register or correct a participant's identity and contacts."""
    return lambda worker: worker.register.register_person(code, actor=actor, **fields)


def record_consent(study, code: str, details: dict[str, Any], actor: str):
    """Op: document a consent given or declined, with the timepoint's consent form."""

    def op(worker):
        form = study.library.steps(details["timepoint"])[0]
        trial = study.config.trial
        required = trial is not None and trial.consent_witness == "required"
        # What the participant ticked on the consent page, when this laptop still holds it.
        decisions = _session_decisions(worker.store, code, details["timepoint"])
        if decisions is None and details["outcome"] == "given":
            decisions = {i.id: 1 for i in form.answerable_items}
        return worker.register.record_consent(
            code,
            form=form,
            actor=actor,
            witness_required=required,
            decisions=decisions,
            **details,
        )

    return op


def _session_decisions(store, code: str, timepoint: str) -> dict[str, int] | None:
    for session in reversed(store.sessions()):
        if session.participant_code == code and session.timepoint == timepoint:
            consent = store.consent(session.id)
            if consent is not None and consent.decisions:
                return dict(consent.decisions)
    return None


def record_withdrawal(study, code: str, scopes: list[str], day: str, actor: str):
    """Op: record a withdrawal in the register and seal its notice for the data manager."""

    def op(worker):
        entry = worker.register.record_withdrawal(code, scopes, day, actor=actor)
        worker.store.record_withdrawal(code, scopes, day, study, actor=actor)
        return entry

    return op


def receipt(study, code: str, out: Path):
    """Op: print the latest consent receipt of a code to a PDF."""
    from survey_app.pdf.trial_pdf import render_receipt
    from survey_app.register.model import RegisterError

    def op(worker):
        consents = worker.register.consents(code)
        if not consents:
            raise RegisterError("Record the consent first.")
        render_receipt(consents[-1], code, study, out)
        return out

    return op


def export(study, folder: Path):
    """Op: write the register snapshot, sealed to the register key, into a folder."""
    from survey_app.register.snapshot_file import export_register

    key = study.config.register_public_key
    return lambda worker: export_register(worker.register, study.study_id, key, folder)


def list_status(study):
    """Op: the loaded allocation list in counts (None: none loaded) and the strata."""

    def op(worker):
        trial = study.config.trial
        strata = tuple(trial.randomisation.strata) if trial and trial.randomisation else ()
        return worker.store.allocation_status(), strata

    return op


def save_list_key(folder: Path):
    """Op: write this laptop's list key to a file for the data manager (no secret in it)."""
    from survey_app.bundle.atomic import atomic_write_bytes
    from survey_app.register.model import RegisterError

    def op(worker):
        if not Path(folder).is_dir():  # a stick pulled after the folder was chosen
            raise RegisterError(
                "There is no folder “{folder}”: the list key was not saved. Check that the USB "
                "stick is plugged in and the folder name is right, then save it again.",
                folder=str(folder),
            )
        recipient = worker.store.list_recipient()
        device = worker.store.device_id
        path = Path(folder) / f"laptop-list-key-{device}.txt"
        text = (
            f"# Allocation-list key of laptop {device} (a public key: no secret, no participant).\n"
            "# Give this file to the data manager for `randomise lists --laptop LABEL=FILE`.\n"
            f"{recipient}\n"
        )
        atomic_write_bytes(path, text.encode("ascii"))
        return path

    return op


def load_list(study, path: Path, actor: str):
    """Op: load this laptop's sealed allocation list."""
    data = Path(path).read_bytes()
    return lambda worker: worker.store.load_allocation_list(data, study, actor=actor)


def randomise(study, session_id: str, actor: str, stratum: str | None):
    """Op: reveal the allocation of a sealed baseline (the stratum if staff had to choose)."""
    return lambda worker: worker.store.reveal_allocation(
        session_id, study, actor=actor, stratum=stratum
    )


def emergency(study, code: str, reason: str, stratum: str, day: str, actor: str):
    """Op: an emergency reveal (logged)."""
    return lambda worker: worker.store.emergency_reveal(
        code, study, reason=reason, stratum=stratum, meeting_date=day, actor=actor
    )


def complete_and_reveal(session_id: str, study, actor: str):
    """Op: complete and seal a session; for a baseline of a randomising study, reveal at once.

    The reveal never stops the completion: when it cannot happen now (no list loaded, the
    stratum question declined) the baseline stays sealed and staff randomise it from the
    register dialog.
    """
    from survey_app.trial.errors import TrialError

    def op(worker):
        copy = worker.store.complete_session(session_id, study, actor=actor)
        trial = getattr(study.config, "trial", None)
        if trial is None or trial.randomisation is None:
            return copy
        try:
            worker.store.reveal_allocation(session_id, study, actor=actor)
        except TrialError as exc:
            log.info("allocation not revealed at completion: %s", type(exc).__name__)
        return copy

    return op
