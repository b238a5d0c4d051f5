"""Appraisal's migrations over rows as an earlier release left them (SQLite here; PostgreSQL runs them in every
integration test's database)."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect, text

from staffroom_shared.runner import alembic_config

MIGRATIONS = Path(__import__("appraisal").__file__).parent / "migrations"
REPORT_COLUMNS = {"reported_at", "reported_because", "report_dismissed_at", "report_dismissed_by"}


def _columns(engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("recognitions")}


def test_0012_adds_the_report_to_hr_and_takes_it_away_again_keeping_what_was_given(tmp_path):
    url = f"sqlite:///{tmp_path / 'appraisal.db'}"
    config = alembic_config(MIGRATIONS, url)
    command.upgrade(config, "0011")
    engine = create_engine(url)
    item = uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO recognitions (id, giver_id, recipient_id, academy_id, kind, words, visibility, given_at, "
            "hidden) VALUES (:id, :g, :r, :a, 'recognition', 'Thank you', 'private', :at, 0)"),
            {"id": item.hex, "g": uuid.uuid4().hex, "r": uuid.uuid4().hex, "a": uuid.uuid4().hex,
             "at": datetime(2026, 12, 1, tzinfo=timezone.utc)})
    assert not REPORT_COLUMNS & _columns(engine)
    command.upgrade(config, "0012")
    assert REPORT_COLUMNS <= _columns(engine)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT words, reported_at, report_dismissed_at FROM recognitions")).one()
    assert tuple(row) == ("Thank you", None, None)
    command.downgrade(config, "0011")
    assert not REPORT_COLUMNS & _columns(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT words FROM recognitions")).scalar_one() == "Thank you"
    engine.dispose()


def test_0013_takes_values_out_of_recognition_audit_rows_and_hrs_removals_and_reads_out_of_the_items(tmp_path):
    """Outside tester, issue 24: a removed item's value stayed in its give_recognition audit row, and HR's removal
    (with its reason, and who) was among the item's audit rows, which the giver's subject access copy lists."""
    import json

    url = f"sqlite:///{tmp_path / 'appraisal.db'}"
    config = alembic_config(MIGRATIONS, url)
    command.upgrade(config, "0012")
    engine = create_engine(url)
    item, kept, recipient, hr = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    at = datetime(2026, 12, 1, tzinfo=timezone.utc)
    audit = ("INSERT INTO audit_log (at, actor, action, entity, entity_id, changes) "
             "VALUES (:at, :actor, :action, 'recognition', :entity_id, :changes)")
    with engine.begin() as conn:
        for one, removed in ((item, at), (kept, None)):
            conn.execute(text(
                "INSERT INTO recognitions (id, giver_id, recipient_id, academy_id, kind, words, visibility, given_at, "
                "hidden, removed_at, removed_because) VALUES (:id, :g, :r, :a, 'feedback', '', 'private', :at, 0, "
                ":removed, :because)"),
                {"id": one.hex, "g": uuid.uuid4().hex, "r": recipient.hex, "a": uuid.uuid4().hex, "at": at,
                 "removed": removed, "because": "abusive" if removed else None})
            conn.execute(text(audit), {"at": at, "actor": "giver", "action": "give_recognition",
                                       "entity_id": str(one), "changes": json.dumps({
                                           "recipient_id": str(recipient), "kind": "feedback",
                                           "value": "VZQXMARK", "standard": None})})
        conn.execute(text(audit), {"at": at, "actor": str(hr), "action": "recognition.read", "entity_id": str(item),
                                   "changes": None})
        conn.execute(text(audit), {"at": at, "actor": str(hr), "action": "remove_recognition",
                                   "entity_id": str(item), "changes": json.dumps({
                                       "because": "abusive", "recipient_id": str(recipient)})})
        for n, (sent, about) in enumerate(((at, item), (None, item), (at, kept))):
            conn.execute(text("INSERT INTO outbox (event_id, event_type, envelope, created_at, sent_at) "
                              "VALUES (:id, 'appraisal.subject_access_answered', :envelope, :at, :sent)"),
                         {"id": uuid.uuid4().hex, "envelope": json.dumps({"rows": [{"id": str(about), "n": n}]}),
                          "at": at, "sent": sent})

    def audit_rows():
        with engine.connect() as conn:
            return [(r.action, r.entity, r.entity_id, json.loads(r.changes) if r.changes else None) for r in conn.execute(
                text("SELECT action, entity, entity_id, changes FROM audit_log ORDER BY id"))]

    command.upgrade(config, "0013")
    gives, read, removal = audit_rows()[:2], audit_rows()[2], audit_rows()[3]
    assert "VZQXMARK" not in repr(audit_rows())
    assert [(g[3]["with_a_value"], g[3]["with_a_standard"]) for g in gives] == [(True, False), (True, False)]
    assert read == ("recognition.read", "recognition_hr_read", str(recipient), {"recognition_id": str(item)})
    assert removal[:3] == ("remove_recognition", "recognition_removal", str(recipient))
    assert removal[3]["recognition_id"] == str(item) and removal[3]["because"] == "abusive"
    with engine.connect() as conn:  # the sent copy naming the removed item goes; the unsent one is still owed
        left = [json.loads(e)["rows"][0]["n"] for e in conn.execute(text("SELECT envelope FROM outbox")).scalars()]
    assert sorted(left) == [1, 2]

    command.downgrade(config, "0012")
    assert [r[:3] for r in audit_rows()[2:]] == [("recognition.read", "recognition", str(item)),
                                                ("remove_recognition", "recognition", str(item))]
    engine.dispose()


def test_0014_adds_induction_spells_and_the_cycles_count_and_takes_them_away_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'appraisal.db'}"
    config = alembic_config(MIGRATIONS, url)
    command.upgrade(config, "0013")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO cycles (id, name, template, academy_id, starts_on, objectives_due, mid_year_due, "
                          "end_of_year_due, ends_on, pay_recommendations, review_window_weeks, status) VALUES "
                          "(:id, '2026/27 teachers', 'teachers', NULL, '2026-09-01', '2026-10-31', '2027-02-26', "
                          "'2027-07-16', '2027-08-31', 0, 6, 'open')"), {"id": uuid.uuid4().hex})
    command.upgrade(config, "0014")
    found = inspect(engine)
    assert "induction_spells" in found.get_table_names()
    assert "left_out_for_induction" in {c["name"] for c in found.get_columns("cycles")}
    with engine.connect() as conn:  # a cycle opened before appraisal knew of induction: nobody counted
        assert conn.execute(text("SELECT left_out_for_induction FROM cycles")).scalar() is None
    command.downgrade(config, "0013")
    found = inspect(engine)
    assert "induction_spells" not in found.get_table_names()
    assert "left_out_for_induction" not in {c["name"] for c in found.get_columns("cycles")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cycles")).scalar() == 1
