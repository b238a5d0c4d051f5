"""The services working together, as one trust would use them, over the embedded bus:

HR adds a line manager and a teacher in the directory; both reach appraisal and CPD. The line manager
completes appraisal training in CPD, so appraisal knows they are trained. HR opens a cycle; the line
manager and teacher agree an objective; the mid-year review names a development need, which arrives
in the teacher's development plan in CPD as a suggestion. HR opens a wellbeing survey. Each hop is an
event through an outbox, a relay, the bus and an inbox; notifications turns the appraisal, CPD and
wellbeing events, and targets' status changes, into inbox messages and emails on a real SMTP server,
each exactly once.
"""
from __future__ import annotations

import time
import uuid
from contextlib import ExitStack
from datetime import date

import pytest

from staffroom.testing import running_suite, smtp_server
from staffroom_shared.testing import postgres_database, rabbit_vhost


def wait_for(check, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def mailbox():
    """A real SMTP server on localhost: what it received, by recipient."""
    with smtp_server() as server:
        yield server


@pytest.fixture(params=[pytest.param("embedded"), pytest.param("rabbitmq", marks=pytest.mark.integration)])
def trust(request, tmp_path, mailbox):
    """Every service in one process: on SQLite and the embedded bus, and on PostgreSQL and RabbitMQ."""
    environ = {"LOG_LEVEL": "WARNING", "NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
               "NOTIFICATIONS_SMTP_PORT": str(mailbox.port), "NOTIFICATIONS_SMTP_SECURITY": "none"}
    with ExitStack() as stack:
        if request.param == "rabbitmq":
            environ["BUS_URL"] = stack.enter_context(rabbit_vhost("journey"))
            for name in ("directory", "appraisal", "cpd", "wellbeing", "notifications"):
                environ[f"{name.upper()}_DATABASE_URL"] = stack.enter_context(postgres_database(f"journey{name[:6]}"))
        for clients, headers in _suite(tmp_path, environ):
            yield clients, headers, mailbox


def _suite(tmp_path, environ):
    with running_suite(tmp_path / "data", environ) as (_suite_, clients, headers):
        yield clients, headers


def test_training_appraisal_and_development_needs_flow_between_services(trust):
    clients, headers, mailbox = trust
    directory, appraisal, cpd = clients["directory"], clients["appraisal"], clients["cpd"]
    hr = headers(uuid.uuid4(), roles=("trust_hr",))

    academy = directory.post("/academies", json={"name": "Oak Academy", "urn": "150001", "phase": "primary"},
                             headers=hr).get_json()
    person = {"academy_id": academy["id"], "fte": "1.00", "start_date": "2020-09-01"}
    manager = directory.post("/staff", headers=hr, json={
        **person, "staff_code": "M1", "first_name": "Priya", "last_name": "Patel", "email": "priya@oak.example",
        "staff_type": "teaching", "post": "Head of Maths"}).get_json()
    teacher = directory.post("/staff", headers=hr, json={
        **person, "staff_code": "T1", "first_name": "Tom", "last_name": "Taylor", "email": "tom@oak.example",
        "staff_type": "teaching", "post": "Teacher of Maths", "line_manager_id": manager["id"]}).get_json()
    as_manager = headers(manager["id"], academy_id=academy["id"])
    as_teacher = headers(teacher["id"], academy_id=academy["id"])
    contact = clients["notifications"].put("/hr-contacts/trust", headers=hr, json={"staff_ids": [manager["id"]]})
    assert contact.status_code == 200, contact.get_json()

    # directory → CPD: the teacher has a development plan from staff.joined
    wait_for(lambda: cpd.get("/plans/me", headers=as_teacher).status_code == 200, "the teacher's plan in CPD")

    # CPD → appraisal: the line manager completes appraisal training
    training = cpd.post("/programmes", headers=hr, json={
        "title": "Running appraisals well", "kind": "appraisal_training", "provider": "Oak Trust",
        "delivery_mode": "in_person", "cost": "0.00", "requires_approval": False}).get_json()
    cohort = cpd.post(f"/programmes/{training['id']}/cohorts", headers=hr, json={
        "name": "This term", "starts_on": str(date.today()), "ends_on": str(date.today()), "capacity": 10}).get_json()
    place = cpd.post("/enrolments", headers=as_manager, json={"cohort_id": cohort["id"], "reason": "I appraise"})
    assert place.status_code == 201, place.get_json()
    assert place.get_json()["status"] == "confirmed"
    done = cpd.post(f"/enrolments/{place.get_json()['id']}/completion", headers=hr, json={})
    assert done.status_code == 200, done.get_json()

    # directory → appraisal: HR opens a cycle once appraisal has both people
    cycle = appraisal.post("/cycles", headers=hr, json={
        "name": "2026/27 teachers", "template": "teachers", "academy_id": academy["id"],
        "school_year": 2026, "review_window_weeks": 26}).get_json()  # reviews open from late August
    wait_for(lambda: appraisal.post(f"/cycles/{cycle['id']}/open", headers=hr).get_json().get("appraisal_count") == 2
             if appraisal.get(f"/cycles/{cycle['id']}", headers=hr).get_json()["status"] == "draft" else True,
             "both people in appraisal's copy of the directory")
    page = appraisal.get(f"/appraisals?reviewee_id={teacher['id']}", headers=as_manager).get_json()
    [mine] = page["items"]
    assert mine["appraiser_id"] == manager["id"]
    path = f"/appraisals/{mine['id']}"

    objective = appraisal.post(f"{path}/objectives", headers=as_manager, json={
        "title": "Raise Year 9 attainment in algebra", "description": "By July, 80% of Year 9 secure in algebra",
        "type": "pupil_outcomes", "success_criteria": "Summer assessment", "standards": ["TS2"]}).get_json()
    for who in (as_manager, as_teacher):
        assert appraisal.post(f"{path}/objectives/agreement", headers=who).status_code == 200
    wait_for(lambda: appraisal.get("/reports/untrained-appraisers", headers=hr).status_code == 200, "reports")

    def trained():
        # appraisal learns of the training from cpd.completed; a review completed now is not flagged
        engine = clients["appraisal"].application.extensions["staffroom"].engine
        # A read-only connection, closed at once: a plain connect() would BEGIN IMMEDIATE and hold the
        # write lock until garbage collection, stalling every writer to appraisal's database.
        with engine.execution_options(staffroom_readonly=True).connect() as conn:
            return conn.exec_driver_sql("SELECT count(*) FROM trained_appraisers").scalar() == 1
    wait_for(trained, "appraisal to learn the line manager is trained")

    review = appraisal.post(f"{path}/reviews/mid-year", headers=as_manager, json={
        "assessments": {objective["id"]: {"rating": "partially_met", "comment": "On track"}},
        "overall_outcome": "meets_expectations",
        "development_needs": [{"area": "Adaptive teaching", "description": "Scaffolding for pupils with SEND",
                               "suggested_support": "NPQLT module"}]})
    assert review.status_code == 201, review.get_json()
    assert review.get_json()["reviews"][0]["appraiser_untrained"] is False
    assert appraisal.get("/reports/untrained-appraisers", headers=hr).get_json() == []

    # appraisal → CPD: the development need is a suggestion in the teacher's plan, not an enrolment
    def suggested():
        plan = cpd.get("/plans/me", headers=as_teacher).get_json()
        return [i for i in plan["items"] if i["source"] == "development_need"]
    [item] = wait_for(suggested, "the development need in the teacher's plan")
    assert item["status"] == "suggested" and "Adaptive teaching" in item["title"]
    assert cpd.get("/enrolments", headers=as_teacher).get_json()["total"] == 0
    assert date.fromisoformat(cycle["objectives_due"]) == date(2026, 10, 31)

    # wellbeing → notifications: HR opens a survey; the teacher's invitation email carries their own link
    survey = clients["wellbeing"]
    run = survey.post("/runs", headers=hr, json={"title": "Autumn pulse", "instruments": ["enps"],
                                                 "opens_on": str(date.today()), "closes_on": "2099-01-01"}).get_json()
    assert survey.post(f"/runs/{run['id']}/schedule", headers=hr).get_json()["invited"] == 2

    # Every producer's event reached the right inbox, and the mail server, exactly once. Targets, judging the
    # same events, tell the trust's HR contact (the line manager doubles as one here) as statuses change;
    # which statuses it passes through depends on the order events arrive, so those are counted, not listed.
    inbox = clients["notifications"]
    expected = {
        "tom@oak.example": ["Your appraisal for this year is open", "Your invitation: Autumn pulse",
                            "Your appraisal objectives are agreed", "Your mid-year review is complete"],
        "priya@oak.example": ["Your invitation: Autumn pulse", "Your place on Running appraisals well is confirmed",
                              "You are appraising Tom Taylor this year", "Your appraisal for this year is open",
                              "Tom Taylor's objectives are agreed", "Tom Taylor's mid-year review is recorded"],
    }

    def emailed() -> dict[str, list[str]]:
        got: dict[str, list[str]] = {}
        for message in list(mailbox.received):
            got.setdefault(message["To"], []).append(" ".join(message["Subject"].split()))  # unfolded
        return {k: sorted(v) for k, v in got.items()}

    def in_inboxes() -> dict[str, list[str]]:
        return {person["email"]: sorted(m["subject"] for m in inbox.get("/inbox?page_size=100", headers=who)
                                        .get_json()["items"])
                for person, who in ((teacher, as_teacher), (manager, as_manager))}

    def settled():
        mail, kept = emailed(), in_inboxes()
        others = {k: [s for s in v if not s.startswith("Target ")] for k, v in mail.items()}
        targets = [s for s in mail.get("priya@oak.example", []) if s.startswith("Target ")]
        return mail == kept and others == {k: sorted(v) for k, v in expected.items()} and targets
    wait_for(settled, "every message in its inbox and by email, target news included", timeout=30)
    time.sleep(1.5)  # a sender pass or two more: still exactly once
    assert emailed() == in_inboxes()
    [invite] = [m for m in mailbox.received if m["To"] == "tom@oak.example" and "invitation" in m["Subject"]]
    token = invite.get_payload()[0].get_payload(decode=True).decode().split("#token=")[1].split()[0]
    assert survey.get("/survey", headers={"X-Survey-Token": token}).status_code == 200  # the emailed link works
    # ... and only the email has it: the inbox points to the Surveys page, where a lost link is replaced
    [message] = [m for m in inbox.get("/inbox", headers=as_teacher).get_json()["items"] if "invitation" in m["subject"]]
    assert message["link"] == "/surveys" and token not in message["body"]
