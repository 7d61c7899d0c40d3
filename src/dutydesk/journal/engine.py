"""The SQLite engine of the journal: file, pragmas, transactions.

* The file is created ``0600`` and the folders dutydesk creates for it ``0700``
  (an existing folder is never chmod-ed: ``--db /tmp/x.db`` must not touch ``/tmp``).
* On every new connection (SQLAlchemy's ``connect`` event): pysqlite's own
  transaction handling is turned off (``isolation_level = None``), then
  ``busy_timeout``, ``journal_mode=WAL`` (writable only), ``synchronous=FULL`` and
  ``foreign_keys=ON`` are set: WAL cannot be switched on inside a transaction.
* Every transaction starts with ``BEGIN IMMEDIATE`` (SQLAlchemy's ``begin`` event):
  a writer takes the write lock before it reads the last hash, so two desks appending
  at once queue behind the busy timeout instead of forking the chain or failing with
  "database is locked". Pure reads ask for ``BEGIN DEFERRED`` through the execution
  option ``journal_begin``; a read-only engine always does.
* A read-only engine opens ``file:...?mode=ro`` and never writes.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from .errors import DatabaseCorrupt, UnknownDatabase

BUSY_TIMEOUT_MS = 10_000
SQLITE_MAGIC = b"SQLite format 3\x00"
BEGIN_OPTION = "journal_begin"


def prepare_file(path: Path) -> None:
    """Create the folders (0700) and the empty database file (0600) if missing."""
    missing: list[Path] = []
    parent = path.parent
    while not parent.exists():
        missing.append(parent)
        if parent.parent == parent:
            break
        parent = parent.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask
    if not path.exists():
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            return
        os.close(fd)
        os.chmod(path, 0o600)


def check_header(path: Path) -> None:
    """Refuse a file that is not SQLite before SQLite touches it (no write is attempted)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size == 0:
        return  # an empty file is an empty database
    with open(path, "rb") as fh:
        header = fh.read(100)
    problem = None
    if len(header) < 100:
        problem = f"it is only {len(header)} bytes long (truncated)"
    elif not header.startswith(SQLITE_MAGIC):
        problem = "it does not start with the SQLite header"
    else:
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
            problem = f"its header names an impossible page size ({page_size})"
        elif size % page_size:
            problem = f"its size ({size} bytes) is not a whole number of {page_size}-byte pages (truncated?)"
    if problem:
        raise DatabaseCorrupt(f"the journal file {path} is not a valid database: {problem}")


def on_readonly_filesystem(path: Path) -> bool:
    """Whether the folder of ``path`` is on a file system mounted read-only."""
    try:
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def sqlite_uri(path: Path, readonly: bool) -> str:
    """The URI SQLite opens: ``mode=ro`` for read-only, ``mode=rwc`` otherwise.

    A read-only open of a cleanly closed journal (no ``-wal`` file) on a read-only
    file system adds ``immutable=1``: SQLite could not create the ``-shm`` file there,
    and with no WAL there is nothing it would miss. With a ``-wal`` left behind SQLite
    must read it, so the plain read-only open is tried (it needs the ``-shm`` file).
    """
    mode = "ro" if readonly else "rwc"
    uri = f"file:{quote(str(path.resolve()))}?mode={mode}"
    if readonly and on_readonly_filesystem(path) and not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    return uri


def make_engine(
    path: Path, *, readonly: bool = False, max_pages: int | None = None, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Engine:
    """An engine on ``path``; connections are made lazily by the pool."""
    path = Path(path)
    if readonly and not path.exists():
        raise UnknownDatabase(f"there is no journal at {path}")
    uri = sqlite_uri(path, readonly)

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            uri,
            uri=True,
            timeout=busy_timeout_ms / 1000,
            isolation_level=None,
            check_same_thread=False,
        )

    engine = create_engine("sqlite+pysqlite://", creator=connect, poolclass=QueuePool, pool_size=4, max_overflow=8)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's `begin` event emits BEGIN
        cur = dbapi_connection.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            if not readonly:
                cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA foreign_keys = ON")
            if max_pages is not None:
                cur.execute(f"PRAGMA max_page_count = {int(max_pages)}")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = "DEFERRED" if readonly else conn.get_execution_options().get(BEGIN_OPTION, "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
