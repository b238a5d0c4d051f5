"""Database plumbing: engines for SQLite (embedded) and PostgreSQL (production), and the platform tables."""
from __future__ import annotations

from collections.abc import Sequence

import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    JSON, BigInteger, Column, DateTime, Enum, Integer, MetaData, String, Table, Text, TypeDecorator, Uuid,
    create_engine, event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.orm import Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite's INTEGER PRIMARY KEY is its rowid; BIGINT is needed on PostgreSQL for a long-lived outbox.
_BigId = BigInteger().with_variant(Integer(), "sqlite")


def new_metadata() -> MetaData:
    """Each service owns its own metadata (its own database); the platform tables are added to it."""
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    outbox_table(metadata)
    inbox_table(metadata)
    audit_table(metadata)
    return metadata


def outbox_table(metadata: MetaData) -> Table:
    return Table(
        "outbox", metadata,
        Column("seq", _BigId, primary_key=True, autoincrement=True),
        Column("event_id", Uuid, nullable=False, unique=True),
        Column("event_type", String(100), nullable=False),
        Column("envelope", JSON, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("sent_at", DateTime(timezone=True), nullable=True, index=True),
    )


def inbox_table(metadata: MetaData) -> Table:
    return Table(
        "inbox", metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", Uuid, primary_key=True),
        Column("event_type", String(100), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False),
    )


def audit_table(metadata: MetaData) -> Table:
    return Table(
        "audit_log", metadata,
        Column("id", _BigId, primary_key=True, autoincrement=True),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("actor", String(100), nullable=False),
        Column("action", String(100), nullable=False),
        Column("entity", String(100), nullable=False),
        Column("entity_id", String(100), nullable=False, index=True),
        Column("changes", JSON, nullable=True),
        Column("correlation_id", String(100), nullable=True),
        Column("note", Text, nullable=True),
    )


def text_enum(cls) -> Enum:
    """Stored as its text value (no database enum type), loaded back as the domain's enum."""
    return Enum(cls, native_enum=False, create_constraint=False, length=40,
                values_callable=lambda members: [m.value for m in members])


class UtcDateTime(TypeDecorator):
    """A moment in time, stored in UTC and read back time-zone aware on every database.

    SQLite keeps no offset, so without this a meeting at 15:30+01:00 would come back as a naive 15:30.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a moment in time needs a time zone")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, _dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def make_engine(url: str, **kwargs) -> Engine:
    # A failed statement's values (survey answers and comments, names, emails, message bodies) would otherwise
    # be written into the error's text, and so into the logs ("database unavailable: ..."). Keep them out.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        _sqlite_pragmas(engine)
        return engine
    if "poolclass" not in kwargs:  # NullPool (Alembic) takes no pool sizes
        kwargs.setdefault("pool_size", 5)
        kwargs.setdefault("max_overflow", 10)
    engine = create_engine(url, **kwargs)
    _ping_after_idle(engine)
    return engine


PING_AFTER_IDLE_SECONDS = 5.0


def _ping_after_idle(engine: Engine) -> None:
    """`pool_pre_ping` for connections that have sat idle in the pool, and only for those.

    A connection PostgreSQL (or a firewall, or a proxy) dropped while it was idle is found by a ping before it
    is used, and every connection older than it is replaced, just as `pool_pre_ping` does. A connection used
    in the last few seconds is not pinged: under load that ping was a round trip on every request, 3.5 % of
    the web processes' CPU (docs/performance.md). If PostgreSQL restarts while a service is busy, the first
    statement on each process's pool fails instead, with the 503 and Retry-After the restart itself gives,
    and the pool is replaced the same way.
    """
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        idle_since = record.info.get("idle_since")  # none on a new connection: it has just been made
        if idle_since is None or time.monotonic() - idle_since <= PING_AFTER_IDLE_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            if dialect.is_disconnect(exc, dbapi_connection, None):
                raise InvalidatePoolError(f"an idle connection was lost: {exc}") from exc
            raise


def _sqlite_pragmas(engine: Engine) -> None:
    # WAL lets readers run beside the one writer; synchronous=FULL makes a commit survive power loss,
    # which the embedded bus relies on for "confirmed" to mean durable. Python's sqlite3 module opens
    # its own transactions lazily, so BEGIN is issued explicitly to make writes take the lock up front
    # (BEGIN IMMEDIATE) instead of failing half-way with "database is locked". secure_delete zeroes what a
    # DELETE or UPDATE frees, so a deleted row (an erased person, an emptied ballot box) cannot be read back
    # from the file's free pages; the WAL's older frames are overwritten as it is reused.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        options = connection.get_execution_options()
        if options.get("staffroom_each_statement"):
            return  # a request's reads: each statement its own snapshot, as on PostgreSQL (make_session_factory)
        connection.exec_driver_sql("BEGIN" if options.get("staffroom_readonly", False) else "BEGIN IMMEDIATE")


def make_session_factory(engine: Engine, readonly: bool = False) -> sessionmaker:
    """Sessions for the unit of work, or (`readonly`) for a request's reads.

    Read sessions skip SQLite's write lock, so reads run side by side while writers queue for it. On PostgreSQL
    they run in autocommit: at READ COMMITTED every statement takes its own snapshot inside a transaction too,
    so a read gives the same rows with one round trip instead of three (BEGIN, the SELECT, the ROLLBACK when
    the connection goes back). On SQLite likewise no BEGIN: each SELECT is its own snapshot (an appraisal read was
    two statements more than the bare read, issue 24). Either way a read session refuses to write: writes go through
    the unit of work, which records their audit rows and events in the same transaction.
    """
    if not readonly:
        return sessionmaker(bind=engine, expire_on_commit=False)
    options = {"isolation_level": "AUTOCOMMIT"} if engine.dialect.name == "postgresql" else \
        {"staffroom_each_statement": True}
    factory = sessionmaker(bind=engine.execution_options(staffroom_readonly=True, **options),
                           expire_on_commit=False)
    event.listen(factory, "before_flush", _refuse_write)
    event.listen(factory, "do_orm_execute", _refuse_write_statement)
    return factory


class ReadSessionWrite(RuntimeError):
    """A programming error: something tried to write through a request's read session."""


def _refuse_write(session: Session, _flush_context, _instances) -> None:
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        raise ReadSessionWrite("a read session cannot write; use the unit of work (context().uow())")


def _refuse_write_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise ReadSessionWrite("a read session cannot write; use the unit of work (context().uow())")


def forget_old_pages(engine, tables: Sequence[str] = ()) -> None:
    """What was deleted or overwritten stays readable in the files for a while. SQLite zeroes what it frees in the
    database file (secure_delete), but the write-ahead log still holds the pages as they were until a checkpoint:
    copy them back and empty it. PostgreSQL keeps the old row versions (with the transaction that wrote them) until
    vacuumed: `tables`, the ones whose old versions must not outlive the change, are rewritten by VACUUM FULL, so
    the database files keep none (outsider O8: who answered a closed 360, and withdrawn recognition's words, read
    back with pageinspect). Its WAL is the administrator's to recycle and archive (docs/privacy.md)."""
    if engine.dialect.name == "sqlite":
        connection = engine.raw_connection()  # no BEGIN: a checkpoint inside a transaction cannot empty the log
        try:
            connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    elif engine.dialect.name == "postgresql" and tables:
        preparer = engine.dialect.identifier_preparer
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM (FULL) " + ", ".join(preparer.quote(t) for t in tables))
