"""Sync and USB export for the dashboard: network on its own thread, the store on its worker.

The device store belongs to the store worker thread, and a participant's answers are saved
through that same thread, so it must never wait for the network. A sync round therefore runs
on a second worker thread (a `StoreClient` used only for the network) and reaches the store
through `StoreBridge`, which queues each store call on the store worker and waits for it there.
`SyncClient.sync_once` runs unchanged: a session is marked synced only after its verified receipt.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, Signal

from survey_app.errors import UserFacingError
from survey_app.i18n import N_, Counted
from survey_app.ui.store_worker import StoreClient

log = logging.getLogger(__name__)

STORE_WAIT_SECONDS = 120.0
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
CONFIRMED = ("synced", "already_on_server")
AUTH_REFUSED = N_(
    "The server no longer accepts this laptop. Ask the study administrator for a new "
    "enrolment code."
)


@dataclass(frozen=True)
class Note:
    """A message for the staff: an English msgid and its parameters, translated when shown."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)
    error: bool = False


@dataclass(frozen=True)
class TransferState:
    """What the dashboard shows about sync and export."""

    busy: str = ""  # "", "enrol", "sync", "export"
    enrolled: bool | None = None  # None until the saved credentials have been looked at
    server: str = ""
    done: int = 0
    total: int = 0
    note: Note | None = None


@dataclass(frozen=True)
class RoundOutcome:
    """One sync round: whether the server answered, and SyncClient's result if it ran."""

    pending: int
    reachable: bool = True
    result: Any = None  # survey_app.sync.client.SyncResult


class StoreBridge:
    """The store seen from the network thread: each call runs on the store worker (SyncSource)."""

    def __init__(self, client: StoreClient, timeout: float = STORE_WAIT_SECONDS) -> None:
        self._client = client
        self._timeout = timeout

    def _run(self, op):
        return self._client.submit(op).result(timeout=self._timeout)

    def pending_envelopes(self):
        """Sealed copies the server has not confirmed yet."""
        return self._run(lambda w: w.store.pending_envelopes())

    def mark_synced(self, submission_id: str, receipt: dict[str, Any]) -> None:
        """Record a verified receipt (called by SyncClient only after checking it)."""
        self._run(lambda w: w.store.mark_synced(submission_id, receipt))

    def mark_erased_on_server(self, submission_id: str, notice: dict[str, Any]) -> None:
        """Record a verified erasure notice (the participant asked the server to erase it)."""
        self._run(lambda w: w.store.mark_erased_on_server(submission_id, notice))


class AddressError(UserFacingError):
    """The server address typed in the enrolment dialog is not usable."""

    def __init__(self) -> None:
        self.msgid = N_("The server address must start with https:// (for example {example}).")
        self.params = {"example": "https://survey.example.org"}
        super().__init__(self.msgid.format(**self.params))


def check_server_address(address: str) -> str:
    """Return the normalised server address (https, or http on this computer for tests)."""
    text = address.strip().rstrip("/")
    parts = urlsplit(text)
    loopback = parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    if not parts.hostname or not (parts.scheme == "https" or loopback):
        raise AddressError()
    return text


# ----- operations (no widgets): store ops run on the store worker, net ops on the network thread


def load_credentials_op(worker):
    """Store op: the saved enrolment credentials, or None."""
    from survey_app.sync.credentials import load_credentials

    return load_credentials(worker.store)


def device_key_op(worker):
    """Store op: this laptop's signing key (it never leaves the app)."""
    return worker.store.device_key


def save_credentials_op(credentials):
    """Store op: keep the credentials where survey_app.sync keeps them."""

    def op(worker):
        from survey_app.sync.credentials import save_credentials

        save_credentials(worker.store, credentials)
        return credentials

    return op


def enrol_op(address: str, code: str, device_key, ca_file: str = ""):
    """Net op: spend the one-time code; return the credentials (with the CA, if one was given)."""

    def op(_worker):
        from survey_app.sync.client import SyncClient

        with SyncClient(address, verify=ca_file or True) as client:
            return client.enrol(code.strip(), device_key)

    return op


def sync_round_op(bridge: StoreBridge, credentials, retry, cancel: threading.Event, progress):
    """Net op: if anything is pending and the server answers, run one `sync_once` round."""

    def op(_worker):
        from survey_app.sync.client import SyncClient

        pending = len(bridge.pending_envelopes())
        if pending == 0:
            return RoundOutcome(0)
        # Back-off waits end at once when the app closes (cancel is set).
        with SyncClient.for_credentials(credentials, retry=retry, sleep=cancel.wait) as client:
            if not client.is_server_reachable():
                return RoundOutcome(pending, reachable=False)
            result = client.sync_once(bridge, progress_callback=progress, cancel=cancel.is_set)
        return RoundOutcome(pending, result=result)

    return op


def export_op(folder: Path, include_all: bool, purge_policy: str | None):
    """Store op: write a verified bundle into folder, mark its sessions exported, then purge."""

    def op(worker):
        from survey_app.bundle.from_store import export_store

        # A pulled stick raises ExportFolderMissing (translated); folder_only: never a file name.
        info = export_store(worker.store, folder, include_all=include_all, folder_only=True)
        if info is not None and purge_policy is not None:
            worker.store.purge_confirmed(purge_policy)
        return info

    return op


def purge_op(purge_policy: str):
    """Store op: remove readable answers of sessions the study's policy says are safe elsewhere."""
    return lambda worker: worker.store.purge_confirmed(purge_policy)


class TransferController(QObject):
    """Runs enrolment, sync rounds and exports in the background; the dashboard shows `state`."""

    changed = Signal(object)  # TransferState
    session_status = Signal(str, str)  # session id, sync outcome (live, during a round)
    sessions_changed = Signal()  # statuses changed in the store: reload the dashboard
    _progress = Signal(int, int, str, str)  # emitted on the network thread

    def __init__(self, ctx, retry=None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from survey_app.sync.retry import RetryPolicy

        self.ctx = ctx  # AppContext: the store client and the study (its purge policy)
        self.store = store = ctx.client
        self._net: StoreClient | None = None
        self.retry = retry or RetryPolicy()
        self.state = TransferState()
        self._cancel = threading.Event()
        self._bridge = StoreBridge(store)
        self._progress.connect(self._on_progress)

    @property
    def net(self) -> StoreClient:
        """The network thread, started at the first enrolment or sync (a laptop that never
        syncs never runs it)."""
        if self._net is None:
            self._net = StoreClient()
        return self._net

    @property
    def purge_policy(self) -> str | None:
        """The study's purge policy (after_sync, after_export, never), once a study is loaded."""
        study = self.ctx.study
        return str(study.config.purge_policy) if study is not None else None

    def _set(self, **changes: Any) -> None:
        self.state = replace(self.state, **changes)
        self.changed.emit(self.state)

    @property
    def idle(self) -> bool:
        return not self.state.busy

    # ----- enrolment --------------------------------------------------------------------------

    def refresh(self) -> None:
        """Look at the saved credentials (enrolled or not)."""
        self.store.call(
            load_credentials_op, self._credentials_loaded, self._credentials_failed, "sync_creds"
        )

    def _credentials_loaded(self, credentials) -> None:
        self._set(
            enrolled=credentials is not None,
            server=credentials.base_url if credentials is not None else "",
        )

    def _credentials_failed(self, exc: BaseException) -> None:
        log.error("sync settings unreadable: %s", type(exc).__name__)
        self._set(
            enrolled=False,
            server="",
            note=Note(
                N_("The saved server settings cannot be read. Enrol this laptop again."), {}, True
            ),
        )

    def enrol(self, address: str, code: str, on_error, *, ca_file: str = "") -> None:
        """Enrol with a one-time code, save the credentials, then sync; errors go to on_error.

        `ca_file`: the server's CA certificate (PEM) when the system does not trust it; it is
        saved with the credentials, so every later sync uses it.
        """
        if not self.idle:
            return
        self._set(busy="enrol", note=None)

        def failed(exc: BaseException) -> None:
            self._set(busy="")
            on_error(exc)

        def saved(credentials) -> None:
            self._set(busy="", enrolled=True, server=credentials.base_url)
            self.sync()

        def enrolled(credentials) -> None:
            self.store.call(save_credentials_op(credentials), saved, failed, "sync_save")

        def have_key(key) -> None:
            self.net.call(enrol_op(address, code, key, ca_file), enrolled, failed, "sync_enrol")

        self.store.call(device_key_op, have_key, failed, "device_key")

    # ----- sync -------------------------------------------------------------------------------

    def sync(self, *, automatic: bool = False) -> None:
        """Start one background round (ignored while another transfer runs or not enrolled)."""
        if not self.idle or not self.state.enrolled:
            return
        self._set(busy="sync", done=0, total=0, note=None if not automatic else self.state.note)

        def failed(exc: BaseException) -> None:
            log.error("sync round failed: %s", type(exc).__name__)
            self._set(busy="", note=_error_note(exc))

        def have_credentials(credentials) -> None:
            if credentials is None:
                self._set(busy="", enrolled=False, server="")
                return
            op = sync_round_op(self._bridge, credentials, self.retry, self._cancel, self._emit)
            self.net.call(op, lambda outcome: self._round_done(outcome, automatic), failed, "sync")

        self.store.call(load_credentials_op, have_credentials, failed, "sync_creds")

    def _emit(self, done: int, total: int, outcome) -> None:
        # Network thread: the queued signal carries the progress to the UI thread.
        self._progress.emit(done, total, outcome.session_id, outcome.status)

    def _on_progress(self, done: int, total: int, session_id: str, status: str) -> None:
        self._set(done=done, total=total)
        self.session_status.emit(session_id, status)

    def _round_done(self, outcome: RoundOutcome, automatic: bool) -> None:
        note = self.state.note
        enrolled = self.state.enrolled
        if outcome.pending == 0:
            if not automatic:
                note = Note(N_("Nothing to send: the server has confirmed every finished session."))
        elif not outcome.reachable:
            if not automatic:
                note = Note(
                    N_(
                        "The server cannot be reached. Nothing was lost; the sessions will be sent "
                        "when the network is back."
                    ),
                    {},
                    True,
                )
        else:
            note = _round_note(outcome.result)
            if outcome.result.stopped == AUTH_REFUSED:
                enrolled = False
        self._set(busy="", note=note, enrolled=enrolled)
        if outcome.result is None:
            return
        policy = self.purge_policy
        settled = outcome.result.confirmed + outcome.result.count("erased")
        if settled and policy is not None:
            self.store.call(
                purge_op(policy),
                lambda _count: self.sessions_changed.emit(),
                lambda exc: log.error("purge failed: %s", type(exc).__name__),
                "purge",
            )
        else:
            self.sessions_changed.emit()

    # ----- export -----------------------------------------------------------------------------

    def export(self, folder: Path, include_all: bool) -> None:
        """Write a bundle into folder on the store worker; the dashboard shows the outcome."""
        if not self.idle:
            return
        self._set(busy="export", note=None)
        self.store.call(
            export_op(Path(folder), include_all, self.purge_policy),
            self._exported,
            lambda exc: self._export_failed(Path(folder), exc),
            "export",
        )

    def _exported(self, info) -> None:
        if info is None:
            note = Note(N_("Nothing new to export. Tick “Include everything” to export all again."))
        else:
            note = Note(
                Counted(
                    "{count} session exported. File: {file}",
                    "{count} sessions exported. File: {file}",
                ),
                {"count": info.count, "file": info.path.name},
            )
        self._set(busy="", note=note)
        if info is not None:
            self.sessions_changed.emit()

    def _export_failed(self, folder: Path, exc: BaseException) -> None:
        log.error("export failed: %s", type(exc).__name__)
        msgid = getattr(exc, "msgid", None)
        if msgid:  # a full or read-only stick, or the laptop's own disk: say which
            self._set(busy="", note=Note(msgid, dict(getattr(exc, "params", {}) or {}), True))
            return
        self._set(
            busy="",
            note=Note(
                N_(
                    "The export could not be written to the folder “{folder}”. Check that the USB "
                    "stick is plugged in and not write-protected, then try again. Nothing was lost."
                ),
                {"folder": folder.name or str(folder)},
                True,
            ),
        )

    # ----- end --------------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop a running round at the next step and stop the network thread."""
        self._cancel.set()
        if self._net is not None:
            self._net.shutdown()


def _round_note(result) -> Note:
    confirmed = result.confirmed
    refused = result.count("refused")
    waiting = result.count("pending")
    if result.stopped == AUTH_REFUSED:
        return Note(AUTH_REFUSED, {}, True)
    if refused:
        return Note(
            Counted(
                "The server refused {refused} session; it stays on this laptop. Tell the data "
                "manager. Confirmed: {confirmed}.",
                "The server refused {refused} sessions; they stay on this laptop. Tell the data "
                "manager. Confirmed: {confirmed}.",
                "refused",
            ),
            {"refused": refused, "confirmed": confirmed},
            True,
        )
    if waiting or result.stopped:
        return Note(
            N_(
                "Sync stopped before the end. Confirmed: {confirmed}. Still waiting: {waiting}. "
                "Nothing was lost; the rest is sent at the next sync."
            ),
            {"confirmed": confirmed, "waiting": waiting},
            True,
        )
    return Note(
        Counted(
            "Sync finished. The server confirmed {count} session.",
            "Sync finished. The server confirmed {count} sessions.",
        ),
        {"count": confirmed},
    )


def _error_note(exc: BaseException) -> Note:
    msgid = getattr(exc, "msgid", None)
    if msgid:
        return Note(msgid, dict(getattr(exc, "params", {}) or {}), True)
    return Note(
        N_("Something went wrong ({name}). Nothing was lost."), {"name": type(exc).__name__}, True
    )
