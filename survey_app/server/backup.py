"""`server backup` / `server restore`: a consistent copy of the whole server database, and back.

SQLite: the online backup API (a consistent snapshot while the server runs) into one file.
PostgreSQL: `pg_dump --format=custom` (one consistent snapshot, also while serving) and
`pg_restore` into an EMPTY database. Either way everything comes back: sealed submissions with
their sequence numbers and receipts, devices, accounts, enrolment codes, the receipt key, the
erasure secret and tombstones, so pulls and receipts after a restore are the same as before.
The password of a PostgreSQL URL goes to the tools in their environment, never on a command line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from survey_app.errors import UserFacingError

_POSTGRES = ("postgresql://", "postgres://")


def is_postgres(database: str) -> bool:
    """True for a PostgreSQL URL, False for a SQLite file path."""
    return database.startswith(_POSTGRES)


def backup(database: str, out: Path) -> None:
    """Write a backup of the server database to `out` (refuses to overwrite a file)."""
    out = Path(out)
    if out.exists():
        raise UserFacingError(f"{out} exists; choose a new file name for the backup")
    partial = out.with_name(out.name + ".partial")
    try:
        if is_postgres(database):
            _run(
                "pg_dump",
                ["--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"],
                database,
            )
        else:
            _sqlite_copy(Path(_sqlite_path(database)), partial, must_exist=True)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)


def restore(backup_file: Path, database: str) -> None:
    """Load a backup into an empty database (refuses one that already holds server tables)."""
    backup_file = Path(backup_file)
    if not backup_file.is_file():
        raise UserFacingError(f"no backup file {backup_file}")
    if is_postgres(database):
        if _postgres_has_tables(database):
            raise UserFacingError(
                "the target database already holds server tables; restore into a new, empty "
                "database (createdb) and point the server at it"
            )
        _run(
            "pg_restore",
            [
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                str(backup_file),
            ],
            database,
        )
        return
    target = Path(_sqlite_path(database))
    if target.exists() and target.stat().st_size > 0:
        raise UserFacingError(
            f"{target} exists; restore into a new file and point the server at it"
        )
    _sqlite_copy(backup_file, target, must_exist=True)


def _sqlite_path(database: str) -> str:
    return database.removeprefix("sqlite:///")


def _sqlite_copy(source: Path, target: Path, *, must_exist: bool) -> None:
    if must_exist and not source.is_file():
        raise UserFacingError(f"no SQLite database at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            # One self-contained file: no WAL beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
    except sqlite3.DatabaseError as exc:
        raise UserFacingError(f"cannot copy the SQLite database ({exc})") from None


def _postgres_has_tables(database: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(database, connect_timeout=10) as conn:
            row = conn.execute("SELECT to_regclass('server_meta') IS NOT NULL").fetchone()
    except psycopg.OperationalError:
        raise UserFacingError("cannot connect to the PostgreSQL server") from None
    return bool(row and row[0])


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    if candidates:
        return str(candidates[0])
    raise UserFacingError(
        f"{name} is not installed; install the PostgreSQL client tools (e.g. postgresql-client)"
    )


def _run(tool: str, args: list[str], database: str) -> None:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(database)
    password = params.pop("password", None)
    env = {**os.environ, "PGPASSWORD": str(password)} if password else dict(os.environ)
    done = subprocess.run(
        [_tool(tool), *args, f"--dbname={make_conninfo(**params)}"],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        # The tools' messages name objects and the server, never row contents.
        detail = done.stderr.strip().splitlines()[-1:] or ["no message"]
        raise UserFacingError(f"{tool} failed: {detail[0][:300]}")
