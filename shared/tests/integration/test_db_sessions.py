"""The engine and sessions every service gets from staffroom_shared.db: read sessions that cannot write and, on
PostgreSQL, open no transaction; and the pool's ping of connections that sat idle, against a real server."""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Column, MetaData, String, Table, Uuid, insert, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import registry

from staffroom_shared import db
from staffroom_shared.testing import postgres_database

metadata = MetaData()
notes = Table("notes", metadata, Column("id", Uuid, primary_key=True), Column("body", String(50)))


class Note:
    def __init__(self, body: str):
        self.id, self.body = uuid.uuid4(), body


registry().map_imperatively(Note, notes)


@contextmanager
def engine_on(backend: str, tmp_path: Path):
    if backend == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'notes.db'}")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    with postgres_database("dbsessions") as url:
        engine = db.make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def engine(request, tmp_path):
    with engine_on(request.param, tmp_path) as engine:
        metadata.create_all(engine)
        with db.make_session_factory(engine)() as session:
            session.add(Note("kept"))
            session.commit()
        yield engine


def bodies(engine) -> list[str]:
    with db.make_session_factory(engine)() as session:
        return sorted(session.scalars(select(notes.c.body)))


def test_a_read_session_reads_what_is_committed(engine):
    with db.make_session_factory(engine, readonly=True)() as reads:
        assert [n.body for n in reads.scalars(select(Note))] == ["kept"]


@pytest.mark.parametrize("write", [
    pytest.param(lambda s: s.add(Note("stray")), id="orm-add"),
    pytest.param(lambda s: s.delete(s.scalars(select(Note)).one()), id="orm-delete"),
    pytest.param(lambda s: setattr(s.scalars(select(Note)).one(), "body", "changed"), id="orm-change"),
])
def test_a_read_session_refuses_an_orm_write_and_nothing_is_written(engine, write):
    with db.make_session_factory(engine, readonly=True)() as reads:
        write(reads)
        with pytest.raises(db.ReadSessionWrite):
            reads.flush()
    assert bodies(engine) == ["kept"]


@pytest.mark.parametrize("statement", [
    pytest.param(lambda: insert(notes).values(id=uuid.uuid4(), body="stray"), id="insert"),
    pytest.param(lambda: update(notes).values(body="changed"), id="update"),
])
def test_a_read_session_refuses_a_write_statement_and_nothing_is_written(engine, statement):
    with db.make_session_factory(engine, readonly=True)() as reads:
        with pytest.raises(db.ReadSessionWrite):
            reads.execute(statement())
    assert bodies(engine) == ["kept"]


def test_a_read_session_may_change_an_object_back_without_writing(engine):
    # Touched but not changed (a view setting an attribute to the value it had): nothing to refuse.
    with db.make_session_factory(engine, readonly=True)() as reads:
        note = reads.scalars(select(Note)).one()
        note.body = "kept"
        reads.flush()


@pytest.mark.integration
def test_a_read_on_postgresql_opens_no_transaction(tmp_path):
    """One round trip for a read: no BEGIN before it, no ROLLBACK after it (the server sees no transaction)."""
    with engine_on("postgresql", tmp_path) as engine:
        metadata.create_all(engine)
        with db.make_session_factory(engine, readonly=True)() as reads:
            assert reads.scalars(select(notes.c.body)).all() == []
            assert reads.connection().connection.dbapi_connection.info.transaction_status.name == "IDLE"
        with db.make_session_factory(engine)() as writes:  # the pooled connection is back to transactions
            writes.execute(select(notes.c.body)).all()
            assert writes.connection().connection.dbapi_connection.info.transaction_status.name == "INTRANS"


def test_a_read_on_sqlite_opens_no_transaction_and_a_write_takes_the_lock(tmp_path):
    """As on PostgreSQL, each of a read session's statements is its own snapshot: no BEGIN (an appraisal read was
    two statements more than the bare read, issue 24); the unit of work's sessions still BEGIN IMMEDIATE."""
    with engine_on("sqlite", tmp_path) as engine:
        metadata.create_all(engine)
        with db.make_session_factory(engine, readonly=True)() as reads:
            assert reads.scalars(select(notes.c.body)).all() == []
            assert not reads.connection().connection.dbapi_connection.in_transaction
        with db.make_session_factory(engine)() as writes:
            writes.execute(select(notes.c.body)).all()
            assert writes.connection().connection.dbapi_connection.in_transaction


# -- the pool's ping of idle connections (PostgreSQL) -------------------------------------------------------

def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(url_engine, pid: int) -> None:
    with url_engine.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()


@contextmanager
def one_connection_pool(tmp_path):
    with postgres_database("dbping") as url:
        engine = db.make_engine(url, pool_size=1, max_overflow=0)
        killer = db.make_engine(url)
        try:
            yield engine, killer
        finally:
            engine.dispose()
            killer.dispose()


@pytest.mark.integration
def test_a_connection_dropped_while_idle_is_pinged_and_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
    with one_connection_pool(tmp_path) as (engine, killer):
        first = _backend_pid(engine)
        _terminate(killer, first)  # as a restarted server, a firewall or a proxy would
        second = _backend_pid(engine)  # no error: the ping found the dead connection and made a new one
        assert second != first


@pytest.mark.integration
def test_a_connection_used_moments_ago_is_not_pinged(tmp_path, monkeypatch):
    """Under load no ping is sent; a connection lost then fails its statement once, and the pool is replaced."""
    pings = []
    with one_connection_pool(tmp_path) as (engine, killer):
        real_ping = engine.dialect.do_ping
        monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(1) or real_ping(conn))
        first = _backend_pid(engine)
        for _ in range(3):
            assert _backend_pid(engine) == first
        assert pings == []
        _terminate(killer, first)
        with pytest.raises(OperationalError) as lost:
            _backend_pid(engine)
        assert lost.value.connection_invalidated
        assert _backend_pid(engine) != first


def test_a_deleted_row_cannot_be_read_back_from_the_sqlite_file(tmp_path):
    marker = f"erased-{uuid.uuid4().hex}"
    with engine_on("sqlite", tmp_path) as engine:
        metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(insert(notes), [{"id": uuid.uuid4(), "body": marker}, {"id": uuid.uuid4(), "body": "kept"}])
        with engine.begin() as conn:
            conn.execute(notes.delete().where(notes.c.body == marker))
    # the last connection closed: the WAL is copied into the file (a checkpoint) and removed
    files = b"".join(p.read_bytes() for p in tmp_path.glob("notes.db*"))
    assert b"kept" in files and marker.encode() not in files
