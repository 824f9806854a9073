"""`python main.py erase-on-server`: the server part of an erasure, by submission id."""

from __future__ import annotations

import argparse

TOKEN_ENV = "SURVEY_APP_TOKEN"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `erase-on-server` command."""
    parser = subparsers.add_parser(
        "erase-on-server",
        help="erase sealed submissions on the research server (data manager)",
        description="Ask the research server to delete these sealed submissions and refuse them "
        "from laptops and USB copies from now on. `participant erase --server` does this by "
        "itself; use this command to repeat the server part when the server could not be "
        f"reached. The data-manager token is read from ${TOKEN_ENV} (or --token-env) or asked.",
    )
    parser.add_argument("--server", required=True, help="server URL, e.g. https://survey.example")
    parser.add_argument(
        "--submission", action="append", required=True, metavar="ID", help="repeat for each id"
    )
    parser.add_argument("--reference", default="", help="request reference, e.g. DPO-2025-07")
    add_connection_options(parser)
    parser.set_defaults(handler=_erase_on_server)


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """--token-env and --ca, shared with `participant erase --server`."""
    parser.add_argument(
        "--token-env",
        default=TOKEN_ENV,
        metavar="VAR",
        help="environment variable holding the data-manager token (default %(default)s)",
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


def read_token(variable: str) -> str:
    """The data-manager token from the environment, else asked for (never echoed).

    Without the variable and without a terminal to type into, a clear refusal naming it.
    """
    import getpass
    import os
    import sys

    from survey_app.errors import UserFacingError

    token = os.environ.get(variable)
    if not token:
        if not sys.stdin.isatty():
            raise UserFacingError(f"no data-manager token: run in a terminal or set ${variable}")
        try:
            token = getpass.getpass("Data-manager token: ")
        except EOFError:
            raise UserFacingError(f"no data-manager token: set ${variable}") from None
    token = token.strip()
    if not token:
        raise UserFacingError("no data-manager token given")
    return token


def _erase_on_server(args: argparse.Namespace) -> int:
    from survey_app.importer.server_erasure import erase_on_server

    token = read_token(args.token_env)
    result = erase_on_server(
        args.server,
        token,
        args.submission,
        reference=args.reference,
        verify=args.ca or True,
        allow_insecure=args.insecure_http,
    )
    print(
        f"server: {result.deleted} deleted, {result.not_stored} not stored there (refused if "
        f"they ever arrive), {result.already_erased} erased before"
    )
    return 0
