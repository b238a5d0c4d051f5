"""What PostgreSQL (through psycopg) holds and refuses, so the guard refuses exactly the text it must."""
from __future__ import annotations

import pytest
from sqlalchemy import JSON, Column, Integer, MetaData, Table, Text, create_engine, insert, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DBAPIError, StatementError

from staffroom_shared.storable import unstorable
from staffroom_shared.testing import STORABLE_TEXT, UNSTORABLE_TEXT, postgres_database

pytestmark = pytest.mark.integration

metadata = MetaData()
notes = Table("notes", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
              Column("body", Text, index=True), Column("doc", JSON().with_variant(JSONB, "postgresql")))


@pytest.fixture(scope="module")
def engine():
    with postgres_database("storable") as url:
        engine = create_engine(url)
        metadata.create_all(engine)
        yield engine
        engine.dispose()


@pytest.mark.parametrize("text", STORABLE_TEXT.values(), ids=STORABLE_TEXT.keys())
def test_postgresql_holds_what_the_guard_lets_through(engine, text):
    assert unstorable(text) is None
    with engine.begin() as conn:
        row_id = conn.execute(insert(notes).values(body=text, doc={text: [text]})).inserted_primary_key[0]
        assert conn.execute(select(notes.c.body, notes.c.doc).where(notes.c.id == row_id)).one() == (
            text, {text: [text]})


@pytest.mark.parametrize("text", UNSTORABLE_TEXT.values(), ids=UNSTORABLE_TEXT.keys())
@pytest.mark.parametrize("column", ["body", "doc"])
def test_postgresql_refuses_what_the_guard_refuses(engine, text, column):
    assert unstorable(text) is not None
    value = text if column == "body" else {"comment": text}
    # NUL: psycopg's DataError (text) or the server's (jsonb); a surrogate: UnicodeEncodeError before sending.
    with pytest.raises((DBAPIError, StatementError, UnicodeEncodeError)), engine.begin() as conn:
        conn.execute(insert(notes).values(**{column: value}))
