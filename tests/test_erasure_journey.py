"""Across services (issue 21): a correction in the directory reaches every copy, and when a leaver's retention
ends one event (staff.erased) makes every service anonymise them; reports and targets still add up, and nothing
that named them, or that was written about them, is left in any service's database.

The directory's daily job is run with a fixed clock six years and a day after the leaving date; then the records
whose shorter windows would have passed by then (outboxes, inbox messages) are expired at the same clock, and every
row of every table of every service, and the bus, is searched for the person.
"""
from __future__ import annotations

import importlib
import json
import time
import uuid
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import MetaData, select, text

from staffroom.testing import oak_maths, suite_on
from staffroom_shared import retention
from staffroom_shared.testing import wait_for

SERVICES = ("directory", "appraisal", "cpd", "wellbeing", "notifications", "targets")
COPIES = ("appraisal", "cpd", "wellbeing", "notifications", "targets")  # each keeps its own copy of the directory
# Everything the leaver was called, and everything written about them: none of it may survive erasure.
TRACES = ("Zanele", "Okonkwo", "zanele@oak.example", "ZEBRA")


@pytest.fixture(params=[pytest.param("embedded"), pytest.param("rabbitmq", marks=pytest.mark.integration)])
def trust(request, tmp_path):
    with suite_on(request.param, tmp_path / "data", "erasure") as suite:
        yield suite


def copies(suite, staff_id) -> dict[str, tuple]:
    """Each service's copy of the person: (first name, last name)."""
    found = {}
    for name in COPIES:
        engine = suite.contexts[name].engine
        with engine.execution_options(staffroom_readonly=True).connect() as conn:
            row = conn.execute(text("SELECT first_name, last_name FROM staff WHERE staff_id = :id"),
                               {"id": staff_id if engine.dialect.name == "postgresql" else staff_id.replace("-", "")}).first()
        found[name] = tuple(row) if row else None
    return found


def rows_naming(suite, traces=TRACES) -> list[str]:
    """Every row, in every table of every service's database (and the embedded bus), that holds a trace."""
    hits = []
    engines = {name: suite.contexts[name].engine for name in SERVICES}
    bus_url = suite.configs["directory"].bus_url
    if bus_url.startswith("embedded"):
        from sqlalchemy import create_engine

        engines["bus"] = create_engine("sqlite:///" + bus_url.split("///", 1)[1])
    for name, engine in engines.items():
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.execution_options(staffroom_readonly=True).connect() as conn:
            for table in metadata.sorted_tables:
                for row in conn.execute(select(table)):
                    blob = json.dumps([str(v) if not isinstance(v, bytes) else v.decode("latin-1") for v in row])
                    if any(trace.lower() in blob.lower() for trace in traces):
                        hits.append(f"{name}.{table.name}: {blob[:300]}")
    return hits


def files_naming(suite, traces=TRACES) -> list[str]:
    """SQLite: every database file (and write-ahead log) of the suite whose bytes hold a trace."""
    from pathlib import Path

    if not suite.configs["directory"].database_url.startswith("sqlite"):
        return []
    hits = []
    for path in sorted(Path(suite.data_dir).glob("*.db*")):
        data = path.read_bytes().lower()
        hits += [f"{path.name}: {trace}" for trace in traces if trace.lower().encode() in data]
    return hits


def test_a_correction_reaches_every_copy_and_erasure_leaves_reports_adding_up_and_no_trace(trust):
    suite, clients, headers = trust
    directory, appraisal, cpd, targets = (clients[n] for n in ("directory", "appraisal", "cpd", "targets"))
    hr = headers(uuid.uuid4(), roles=("trust_hr",))
    academy, manager, (leaver,) = oak_maths(directory, hr, ("Z1", "Zanele", "Okonkwo"))
    as_manager = headers(manager["id"], academy_id=academy["id"])
    as_leaver = headers(leaver["id"], academy_id=academy["id"])
    assert clients["notifications"].put("/hr-contacts/trust", headers=hr,
                                        json={"staff_ids": [leaver["id"]]}).status_code == 200
    wait_for(lambda: cpd.get("/plans/me", headers=as_leaver).status_code == 200, "the leaver's plan in CPD")

    # What the services come to hold about her: an appraisal with an objective, a review and an observation;
    # a place on a course with her reason; messages, emails and a reminder.
    cycle = appraisal.post("/cycles", headers=hr, json={
        "name": "2026/27 teachers", "template": "teachers", "academy_id": academy["id"], "school_year": 2026,
        "review_window_weeks": 26}).get_json()
    wait_for(lambda: appraisal.post(f"/cycles/{cycle['id']}/open", headers=hr).get_json().get("appraisal_count") == 2
             if appraisal.get(f"/cycles/{cycle['id']}", headers=hr).get_json()["status"] == "draft" else True,
             "both people in appraisal's copy of the directory")
    [mine] = wait_for(lambda: appraisal.get(f"/appraisals?reviewee_id={leaver['id']}", headers=as_manager)
                      .get_json()["items"], "her appraisal")
    path = f"/appraisals/{mine['id']}"
    objective = appraisal.post(f"{path}/objectives", headers=as_manager, json={
        "title": "ZEBRA algebra", "description": "ZEBRA: 80% of Year 9 secure in algebra",
        "type": "pupil_outcomes", "success_criteria": "ZEBRA assessment", "standards": ["TS2"]}).get_json()
    for who in (as_manager, as_leaver):
        assert appraisal.post(f"{path}/objectives/agreement", headers=who).status_code == 200
    observed = appraisal.post(f"{path}/observations", headers=as_manager, json={
        "kind": "lesson_observation", "observed_on": str(date.today()), "focus": "ZEBRA questioning",
        "strengths": "ZEBRA strong", "areas_to_develop": "ZEBRA pace"})
    assert observed.status_code == 201, observed.get_json()
    review = appraisal.post(f"{path}/reviews/mid-year", headers=as_manager, json={
        "assessments": {objective["id"]: {"rating": "partially_met", "comment": "ZEBRA on track"}},
        "overall_outcome": "meets_expectations", "summary": "ZEBRA summary",
        "development_needs": [{"area": "ZEBRA adaptive teaching", "description": "ZEBRA scaffolding"}]})
    assert review.status_code == 201, review.get_json()
    course = cpd.post("/programmes", headers=hr, json={
        "title": "Questioning", "kind": "internal_course", "provider": "Oak Trust", "delivery_mode": "in_person",
        "cost": "0.00", "requires_approval": False}).get_json()
    cohort = cpd.post(f"/programmes/{course['id']}/cohorts", headers=hr, json={
        "name": "This term", "starts_on": str(date.today()), "ends_on": str(date.today()), "capacity": 10}).get_json()
    place = cpd.post("/enrolments", headers=as_leaver, json={"cohort_id": cohort["id"], "reason": "ZEBRA reason"})
    assert place.status_code == 201 and place.get_json()["status"] == "confirmed", place.get_json()

    # Rectification: a correction in the directory reaches every service's copy.
    fixed = directory.patch(f"/staff/{leaver['id']}", headers=hr, json={"last_name": "Okonkwo-Bello"})
    assert fixed.status_code == 200, fixed.get_json()
    wait_for(lambda: set(copies(suite, leaver["id"]).values()) == {("Zanele", "Okonkwo-Bello")},
             "the correction in every copy")

    assert directory.put(f"/staff/{leaver['id']}/roles", headers=hr, json={"roles": ["dpo"]}).status_code == 200
    assert directory.post(f"/staff/{leaver['id']}/leaving", headers=hr,
                          json={"leaving_date": str(date.today()), "reason": "ZEBRA moved away"}).status_code == 200
    wait_for(lambda: clients["notifications"].get("/inbox", headers=as_leaver).get_json()["total"] >= 3,
             "her messages")
    time.sleep(2)  # every consumer and the targets' judgement settle before the figures are read

    def reports():
        return {"appraisal": appraisal.get(f"/cycles/{cycle['id']}/completion", headers=hr).get_json(),
                "cpd": cpd.get("/reports/spend", headers=hr).get_json(),
                "targets": [{k: t[k] for k in ("key", "figure", "status") if k in t}
                            for t in targets.get("/targets", headers=hr).get_json()]}
    # A copy of her data, asked for before her record's retention ends: every service's answer names her, and the
    # outboxes keep those answers after sending (outsider 13 found targets' still there after erasure).
    sar = directory.post("/subject-access-requests", headers=hr, json={"staff_id": leaver["id"]}).get_json()
    wait_for(lambda: directory.get(f"/subject-access-requests/{sar['id']}", headers=hr).get_json()["status"]
             == "ready", "every service's answer to her subject access request")
    time.sleep(2)  # the relays mark the answers sent
    before = reports()
    assert rows_naming(suite), "the search finds her before erasure (so finding nothing afterwards means something)"

    # Six years and a day after she left, the directory's daily job erases her record and says so.
    later = date.today() + relativedelta(years=6, days=1)
    directory_records = importlib.import_module("directory.service.retention").RECORDS
    counts = retention.run(suite.contexts["directory"], directory_records, today=later)
    assert counts["leavers"] == 1 and counts["checked_files"] == 0
    record = directory.get(f"/staff/{leaver['id']}", headers=hr).get_json()
    assert (record["first_name"], record["last_name"], record["email"]) == (
        "Former member of staff", "", f"erased-{leaver['id']}@staffroom.invalid")
    assert (record["academy_id"], record["post"], record["start_date"], record["leaving_date"]) == (
        academy["id"], "Teacher of Maths", "2016-09-01", str(date.today()))
    assert directory.patch(f"/staff/{leaver['id']}", headers=hr, json={"first_name": "Z"}).status_code == 409
    wait_for(lambda: set(copies(suite, leaver["id"]).values()) == {("Former member of staff", "")},
             "every copy anonymised")
    time.sleep(2)
    # the outboxes' sent copies of events about her went with the erasure, not 30 days later (outsider 8)
    assert [hit for hit in rows_naming(suite) if ".outbox:" in hit] == []
    # ... and on SQLite her address is in no database file nor write-ahead log once every copy is anonymised, not
    # at each service's next daily job (outsider 15 read it in every service's -wal file)
    if hasattr(suite.contexts["directory"].bus, "forget_delivered"):
        suite.contexts["directory"].bus.forget_delivered()
    assert files_naming(suite, traces=("zanele@oak.example",)) == []
    assert reports() == before  # the same counts, spend and target figures: she is still counted, not named

    # What had a shorter window has gone by then too (outboxes after 30 days, inbox messages after a year)...
    for name in SERVICES:
        module = importlib.import_module(f"{name}.service.retention")
        short = [r for r in module.RECORDS if r.key in ("outbox", "messages")]
        retention.expire(suite.contexts[name].uow(actor="test"), short, {r.key: r.kept for r in short}, later)
    # ... and nothing that named her, or was written about her, is left anywhere: in any row, nor (SQLite) in the
    # bytes of any database file or its write-ahead log, where a deleted or overwritten row could be read back.
    assert rows_naming(suite) == []
    if hasattr(suite.contexts["directory"].bus, "forget_delivered"):
        suite.contexts["directory"].bus.forget_delivered()  # as an idle consumer does every minute
    assert files_naming(suite) == []
    assert rows_naming(suite, traces=("Priya",)), "the search still finds people who were not erased"
