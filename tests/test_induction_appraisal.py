"""Early career teachers serving statutory induction are appraised through induction, not the appraisal cycle (issue
25), across the services: HR register an ECT in cpd, cpd.induction_started reaches appraisal over the bus, and the
cycle HR then open in appraisal leaves her out and says so; a colleague whose induction starts mid-year has his open
appraisal withdrawn with a reason his appraiser reads. Every service in one process, on the embedded default and on
PostgreSQL with RabbitMQ."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from staffroom.testing import oak_maths, suite_on
from staffroom_shared.testing import wait_for


def _terms() -> list[dict]:
    return [t for y in range(2024, 2031) for t in (
        {"school_year": y, "number": 1, "starts_on": f"{y}-09-01", "ends_on": f"{y}-12-19"},
        {"school_year": y, "number": 2, "starts_on": f"{y + 1}-01-05", "ends_on": f"{y + 1}-04-01"},
        {"school_year": y, "number": 3, "starts_on": f"{y + 1}-04-19", "ends_on": f"{y + 1}-07-21"})]


@pytest.fixture(params=[pytest.param("embedded"), pytest.param("rabbitmq", marks=pytest.mark.integration)])
def trust(request, tmp_path):
    with suite_on(request.param, tmp_path / "data", "ectappr") as suite:
        yield suite


def _count(suite, table: str, *where) -> int:
    context = suite.contexts["appraisal"]
    found = context.metadata.tables[table]
    with context.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(found).where(*where))


def _register(cpd, hr: dict, academy: dict, ect: dict, starts_on: str) -> dict:
    """HR register the ECT, once cpd's copy of the directory has them (422 until it does)."""
    body = {"staff_id": ect["id"], "academy_id": academy["id"], "qts_on": "2025-07-15", "starts_on": starts_on,
            "fte": 1, "appropriate_body": "Oak Teaching Hub", "programme_type": "school-led"}
    return wait_for(lambda: (r := cpd.post("/inductions", headers=hr, json=body)).status_code == 201 and r.get_json(),
                    "cpd to know the ECT and register her induction")


def test_an_ect_registered_in_cpd_is_left_out_of_the_cycle_appraisal_opens(trust):
    suite, clients, headers = trust
    directory, appraisal, cpd = clients["directory"], clients["appraisal"], clients["cpd"]
    hr = headers(uuid.uuid4(), roles=("trust_hr",))
    academy, manager, (esme, tom) = oak_maths(directory, hr, ("E1", "Esme", "Evans"), ("T1", "Tom", "Turner"))
    wait_for(lambda: cpd.put(f"/academies/{academy['id']}/term-dates", headers=hr,
                             json={"terms": _terms()}).status_code == 200, "cpd to know the academy")
    _register(cpd, hr, academy, esme, "2025-09-01")  # in her second year of induction throughout 2026/27
    spells = suite.contexts["appraisal"].metadata.tables["induction_spells"]
    staff = suite.contexts["appraisal"].metadata.tables["staff"]
    wait_for(lambda: _count(suite, "induction_spells", spells.c.staff_id == uuid.UUID(esme["id"])) == 1,
             "cpd.induction_started to reach appraisal")
    wait_for(lambda: _count(suite, "staff", staff.c.academy_id == uuid.UUID(academy["id"])) == 3,
             "all three in appraisal's copy of the directory")

    cycle = appraisal.post("/cycles", headers=hr, json={
        "name": "2026/27 teachers", "template": "teachers", "academy_id": academy["id"], "school_year": 2026,
        "review_window_weeks": 26}).get_json()
    opened = appraisal.post(f"/cycles/{cycle['id']}/open", headers=hr)
    assert opened.status_code == 200, opened.get_json()
    assert (opened.get_json()["appraisal_count"], opened.get_json()["left_out_for_induction"]) == (2, 1)
    assert appraisal.get(f"/cycles/{cycle['id']}", headers=hr).get_json()["left_out_for_induction"] == 1
    assert appraisal.get(f"/appraisals?reviewee_id={esme['id']}", headers=hr).get_json()["items"] == []

    # Tom, in post and appraised, starts induction in January: his appraisal is withdrawn, and Priya reads why.
    as_priya = headers(manager["id"], academy_id=academy["id"])
    (his,) = appraisal.get(f"/appraisals?reviewee_id={tom['id']}", headers=as_priya).get_json()["items"]
    _register(cpd, hr, academy, tom, "2027-01-05")
    withdrawn = wait_for(lambda: (a := appraisal.get(f"/appraisals/{his['id']}", headers=as_priya).get_json())
                         ["status"] == "withdrawn" and a, "cpd.induction_started to withdraw Tom's appraisal")
    assert withdrawn["finished_reason"].startswith("statutory induction from 5 January 2027 takes the place")
