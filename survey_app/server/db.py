"""Two connection adapters, SQLite and PostgreSQL, behind one tiny interface.

All SQL is written once with `?` placeholders and portable types; an adapter only knows how to
connect, begin a transaction, spell an auto-increment key and serialise appends.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from survey_app.errors import UserFacingError
from survey_app.private_files import private_database

# Any constant works; it only has to be the same for every server process on one database.
_APPEND_LOCK_KEY = 5_150_001
_KEY_LOCK_SPACE = 5_150_002
# Most writes one shared SQLite commit carries (one fsync for all of them).
MAX_GROUP = 64

T = TypeVar("T")


class Transaction(Protocol):
    """What repository code may do inside one transaction."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None: ...

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def lock_appends(self) -> None:
        """Serialise writers that append numbered rows, so cursors never skip a late commit."""

    def lock_key(self, key: str) -> None:
        """Serialise writers of one key (e.g. one rate-limit bucket) until the commit."""


class Database(Protocol):
    """A database the repository can open transactions on."""

    serial_primary_key: str

    @contextmanager
    def transaction(self, *, write: bool = True, durable: bool = True) -> Iterator[Transaction]:
        """One transaction; `durable=False` commits without waiting for the disk (counters)."""
        ...

    def write_shared(self, work: Callable[[Transaction], T]) -> T:
        """Run work in a write transaction, maybe together with other threads' work.

        Returns (or raises what work raised) only after the transaction is durably committed;
        work that raises is rolled back alone, the others' work is still committed.
        """
        ...

    def after_delete(self, tables: Sequence[str]) -> None:
        """Remove deleted rows' old bytes from the database files (after an erasure)."""

    def volatile(self) -> Database:
        """Where short-lived counters shared by every process go (rate limits): no fsync."""
        ...

    def close(self) -> None: ...


@dataclass
class _Pool:
    """A small thread-safe pool, so each request does not pay for a new connection."""

    factory: Any
    size: int

    def __post_init__(self) -> None:
        self._idle: queue.LifoQueue[Any] = queue.LifoQueue()
        self._all: list[Any] = []
        self._lock = threading.Lock()

    def get(self) -> Any:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            conn = self.factory()
            with self._lock:
                self._all.append(conn)
            return conn

    def put(self, conn: Any) -> None:
        if self._idle.qsize() < self.size:
            self._idle.put(conn)
        else:
            self.discard(conn)

    def discard(self, conn: Any) -> None:
        with self._lock:
            if conn in self._all:
                self._all.remove(conn)
        # A broken connection may fail to close; it is gone anyway.
        with suppress(Exception):
            conn.close()

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            with suppress(Exception):
                conn.close()


@dataclass(eq=False)
class _Job:
    work: Callable[[Any], Any]
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    result: Any = None
    error: BaseException | None = None


class GroupCommit:
    """Group commit: threads that write at the same time share one transaction and one fsync.

    The first writer to arrive leads: it runs every waiting job (up to MAX_GROUP) in one
    transaction, commits, wakes those writers, and hands the lead to the next writer waiting.
    Nobody is answered before the commit that holds their write, and nobody busy-waits on
    SQLite's write lock inside one process.
    """

    def __init__(self, run_group: Callable[[list[_Job]], None]) -> None:
        self._run_group = run_group
        self._lock = threading.Lock()
        self._waiting: list[_Job] = []
        self._busy = False

    def submit(self, work: Callable[[Any], T]) -> T:
        """Run work in the next shared transaction; return its result once committed."""
        job = _Job(work)
        with self._lock:
            self._waiting.append(job)
            job.lead = not self._busy
            self._busy = True
        if not job.lead:
            job.done.wait()
        if job.lead:  # first to arrive, or handed the lead while waiting
            self._lead()
        if job.error is not None:
            raise job.error
        return job.result

    def _lead(self) -> None:
        with self._lock:
            group, self._waiting = self._waiting[:MAX_GROUP], self._waiting[MAX_GROUP:]
        try:
            self._run_group(group)
        except BaseException as exc:
            for job in group:
                job.error = job.error or exc
        finally:
            with self._lock:
                for job in group:
                    job.lead = False
                    job.done.set()
                if self._waiting:
                    following = self._waiting[0]
                    following.lead = True
                    following.done.set()
                else:
                    self._busy = False


class _SqliteTx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._conn.execute(sql, tuple(params))

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        return self._conn.execute(sql, tuple(params)).fetchone()

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._conn.execute(sql, tuple(params)).fetchall()

    def lock_appends(self) -> None:
        """SQLite write transactions start with BEGIN IMMEDIATE and are already serial."""

    def lock_key(self, key: str) -> None:
        """SQLite write transactions are already serial."""


class SqliteDatabase:
    """The embedded default: one SQLite file in WAL mode, fsync on every commit.

    `durable=False` is for the companion file of counters (see `volatile`): never fsynced.
    """

    serial_primary_key = "INTEGER PRIMARY KEY AUTOINCREMENT"

    def __init__(self, path: Path, pool_size: int = 8, *, durable: bool = True) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserFacingError(f"cannot create the database folder {self.path.parent}") from exc
        self._durable = durable
        self._pool = _Pool(self._connect, pool_size)
        self._group = GroupCommit(self._run_group)
        self._volatile: SqliteDatabase | None = None
        self._volatile_lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        try:
            # The file holds the receipt signing key and the erasure secret: owner only.
            private_database(self.path)
            conn = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            # FULL makes a commit durable in WAL mode before we acknowledge an upload.
            conn.execute("PRAGMA synchronous=FULL" if self._durable else "PRAGMA synchronous=OFF")
            conn.execute("PRAGMA foreign_keys=ON")
            # An erasure overwrites the freed pages instead of leaving envelopes in free space.
            conn.execute("PRAGMA secure_delete=ON")
        except (sqlite3.DatabaseError, OSError) as exc:
            raise UserFacingError(f"cannot open the server database {self.path}") from exc
        return conn

    @contextmanager
    def transaction(self, *, write: bool = True, durable: bool = True) -> Iterator[Transaction]:
        """Run a block in one transaction: commit on success, roll back on any error."""
        conn = self._pool.get()
        relaxed = self._durable and not durable
        try:
            if relaxed:
                # Per connection and only outside a transaction; set back right after, whatever
                # happens, so no upload on this pooled connection ever commits without fsync.
                conn.execute("PRAGMA synchronous=OFF")
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield _SqliteTx(conn)
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            finally:
                if relaxed:
                    conn.execute("PRAGMA synchronous=FULL")
        except sqlite3.Error:
            self._pool.discard(conn)
            raise
        except BaseException:
            self._pool.put(conn)
            raise
        else:
            self._pool.put(conn)

    def write_shared(self, work: Callable[[Transaction], T]) -> T:
        """Run work in a write transaction shared with concurrent writers (one fsync)."""
        return self._group.submit(work)

    def _run_group(self, group: list[_Job]) -> None:
        conn = self._pool.get()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for job in group:
                    # Each job's writes can be undone alone; the others still commit.
                    conn.execute("SAVEPOINT job")
                    try:
                        job.result = job.work(_SqliteTx(conn))
                    except Exception as exc:
                        job.error = exc
                        conn.execute("ROLLBACK TO job")
                    conn.execute("RELEASE job")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error:
            # Nothing of the group is committed: every job fails, none is acknowledged.
            self._pool.discard(conn)
            raise
        except BaseException:
            self._pool.put(conn)
            raise
        else:
            self._pool.put(conn)

    def after_delete(self, tables: Sequence[str]) -> None:
        """Copy the WAL into the file and truncate it, so old page versions do not linger.

        secure_delete already overwrote the rows in `tables` when they were deleted.
        """
        conn = self._pool.get()
        try:
            # Busy readers may keep part of the WAL; the next checkpoint finishes the job.
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.Error:
            self._pool.discard(conn)
        else:
            self._pool.put(conn)

    def volatile(self) -> SqliteDatabase:
        """The companion file `<database>-limits` for counters every process shares.

        SQLite has one write lock per file, and an upload's commit holds it through its fsync;
        a rate-limit update on every request in the same file would queue behind each fsync
        (and split the shared commits). In a file of their own, never fsynced, the counters
        cost microseconds; a power cut may forgive a few requests, never lose an upload.
        """
        with self._volatile_lock:
            if self._volatile is None:
                companion = self.path.with_name(self.path.name + "-limits")
                self._volatile = SqliteDatabase(companion, durable=False)
            return self._volatile

    def close(self) -> None:
        """Close every pooled connection (and the companion file's)."""
        self._pool.close()
        if self._volatile is not None:
            self._volatile.close()


class _PostgresTx:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    @staticmethod
    def _sql(sql: str) -> str:
        # Our SQL never contains a literal '?' or '%', so this rewrite is exact.
        return sql.replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._conn.execute(self._sql(sql), tuple(params))

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        return self._conn.execute(self._sql(sql), tuple(params)).fetchone()

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._conn.execute(self._sql(sql), tuple(params)).fetchall()

    def lock_appends(self) -> None:
        """Identity values are handed out before commit; a lock keeps commit order = seq order."""
        self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (_APPEND_LOCK_KEY,))

    def lock_key(self, key: str) -> None:
        """A transaction-level advisory lock on the key's hash (two int4 keys: no clash)."""
        self._conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_KEY_LOCK_SPACE, key))


class PostgresDatabase:
    """Production backend: a PostgreSQL URL (psycopg 3)."""

    serial_primary_key = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"

    def __init__(self, url: str, pool_size: int = 8) -> None:
        self.url = url
        self._pool = _Pool(self._connect, pool_size)

    def _connect(self) -> Any:
        import psycopg

        try:
            return psycopg.connect(self.url, autocommit=False, connect_timeout=10)
        except psycopg.OperationalError as exc:
            # The URL may hold a password: never echo it back.
            raise UserFacingError("cannot connect to the PostgreSQL server") from exc

    @contextmanager
    def transaction(self, *, write: bool = True, durable: bool = True) -> Iterator[Transaction]:
        """Run a block in one transaction: commit on success, roll back on any error."""
        import psycopg

        conn = self._pool.get()
        try:
            with conn.transaction():
                if not durable:
                    conn.execute("SET LOCAL synchronous_commit = off")
                yield _PostgresTx(conn)
        except (psycopg.OperationalError, psycopg.InterfaceError):
            self._pool.discard(conn)
            raise
        except BaseException:
            self._pool.put(conn)
            raise
        else:
            self._pool.put(conn)

    def write_shared(self, work: Callable[[Transaction], T]) -> T:
        """Run work in its own transaction (PostgreSQL commits concurrent writers in parallel)."""
        with self.transaction() as tx:
            return work(tx)

    def after_delete(self, tables: Sequence[str]) -> None:
        """Rewrite `tables` (VACUUM FULL) so deleted rows leave the database files now.

        A DELETE only marks rows dead; plain VACUUM frees their space without overwriting it.
        VACUUM FULL writes live rows (and TOAST data and indexes) to new files and truncates the
        old ones at commit. It locks each table for the seconds the copy takes, which is fine
        for erasures (rare, at a person's request). WAL segments and backups still hold the
        old bytes until they are recycled or expire: see docs/deploy.md.
        """
        import psycopg

        # VACUUM cannot run in a transaction: a separate autocommit connection.
        with psycopg.connect(self.url, autocommit=True, connect_timeout=10) as conn:
            for table in tables:
                conn.execute(f"VACUUM (FULL) {_identifier(table)}")

    def volatile(self) -> PostgresDatabase:
        """The same database: rows lock one by one, and counters commit without waiting."""
        return self

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.close()


def _identifier(name: str) -> str:
    # Table names come from our own code; refuse anything that is not a plain name anyway.
    if not name.isidentifier():
        raise ValueError(f"not a table name: {name!r}")
    return name


def open_database(target: str | Path) -> Database:
    """Open `postgresql://...` URLs with psycopg and anything else as a SQLite file path."""
    text = str(target)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresDatabase(text)
    if text.startswith("sqlite:///"):
        text = text.removeprefix("sqlite:///")
    return SqliteDatabase(Path(text))


def is_integrity_error(exc: BaseException) -> bool:
    """True for a unique/foreign-key violation from either driver."""
    if isinstance(exc, sqlite3.IntegrityError):
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    return isinstance(exc, psycopg.IntegrityError)
