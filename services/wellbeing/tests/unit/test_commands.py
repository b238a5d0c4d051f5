"""Every command and event handler of wellbeing's service layer against the in-memory fakes (tests/unit/fakes.py):
the change made, the events published with their payloads, the audit rows; and for each refusal, that nothing was
committed or published. No database: the real repositories are exercised by the integration tests."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from staffroom_shared.contracts.wellbeing import survey_link_context
from staffroom_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from staffroom_shared.events import new_event
from staffroom_shared.principal import Principal
from staffroom_shared.sealing import unseal
from wellbeing.domain.model import InvitationStatus, RunStatus, StaffMember
from wellbeing.service import daily_job, handlers, respond, retention, runs

from .fakes import FakeWellbeingUnitOfWork

OAK, ELM = uuid.UUID(int=1), uuid.UUID(int=2)
KEY = bytes(range(32))  # SEAL_KEY
BROWSER = "b" * 22
OPENS, CLOSES = date(2027, 1, 4), date(2027, 1, 22)
HR = Principal(staff_id=uuid.uuid4(), roles=frozenset({"staff", "trust_hr"}), academy_id=None, subject="hr")
OAK_HR = Principal(staff_id=uuid.uuid4(), roles=frozenset({"staff", "academy_hr"}), academy_id=OAK, subject="oak-hr")
NOTIFICATIONS = X25519PrivateKey.generate()
LINKS = runs.Links("https://staffroom.example", NOTIFICATIONS.public_key())


def staff(uow, n: int, **overrides) -> list[StaffMember]:
    people = [StaffMember(**{"staff_id": uuid.uuid4(), "academy_id": OAK if i % 2 else ELM, "staff_type": "teaching",
                             "start_date": date(2020, 9, 1), **overrides}) for i in range(n)]
    for person in people:
        uow.staff.rows[person.staff_id] = person
    return people


@pytest.fixture
def uow():
    uow = FakeWellbeingUnitOfWork(actor="hr")
    uow.academies.rows.update({OAK: "Oak", ELM: "Elm"})
    return uow


def survey(uow, **extra):
    return runs.create(uow, HR, {
        "title": "Spring survey", "instruments": ["enps", "trust_core"], "questions": [], "academy_ids": [],
        "staff_types": [], "opens_on": OPENS, "closes_on": CLOSES, "min_group_size": 5, "owner_academy_id": None,
        **extra})


def open_survey(uow, people: int = 6, **extra):
    """A run open to `people` new members of staff, and each one's token."""
    joined = staff(uow, people)
    run = runs.schedule(uow, HR, survey(uow, **extra).id, LINKS, today=OPENS)
    return joined, run, tokens(uow, run.id)


def tokens(uow, run_id) -> dict:
    """Each invitee's token, from the newest invitation_issued of theirs, opened as notifications would."""
    found = {}
    for payload in uow.payloads("wellbeing.invitation_issued"):
        if payload["run_id"] == str(run_id):
            link = unseal(NOTIFICATIONS, payload["sealed_link"],
                          survey_link_context(payload["run_id"], payload["staff_id"])).decode()
            found[uuid.UUID(payload["staff_id"])] = link.split("#token=")[1]
    return found


def nothing_done(uow, before: tuple) -> bool:
    return (uow.commits, len(uow.published), len(uow.audits)) == before


def state(uow) -> tuple:
    return uow.commits, len(uow.published), len(uow.audits)


# -- building a run -------------------------------------------------------------------------------------------------

def test_create_keeps_a_draft_and_audits_it_announcing_nothing(uow):
    run = survey(uow)
    assert uow.runs.rows[run.id] is run and run.status is RunStatus.DRAFT and run.outcome == "enps"
    assert uow.audits == [{"action": "create", "entity": "survey_run", "entity_id": str(run.id),
                           "changes": {"title": "Spring survey"}, "note": None, "actor": "hr"}]
    assert uow.published == [] and uow.commits == 1


@pytest.mark.parametrize("principal, data, refusal", [
    (HR, {"academy_ids": [uuid.UUID(int=99)]}, Unprocessable),                        # an academy nobody told us of
    (HR, {"instruments": ["nope"]}, Unprocessable),
    (HR, {"closes_on": OPENS}, Unprocessable),                                         # the run's own rule
    (OAK_HR, {}, Forbidden),                                                           # trust-wide: trust HR's
    (OAK_HR, {"owner_academy_id": OAK, "academy_ids": [ELM]}, Forbidden),
])
def test_create_refused_commits_nothing(uow, principal, data, refusal):
    with pytest.raises(refusal):
        runs.create(uow, principal, {
            "title": "Spring survey", "instruments": ["enps"], "questions": [], "academy_ids": [], "staff_types": [],
            "opens_on": OPENS, "closes_on": CLOSES, "min_group_size": 5, "owner_academy_id": None, **data})
    assert uow.runs.rows == {} and nothing_done(uow, (0, 0, 0))


def test_an_academy_s_hr_builds_a_run_of_their_own_academy(uow):
    run = runs.create(uow, OAK_HR, {
        "title": "Oak survey", "instruments": ["enps"], "questions": [], "staff_types": [], "opens_on": OPENS,
        "closes_on": CLOSES, "min_group_size": 5, "owner_academy_id": OAK})
    assert run.academy_ids == [str(OAK)] and run.owner_academy_id == OAK


def test_edit_changes_a_draft_and_audits_what_changed(uow):
    run = survey(uow)
    runs.edit(uow, HR, run.id, {"title": "Summer survey", "instruments": ["trust_core"]})
    assert run.title == "Summer survey" and run.instruments == ["trust_core"] and run.outcome != "enps"
    assert uow.audits[-1]["action"] == "edit" and uow.audits[-1]["changes"]["title"] == "Summer survey"
    assert uow.published == [] and uow.commits == 2


def test_edit_refused_commits_nothing(uow):
    run = survey(uow)
    runs.schedule(uow, HR, run.id, LINKS, today=OPENS - timedelta(days=7))
    before = state(uow)
    with pytest.raises(Conflict):
        runs.edit(uow, HR, run.id, {"title": "Too late"})
    with pytest.raises(NotFound):
        runs.edit(uow, HR, uuid.uuid4(), {"title": "Nobody's"})
    with pytest.raises(Forbidden):
        runs.edit(uow, Principal(staff_id=uuid.uuid4(), roles=frozenset({"staff", "academy_hr"}), academy_id=OAK,
                                 subject="x"), run.id, {"title": "Not theirs"})
    assert run.title == "Spring survey" and nothing_done(uow, before)


# -- scheduling and opening -----------------------------------------------------------------------------------------

def test_schedule_before_its_date_fixes_the_run_and_announces_nothing(uow):
    staff(uow, 3)
    run = runs.schedule(uow, HR, survey(uow).id, LINKS, today=OPENS - timedelta(days=1))
    assert run.status is RunStatus.SCHEDULED and uow.invitations.rows == {}
    assert uow.audits[-1]["action"] == "schedule" and uow.published == []


def test_schedule_on_its_date_invites_everyone_in_scope_and_in_post_then_announces_the_opening(uow):
    invited = staff(uow, 3) + staff(uow, 1, start_date=CLOSES)  # starting by the close is in post
    staff(uow, 1, leaving_date=OPENS - timedelta(days=1))  # left
    staff(uow, 1, start_date=CLOSES + timedelta(days=1))  # starts after it closes
    staff(uow, 1, staff_type="support")  # not asked
    run = runs.schedule(uow, HR, survey(uow, staff_types=["teaching"]).id, LINKS, today=OPENS)

    assert run.status is RunStatus.OPEN and run.invited == 4
    assert {i.staff_id for i in uow.invitations.rows.values()} == {p.staff_id for p in invited}
    assert [e.type for e in uow.published] == ["wellbeing.invitation_issued"] * 4 + ["wellbeing.survey_opened"]
    issued = uow.published[0]
    person = next(p for p in invited if str(p.staff_id) == issued.payload["staff_id"])
    assert issued.version == 2 and issued.academy_id == person.academy_id
    assert {k: v for k, v in issued.payload.items() if k != "sealed_link"} == {
        "run_id": str(run.id), "staff_id": str(person.staff_id), "academy_id": str(person.academy_id),
        "title": "Spring survey", "closes_on": "2027-01-22", "reissued": False, "answer_in_staffroom": False,
        "feedback": False}
    token = tokens(uow, run.id)[person.staff_id]
    assert uow.invitations.by_token(respond.token_hash(token)).staff_id == person.staff_id
    assert uow.published[-1].academy_id is None and uow.payloads("wellbeing.survey_opened") == [{
        "run_id": str(run.id), "title": "Spring survey", "opens_on": "2027-01-04", "closes_on": "2027-01-22",
        "academy_ids": [], "staff_types": ["teaching"], "invited": 4}]
    assert [a["action"] for a in uow.audits] == ["create", "schedule"]


def test_an_invitation_s_service_band_is_worked_out_on_the_day_the_run_opens(uow):
    [person] = staff(uow, 1, start_date=date(2025, 1, 10))
    runs.schedule(uow, HR, survey(uow).id, LINKS, today=OPENS)
    assert uow.invitations.rows[next(iter(uow.invitations.rows))].service_band == "under_2_years"
    assert person.staff_id in {i.staff_id for i in uow.invitations.rows.values()}


def test_schedule_refused_commits_nothing(uow):
    run = survey(uow)
    runs.schedule(uow, HR, run.id, LINKS, today=OPENS - timedelta(days=1))
    before = state(uow)
    with pytest.raises(Conflict):
        runs.schedule(uow, HR, run.id, LINKS, today=OPENS - timedelta(days=1))
    late = survey(uow)
    before = state(uow)
    with pytest.raises(Conflict):
        runs.schedule(uow, HR, late.id, LINKS, today=CLOSES)
    assert late.status is RunStatus.DRAFT and nothing_done(uow, before)


# -- a lost link -------------------------------------------------------------------------------------------------

def test_new_link_replaces_the_old_one_and_its_draft_and_sends_it_again(uow):
    people, run, links = open_survey(uow)
    person = people[0]
    old = links[person.staff_id]
    respond.save(uow, old, {"enps.recommend": 7}, KEY, BROWSER, today=OPENS)
    me = Principal(staff_id=person.staff_id, roles=frozenset({"staff"}), academy_id=person.academy_id, subject="me")
    before = len(uow.published)

    link = runs.new_link(uow, me, run.id, LINKS, today=OPENS)

    token = link.split("#token=")[1]
    assert link == f"https://staffroom.example/surveys/respond#token={token}" and token != old
    assert uow.invitations.by_token(respond.token_hash(old)) is None
    assert uow.invitations.by_token(respond.token_hash(token)).staff_id == person.staff_id
    assert uow.drafts.rows == {}  # what was saved with the old link went with it
    [event] = uow.published[before:]
    assert event.type == "wellbeing.invitation_issued" and event.payload["reissued"] is True
    assert event.payload["staff_id"] == str(person.staff_id) and tokens(uow, run.id)[person.staff_id] == token


def test_new_link_refused_commits_nothing(uow):
    people, run, links = open_survey(uow)
    me = Principal(staff_id=people[0].staff_id, roles=frozenset({"staff"}), academy_id=OAK, subject="me")
    stranger = Principal(staff_id=uuid.uuid4(), roles=frozenset({"staff"}), academy_id=OAK, subject="x")
    before = state(uow)
    with pytest.raises(NotFound):
        runs.new_link(uow, stranger, run.id, LINKS, today=OPENS)
    with pytest.raises(Conflict, match="not open"):
        runs.new_link(uow, me, run.id, LINKS, today=CLOSES + timedelta(days=1))
    assert nothing_done(uow, before)
    respond.submit(uow, links[me.staff_id], {"enps.recommend": 7}, KEY, today=OPENS)
    before = state(uow)
    with pytest.raises(Conflict, match="already answered"):
        runs.new_link(uow, me, run.id, LINKS, today=OPENS)
    assert nothing_done(uow, before)


# -- answering -------------------------------------------------------------------------------------------------------

def test_save_seals_a_draft_only_this_browser_opens_and_announces_nothing(uow):
    people, run, links = open_survey(uow)
    token = links[people[0].staff_id]
    before = state(uow)
    assert respond.save(uow, token, {"enps.recommend": 7}, KEY, BROWSER, today=OPENS) == {"enps.recommend": 7}
    [(hashed, (run_id, box))] = uow.drafts.rows.items()
    assert hashed == respond.token_hash(token) and run_id == run.id and b"recommend" not in box
    assert (uow.commits, len(uow.published), len(uow.audits)) == (before[0] + 1, before[1], before[2])
    assert respond._open(uow, token, KEY, BROWSER, OPENS).saved == {"enps.recommend": 7}
    assert respond._open(uow, token, KEY, "c" * 22, OPENS).saved_elsewhere


@pytest.mark.parametrize("answers, browser, refusal", [
    ({"enps.recommend": 11}, BROWSER, Unprocessable),
    ({"enps.recommend": 7}, None, Unprocessable),
])
def test_save_refused_commits_nothing(uow, answers, browser, refusal):
    people, run, links = open_survey(uow)
    before = state(uow)
    with pytest.raises(refusal):
        respond.save(uow, links[people[0].staff_id], answers, KEY, browser, today=OPENS)
    with pytest.raises(NotFound):
        respond.save(uow, "not a link", answers, KEY, BROWSER, today=OPENS)
    with pytest.raises(Conflict):
        respond.save(uow, links[people[0].staff_id], {"enps.recommend": 7}, KEY, BROWSER, today=CLOSES + timedelta(1))
    assert uow.drafts.rows == {} and nothing_done(uow, before)


def test_submit_drops_a_sealed_ballot_in_the_box_and_leaves_no_trace_of_who(uow):
    people, run, links = open_survey(uow)
    token = links[people[0].staff_id]
    respond.save(uow, token, {"trust.valued": 4}, KEY, BROWSER, today=OPENS)
    before = state(uow)
    respond.submit(uow, token, {"enps.recommend": 7}, KEY, BROWSER, today=OPENS)
    assert uow.invitations.rows[(run.id, people[0].staff_id)].status is InvitationStatus.SUBMITTED
    [(run_id, box)] = uow.ballots.rows.values()
    assert run_id == run.id and uow.drafts.rows == {}
    assert b"recommend" not in box and str(people[0].staff_id).encode() not in box
    # anonymous: no event and no audit row says who answered, or when
    assert (uow.commits, len(uow.published), len(uow.audits)) == (before[0] + 1, before[1], before[2])


def test_submit_refused_commits_nothing(uow):
    people, run, links = open_survey(uow)
    token = links[people[0].staff_id]
    before = state(uow)
    with pytest.raises(Unprocessable):
        respond.submit(uow, token, {}, KEY, today=OPENS)
    assert uow.ballots.rows == {} and nothing_done(uow, before)
    respond.submit(uow, token, {"enps.recommend": 7}, KEY, today=OPENS)
    before = state(uow)
    with pytest.raises(Conflict, match="already been answered"):
        respond.submit(uow, token, {"enps.recommend": 3}, KEY, today=OPENS)
    assert len(uow.ballots.rows) == 1 and nothing_done(uow, before)


# -- closing -----------------------------------------------------------------------------------------------------

def answered(uow, people: int, answering: int, **extra):
    joined, run, links = open_survey(uow, people, **extra)
    for n, person in enumerate(joined[:answering]):
        respond.submit(uow, links[person.staff_id], {"enps.recommend": n % 11, "trust.valued": 1 + n % 5,
                                                     "trust.improve": f"comment {n}"}, KEY, today=OPENS)
    return joined, run


def test_close_counts_the_box_destroys_it_and_announces_the_close_and_the_results(uow):
    joined, run = answered(uow, 12, 10)
    respond.save(uow, tokens(uow, run.id)[joined[11].staff_id], {"enps.recommend": 1}, KEY, BROWSER, today=OPENS)
    before = len(uow.published)
    at = datetime(2027, 1, 10, 12, tzinfo=timezone.utc)

    runs.close(uow, HR, run.id, KEY, at=at)

    assert run.status is RunStatus.CLOSED and run.closed_at == at and (run.answered, run.set_aside) == (10, 0)
    assert uow.ballots.rows == {} and uow.drafts.rows == {}  # nobody's answers are kept
    assert uow.results.rows and sorted(c["text"] for c in uow.results.comment_rows) == [f"comment {n}" for n in range(10)]
    assert uow.audits[-1]["action"] == "close" and uow.audits[-1]["entity_id"] == str(run.id)
    assert [e.type for e in uow.published[before:]] == ["wellbeing.survey_closed", "wellbeing.results_published"]
    named = {"run_id": str(run.id), "title": "Spring survey", "opens_on": "2027-01-04", "closes_on": "2027-01-22",
             "academy_ids": [], "staff_types": []}
    assert uow.payloads("wellbeing.survey_closed") == [{**named, "invited": 12, "responses": 10}]
    [published] = uow.payloads("wellbeing.results_published")
    assert {k: v for k, v in published.items() if k != "groups"} == {**named, "min_group_size": 5, "lifecycle": None}
    trust = published["groups"][0]
    assert trust["cut"] == "trust" and trust["academy_id"] is None and trust["responses"] == 10
    assert {f["figure"] for f in trust["figures"]} >= {"enps", "trust.valued"}
    assert all(e.academy_id is None for e in uow.published[before:])


def test_a_run_answered_by_fewer_than_the_minimum_group_publishes_no_figures(uow):
    joined, run = answered(uow, 8, 4)
    runs.close(uow, HR, run.id, KEY)
    assert run.answered == 4 and run.counted == 0 and uow.results.rows == [] and uow.results.comment_rows == []
    assert uow.payloads("wellbeing.survey_closed")[0]["responses"] == 0
    assert uow.payloads("wellbeing.results_published")[0]["groups"] == []


def test_close_counts_who_changed_since_an_earlier_run_and_publishes_it(uow):
    first_people, first = answered(uow, 10, 8)
    runs.close(uow, HR, first.id, KEY)
    second = runs.schedule(uow, HR, survey(uow, title="Summer survey").id, LINKS, today=OPENS)
    links = tokens(uow, second.id)
    for person in first_people[:6]:
        respond.submit(uow, links[person.staff_id], {"enps.recommend": 5}, KEY, today=OPENS)
    runs.close(uow, HR, second.id, KEY)
    trust = next(t for t in uow.results.turnover_rows if t["run_id"] == second.id and t["academy_id"] == "")
    assert trust["earlier_run_id"] == first.id and trust["changed"] == 2
    [_, published] = uow.payloads("wellbeing.results_published")
    assert published["groups"][0]["turnover"] == [{"run_id": str(first.id), "changed": 2}]


def test_close_refused_commits_nothing(uow):
    run = survey(uow)
    before = state(uow)
    with pytest.raises(Conflict):
        runs.close(uow, HR, run.id, KEY)
    with pytest.raises(NotFound):
        runs.close(uow, OAK_HR, uuid.uuid4(), KEY)
    assert run.status is RunStatus.DRAFT and nothing_done(uow, before)


# -- the daily job -------------------------------------------------------------------------------------------------

def test_the_daily_job_opens_reminds_and_closes_each_run_once(uow):
    people = staff(uow, 6)
    run = runs.schedule(uow, HR, survey(uow).id, LINKS, today=OPENS - timedelta(days=3))
    assert daily_job.run_daily(uow, LINKS, KEY, today=OPENS) == {"opened": 1, "reminded": 0, "closed": 0, "failed": 0}
    assert run.status is RunStatus.OPEN and uow.payloads("wellbeing.survey_opened")[0]["invited"] == 6
    links = tokens(uow, run.id)
    for person in people[:5]:
        respond.submit(uow, links[person.staff_id], {"enps.recommend": 8}, KEY, today=OPENS)

    remind_on = CLOSES - timedelta(days=runs.REMIND_DAYS_BEFORE)
    assert daily_job.run_daily(uow, LINKS, KEY, today=remind_on)["reminded"] == 1
    assert daily_job.run_daily(uow, LINKS, KEY, today=remind_on)["reminded"] == 0  # once
    [reminder] = [e for e in uow.published if e.type == "wellbeing.survey_closing_soon"]
    assert reminder.academy_id is None and reminder.payload["not_responded"] == [str(people[5].staff_id)]
    assert reminder.payload["run_id"] == str(run.id) and run.reminded_on == remind_on

    counts = daily_job.run_daily(uow, LINKS, KEY, today=CLOSES + timedelta(days=1))
    assert counts == {"opened": 0, "reminded": 0, "closed": 1, "failed": 0}
    assert run.status is RunStatus.CLOSED and uow.payloads("wellbeing.survey_closed")[0]["responses"] == 5
    assert daily_job.run_daily(uow, LINKS, KEY, today=CLOSES + timedelta(days=2))["closed"] == 0
    assert uow.invitations.sent_links_forgotten == 5  # every run of the job forgets the links the relay sent


def test_a_run_the_daily_job_cannot_close_holds_up_no_other(uow, monkeypatch):
    staff(uow, 6)
    first = runs.schedule(uow, HR, survey(uow).id, LINKS, today=OPENS)
    second = runs.schedule(uow, HR, survey(uow, title="Other").id, LINKS, today=OPENS)
    real = daily_job.close_run

    def close_run(uow, run, key, at=None):
        if run.id == first.id:
            raise RuntimeError("the box will not open")
        return real(uow, run, key, at)

    monkeypatch.setattr(daily_job, "close_run", close_run)
    before = len(uow.published)
    assert daily_job.run_daily(uow, LINKS, KEY, today=CLOSES + timedelta(days=1))["failed"] == 1
    assert first.status is RunStatus.OPEN and second.status is RunStatus.CLOSED
    assert {e.payload["run_id"] for e in uow.published[before:]} == {str(second.id)}


# -- event handlers --------------------------------------------------------------------------------------------------

def staff_event(event_type: str, staff_id=None, occurred_at=None, **overrides):
    payload = {"staff_id": staff_id or uuid.uuid4(), "academy_id": OAK, "first_name": "Priya", "last_name": "Patel",
               "email": "p@oaktrust.example", "staff_type": "teaching", "post": "Teacher", "fte": "1.00",
               "start_date": date(2020, 9, 1), "leaving_date": None, "line_manager_id": None, **overrides}
    return new_event(event_type, payload, producer="directory", correlation_id="test", academy_id=OAK,
                     occurred_at=occurred_at)


def test_staff_events_keep_the_newest_snapshot_of_who_a_run_invites(uow):
    now = datetime(2027, 1, 1, tzinfo=timezone.utc)
    joined = staff_event("staff.joined", occurred_at=now)
    staff_id = uuid.UUID(joined.payload["staff_id"])
    with uow:
        handlers.HANDLERS["staff.joined"](uow, joined)
        uow.commit()
    assert uow.staff.get(staff_id) == StaffMember(staff_id, OAK, "teaching", date(2020, 9, 1), None)
    with uow:
        handlers.HANDLERS["staff.promoted"](uow, staff_event(
            "staff.promoted", staff_id, now + timedelta(days=2), staff_type="leadership", previous_post="Teacher",
            previous_staff_type="teaching", effective_date=date(2027, 1, 3)))
        handlers.HANDLERS["staff.left"](uow, staff_event(  # overtaken: an older snapshot changes nothing
            "staff.left", staff_id, now + timedelta(days=1), leaving_date=date(2027, 1, 2), reason="resigned"))
        uow.commit()
    assert uow.staff.get(staff_id).staff_type == "leadership" and uow.staff.get(staff_id).leaving_date is None
    assert uow.published == [] and uow.audits == []


def test_staff_erased_keeps_the_anonymised_record_and_forgets_what_was_sent_about_them(uow, monkeypatch):
    forgotten = []
    monkeypatch.setattr(handlers, "forget_sent_events", lambda uow, staff_id: forgotten.append(staff_id))
    monkeypatch.setattr(handlers, "forget_pages_after", lambda uow: forgotten.append("pages"))
    erased = staff_event("staff.erased", first_name="Erased", last_name="Person", erased_on=date(2027, 1, 2),
                         leaving_date=date(2020, 1, 1))
    with uow:
        handlers.on_staff_erased(uow, erased)
        uow.commit()
    staff_id = uuid.UUID(erased.payload["staff_id"])
    assert uow.staff.details[staff_id]["first_name"] == "Erased" and uow.staff.get(staff_id).leaving_date
    assert forgotten == [erased.payload["staff_id"], "pages"]


def test_academy_events_name_the_academies(uow):
    academy_id = uuid.uuid4()
    for event_type, name in (("academy.registered", "Ash"), ("academy.updated", "Ash Primary")):
        with uow:
            handlers.HANDLERS[event_type](uow, new_event(event_type, {
                "academy_id": academy_id, "name": name, "urn": "100001", "phase": "primary"},
                producer="directory", correlation_id="test", academy_id=academy_id))
            uow.commit()
    assert uow.academies.names()[str(academy_id)] == "Ash Primary" and uow.published == []


# -- retention -----------------------------------------------------------------------------------------------------

def test_retention_expires_the_invitations_and_comments_of_runs_closed_before_the_cutoff(uow):
    _, run = answered(uow, 6, 5)
    runs.close(uow, HR, run.id, KEY, at=datetime(2027, 2, 1, tzinfo=timezone.utc))
    records = {r.key: r for r in retention.RECORDS}
    with uow:
        assert records["invitations"].expire(uow, date(2027, 2, 1), date(2029, 2, 2)) == 0  # closed on the cutoff
        assert records["invitations"].expire(uow, date(2027, 2, 2), date(2029, 2, 3)) == 6
        assert records["comments"].expire(uow, date(2027, 2, 2), date(2029, 2, 3)) == 5
        uow.commit()
    assert uow.invitations.rows == {} and uow.results.comment_rows == [] and uow.results.rows  # the figures stay


def test_a_draft_s_default_outcome_follows_its_questions_and_one_hr_chose_stays(uow):
    run = survey(uow)
    runs.edit(uow, HR, run.id, {"instruments": ["trust_core"]})
    assert run.outcome != "enps" and run.outcome in run.questionnaire().measures
    chosen = survey(uow, instruments=["enps", "trust_core"], outcome="trust.valued")
    runs.edit(uow, HR, chosen.id, {"instruments": ["trust_core"]})
    assert chosen.outcome == "trust.valued"
