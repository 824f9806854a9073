"""Store operations run on the worker thread: each function returns an op `worker -> result`.

Nothing here touches a widget; results go back to the UI thread through StoreClient.
"""

from __future__ import annotations

from pathlib import Path

from survey_app.errors import UserFacingError
from survey_app.ui.context import AppContext


def store_exists(path: Path) -> bool:
    """Return True when a device store exists at path (first run shows set-up otherwise)."""
    from survey_app.store import store_exists as exists

    return exists(path)


def new_guard():
    """Return a fresh unlock guard (growing delay after wrong passphrases)."""
    from survey_app.store import UnlockGuard

    return UnlockGuard()


def resolve_study_dir(ctx: AppContext, chosen: Path | None = None) -> Path:
    """Return the study folder: chosen at set-up, given with --study, remembered, or DEMO."""
    from survey_app.study import demo_study_dir

    # Imported where used, like the store: the unlock screen imports this module, not these.
    from survey_app.ui.settings import read_study_dir

    return chosen or ctx.study_dir or read_study_dir(ctx.data_dir) or demo_study_dir()


def _load_study(ctx: AppContext, folder: Path):
    from survey_app.study import load_study

    if ctx.study is not None:
        return ctx.study
    return load_study(folder, ctx.program)


def create_store(ctx: AppContext, passphrase: str, chosen: Path | None):
    """First run: load the study (it must be valid), create the store, remember the study."""
    from survey_app.store import DeviceStore

    def op(worker):
        from survey_app.study import demo_study_dir, load_study
        from survey_app.ui.settings import write_study_dir

        folder = chosen or demo_study_dir()
        study = load_study(folder, ctx.program)
        kwargs = {"kdf": ctx.kdf} if ctx.kdf is not None else {}
        worker.store = DeviceStore.create(ctx.store_path, passphrase, **kwargs)
        write_study_dir(ctx.data_dir, folder)
        return study

    return op


def open_store(ctx: AppContext, passphrase: str, guard):
    """Unlock the store, load the study configured for this laptop, seal what was left."""
    from survey_app.store import DeviceStore

    def op(worker):
        store = DeviceStore.open(ctx.store_path, passphrase, guard=guard)
        guard.reset()
        worker.store = store
        study = _load_study(ctx, resolve_study_dir(ctx))
        # An older app could stop between "completed" and "sealed"; seal those now, with the
        # study every new session of this laptop is sealed to.
        if store.unsealed_count():
            store.seal_unsealed(study)
        return study

    return op


def verify_passphrase(ctx: AppContext, passphrase: str, guard):
    """Check the staff passphrase while the store stays open (staff gate, lock screen)."""
    from survey_app.store import DeviceStore

    def op(_worker):
        DeviceStore.open(ctx.store_path, passphrase, guard=guard).close()
        guard.reset()
        return True

    return op


def dashboard_data(meeting):
    """Return (meeting, sessions): the given meeting, or today's newest one, and its sessions."""

    def op(worker):
        import datetime as dt  # here, not at the top: see resolve_study_dir

        current = meeting
        if current is None:
            today = dt.date.today().isoformat()
            current = next((m for m in worker.store.meetings() if m.date == today), None)
        sessions = worker.store.sessions(current.id) if current is not None else []
        return current, sessions

    return op


def start_session(ctx: AppContext, request):
    """Start a new session in the current meeting."""
    study, meeting, actor, program = ctx.study, ctx.meeting, ctx.actor, ctx.program

    def op(worker):
        from survey_app.study.drafts import check_session_languages
        from survey_app.ui.availability import session_forms
        from survey_app.ui.session_records import LoadedSession

        arm = allocated_arm(worker.store, study, request)
        forms = session_forms(study.library, request.timepoint, arm, program)
        # Refused here too (not only by the page): a study that forbids draft languages never
        # starts a session that would show one.
        check_session_languages(
            study,
            request.timepoint,
            arm,
            [request.language, request.interpreter_language],
            program,
        )
        session = worker.store.start_session(
            meeting.id,
            request.code,
            request.timepoint,
            request.language,
            arm=arm,
            interpreter_language=request.interpreter_language,
            interpreter_assisted=request.interpreter_language is not None,
            source="paper" if request.paper else "screen",
            double_entry=request.paper and request.double_entry,
            addressee=request.addressee,
            refuse_used_code=True,
            actor=actor,
        )
        return LoadedSession(session, forms, double_entry=session.double_entry)

    return op


def sessions_of(code: str, timepoint: str):
    """Sessions of a code at a timepoint on this laptop (the new-session page's early check)."""

    def op(worker):
        return worker.store.sessions_of(code, timepoint)

    return op


def allocated_arm(store, study, request) -> str | None:
    """The arm for a session: the one randomised on this laptop, when it has one.

    Staff may still choose the arm of a participant randomised on another laptop; choosing
    another arm than this laptop's allocation is refused.
    """
    from survey_app.store.errors import StoreError

    protocol = study.library.protocol
    tp = protocol.timepoints.get(request.timepoint) if protocol else None
    if tp is None or not any(step.only_arm for step in tp.steps):
        return request.arm
    allocation = store.allocation(request.code)
    if allocation is None:
        return request.arm
    if request.arm not in (None, allocation.arm):
        raise StoreError("This participant was randomised to another arm on this laptop.")
    return allocation.arm


def resume_session(ctx: AppContext, session_id: str):
    """Load an interrupted session with its answers and position (the resume is audited)."""
    study, actor, program = ctx.study, ctx.actor, ctx.program

    def op(worker):
        from survey_app.ui.availability import session_forms
        from survey_app.ui.session_records import LoadedSession

        worker.store.record_resume(session_id, actor=actor)
        session = worker.store.session(session_id)
        forms = session_forms(study.library, session.timepoint, session.arm, program)
        answers = {
            (a.form_id, a.item_id): (a.value, a.status) for a in worker.store.answers(session_id)
        }
        consent = worker.store.consent(session_id)
        return LoadedSession(
            session,
            forms,
            answers=answers,
            consent_done=consent is not None,
            resume=(session.resume_form_id, session.resume_item_id),
            double_entry=session.double_entry,
            touched=worker.store.touched_items(session_id),
        )

    return op


def change_passphrase(old: str, new: str):
    """Re-key the open store under a new passphrase (the store checks the old one)."""

    def op(worker):
        worker.store.change_passphrase(old, new)
        return True

    return op


def pause_session(ctx: AppContext, session_id: str):
    """Audit a staff pause of a session in progress; return the session (status only)."""
    actor = ctx.actor

    def op(worker):
        worker.store.record_pause(session_id, actor=actor)
        return worker.store.session(session_id)

    return op


def continue_session(ctx: AppContext, session_id: str):
    """Audit that staff gave a paused session back to the participant."""
    actor = ctx.actor

    def op(worker):
        worker.store.record_resume(session_id, actor=actor)
        return True

    return op


def switch_interpreter(ctx: AppContext, session, language: str | None):
    """Switch the interpreter's language of a session on (a language) or off (None); audited."""
    study, actor, program = ctx.study, ctx.actor, ctx.program

    def op(worker):
        from survey_app.study.drafts import check_session_languages

        if language is not None:
            # A study that forbids draft languages never shows one, even switched on later.
            check_session_languages(study, session.timepoint, session.arm, [language], program)
        worker.store.set_interpreter(session.id, language, language is not None, actor=actor)
        return language

    return op


def unfinished_sessions(ctx: AppContext):
    """Every session left in progress on this laptop (any meeting), oldest first."""
    study, program = ctx.study, ctx.program

    def op(worker):
        from survey_app.ui.availability import session_forms
        from survey_app.ui.flow import page_of, plan_pages, split_consent
        from survey_app.ui.session_records import UnfinishedSession

        found = []
        for point in worker.store.interrupted_sessions():
            session = point.session
            try:
                forms = session_forms(study.library, session.timepoint, session.arm, program)
            except UserFacingError:  # a form that no longer loads: listed without its page
                found.append(UnfinishedSession(session, None, 0, point.form_id))
                continue
            plan = plan_pages(split_consent(forms)[1])
            consented = worker.store.consent(session.id) is not None
            page = page_of(plan, point.form_id, point.item_id) + 1 if consented else None
            found.append(UnfinishedSession(session, page, len(plan), point.form_id))
        return found

    return op


def abandon_session(ctx: AppContext, session_id: str, reason: str, note: str):
    """Close a session left unfinished: sealed `abandoned` with the answers given so far."""
    study, actor = ctx.study, ctx.actor

    def op(worker):
        return worker.store.abandon_session(
            session_id, study, reason=reason, note=note or None, actor=actor
        )

    return op


def pending_safety_signals():
    """Return [(session id, protocol)] of safety signals staff have not acknowledged yet."""
    from survey_app.study.safety import ACKNOWLEDGED_ACTION, AUDIT_ACTION, unacknowledged

    def op(worker):
        return unacknowledged(worker.store.audit_trail(actions=(AUDIT_ACTION, ACKNOWLEDGED_ACTION)))

    return op


def acknowledge_safety_signal(ctx: AppContext, session_id: str, protocol: str):
    """Audit that staff have seen the session's safety signal (it is not shown again)."""
    from survey_app.study.safety import ACKNOWLEDGED_ACTION

    def op(worker):
        worker.store.append_audit(
            ACKNOWLEDGED_ACTION,
            actor=ctx.actor,
            session_id=session_id,
            detail={"protocol": protocol},
        )

    return op
