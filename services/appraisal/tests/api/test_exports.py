"""Exports and reports: completion by academy (JSON, CSV), the meetings calendar, the printable record,
and reviews by appraisers who had not done appraisal training."""
import csv
import io
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from icalendar import Calendar


# -- completion per academy ------------------------------------------------------------------------

@pytest.fixture
def trust_wide(client, trust, steps):
    """A trust-wide teachers' cycle: three Oak teachers (Tom signed off) and one at Elm."""
    cycle = steps.cycle("teachers", academy=None)
    steps.open(cycle)
    tom = steps.appraisal_of(cycle, trust.teacher)
    for who in (trust.hod, trust.teacher):
        steps.add_objective(tom, who)
    steps.agree(tom, trust.hod)
    steps.agree(tom, trust.teacher)
    steps.review(tom, "mid-year", trust.hod)
    steps.review(tom, "end-of-year", trust.hod, teaching_judgement="good_or_better")
    steps.ok(client.post(f"/appraisals/{tom['id']}/sign-off", json={}, headers=trust.teacher.headers))
    return cycle


def test_completion_shows_each_academy_for_trust_hr(client, trust, trust_wide):
    rows = client.get(f"/cycles/{trust_wide['id']}/completion", headers=trust.trust_hr.headers).json
    assert [(r["academy_name"], r["total"], r["counts"]["signed_off"], r["counts"]["not_started"],
             r["signed_off_percent"]) for r in rows] == [
        ("Elm Secondary Academy", 1, 0, 1, 0.0), ("Oak Primary Academy", 3, 1, 2, 33.3)]


def test_completion_shows_academy_hr_their_own_academy_only(client, trust, trust_wide):
    rows = client.get(f"/cycles/{trust_wide['id']}/completion", headers=trust.oak_hr.headers).json
    assert [r["academy_id"] for r in rows] == [trust.oak]


@pytest.mark.parametrize("path", ["completion", "completion.csv"])
def test_completion_of_another_academys_cycle_is_not_found_for_academy_hr(client, trust, steps, path):
    cycle = steps.cycle("teachers", academy="oak")
    steps.open(cycle)
    response = client.get(f"/cycles/{cycle['id']}/{path}", headers=trust.elm_hr.headers)
    assert response.status_code == 404, response.get_data(as_text=True)
    assert client.get(f"/cycles/{cycle['id']}/{path}", headers=trust.oak_hr.headers).status_code == 200


def test_completion_csv_has_a_row_per_academy(client, trust, trust_wide):
    response = client.get(f"/cycles/{trust_wide['id']}/completion.csv", headers=trust.trust_hr.headers)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["Academy"], r["Appraisals"], r["Signed off"], r["Signed off %"]) for r in rows] == [
        ("Elm Secondary Academy", "1", "0", "0.0"), ("Oak Primary Academy", "3", "1", "33.3")]
    assert rows[1]["Academy ID"] == trust.oak


def test_completion_csv_for_academy_hr_has_their_academy_only(client, trust, trust_wide):
    response = client.get(f"/cycles/{trust_wide['id']}/completion.csv", headers=trust.elm_hr.headers)
    assert [r["Academy"] for r in csv.DictReader(io.StringIO(response.get_data(as_text=True)))] == [
        "Elm Secondary Academy"]


def test_completion_csv_opens_a_formula_like_academy_name_as_text(client, db, trust, steps):
    from sqlalchemy import update

    academies = db.tables["academies"]
    with db.context.engine.begin() as conn:
        conn.execute(update(academies).where(academies.c.academy_id == uuid.UUID(trust.oak))
                     .values(name='=HYPERLINK("http://evil.example","Oak")'))
    cycle = steps.cycle()
    steps.open(cycle)
    response = client.get(f"/cycles/{cycle['id']}/completion.csv", headers=trust.oak_hr.headers)
    [row] = csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    assert row["Academy"] == '\'=HYPERLINK("http://evil.example","Oak")'


def test_completion_of_an_unknown_cycle_is_404(client, trust, problem):
    problem(client.get(f"/cycles/{uuid.uuid4()}/completion", headers=trust.trust_hr.headers), 404)


def test_withdrawn_appraisals_do_not_count_against_completion(client, trust, steps):
    """Oak: Tom signed off, Lily withdrawn, Dev not started: one of two still in the cycle is done."""
    a = steps.end_of_year_reviewed()
    steps.ok(client.post(f"/appraisals/{a['id']}/sign-off", json={}, headers=trust.teacher.headers))
    cycle = {"id": a["cycle_id"]}
    lily = steps.appraisal_of(cycle, trust.other_teacher)
    steps.ok(client.post(f"/appraisals/{lily['id']}/withdrawal", json={"reason": "Absence"},
                         headers=trust.oak_hr.headers))
    [row] = client.get(f"/cycles/{cycle['id']}/completion", headers=trust.oak_hr.headers).json
    assert (row["total"], row["counts"]["withdrawn"], row["counts"]["signed_off"], row["signed_off_percent"]) == (
        3, 1, 1, 50.0)


# -- meetings calendar -----------------------------------------------------------------------------

def test_meetings_calendar_has_each_meeting_at_the_right_time(client, trust, steps):
    a = steps.started()
    url = f"/appraisals/{a['id']}"
    steps.ok(client.post(f"{url}/meetings", json={"kind": "objective_setting", "starts_at": "2026-10-05T15:30:00+01:00",
                                                  "minutes": 45, "location": "Maths office"},
                         headers=trust.hod.headers), 201)
    steps.ok(client.post(f"{url}/meetings", json={"kind": "mid_year_review", "starts_at": "2027-02-10T08:00:00Z",
                                                  "minutes": 60, "location": "Room 4"},
                         headers=trust.oak_hr.headers), 201)
    response = client.get(f"{url}/meetings.ics", headers=trust.teacher.headers)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [(e.decoded("dtstart"), e.decoded("dtend"), str(e["location"])) for e in events] == [
        (datetime(2026, 10, 5, 14, 30, tzinfo=timezone.utc), datetime(2026, 10, 5, 15, 15, tzinfo=timezone.utc),
         "Maths office"),
        (datetime(2027, 2, 10, 8, 0, tzinfo=timezone.utc), datetime(2027, 2, 10, 9, 0, tzinfo=timezone.utc), "Room 4"),
    ]
    assert all(e.decoded("dtstart").utcoffset() is not None for e in events)
    assert str(events[0]["summary"]) == "Appraisal: objective setting (Tom Taylor)"
    assert len({str(e["uid"]) for e in events}) == 2


def test_meeting_times_read_back_with_their_time_zone(client, trust, steps):
    a = steps.started()
    steps.ok(client.post(f"/appraisals/{a['id']}/meetings", json={
        "kind": "objective_setting", "starts_at": "2026-10-05T15:30:00+01:00", "location": "Maths office"},
        headers=trust.hod.headers), 201)
    [meeting] = steps.get(a["id"], trust.teacher)["meetings"]
    assert datetime.fromisoformat(meeting["starts_at"]) == datetime(2026, 10, 5, 14, 30, tzinfo=timezone.utc)


# -- printable record ------------------------------------------------------------------------------

@pytest.fixture
def reviewed(client, trust, steps):
    a = steps.started()
    steps.add_objective(a, trust.hod, title="Raise <b>Year 6</b> reading", standards=["TS2"])
    steps.agree(a, trust.hod)
    steps.agree(a, trust.teacher)
    steps.review(a, "mid-year", trust.hod, overall_outcome="partially_meets_expectations",
                 summary="Good start to the year", development_needs=[
                     {"area": "Phonics", "description": "Refresh on systematic synthetic phonics"}])
    steps.ok(client.put(f"/appraisals/{a['id']}/support-plan", json={"support_plan": True, "notes": "Weekly coaching"},
                        headers=trust.hod.headers))
    return a


def test_the_record_has_the_objectives_and_the_review(client, trust, reviewed):
    response = client.get(f"/appraisals/{reviewed['id']}/record", headers=trust.teacher.headers)
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for text in ("Tom Taylor", "Dev Davies", "Raise &lt;b&gt;Year 6&lt;/b&gt; reading", "TS2", "Mid-year review",
                 "partially meets expectations", "Good start to the year", "Phonics",
                 "The appraiser had not completed appraisal training"):
        assert text in html, text
    assert "<b>Year 6</b>" not in html  # what staff type is escaped


def test_the_record_and_every_api_answer_carry_the_portal_s_protections(client, trust, reviewed):
    """Issue 21: the printable record, HTML straight from the API, had no policy, nosniff or frame protection."""
    for path in (f"/appraisals/{reviewed['id']}/record", f"/appraisals/{reviewed['id']}", "/appraisals/nobody"):
        response = client.get(path, headers=trust.teacher.headers)
        assert response.headers["Content-Security-Policy"] == (
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; "
            "form-action 'none'"), path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"  # someone's appraisal never sits in a shared cache


def test_the_record_gives_a_starter_s_own_key_dates(client, db, trust, steps, key_dates):
    """The printed record gave the cycle's dates where the appraisal page gives the reviewee's own (issue 20)."""
    from datetime import date, timedelta

    from sqlalchemy import update

    from appraisal.adapters.orm import staff

    with db.context.engine.begin() as conn:  # joined 30 days ago, after the cycle started
        conn.execute(update(staff).where(staff.c.staff_id == uuid.UUID(trust.teacher.id))
                     .values(start_date=date.today() - timedelta(days=30)))
    a = steps.started(**key_dates(objectives_in=10, mid_year_in=100, end_of_year_in=180))
    own = client.get(f"/appraisals/{a['id']}", headers=trust.teacher.headers).get_json()["key_dates"]
    html = client.get(f"/appraisals/{a['id']}/record", headers=trust.teacher.headers).get_data(as_text=True)
    assert f"<dt>Objectives due</dt><dd>{date.fromisoformat(own['objectives_due']):%d %B %Y}</dd>" in html
    cycle = client.get(f"/cycles/{a['cycle_id']}", headers=trust.trust_hr.headers).get_json()
    assert own["objectives_due"] > cycle["objectives_due"]  # hers, counted from her first day, not the cycle's


def test_the_record_omits_the_support_plan_for_the_reviewee(client, trust, reviewed):
    html = client.get(f"/appraisals/{reviewed['id']}/record", headers=trust.teacher.headers).get_data(as_text=True)
    assert "Support plan" not in html and "Weekly coaching" not in html


@pytest.mark.parametrize("who", ["hod", "oak_hr"])
def test_the_record_includes_the_support_plan_for_appraiser_and_hr(client, trust, reviewed, who):
    html = client.get(f"/appraisals/{reviewed['id']}/record",
                      headers=getattr(trust, who).headers).get_data(as_text=True)
    assert "Support plan (confidential)" in html and "Weekly coaching" in html


# -- untrained appraisers --------------------------------------------------------------------------

def test_untrained_appraisers_report_lists_reviews_by_untrained_appraisers_only(client, db, trust, steps):
    db.insert("trained_appraisers", {"staff_id": uuid.UUID(trust.head.id), "programme_id": uuid.uuid4(),
                                     "completed_on": date.today() - timedelta(days=30)})
    cycle = steps.cycle()
    steps.open(cycle)
    by_untrained = steps.appraisal_of(cycle, trust.teacher)  # appraiser: Dev, not trained
    by_trained = steps.appraisal_of(cycle, trust.other_teacher)  # appraiser: Hannah, trained
    for a, appraiser, reviewee in ((by_untrained, trust.hod, trust.teacher),
                                   (by_trained, trust.head, trust.other_teacher)):
        steps.add_objective(a, appraiser)
        steps.agree(a, appraiser)
        steps.agree(a, reviewee)
        steps.review(a, "mid-year", appraiser)

    rows = client.get("/reports/untrained-appraisers", headers=trust.oak_hr.headers).json
    assert [(r["appraisal_id"], r["appraiser_id"], r["appraiser_name"], r["reviewee_name"], r["stage"]) for r in rows] == [
        (by_untrained["id"], trust.hod.id, "Dev Davies", "Tom Taylor", "mid_year")]
    assert client.get("/reports/untrained-appraisers", headers=trust.elm_hr.headers).json == []
    assert len(client.get("/reports/untrained-appraisers", headers=trust.trust_hr.headers).json) == 1


def test_the_printable_record_names_each_teachers_standard_in_words(client, trust, steps):
    a = steps.started()
    steps.add_objective(a, trust.hod, standards=["TS3", "PART2"])
    record = client.get(f"/appraisals/{a['id']}/record", headers=trust.teacher.headers).get_data(as_text=True)
    assert ("Teachers' Standards: TS3: Demonstrate good subject and curriculum knowledge; "
            "Part Two: Personal and professional conduct") in record
