"""Issue 24: an outside tester's findings of 7 December 2026 against the anonymity of 360 and upward feedback
(findings 2 to 6), and refusals that quoted raw ids. Each test fails without its fix."""
import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from .test_feedback import CLOSES, School, rated
from .test_feedback_outside import ask

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture
def school(client, db, tokens):
    return School(client, db, tokens)


def _move(db, people, manager) -> None:
    """The directory's PATCH of their line manager, as it reaches wellbeing's staff copy."""
    with db.context.engine.begin() as conn:
        conn.execute(update(db.tables["staff"]).where(db.tables["staff"].c.staff_id.in_([p["staff_id"] for p in people]))
                     .values(line_manager_id=manager["staff_id"]))


def _answer_all(school, request_id, level: int = 4, words: str | None = None) -> None:
    for token in school.links(request_id).values():
        assert school.answer(token, rated(level, words)).status_code == 204


def _close(school, request_id, by=None):
    return school.client.post(f"/feedback/requests/{request_id}/close", headers=by or school.as_(school.me))


def _second_manager(school) -> dict:
    """Another manager at the academy, with five direct reports (enough for an upward round)."""
    sam = school._person("Sam", "Second", None)
    for i in range(5):
        school._person(f"S{i}", "Report", sam)
    return sam


# -- finding 2: a colleague's address with a plus tag, or any address at the trust's own domain --------------------

@pytest.mark.parametrize("typed, words", [
    ("T1+360@oak.example", "a colleague's in the trust"),
    ("  t2+Feedback@OAK.example ", "a colleague's in the trust"),
    ("new.governor@oak.example", "the trust's own"),  # nobody's address yet, but only colleagues have one there
    ("someone@mail.oak.example", "the trust's own"),
])
def test_f2_a_plus_tagged_work_address_or_any_address_at_the_trust_s_domain_is_refused(school, db, typed, words):
    """Ben typed three direct reports' work addresses with a +tag as "outside": 201, and "others" answered 3 of 3."""
    before = db.snapshot()
    made = ask(school, outside=[typed], by=school.manager)
    assert made.status_code == 422 and made.content_type == "application/problem+json"
    body = made.get_json()
    assert words in body["detail"] and "#/outside_trust" in str(body)
    assert typed.strip().split("@")[0].lower() not in str(body).lower()  # the address is never repeated
    assert db.snapshot() == before
    assert ask(school, outside=["governor@elsewhere.example"], by=school.manager).status_code == 201


# -- finding 3: direct reports moved away, asked as peers, moved back ---------------------------------------------

def test_f3_reports_moved_away_asked_as_peers_and_moved_back_need_five_at_the_close(school, client, db):
    moved = school.team[:3]
    other = school._person("Olu", "Other", None)
    _move(db, moved, other)
    made = ask(school, outside=[], peers=moved, by=school.manager)
    assert made.status_code == 201, made.get_json()
    _move(db, moved, school.manager)
    _answer_all(school, made.get_json()["id"], 4, "Moved and back")
    closed = _close(school, made.get_json()["id"], by=school.as_(school.manager))
    assert closed.status_code == 200
    report = closed.get_json()["report"]
    assert report["categories"] == [{"category": "peers", "shown": False, "needed": 5}]
    assert "Moved and back" not in str(report)


def test_f3_reports_moved_away_and_asked_as_peers_need_five_at_a_close_before_the_move_back_arrives(school, client,
                                                                                                     db):
    """The second outside test: the headteacher moved them back and closed at once, before the staff copy heard of
    the move back; the copy remembers whom they were moved away from (former_line_managers)."""
    from staffroom_shared.events import new_event, parse_event
    from wellbeing.service.handlers import on_staff_changed

    moved = school.team[:3]
    other = school._person("Olu", "Other", None)
    for person in moved:  # the directory's PATCH, as its staff.updated event reaches wellbeing
        uow = db.context.uow()
        with uow:
            on_staff_changed(uow, parse_event(new_event("staff.updated", {  # as the consumer reads it off the bus
                **person, "line_manager_id": other["staff_id"], "post": "Teacher", "fte": "1.00",
                "changed": ["line_manager_id"]}, producer="directory", correlation_id="test",
                academy_id=school.academy).to_dict()))
            uow.commit()
    made = ask(school, outside=[], peers=moved, by=school.manager)
    assert made.status_code == 201, made.get_json()  # by then they are not his reports, as the copy says
    _answer_all(school, made.get_json()["id"], 4, "Moved and not yet back")
    closed = _close(school, made.get_json()["id"], by=school.as_(school.manager))
    assert closed.status_code == 200
    report = closed.get_json()["report"]
    assert report["categories"] == [{"category": "peers", "shown": False, "needed": 5}]
    assert "Moved and not yet back" not in str(report)


# -- finding 4: one shown report per person per school year --------------------------------------------------------

def test_f4_a_second_request_about_someone_whose_report_was_shown_this_school_year_is_refused(school, client, db):
    """Peers X, Y, Z, W answered and the report was shown; X, Y, Z again gave W's answers by subtraction."""
    peers = [school._person(f"P{i}", "Peer", None) for i in range(4)]
    first = school.ask(peers, line_manager=False).get_json()
    _answer_all(school, first["id"], 4, "Same words")
    assert _close(school, first["id"]).get_json()["report"]["categories"][0]["shown"]
    before = db.snapshot()
    for by, subject in ((school.me, None), (school.manager, school.me)):
        again = client.post("/feedback/requests", headers=school.as_(by), json={
            "closes_on": CLOSES, **({"subject_id": str(subject["staff_id"])} if subject else {}),
            "raters": [{"staff_id": str(p["staff_id"]), "category": "peers"} for p in peers[:3]]})
        assert again.status_code == 422 and again.content_type == "application/problem+json"
        detail = again.get_json()["detail"]
        assert detail.startswith('T0 Teacher already had feedback this school year that was shown ("Feedback for T0 '
                                 'Teacher", closed on ')
        assert "it asked some of the same people" in detail and "ask again from 1 September" in detail
        assert not ISO_DAY.search(detail)
        assert "pointer" not in str(again.get_json())  # no form field to point at ("Subject id" on the page)
    assert db.snapshot() == before


def test_f4_a_request_that_showed_nothing_does_not_block_the_next(school, client):
    peers = [school._person(f"P{i}", "Peer", None) for i in range(4)]
    first = school.ask(peers[:3], line_manager=False).get_json()
    for token in list(school.links(first["id"]).values())[:2]:
        assert school.answer(token, rated(3)).status_code == 204
    closed = _close(school, first["id"])
    assert closed.status_code == 200 and not closed.get_json()["report"]["categories"][0]["shown"]
    assert school.ask(peers, line_manager=False).status_code == 201


def test_f4_an_upward_round_leaves_out_a_manager_whose_shown_feedback_asked_their_reports(school, client):
    """Mo Head's 360 asked three peers and one of his direct reports (T0): its peers were shown, so a round asking
    T0 again about him could be compared with it."""
    peers = [school._person(f"P{i}", "Peer", None) for i in range(3)]
    mine = client.post("/feedback/requests", headers=school.as_(school.manager), json={
        "closes_on": CLOSES, "raters": [{"staff_id": str(p["staff_id"]), "category": "peers"} for p in peers]
        + [{"staff_id": str(school.me["staff_id"]), "category": "direct_reports"}]})
    assert mine.status_code == 201, mine.get_json()
    _answer_all(school, mine.get_json()["id"])
    assert _close(school, mine.get_json()["id"], by=school.as_(school.manager)).get_json()["report"]["categories"]
    _second_manager(school)
    opened = client.post("/feedback/rounds", headers=school.hr(), json={
        "title": "Spring", "academy_id": str(school.academy), "closes_on": CLOSES})
    assert opened.status_code == 201, opened.get_json()
    body = opened.get_json()
    assert body["managers"] == 1 and [r["manager"] for r in body["requests"]] == ["Sam Second"]
    [left] = body["left_out"]
    assert left["manager"] == "Mo Head"
    assert left["reason"].startswith("Mo Head already had feedback this school year that was shown")
    assert "it asked some of the same people" in left["reason"]


def test_f4_a_manager_whose_shown_feedback_asked_only_peers_is_still_asked_about_in_an_upward_round(school, client):
    """Nobody in common, nothing to subtract: a peer 360 in the autumn does not cost a manager the spring round."""
    peers = [school._person(f"P{i}", "Peer", None) for i in range(3)]
    mine = ask(school, outside=[], peers=peers, by=school.manager).get_json()
    _answer_all(school, mine["id"])
    _close(school, mine["id"], by=school.as_(school.manager))
    _second_manager(school)
    opened = client.post("/feedback/rounds", headers=school.hr(), json={
        "title": "Spring", "academy_id": str(school.academy), "closes_on": CLOSES})
    assert opened.status_code == 201, opened.get_json()
    assert sorted(r["manager"] for r in opened.get_json()["requests"]) == ["Mo Head", "Sam Second"]


# -- finding 5: a request open for ever held HR's rounds back ------------------------------------------------------

def test_f5_a_closing_date_years_ahead_is_refused_for_a_request_and_a_round(school, client, db):
    before = db.snapshot()
    far = client.post("/feedback/requests", headers=school.as_(school.manager), json={
        "closes_on": "2099-01-01", "outside_trust": ["governor@elsewhere.example"]})
    assert far.status_code == 422 and "at most 8 weeks ahead" in far.get_json()["detail"]
    assert "#/closes_on" in str(far.get_json()) and not ISO_DAY.search(far.get_json()["detail"])
    round_ = client.post("/feedback/rounds", headers=school.hr(), json={
        "title": "Spring", "academy_id": str(school.academy), "closes_on": str(date.today() + timedelta(weeks=9))})
    assert round_.status_code == 422 and "at most 8 weeks ahead" in round_.get_json()["detail"]
    assert db.snapshot() == before
    latest = str(date.today() + timedelta(weeks=8))
    assert client.post("/feedback/requests", headers=school.as_(school.manager), json={
        "closes_on": latest, "outside_trust": ["governor@elsewhere.example"]}).status_code == 201


def test_f5_a_round_leaves_out_a_manager_whose_open_request_conflicts_and_hr_may_close_that_request(
        school, client, db):
    mine = client.post("/feedback/requests", headers=school.as_(school.manager), json={
        "closes_on": CLOSES, "outside_trust": ["governor@elsewhere.example"]}).get_json()
    _second_manager(school)
    opened = client.post("/feedback/rounds", headers=school.hr(), json={
        "title": "Spring", "academy_id": str(school.academy), "closes_on": CLOSES})
    assert opened.status_code == 201, opened.get_json()
    body = opened.get_json()
    assert body["managers"] == 1 and body["invited"] == 5
    assert body["left_out"] == [{"manager": "Mo Head", "reason": body["left_out"][0]["reason"]}]
    assert 'the request "Feedback for Mo Head" about Mo Head is open until ' in body["left_out"][0]["reason"]
    # HR of his academy may close his request early (audited); HR of another academy are told it does not exist
    path = f"/feedback/requests/{mine['id']}"
    assert client.get(path, headers=school.hr()).get_json()["may_close"] is True
    other_hr = school.tokens.headers(uuid.uuid4(), roles=("staff", "academy_hr"), academy_id=uuid.uuid4())
    assert client.post(f"{path}/close", headers=other_hr).status_code == 404
    closed = client.post(f"{path}/close", headers=school.hr())
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    assert closed.get_json()["report"] is None  # HR never read a report
    assert [a["action"] for a in db.audit(uuid.UUID(mine["id"])) if a["action"] == "close"] == ["close"]
    # and the next round asks about him (Sam is in the open round, so he is the one left out now)
    again = client.post("/feedback/rounds", headers=school.hr(trust=True), json={
        "title": "Catch-up", "academy_id": str(school.academy), "closes_on": CLOSES})
    assert again.status_code == 201 and [r["manager"] for r in again.get_json()["requests"]] == ["Mo Head"]
    assert [x["manager"] for x in again.get_json()["left_out"]] == ["Sam Second"]


# -- finding 6: a subject access copy stated a false count ---------------------------------------------------------

def test_f6_a_subject_access_copy_of_an_open_request_states_no_count(school, client, db):
    from sqlalchemy.orm import Session

    from staffroom_shared.subject_access import answer as subject_access

    from wellbeing.adapters.subject_access import HOLDINGS
    from wellbeing.service.subject_access import LEFT_OUT

    made = school.ask(school.team[1:4]).get_json()
    for token in list(school.links(made["id"]).values())[:2]:
        assert school.answer(token, rated(4)).status_code == 204
    with Session(db.context.engine) as session:
        for by_the_person in (False, True):
            copy = subject_access(session, HOLDINGS, "r1", school.me["staff_id"], by_the_person, LEFT_OUT)
            [row] = [h["rows"] for h in copy["records"] if h["key"] == "feedback_requests"][0]
            assert row["invited"] == 4 and "answered" not in row
            assert any("not shown until the request closes" in note for note in copy["left_out"])


# -- refusals that quoted ids --------------------------------------------------------------------------------------

def test_refusals_name_people_the_caller_may_see_and_never_quote_an_id(school, client, tokens, db):
    peer = school.team[1]
    elsewhere = School(client, db, tokens, reports=1, name="Elm").team[0]

    def refused(raters, headers=None, **extra):
        made = client.post("/feedback/requests", headers=headers or school.as_(school.me), json={
            "closes_on": CLOSES, "raters": raters, **extra})
        assert made.status_code in (404, 422) and made.content_type == "application/problem+json"
        assert not UUID.search(str(made.get_json())), made.get_json()
        return str(made.get_json())

    assert "T1 Teacher is chosen twice" in refused([{"staff_id": str(peer["staff_id"]), "category": "peers"}] * 2)
    assert "T2 Teacher is not a direct report" in refused([{"staff_id": str(school.team[2]["staff_id"]),
                                                            "category": "direct_reports"}])
    assert "one of the people chosen is chosen twice" in refused(
        [{"staff_id": str(elsewhere["staff_id"]), "category": "peers"}] * 2)
    assert "1 of the people chosen is not in post" in refused([{"staff_id": str(uuid.uuid4()), "category": "peers"}])
    assert "only about yourself or someone you line-manage" in refused(
        [], subject_id=str(elsewhere["staff_id"]), include_line_manager=True)
    assert "no such feedback request" in str(client.get(f"/feedback/requests/{uuid.uuid4()}",
                                                        headers=school.as_(school.me)).get_json())
