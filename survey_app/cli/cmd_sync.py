"""`python main.py sync`: enrol this laptop with the research server and upload sealed copies."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from survey_app.cli.device_store import STORE_PASSPHRASE_ENV as PASSPHRASE_ENV
from survey_app.cli.program import program


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `sync` command (enrol, run, status)."""
    common = argparse.ArgumentParser(add_help=False)
    # --data-dir as in `export`, `simulate` and the app itself, so one folder works everywhere.
    where = common.add_mutually_exclusive_group()
    where.add_argument("--store", help="device store file (default: the app's data folder)")
    where.add_argument("--data-dir", help="folder holding device-store.db (default: the app's)")
    common.add_argument(
        "--cafile",
        help="CA certificate (PEM) to trust for a server with its own certificate; given at "
        "enrol, it is remembered with the credentials",
    )
    common.add_argument(
        "--insecure-http",
        action="store_true",
        help="allow plain http:// to a server on the network (closed test networks only; "
        "remembered at enrol)",
    )
    parser = subparsers.add_parser(
        "sync",
        help="enrol with the research server and upload sealed submissions",
        description="Laptop-side sync, for scripts. The store passphrase is read from "
        f"${PASSPHRASE_ENV} or asked for.",
    )
    sub = parser.add_subparsers(dest="sync_command", metavar="SUBCOMMAND", required=True)

    enrol = sub.add_parser("enrol", parents=[common], help="enrol with a one-time code")
    enrol.add_argument("--server", required=True, help="server URL, e.g. https://survey.example")
    enrol.add_argument("--code", required=True, help="one-time enrolment code from the admin")
    enrol.add_argument("--label", help="a name for this laptop on the server, e.g. 'laptop 3'")
    enrol.set_defaults(handler=_enrol)

    run = sub.add_parser("run", parents=[common], help="upload every pending submission")
    run.add_argument("--attempts", type=int, default=5, help="tries per submission")
    run.add_argument("--max-delay", type=float, default=30.0, help="longest wait between tries")
    run.add_argument(
        "--study",
        help="study folder (default: the one chosen in the app); used only to seal sessions an "
        "interrupted older app left finished but unsealed",
    )
    run.set_defaults(handler=_run)

    status = sub.add_parser("status", parents=[common], help="enrolment and pending count")
    status.set_defaults(handler=_status)


def _open_store(args: argparse.Namespace):  # -> DeviceStore
    from pathlib import Path

    from survey_app.cli.device_store import open_device_store
    from survey_app.store import default_store_path, store_path_in

    if args.store:
        return open_device_store(Path(args.store))
    if args.data_dir:
        return open_device_store(store_path_in(Path(args.data_dir)))
    return open_device_store(default_store_path())


def _verify(args: argparse.Namespace) -> bool | str:
    return args.cafile or True


def _client(args: argparse.Namespace, credentials=None):  # -> SyncClient
    """A sync client for the server given (enrol) or remembered; says how to insist on http."""
    from survey_app.errors import UserFacingError
    from survey_app.sync.client import SyncClient, SyncError
    from survey_app.sync.transport import PLAIN_HTTP_REFUSED

    options = {"verify": _verify(args)}
    if args.insecure_http:
        options["allow_insecure"] = True
    try:
        if credentials is None:
            return SyncClient(args.server, **options)
        return SyncClient.for_credentials(credentials, **options)
    except SyncError as exc:
        if exc.msgid == PLAIN_HTTP_REFUSED:
            raise UserFacingError(f"{exc} (--insecure-http overrides this)") from None
        raise


def _enrol(args: argparse.Namespace) -> int:
    from survey_app.sync.credentials import save_credentials

    with _open_store(args) as store, _client(args) as client:
        credentials = client.enrol(args.code, store.device_key, args.label)
        save_credentials(store, credentials)
    print(f"enrolled as device {credentials.device_id} with {credentials.base_url}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from survey_app.cli.device_store import seal_left_unsealed, study_folder
    from survey_app.errors import UserFacingError
    from survey_app.sync.client import RetryPolicy, SubmissionOutcome
    from survey_app.sync.credentials import load_credentials

    def progress(done: int, total: int, outcome: SubmissionOutcome) -> None:
        print(f"[{done}/{total}] {outcome.submission_id}: {outcome.status}", flush=True)

    retry = RetryPolicy(max_attempts=max(1, args.attempts), max_delay=args.max_delay)
    with _open_store(args) as store:
        folder, named = study_folder(args.study, store.path.parent)
        seal_left_unsealed(store, folder, named, program(args))
        credentials = load_credentials(store)
        if credentials is None:
            raise UserFacingError(
                f"this laptop is not enrolled: run `{program(args)} sync enrol` first"
            )
        with _client(args, credentials) as client:
            client.retry = retry
            result = client.sync_once(store, progress)
        _purge_after_sync(store, folder)
    print(
        f"confirmed {result.confirmed} of {len(result.outcomes)}; "
        f"erased on the server at a participant's request {result.count('erased')}; "
        f"refused {result.count('refused')}; still pending {result.count('pending')}"
    )
    if result.stopped:
        print(f"stopped: {result.stopped}", file=sys.stderr)
    return 0 if result.complete else 3


def _purge_after_sync(store, folder: Path) -> None:
    """Apply the study's purge policy now that the server confirmed, as the app does.

    Sessions erased on the server at a participant's request lose their readable answers under
    every policy, also when the study folder cannot be read or names another study.
    """
    from survey_app.errors import UserFacingError
    from survey_app.study import load_study_config

    policy = "never"
    try:
        config = load_study_config(folder)
    except UserFacingError:
        config = None
    sealed = [s.submission_id for s in store.sessions() if s.submission_id]
    if config is not None and sealed:
        if store.sealed_copy(sealed[0]).envelope["study_id"] == config.study_id:
            policy = str(config.purge_policy)
        else:
            print(
                f"answers kept on this laptop: the study folder is {config.study_id}, not the "
                "laptop's study (give --study)"
            )
    purged = store.purge_confirmed(policy)
    if purged:
        print(
            f"removed the readable answers of {purged} session(s) from this laptop "
            f"(purge policy {policy}); the sealed copies stay"
        )


def _status(args: argparse.Namespace) -> int:
    from survey_app.sync.credentials import load_credentials

    with _open_store(args) as store:
        credentials = load_credentials(store)
        pending = len(store.pending_envelopes())
    print(f"pending submissions: {pending}")
    if credentials is None:
        print("not enrolled with a server")
        return 0
    with _client(args, credentials) as client:
        reachable = client.is_server_reachable()
    print(f"server: {credentials.base_url} ({'reachable' if reachable else 'not reachable'})")
    print(f"device: {credentials.device_id}")
    return 0
