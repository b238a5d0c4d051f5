"""The unit of work writes outbox rows with the change on commit, and nothing on rollback."""
import uuid

import pytest
from sqlalchemy import func, select

import msgkit  # the test contract; shared/tests/conftest.py puts it on the path

from staffroom_shared.bus import connect


@pytest.fixture
def rig(tmp_path):
    bus_url = f"embedded:///{tmp_path / 'bus.db'}"
    rig = msgkit.Rig(f"sqlite:///{tmp_path / 'service.db'}", lambda: connect(bus_url), "unit")
    rig.create_tables()
    yield rig
    rig.close()


def count(rig, table) -> int:
    with rig.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def outbox(rig):
    return msgkit.metadata.tables["outbox"]


def test_commit_writes_the_change_and_its_outbox_row_together(rig):
    event = rig.write_note("committed")
    assert count(rig, msgkit.notes) == 1
    with rig.engine.connect() as conn:
        row = conn.execute(select(outbox(rig))).one()
    assert row.event_id == event.id
    assert row.event_type == msgkit.NOTE_TYPE
    assert row.sent_at is None
    assert row.envelope["payload"]["text"] == "committed"
    assert row.envelope["producer"] == "msgtest"


def test_emit_without_commit_writes_nothing(rig):
    with rig.uow() as uow:
        uow.session.execute(msgkit.notes.insert().values(id=uuid.uuid4(), text="abandoned"))
        uow.emit(msgkit.NOTE_TYPE, {"note_id": uuid.uuid4(), "text": "abandoned"}, academy_id=None)
    assert count(rig, msgkit.notes) == 0
    assert count(rig, outbox(rig)) == 0


def test_rollback_discards_the_change_and_its_events(rig):
    with rig.uow() as uow:
        uow.session.execute(msgkit.notes.insert().values(id=uuid.uuid4(), text="rolled back"))
        uow.emit(msgkit.NOTE_TYPE, {"note_id": uuid.uuid4(), "text": "rolled back"}, academy_id=None)
        uow.rollback()
        # Events from a rolled-back attempt must not ride along with a later commit in the same unit.
        uow.commit()
    assert count(rig, msgkit.notes) == 0
    assert count(rig, outbox(rig)) == 0


def test_exception_inside_the_unit_writes_nothing(rig):
    with pytest.raises(RuntimeError):
        with rig.uow() as uow:
            uow.session.execute(msgkit.notes.insert().values(id=uuid.uuid4(), text="failed"))
            uow.emit(msgkit.NOTE_TYPE, {"note_id": uuid.uuid4(), "text": "failed"}, academy_id=None)
            raise RuntimeError("use case failed after emitting")
    assert count(rig, msgkit.notes) == 0
    assert count(rig, outbox(rig)) == 0


def test_failed_commit_writes_no_outbox_row(rig):
    note_id = uuid.uuid4()
    with rig.uow() as uow:
        uow.session.execute(msgkit.notes.insert().values(id=note_id, text="first"))
        uow.commit()
    with pytest.raises(Exception):
        with rig.uow() as uow:
            uow.session.execute(msgkit.notes.insert().values(id=note_id, text="duplicate key"))
            uow.emit(msgkit.NOTE_TYPE, {"note_id": note_id, "text": "duplicate key"}, academy_id=None)
            uow.commit()
    assert count(rig, outbox(rig)) == 0


def test_each_commit_writes_only_its_own_events(rig):
    first = rig.write_note("one")
    second = rig.write_note("two")
    with rig.engine.connect() as conn:
        ids = conn.execute(select(outbox(rig).c.event_id).order_by(outbox(rig).c.seq)).scalars().all()
    assert ids == [first.id, second.id]


def test_each_unit_of_work_outside_a_request_gets_its_own_correlation_id(rig):
    # A long-lived worker thread (scheduler, relay) must not tag all its work with one id.
    first, second = rig.write_note("one"), rig.write_note("two")
    assert first.correlation_id != second.correlation_id


def test_events_and_audit_rows_of_one_unit_of_work_share_its_correlation_id(rig):
    with rig.uow() as uow:
        a = uow.emit(msgkit.NOTE_TYPE, {"note_id": uuid.uuid4(), "text": "a"}, academy_id=None)
        b = uow.emit(msgkit.NOTE_TYPE, {"note_id": uuid.uuid4(), "text": "b"}, academy_id=None)
        uow.audit("note.added", "note", "n1")
        uow.commit()
    with rig.engine.connect() as conn:
        audited = conn.execute(select(msgkit.metadata.tables["audit_log"].c.correlation_id)).scalar_one()
    assert a.correlation_id == b.correlation_id == audited


def test_a_commit_of_more_events_than_one_outbox_statement_writes_every_one_once(rig, monkeypatch):
    from staffroom_shared import uow as uow_module

    monkeypatch.setattr(uow_module, "OUTBOX_CHUNK", 4)  # 10 events: statements of 4, 4 and 2
    with rig.uow() as uow:
        emitted = [uow.emit(msgkit.NOTE_TYPE, {"note_id": uuid.uuid4(), "text": f"n{i}"}, academy_id=None)
                   for i in range(10)]
        uow.commit()
    with rig.engine.connect() as conn:
        rows = conn.execute(select(outbox(rig).c.event_id, outbox(rig).c.envelope)).all()
    assert sorted(r.event_id for r in rows) == sorted(e.id for e in emitted)
    assert sorted(r.envelope["payload"]["text"] for r in rows) == sorted(f"n{i}" for i in range(10))


# -- events recorded by aggregates (issue 22): collected at commit, in order, through the service's contract table
from dataclasses import dataclass  # noqa: E402

from staffroom_shared.domain import Aggregate, DomainEvent  # noqa: E402
from staffroom_shared.testing import FakeUnitOfWork  # noqa: E402
from staffroom_shared.uow import Contract, Repository, UnitOfWork  # noqa: E402


@dataclass(frozen=True)
class Noted(DomainEvent):
    note_id: uuid.UUID
    text: str


class Note(Aggregate):
    def __init__(self, text):
        self.id = uuid.uuid4()
        self.text = text
        self.record(Noted(self.id, text))


CONTRACTS = {Noted: Contract(msgkit.NOTE_TYPE)}


class NoteUnitOfWork(UnitOfWork):
    contracts = CONTRACTS
    repositories = {"notes": Repository}


class FakeNotes(FakeUnitOfWork):
    contracts = CONTRACTS

    def __init__(self):
        super().__init__("msgtest")
        self.notes = Repository()


def test_recorded_events_reach_the_outbox_at_commit_in_the_order_they_happened(rig):
    with NoteUnitOfWork(rig.sessions, msgkit.metadata, producer="msgtest") as uow:
        first, second = Note("first"), Note("second")
        uow.notes.track_all([second, first])  # seen in another order than recorded
        uow.commit()
    with rig.engine.connect() as conn:
        rows = conn.execute(select(outbox(rig)).order_by(outbox(rig).c.seq)).all()
    assert [r.envelope["payload"]["text"] for r in rows] == ["first", "second"]
    assert first.recorded == [] and second.recorded == []


def test_recorded_events_are_forgotten_with_a_change_that_is_not_committed(rig):
    with NoteUnitOfWork(rig.sessions, msgkit.metadata, producer="msgtest") as uow:
        note = uow.notes.track(Note("abandoned"))
    assert note.recorded == []
    assert count(rig, outbox(rig)) == 0


def test_the_fake_publishes_what_a_commit_would_and_nothing_else():
    uow = FakeNotes()
    with uow:
        uow.notes.track(Note("kept"))
        uow.audit("note.added", "note", 1)
        uow.commit()
    with uow:
        uow.notes.track(Note("dropped"))
        uow.audit("note.added", "note", 2)
    assert uow.payloads(msgkit.NOTE_TYPE)[0]["text"] == "kept"
    assert len(uow.published) == 1 and [a["entity_id"] for a in uow.audits] == ["1"] and uow.commits == 1


def test_an_event_with_no_contract_fails_the_commit_rather_than_vanishing():
    uow = FakeNotes()
    uow.contracts = {}
    with uow, pytest.raises(KeyError):
        uow.notes.track(Note("unmapped"))
        uow.commit()
