"""`python main.py pull`: the data manager fetches new sealed submissions from the server."""

from __future__ import annotations

import argparse
import sys

TOKEN_ENV = "SURVEY_APP_TOKEN"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `pull` command."""
    parser = subparsers.add_parser(
        "pull",
        help="fetch new sealed submissions from the research server as bundle files",
        description="Fetch everything the server received since the last pull into DIR, one "
        "verified bundle file per export page (signed by the server key, still encrypted), and "
        "remember where to continue. Import DIR afterwards like a USB stick, with the `import` "
        "command (`import DIR --key ... --study ... --out ...`). The data-manager token is "
        f"read from ${TOKEN_ENV} (or --token-env VAR) or asked for.",
    )
    parser.add_argument("--server", required=True, help="server URL, e.g. https://survey.example")
    parser.add_argument("--out", required=True, metavar="DIR", help="pull folder (keeps a cursor)")
    parser.add_argument(
        "--token-env",
        default=TOKEN_ENV,
        metavar="VAR",
        help="environment variable holding the data-manager token (default %(default)s)",
    )
    parser.add_argument(
        "--since",
        metavar="CURSOR",
        help="start after this cursor instead of the folder's (0: everything again)",
    )
    parser.add_argument(
        "--ca",
        "--cafile",
        dest="ca",
        metavar="FILE",
        help="CA certificate (PEM) for the server's TLS",
    )
    parser.add_argument(
        "--insecure-http",
        action="store_true",
        help="allow plain http:// to a server on the network (closed test networks only)",
    )
    parser.add_argument("--study", help="study id, when the server holds several")
    parser.add_argument("--page-size", type=int, help="submissions per bundle file (max 500)")
    parser.add_argument("--attempts", type=int, default=3, help="tries per page (default 3)")
    parser.set_defaults(handler=_pull)


def _pull(args: argparse.Namespace) -> int:
    from pathlib import Path

    from survey_app.cli.cmd_erase_on_server import read_token
    from survey_app.errors import UserFacingError
    from survey_app.importer.pull import PulledBundle, PullOptions, pull
    from survey_app.sync.client import RetryPolicy

    if args.since is not None and not str(args.since).isdigit():
        raise UserFacingError("--since must be a cursor number printed by an earlier pull")
    if args.page_size is not None and args.page_size < 1:
        raise UserFacingError("--page-size must be at least 1")
    token = read_token(args.token_env)
    options = PullOptions(
        verify=args.ca or True,
        allow_insecure=args.insecure_http,
        page_size=args.page_size,
        study=args.study,
        retry=RetryPolicy(max_attempts=max(1, args.attempts), max_delay=5.0),
    )

    def progress(page: PulledBundle) -> None:
        print(f"wrote {page.path.name} ({page.envelopes} submission(s))", flush=True)

    since = int(args.since) if args.since is not None else None
    result = pull(
        args.server, token.strip(), Path(args.out), since=since, options=options, on_page=progress
    )
    if result.server_device_id:
        print(f"server key: {result.server_device_id} {result.server_public_key}")
    if result.bundles:
        print(
            f"pulled {result.envelopes} submission(s) in {len(result.bundles)} bundle(s) "
            f"into {result.out_dir}; cursor {result.start_cursor} -> {result.cursor}"
        )
    elif result.complete:
        print(f"nothing new on the server (cursor {result.cursor})")
    if result.stopped:
        from survey_app.cli.ca_hint import with_ca_hint

        print(f"pull stopped: {with_ca_hint(result.stopped)}", file=sys.stderr)
        return 3
    from survey_app.cli.program import program

    print(f"next: {program(args)} import {result.out_dir} --key ... --study ... --out ...")
    return 0
