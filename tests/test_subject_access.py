"""Subject access across services (issue 21): a request opened in the directory is answered by every service over
the bus, and the bundle holds every row about the person in every service, and nothing about anyone else.

"Every row about her" is worked out here without the services' own lists: every row, in every table of every
service's database, that holds her id in a column (or a JSON key) that names its subject, or that holds text only she
wrote, together with the rows that belong to those through a foreign key. Columns that name someone acting on
another person's record (an appraiser, an approver) are listed below; copies are left out (the messages between
services, which the bundle says it leaves out, and the answers that make up bundles).
"""
from __future__ import annotations

import io
import json
import time
import uuid
import zipfile
from pathlib import Path
from datetime import date, timedelta

import pytest
from sqlalchemy import MetaData, select

from staffroom.testing import oak_maths, suite_on
from staffroom_shared.testing import wait_for

SERVICES = ("directory", "appraisal", "cpd", "wellbeing", "notifications", "targets")
# Someone acting on (or named beside) another person's record: the record is that other person's.
ACTING = {"appraiser_id", "observer_id", "completed_by", "sent_by", "recorded_by", "nominated_by",
          "manager_approved_by", "hr_approved_by", "host_staff_id", "line_manager_id", "carried_by", "actor",
          "requested_by", "decided_by"}
# Copies: the messages between services, and the answers that make up bundles (this one included).
COPIES = {"outbox", "inbox", "subject_access_answers"}
# Tables whose primary key is a secret no copy discloses (the hash of a feedback link's token): rows are told apart by
# a unique key instead.
KEYS = {"feedback_invitations": ("request_id", "staff_id")}


def _keys(table) -> list[str]:
    return list(KEYS.get(table.name, [c.name for c in table.primary_key.columns]))


@pytest.fixture(params=[pytest.param("embedded"), pytest.param("rabbitmq", marks=pytest.mark.integration)])
def trust(request, tmp_path):
    with suite_on(request.param, tmp_path / "data", "sar") as suite:
        yield suite


def _ids(value) -> set[str]:
    return {str(value), str(value).replace("-", "")}


def _names(value, person: set[str], key: str | None = None) -> bool:
    """Whether a stored value names the person as its subject (JSON searched key by key)."""
    if isinstance(value, dict):
        return any(_names(v, person, k) for k, v in value.items() if k not in ACTING)
    if isinstance(value, list):
        return any(_names(v, person, key) for v in value)
    if isinstance(value, str) and value.startswith(("{", "[")):
        try:
            return _names(json.loads(value), person, key)
        except ValueError:
            pass
    return str(value).replace("-", "") in {p.replace("-", "") for p in person}


def rows_about(engine, staff_id: str, marks: tuple[str, ...]) -> dict[str, set[tuple]]:
    """Per table, the primary keys (as text) of the rows about the person, found as the module docstring says."""
    metadata = MetaData()
    metadata.reflect(engine)
    person, found = _ids(staff_id), {}
    with engine.connect() as conn:
        tables = [t for t in metadata.sorted_tables if t.name not in COPIES]
        for table in tables:
            keys = _keys(table)
            for row in conn.execute(select(table)).mappings():
                text = json.dumps({k: str(v) for k, v in row.items()})
                if (any(_names(v, person, k) for k, v in row.items() if k not in ACTING)
                        or any(mark in text for mark in marks)):
                    found.setdefault(table.name, set()).add(tuple(str(row[k]).replace("-", "") for k in keys))
        changed = True
        while changed:  # rows belonging to those rows, through a foreign key
            changed = False
            for table in tables:
                keys = _keys(table)
                for fk in table.foreign_keys:
                    parent = fk.column.table.name
                    if parent == table.name or parent not in found:
                        continue
                    parents = {p[0] for p in found[parent]}
                    for row in conn.execute(select(table)).mappings():
                        if str(row[fk.parent.name]).replace("-", "") in parents:
                            pk = tuple(str(row[k]).replace("-", "") for k in keys)
                            if pk not in found.setdefault(table.name, set()):
                                found[table.name].add(pk)
                                changed = True
    return found


def in_bundle(answer: dict, engine) -> dict[str, set[tuple]]:
    metadata = MetaData()
    metadata.reflect(engine)
    got = {}
    for record in answer["records"]:
        keys = _keys(metadata.tables[record["key"]])
        got.setdefault(record["key"], set()).update(  # a table may be in several records (messages, survey ones)
            tuple(str(row[k]).replace("-", "") for k in keys) for row in record["rows"])
    return got


def test_a_bundle_holds_every_row_about_the_person_in_every_service_and_nothing_about_anyone_else(trust):
    suite, clients, headers = trust
    directory, appraisal, cpd = clients["directory"], clients["appraisal"], clients["cpd"]
    hr = headers(uuid.uuid4(), roles=("trust_hr",))
    academy, manager, teachers = oak_maths(directory, hr, ("Z1", "Zanele", "Okonkwo"), ("O1", "Oliver", "Otterburn"))
    people = dict(zip(("ZEBRA", "OTTER"), teachers))  # each one's records carry their own mark
    as_manager = headers(manager["id"], academy_id=academy["id"])
    cycle = appraisal.post("/cycles", headers=hr, json={
        "name": "2026/27 teachers", "template": "teachers", "academy_id": academy["id"], "school_year": 2026,
        "review_window_weeks": 26}).get_json()
    wait_for(lambda: appraisal.post(f"/cycles/{cycle['id']}/open", headers=hr).get_json().get("appraisal_count") == 3
             if appraisal.get(f"/cycles/{cycle['id']}", headers=hr).get_json()["status"] == "draft" else True,
             "everyone in appraisal's copy of the directory")
    course = cpd.post("/programmes", headers=hr, json={
        "title": "Questioning", "kind": "internal_course", "provider": "Oak Trust", "delivery_mode": "in_person",
        "cost": "0.00", "requires_approval": False}).get_json()
    cohort = cpd.post(f"/programmes/{course['id']}/cohorts", headers=hr, json={
        "name": "This term", "starts_on": str(date.today()), "ends_on": str(date.today()), "capacity": 10}).get_json()
    survey = clients["wellbeing"].post("/runs", headers=hr, json={
        "title": "Autumn pulse", "instruments": ["enps"], "opens_on": str(date.today()),
        "closes_on": "2099-01-01"}).get_json()

    # Each teacher's records, everywhere, carry their own mark: an appraisal with an objective, an observation and
    # a review with a development need (which CPD makes a plan item), a place on a course, email choices.
    for mark, teacher in people.items():
        me = headers(teacher["id"], academy_id=academy["id"])
        wait_for(lambda: cpd.get("/plans/me", headers=me).status_code == 200, "them in CPD's copy of the directory")
        [theirs] = wait_for(lambda: appraisal.get(f"/appraisals?reviewee_id={teacher['id']}", headers=as_manager)
                            .get_json()["items"], "their appraisal")
        path = f"/appraisals/{theirs['id']}"
        objective = appraisal.post(f"{path}/objectives", headers=as_manager, json={
            "title": f"{mark} algebra", "description": f"{mark}: 80% secure", "type": "pupil_outcomes",
            "success_criteria": f"{mark} assessment", "standards": ["TS2"]}).get_json()
        for who in (as_manager, me):
            assert appraisal.post(f"{path}/objectives/agreement", headers=who).status_code == 200
        assert appraisal.post(f"{path}/observations", headers=as_manager, json={
            "kind": "lesson_observation", "observed_on": str(date.today()), "focus": f"{mark} questioning",
            "strengths": f"{mark} strong", "areas_to_develop": f"{mark} pace"}).status_code == 201
        assert appraisal.post(f"{path}/reviews/mid-year", headers=as_manager, json={
            "assessments": {objective["id"]: {"rating": "partially_met", "comment": f"{mark} on track"}},
            "overall_outcome": "meets_expectations", "summary": f"{mark} summary",
            "development_needs": [{"area": f"{mark} adaptive teaching", "description": f"{mark} scaffolding"}]}
        ).status_code == 201
        assert cpd.post("/enrolments", headers=me, json={"cohort_id": cohort["id"], "reason": f"{mark} reason"}
                        ).status_code == 201
        assert clients["notifications"].put("/preferences/quiet-hours", headers=me,
                                            json={"starts": "21:00", "ends": "07:00"}).status_code == 200
    assert clients["wellbeing"].post(f"/runs/{survey['id']}/schedule", headers=hr).get_json()["invited"] == 3
    # Priya asks her report Zanele for feedback about her, and Zanele chooses "Answer now" (issue 24).
    wellbeing = clients["wellbeing"]
    asked = wait_for(lambda: (r := wellbeing.post("/feedback/requests", headers=as_manager, json={
        "closes_on": str(date.today() + timedelta(days=14)),
        "raters": [{"staff_id": people["ZEBRA"]["id"], "category": "direct_reports"}]})).status_code == 201 and r,
        "Priya's reports in wellbeing's copy of the directory")
    as_rater = headers(people["ZEBRA"]["id"], academy_id=academy["id"])
    assert wellbeing.post(f"/feedback/requests/{asked.get_json()['id']}/link", headers=as_rater).status_code == 201
    zanele, oliver = people["ZEBRA"], people["OTTER"]
    for teacher, role in ((zanele, "dpo"), (oliver, "academy_hr")):  # the access trust HR gave each
        assert directory.put(f"/staff/{teacher['id']}/roles", headers=hr, json={"roles": [role]}).status_code == 200
    as_zanele = headers(zanele["id"], academy_id=academy["id"])
    wait_for(lambda: len(clients["notifications"].get("/inbox", headers=as_zanele).get_json()["items"]) >= 4,
             "her messages")
    wait_for(lambda: any(i["title"].startswith("ZEBRA") for i in cpd.get("/plans/me", headers=as_zanele)
                         .get_json()["items"]), "her development need in her plan")
    time.sleep(2)  # every consumer settles before the databases are read

    # She asks for her own copy; nobody else can see it, and she cannot ask for someone else's.
    as_oliver = headers(oliver["id"], academy_id=academy["id"])
    assert directory.post("/subject-access-requests", headers=as_oliver,
                          json={"staff_id": zanele["id"]}).status_code == 404
    opened = directory.post("/subject-access-requests", headers=as_zanele, json={"staff_id": zanele["id"]})
    assert opened.status_code == 201, opened.get_json()
    request_id = opened.get_json()["id"]
    assert opened.get_json()["respond_by"] >= opened.get_json()["received_on"]
    for outsider in (as_oliver, as_manager, headers(uuid.uuid4(), roles=("academy_hr",), academy_id=academy["id"])):
        assert directory.get(f"/subject-access-requests/{request_id}", headers=outsider).status_code == 404
        assert directory.get(f"/subject-access-requests/{request_id}/bundle", headers=outsider).status_code == 404
        assert directory.get("/subject-access-requests", headers=outsider).get_json() == []
    ready = wait_for(lambda: (r := directory.get(f"/subject-access-requests/{request_id}", headers=as_zanele)
                              .get_json())["status"] == "ready" and r, "every service's answer")
    assert ready["waiting_for"] == [] and set(ready["answered"]) == set(SERVICES)
    download = directory.get(f"/subject-access-requests/{request_id}/bundle", headers=as_zanele)
    assert download.status_code == 200 and download.mimetype == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(download.data))
    assert sorted(bundle.namelist()) == sorted(["summary.html", *(f"{s}.json" for s in SERVICES)])
    answers = {s: json.loads(bundle.read(f"{s}.json")) for s in SERVICES}

    # Every row about her, in every service, is in the bundle...
    for service in SERVICES:
        engine = suite.contexts[service].engine
        about = rows_about(engine, zanele["id"], ("ZEBRA",))
        got = in_bundle(answers[service], engine)
        missing = {table: keys - got.get(table, set()) for table, keys in about.items() if keys - got.get(table, set())}
        assert not missing, f"{service}: rows about her left out of the bundle: {missing}"
    assert in_bundle(answers["appraisal"], suite.contexts["appraisal"].engine)["objectives"], "she has an objective"
    assert answers["wellbeing"]["records"][1]["key"] == "invitations" and answers["wellbeing"]["records"][1]["rows"]
    # ... and nothing about anyone else: not Oliver's records, nor his name, address or id.
    everything = json.dumps(answers)
    for trace in ("OTTER", "Otterburn", "oliver@oak.example", oliver["id"]):
        assert trace not in everything
    # Her survey answers are not linkable, and the bundle says so; it reads as a page, without ids or ISO dates.
    summary = bundle.read("summary.html").decode()
    assert "surveys are anonymous" in summary and "Zanele Okonkwo" in summary and "ZEBRA algebra" in summary
    assert zanele["id"] not in summary and str(date.today()) not in summary
    assert f"{date.today().day} {date.today():%B %Y}" in summary

    # The download is in the audit log; she may ask once a day (outsider 13: 300 requests in 106 s).
    audit = directory.get(f"/audit?entity_id={request_id}", headers=hr).get_json()["items"]
    assert {e["action"] for e in audit} == {"subject_access.opened", "subject_access.downloaded"}
    assert all(e["actor"] == zanele["id"] for e in audit)
    again = directory.post("/subject-access-requests", headers=as_zanele, json={"staff_id": zanele["id"]})
    assert again.status_code == 409 and "today already" in again.get_json()["detail"]

    # Her own copy is hers alone: it says whether she answered each survey, which HR never learn (outsider 13).
    # HR see that she asked, not what is in it; a copy HR open leaves that out, and says so.
    [invited] = next(r for r in answers["wellbeing"]["records"] if r["key"] == "invitations")["rows"]
    assert invited["status"] == "invited"
    seen_by_hr = directory.get(f"/subject-access-requests/{request_id}", headers=hr).get_json()
    assert seen_by_hr["by_the_person"] is True and seen_by_hr["may_download"] is False
    assert directory.get(f"/subject-access-requests/{request_id}/bundle", headers=hr).status_code == 404
    for_hr = directory.post("/subject-access-requests", headers=hr, json={"staff_id": zanele["id"]}).get_json()
    assert for_hr["may_download"] is True and for_hr["by_the_person"] is False
    wait_for(lambda: directory.get(f"/subject-access-requests/{for_hr['id']}", headers=hr).get_json()["status"]
             == "ready", "the copy HR opened")
    with zipfile.ZipFile(io.BytesIO(directory.get(f"/subject-access-requests/{for_hr['id']}/bundle", headers=hr)
                                    .data)) as zf:
        hr_copy = json.loads(zf.read("wellbeing.json"))
    [invited] = next(r for r in hr_copy["records"] if r["key"] == "invitations")["rows"]
    assert "status" not in invited and any("only in a copy you ask for yourself" in n for n in hr_copy["left_out"])
    # ... nor the messages about surveys, whose reminders go only to those who have not answered (outsider 14)
    def survey_messages(copy: dict) -> list:
        return [row for r in copy["records"] if r["key"] == "messages" for row in r["rows"]
                if row["category"] == "surveys"]

    with zipfile.ZipFile(io.BytesIO(directory.get(f"/subject-access-requests/{for_hr['id']}/bundle", headers=hr)
                                    .data)) as zf:
        hr_notifications = json.loads(zf.read("notifications.json"))
    assert survey_messages(answers["notifications"]) and survey_messages(hr_notifications) == []
    assert any("about staff surveys" in n for n in hr_notifications["left_out"])
    # ... nor whether or when she was asked for feedback, opened it with "Answer now" or answered (outside tester,
    # issue 24: HR's copies showed exactly the raters who had answered, and when); her own copy holds it.
    def feedback_messages(copy: dict) -> list:
        return [row for r in copy["records"] if r["key"] in ("messages", "reminders") for row in r["rows"]
                if row["category"] == "feedback_requests"]

    assert {m["subject"] for m in feedback_messages(answers["notifications"])} == {
        "Would you give feedback about Priya Patel?"}  # no news of her "Answer now" (outsider O8)
    assert feedback_messages(hr_notifications) == [] and "feedback about Priya" not in json.dumps(hr_notifications["records"])
    assert any("Answer now" in n for n in hr_notifications["left_out"])
    theirs_alone = {row["message_id"] for r in answers["notifications"]["records"] if r["key"] == "deliveries"
                    for row in r["rows"]} - {row["message_id"] for r in hr_notifications["records"]
                                             if r["key"] == "deliveries" for row in r["rows"]}
    assert {m["id"] for m in feedback_messages(answers["notifications"])} <= theirs_alone
    [rater] = next(r for r in hr_copy["records"] if r["key"] == "feedback_invitations")["rows"]
    assert "answered" not in rater

    # The line manager's own copy holds her own records, not those of the appraisals she leads.
    mine = directory.post("/subject-access-requests", headers=hr, json={"staff_id": manager["id"]}).get_json()
    wait_for(lambda: directory.get(f"/subject-access-requests/{mine['id']}", headers=hr).get_json()["status"]
             == "ready", "the manager's copy")
    theirs = directory.get(f"/subject-access-requests/{mine['id']}/bundle", headers=hr)
    assert theirs.status_code == 200
    with zipfile.ZipFile(io.BytesIO(theirs.data)) as zf:
        text = "".join(zf.read(name).decode() for name in zf.namelist())
    assert "ZEBRA" not in text and "OTTER" not in text and "Priya Patel" in text


def test_recognition_hr_removed_leaves_no_copy_of_its_words_in_subject_access_copies_gathered_before(trust):
    """Outsider O5 F1 (issue 24): the giver and the recipient each had a copy gathered while the abusive words stood;
    HR removed them, and the directory still held them in both copies (and SQLite's write-ahead log). Appraisal now
    withdraws its answers about both; the directory drops them and asks appraisal alone again."""
    suite, clients, headers = trust
    directory, appraisal = clients["directory"], clients["appraisal"]
    hr = headers(uuid.uuid4(), roles=("trust_hr",))
    academy, _, (giver, recipient) = oak_maths(directory, hr, ("Z1", "Zanele", "Okonkwo"),
                                               ("O1", "Oliver", "Otterburn"))
    as_giver, as_recipient = (headers(p["id"], academy_id=academy["id"]) for p in (giver, recipient))
    words = "QUOKKA-insult-never-to-be-kept"
    item = wait_for(lambda: (r := appraisal.post("/recognition", headers=as_giver, json={
        "recipient_id": recipient["id"], "kind": "feedback", "words": words, "visibility": "private"}))
        .status_code == 201 and r.get_json(), "both in appraisal's copy of the directory")

    def copy(who, as_who) -> str:
        opened = directory.post("/subject-access-requests", headers=as_who, json={"staff_id": who["id"]}).get_json()
        return opened["id"]

    def bundle_text(request_id, as_who) -> str | None:
        """The copy's every file as one text; None while it is being gathered (again)."""
        download = directory.get(f"/subject-access-requests/{request_id}/bundle", headers=as_who)
        if download.status_code == 409:
            return None
        with zipfile.ZipFile(io.BytesIO(download.data)) as bundle:
            return "".join(bundle.read(name).decode() for name in bundle.namelist())

    requests = {copy(giver, as_giver): as_giver, copy(recipient, as_recipient): as_recipient}
    assert all(words in wait_for(lambda: bundle_text(r, as_who), "every service's answer")
               for r, as_who in requests.items())
    engines = {name: suite.contexts[name].engine for name in SERVICES}
    audit = MetaData()
    audit.reflect(engines["cpd"], only=["audit_log"])
    answered = select(audit.tables["audit_log"]).where(audit.tables["audit_log"].c.action == "subject_access.answered")
    with engines["cpd"].connect() as db:
        cpd_answers = len(db.execute(answered).all())
    assert cpd_answers == 2

    assert appraisal.post(f"/recognition/{item['id']}/removal", headers=hr,
                          json={"because": "Breaches the code of conduct"}).status_code == 200
    for request_id, as_who in requests.items():
        text = wait_for(lambda: (t := bundle_text(request_id, as_who)) and words not in t and t,
                        "the copy gathered again")
        assert as_who is as_recipient or "Breaches the code of conduct" not in text, "the giver is not told why"
        assert item["id"] in text, "the item is still in the copy, as removed"
    with engines["directory"].connect() as db:
        kept = MetaData()
        kept.reflect(db, only=["subject_access_answers"])
        assert not any(words in json.dumps(row.answer) for row in db.execute(select(kept.tables[
            "subject_access_answers"])))
    with engines["cpd"].connect() as db:
        assert len(db.execute(answered).all()) == cpd_answers, "only appraisal was asked again"
    if engines["directory"].dialect.name == "sqlite":
        for name in ("directory", "appraisal"):
            stored = Path(engines[name].url.database)
            for path in (stored, stored.with_name(stored.name + "-wal")):
                assert not path.exists() or words.encode() not in path.read_bytes(), path
