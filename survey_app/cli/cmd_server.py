"""`python main.py server`: run the research server, and its admin commands (codes, accounts)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta

DB_ENV = "SURVEY_APP_SERVER_DB"
CONFIG_ENV = "SURVEY_APP_SERVER_CONFIG"


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `server` command and its sub-commands."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help=f"SQLite file or postgresql:// URL (default: ${DB_ENV}, else a file in the "
        "platform data folder)",
    )
    common.add_argument(
        "--study-id",
        action="append",
        default=argparse.SUPPRESS,
        metavar="STUDY",
        help="a study this server collects (repeat, or comma-separate, for several); required to "
        "serve: envelopes of any other study are refused. With exactly one, new enrolment codes "
        "are bound to it",
    )
    common.add_argument(
        "--config",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help=f"TOML settings file with a [server] table (default: ${CONFIG_ENV}); every option "
        "is also SURVEY_APP_SERVER_<OPTION> in the environment (see docs/deploy.md)",
    )
    parser = subparsers.add_parser(
        "server",
        parents=[common],
        help="run the research server (enrolment, uploads, data-manager export)",
        description="Run the research server. Without a sub-command it serves the HTTP API.",
    )
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 8080; 0 picks a free one)")
    parser.add_argument("--certfile", help="TLS certificate chain (PEM) to serve HTTPS directly")
    parser.add_argument("--keyfile", help="TLS private key (PEM) for --certfile")
    parser.add_argument(
        "--insecure-http",
        action="store_true",
        default=None,
        help="serve plain HTTP on a network address (without it, a non-loopback --host needs "
        "--certfile/--keyfile, or a TLS reverse proxy in front on loopback); for a proxy on a "
        "closed internal network, as in deploy/compose.yaml",
    )
    parser.add_argument("--max-body-bytes", type=int, default=None, help="largest request")
    parser.add_argument(
        "--rate", type=float, default=None, help="requests/second per device, account or address"
    )
    parser.add_argument("--burst", type=int, default=None, help="requests allowed at once")
    parser.add_argument(
        "--log-format", choices=("text", "json"), help="log lines as text or JSON (no content)"
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        metavar="ADDRS",
        help="reverse proxies (addresses or networks, comma separated) whose forwarding header "
        "names the client for rate limits (default 127.0.0.1); from anywhere else the header is "
        "ignored",
    )
    parser.add_argument(
        "--client-address-header",
        metavar="NAME",
        help="header the trusted proxies put the client address in (default X-Forwarded-For)",
    )
    parser.add_argument(
        "--enrol-failures-per-hour",
        type=int,
        default=None,
        help="failed enrolments allowed per client address and hour (default 20)",
    )
    parser.add_argument(
        "--enrol-failures-total-per-hour",
        type=int,
        default=None,
        help="failed enrolments allowed per hour from all addresses together; past that, "
        "enrolment is paused for everyone (503) for a while (default 200)",
    )
    parser.set_defaults(handler=_run)
    sub = parser.add_subparsers(dest="server_command", metavar="SUBCOMMAND")

    code = sub.add_parser(
        "enrol-code", parents=[common], help="create one-time enrolment codes for laptops"
    )
    code.add_argument("--hours", type=float, default=24.0, help="valid for this many hours")
    code.add_argument("--count", type=int, default=1, help="how many codes")
    code.add_argument("--label", help="a note, e.g. 'laptop 3' (no personal data)")
    code.set_defaults(handler=_enrol_code)

    account = sub.add_parser(
        "add-account", parents=[common], help="create a data-manager or admin credential"
    )
    account.add_argument("--name", required=True, help="who holds it (initials or a role name)")
    account.add_argument("--role", choices=("data_manager", "admin"), default="data_manager")
    account.set_defaults(handler=_add_account)

    devices = sub.add_parser("devices", parents=[common], help="list enrolled laptops")
    devices.set_defaults(handler=_devices)

    revoke = sub.add_parser("revoke-device", parents=[common], help="stop accepting a laptop")
    revoke.add_argument("device_id")
    revoke.set_defaults(handler=_revoke)

    info = sub.add_parser(
        "info", parents=[common], help="print the server key (signs receipts and pulled bundles)"
    )
    info.add_argument(
        "--known-devices",
        metavar="FILE",
        help="also write the server key and every enrolled laptop's key as JSON, for "
        "`import --known-devices FILE`",
    )
    info.set_defaults(handler=_info)

    erase = sub.add_parser(
        "erase",
        parents=[common],
        help="erase sealed submissions at a participant's request (refused on upload from now on)",
    )
    erase.add_argument(
        "--submission", action="append", required=True, metavar="ID", help="repeat for each id"
    )
    erase.add_argument("--reference", help="request reference for the log, e.g. DPO-2025-07")
    erase.set_defaults(handler=_erase)

    backup = sub.add_parser(
        "backup",
        parents=[common],
        help="write a consistent backup of the server database (SQLite copy or pg_dump)",
    )
    backup.add_argument("--out", required=True, metavar="FILE", help="new backup file")
    backup.set_defaults(handler=_backup)

    restore = sub.add_parser(
        "restore",
        parents=[common],
        help="load a backup into a new, empty database (--db / SURVEY_APP_SERVER_DB)",
    )
    restore.add_argument("backup_file", metavar="FILE", help="file written by `server backup`")
    restore.set_defaults(handler=_restore)


_OPTIONS = (
    "db",
    "db_password",
    "host",
    "port",
    "study_id",
    "max_body_bytes",
    "rate",
    "burst",
    "certfile",
    "keyfile",
    "log_format",
    "forwarded_allow_ips",
    "client_address_header",
    "enrol_failures_per_hour",
    "enrol_failures_total_per_hour",
    "insecure_http",
)


def _settings(args: argparse.Namespace) -> dict[str, object]:
    """Command line over SURVEY_APP_SERVER_* over the settings file over defaults."""
    from survey_app.server.settings import resolve_settings

    given = {name: getattr(args, name, None) for name in _OPTIONS}
    return resolve_settings(given, os.environ, getattr(args, "config", None))


def _study_ids(settings: dict[str, object]) -> tuple[str, ...]:
    return tuple(settings["study_id"] or ())  # type: ignore[arg-type]


def _config(settings: dict[str, object]):  # -> ServerConfig
    from survey_app.errors import UserFacingError
    from survey_app.server.config import ServerConfig, default_database_path

    limits = {
        "max_body_bytes": settings["max_body_bytes"],
        "rate_per_second": settings["rate"],
        "rate_burst": settings["burst"],
        "enrol_failures_per_hour": settings["enrol_failures_per_hour"],
        "enrol_failures_total_per_hour": settings["enrol_failures_total_per_hour"],
        "client_address_header": settings["client_address_header"],
    }
    options = {k: v for k, v in limits.items() if v is not None}
    proxies = str(settings["forwarded_allow_ips"] or "")
    options["trusted_proxies"] = tuple(p.strip() for p in proxies.split(",") if p.strip())
    database = str(settings["db"] or default_database_path())
    try:
        return ServerConfig(database=database, study_ids=_study_ids(settings), **options)
    except ValueError as exc:
        raise UserFacingError(str(exc)) from None


def _open(args: argparse.Namespace):  # -> ServerService
    from survey_app.server.service import ServerService

    return ServerService.open(_config(_settings(args)))


def _describe(database: str) -> str:
    # A PostgreSQL URL may carry a password: never print it.
    return "PostgreSQL" if database.startswith(("postgres://", "postgresql://")) else database


def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from survey_app.errors import UserFacingError
    from survey_app.server.logs import configure_logging
    from survey_app.server.runner import TlsFiles, serve_forever
    from survey_app.server.service import ServerService

    settings = _settings(args)
    certfile, keyfile = settings["certfile"], settings["keyfile"]
    if bool(certfile) != bool(keyfile):
        raise UserFacingError("--certfile and --keyfile must be given together")
    host, port = str(settings["host"]), int(settings["port"])  # type: ignore[call-overload]
    if not _study_ids(settings):
        raise UserFacingError(
            "give the studies this server collects: --study-id STUDY (repeat for several), or "
            "SURVEY_APP_SERVER_STUDY_ID"
        )
    if not certfile and not _is_loopback(host) and not settings["insecure_http"]:
        raise UserFacingError(
            f"refusing plain HTTP on the network address {host}: give --certfile/--keyfile, "
            "or listen on 127.0.0.1 behind a TLS reverse proxy (see docs/server.md); "
            "--insecure-http allows it for a proxy on a closed internal network"
        )
    configure_logging(str(settings["log_format"]))
    service = ServerService.open(_config(settings))
    tls = TlsFiles(Path(str(certfile)), Path(str(keyfile))) if certfile else None
    try:
        server, sock = serve_forever(service, host, port, tls)
        host, port = sock.getsockname()[:2]
        scheme = "https" if tls else "http"
        if tls is None and not _is_loopback(str(host)):
            print(
                "warning: plain HTTP on a network address (insecure_http): only for a TLS "
                "proxy in front on a closed network",
                file=sys.stderr,
            )
        print(
            f"survey server listening on {scheme}://{host}:{port} "
            f"(database: {_describe(service.config.database)})",
            flush=True,
        )
        print(f"receipt key: {service.server_public_key}", flush=True)
        print(f"studies: {', '.join(service.config.study_ids)}", flush=True)
        server.run(sockets=[sock])
    finally:
        service.close()
    return 0


def _enrol_code(args: argparse.Namespace) -> int:
    from survey_app.errors import UserFacingError

    if args.count < 1 or args.count > 100:
        raise UserFacingError("--count must be between 1 and 100")
    if args.hours <= 0:
        raise UserFacingError("--hours must be positive")
    service = _open(args)
    try:
        for _ in range(args.count):
            code, expires = service.create_enrol_code(
                ttl=timedelta(hours=args.hours), label=args.label
            )
            print(f"{code}  (single use, expires {expires:%Y-%m-%d %H:%M} UTC)")
    finally:
        service.close()
    return 0


def _add_account(args: argparse.Namespace) -> int:
    from survey_app.errors import UserFacingError
    from survey_app.server.service import ServiceError

    service = _open(args)
    try:
        account, token = service.create_account(args.name, args.role)
    except ServiceError as exc:
        raise UserFacingError(exc.message) from None
    finally:
        service.close()
    print(f"{account.role} account {account.name!r} created. Its token (shown only now):")
    print(token)
    return 0


def _devices(args: argparse.Namespace) -> int:
    service = _open(args)
    try:
        devices = service.repository.devices()
    finally:
        service.close()
    for device in devices:
        state = "revoked" if device.revoked else "active"
        print(f"{device.device_id}  {state:7}  enrolled {device.enrolled_at}  {device.label or ''}")
    if not devices:
        print("no devices enrolled")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from survey_app.errors import UserFacingError

    service = _open(args)
    try:
        found = service.repository.revoke_device(args.device_id)
    finally:
        service.close()
    if not found:
        raise UserFacingError(f"no enrolled device {args.device_id!r}")
    print(f"device {args.device_id} revoked")
    return 0


def _info(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from survey_app.bundle import atomic_write_bytes

    service = _open(args)
    try:
        server = {
            "device_id": service.server_key.device_id,
            "public_key": service.server_public_key,
        }
        devices = service.repository.devices()
    finally:
        service.close()
    print(f"server key: {server['device_id']} {server['public_key']}")
    print(f"enrolled laptops: {len(devices)}")
    if args.known_devices:
        # Revoked laptops stay listed: what they sent before revocation is still theirs.
        rows = [{**server, "role": "server"}] + [
            {
                "device_id": d.device_id,
                "public_key": d.public_key,
                "role": "laptop",
                "revoked": d.revoked,
            }
            for d in devices
        ]
        data = json.dumps({"devices": rows}, indent=2).encode("utf-8") + b"\n"
        atomic_write_bytes(Path(args.known_devices), data)
        print(f"wrote {len(rows)} key(s) to {args.known_devices}")
    return 0


def _erase(args: argparse.Namespace) -> int:
    from survey_app.errors import UserFacingError
    from survey_app.server.erasure import CLI_REQUESTER
    from survey_app.server.service import ServiceError

    service = _open(args)
    try:
        result = service.erase_submissions(
            args.submission, reference=args.reference, requested_by=CLI_REQUESTER
        )
    except ServiceError as exc:
        raise UserFacingError(exc.message) from None
    finally:
        service.close()
    for submission_id, outcome in result.outcomes.items():
        print(f"{submission_id}  {outcome}")
    if result.erasure_id:
        print(f"erasure {result.erasure_id} logged; these ids are refused on upload from now on")
    else:
        print("all of these were erased before; nothing changed")
    return 0


def _database(args: argparse.Namespace) -> str:
    from survey_app.server.config import default_database_path

    return str(_settings(args)["db"] or default_database_path())


def _backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from survey_app.server.backup import backup

    backup(_database(args), Path(args.out))
    print(f"backup written to {args.out}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from survey_app.server.backup import restore

    database = _database(args)
    restore(Path(args.backup_file), database)
    print(f"restored {args.backup_file} into {_describe(database)}; start the server on it")
    return 0
