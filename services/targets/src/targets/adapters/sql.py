"""Inserts that tolerate a row already there, on SQLite and PostgreSQL alike (both say ON CONFLICT)."""
from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _insert(session: Session, table: Table):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def insert_missing(session: Session, table: Table, **values) -> bool:
    """Insert unless a row with the same key exists; True when it was inserted."""
    result = session.execute(_insert(session, table).values(**values).on_conflict_do_nothing())
    return result.rowcount == 1


def upsert(session: Session, table: Table, values: dict, update: dict) -> None:
    """Insert `values`, or set `update` on the row with the same primary key."""
    keys = [c.name for c in table.primary_key.columns]
    session.execute(_insert(session, table).values(**values).on_conflict_do_update(index_elements=keys, set_=update))
