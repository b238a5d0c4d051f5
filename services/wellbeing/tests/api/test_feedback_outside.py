"""Issue 24: people outside the trust asked by email address (sealed to notifications, kept nowhere here), and F7:
no two open requests about one person share a rater (two overlapping upward rounds let HR subtract reports)."""
import logging
import uuid
from datetime import date

import pytest

from staffroom_shared.contracts.wellbeing import outside_address_context
from staffroom_shared.sealing import unseal

from .test_feedback import CLOSES, School, rated

ADDRESSES = ["Grace.Hopper@Navy.example", "ada@engine.example", "alan@bletchley.example"]


@pytest.fixture
def school(client, db, tokens):
    return School(client, db, tokens)


def ask(school, *, outside, peers=(), by=None, reports=()):
    return school.client.post("/feedback/requests", headers=school.as_(by or school.me), json={
        "closes_on": CLOSES, "outside_trust": outside,
        "raters": [{"staff_id": str(p["staff_id"]), "category": "peers"} for p in peers]
        + [{"staff_id": str(p["staff_id"]), "category": "direct_reports"} for p in reports]})


def _everything(db) -> str:
    return repr(db.snapshot()).lower()


def test_people_outside_the_trust_are_asked_by_sealed_address_and_kept_nowhere(school, client, db, caplog):
    with caplog.at_level(logging.DEBUG):
        made = ask(school, outside=ADDRESSES, peers=school.team[1:3])
    assert made.status_code == 201, made.get_json()
    request = made.get_json()
    assert request["invited"] == 5
    assert {"name": "3 people outside the trust", "category": "others",
            "category_name": "People outside the trust"} in request["asked"]
    stored = _everything(db)
    assert not any(a.lower() in stored for a in ADDRESSES) and not any(a.lower() in caplog.text.lower()
                                                                          for a in ADDRESSES)
    invitations = [r for r in db.rows("feedback_invitations") if r["category"] == "others"]
    assert len(invitations) == 3 and all(r["staff_id"] is None for r in invitations)
    events = [e["payload"] for e in db.events("wellbeing.invitation_issued") if e["payload"].get("sealed_address")]
    assert len(events) == 3 and all(e["about"] == "T0 Teacher" and e["feedback"] for e in events)
    key = db.context.config.survey_link_private_key()
    opened = {unseal(key, e["sealed_address"], outside_address_context(e["run_id"], e["staff_id"])).decode()
              for e in events}
    assert {o.strip() for o in opened} == {a.lower() for a in ADDRESSES} and {len(o) for o in opened} == {254}
    staff_ids = {str(p["staff_id"]) for p in school.team + [school.manager]}
    assert not {e["staff_id"] for e in events} & staff_ids


def test_an_outside_rater_answers_without_signing_in_never_named_and_is_shown_only_with_k(school, client):
    made = ask(school, outside=ADDRESSES).get_json()
    tokens = list(school.links(made["id"]).values())
    form = client.get("/feedback/respond", headers={"X-Survey-Token": tokens[0]})
    assert form.status_code == 200
    assert form.get_json()["category_name"] == "People outside the trust" and not form.get_json()["may_be_named"]
    named = school.answer(tokens[0], rated(4), named=True)
    assert named.status_code == 422 and "without a name" in named.get_json()["detail"]
    for token in tokens:
        assert school.answer(token, rated(4, "Clear feedback")).status_code == 204
    client.post(f"/feedback/requests/{made['id']}/close", headers=school.as_(school.me))
    report = client.get(f"/feedback/requests/{made['id']}", headers=school.as_(school.me)).get_json()["report"]
    [others] = report["categories"]
    assert others["category"] == "others" and others["shown"] and others["answered"] == 3
    assert report["named"] == []


def test_two_outside_answers_of_three_asked_show_nothing(school, client):
    made = ask(school, outside=ADDRESSES).get_json()
    for token in list(school.links(made["id"]).values())[:2]:
        assert school.answer(token, rated(2, "Words")).status_code == 204
    client.post(f"/feedback/requests/{made['id']}/close", headers=school.as_(school.me))
    report = client.get(f"/feedback/requests/{made['id']}", headers=school.as_(school.me)).get_json()["report"]
    assert report["categories"] == [{"category": "others", "shown": False, "needed": 3}]


@pytest.mark.parametrize("outside, words", [
    (["not an address"], "not one address"),
    (["ann@oak.example", "ANN@oak.example"], "twice"),
    ([f"p{i}@oak.example" for i in range(11)], "at most 10"),
    (["ann@oak.example\r\nBcc: everyone@oak.example"], "not one address"),
])
def test_bad_addresses_are_refused_in_plain_words_and_change_nothing(school, db, outside, words):
    before = db.snapshot()
    made = ask(school, outside=outside)
    assert made.status_code == 422 and made.content_type == "application/problem+json"
    body = made.get_json()
    assert words in str(body) and "#/outside_trust" in str(body) and "oak.example" not in str(body)
    assert db.snapshot() == before


def test_f7_a_second_upward_round_over_the_same_managers_is_refused_while_the_first_is_open(school, client, db):
    first = client.post("/feedback/rounds", headers=school.hr(), json={
        "title": "Spring upward feedback", "academy_id": str(school.academy), "closes_on": CLOSES})
    assert first.status_code == 201
    before = db.snapshot()
    for headers, academy in ((school.hr(), str(school.academy)), (school.hr(trust=True), None)):
        again = client.post("/feedback/rounds", headers=headers, json={
            "title": "Another", "academy_id": academy, "closes_on": CLOSES})
        assert again.status_code == 422
        detail = again.get_json()["detail"]
        assert 'the upward round "Spring upward feedback" asks some of the same people about Mo Head' in detail
        assert "is open until " in detail and CLOSES not in detail
    assert db.snapshot() == before
    client.post(f"/feedback/rounds/{first.get_json()['id']}/close", headers=school.hr())
    assert client.post("/feedback/rounds", headers=school.hr(), json={
        "title": "Summer", "academy_id": str(school.academy), "closes_on": CLOSES}).status_code == 201


def test_f7_a_360_asking_a_manager_s_reports_is_refused_while_an_upward_round_about_them_is_open(school, client):
    assert client.post("/feedback/rounds", headers=school.hr(), json={
        "title": "Spring", "academy_id": str(school.academy), "closes_on": CLOSES}).status_code == 201
    mine = ask(school, outside=[], reports=school.team[:3], by=school.manager)
    assert mine.status_code == 422 and 'the upward round "Spring"' in mine.get_json()["detail"]
    # the manager's peers are nobody the round asked
    peer = school._person("Pat", "Peer", None)
    assert ask(school, outside=[], peers=[peer], by=school.manager).status_code == 201


def test_f7_two_open_360_requests_about_someone_never_share_a_rater_nor_both_ask_outside(school):
    assert ask(school, outside=ADDRESSES[:1], peers=school.team[1:4]).status_code == 201
    overlapping = ask(school, outside=[], peers=school.team[3:5])
    assert overlapping.status_code == 422 and 'the request "Feedback for T0 Teacher"' in overlapping.get_json()["detail"]
    assert ask(school, outside=ADDRESSES[1:2], peers=school.team[4:5]).status_code == 422
    # beside a request asking outside, no other request about the same person is open, even with other raters
    assert ask(school, outside=[], peers=school.team[4:6]).status_code == 422


def test_every_invitation_names_whom_the_feedback_is_about_for_its_email(school, client, db):
    """F5: the email asks "Would you give feedback about Mo Head?", so the event says whom (an upward round's too)."""
    assert client.post("/feedback/rounds", headers=school.hr(), json={
        "title": "Spring", "academy_id": str(school.academy), "closes_on": CLOSES}).status_code == 201
    assert ask(school, outside=[], peers=[school.team[3]]).status_code == 201
    abouts = [e["payload"].get("about") for e in db.events("wellbeing.invitation_issued")]
    assert abouts.count("Mo Head") == 6 and abouts.count("T0 Teacher") == 1


def test_hr_see_who_asked_and_while_open_how_many_answered_never_a_report(school, client):
    made = client.post("/feedback/requests", headers=school.as_(school.manager), json={
        "closes_on": CLOSES, "subject_id": str(school.me["staff_id"]), "outside_trust": ADDRESSES}).get_json()
    [listed] = [r for r in client.get("/feedback/requests", headers=school.hr()).get_json() if r["id"] == made["id"]]
    assert listed["asked_by"] == "Mo Head" and listed["subject"] == "T0 Teacher" and listed["answered"] == 0
    for token in school.links(made["id"]).values():
        school.answer(token, rated(3))
    client.post(f"/feedback/requests/{made['id']}/close", headers=school.as_(school.manager))
    [listed] = [r for r in client.get("/feedback/requests", headers=school.hr()).get_json() if r["id"] == made["id"]]
    assert listed["answered"] is None and listed["report"] is None


# -- an outside tester's findings (F1) ----------------------------------------------------------------------------

def _work_addresses(people) -> list[str]:
    return [f"  {p['email'].upper()} " for p in people]  # as typed: any case, stray spaces


def test_f1_a_colleague_s_work_address_typed_as_outside_is_refused_so_a_minus_b_gives_nobody(school, client, db):
    """Finding 1: A asked peers X, Y, Z, W; B, open beside it, asked X, Y, Z's work addresses as "outside"; A minus
    B gave W's answers. Both halves are refused now: the address, and a request asking outside beside another."""
    peers = [school._person(f"P{i}", "Peer", None) for i in range(4)]
    first = school.ask(peers, line_manager=False)
    assert first.status_code == 201
    before = db.snapshot()
    second = ask(school, outside=_work_addresses(peers[:3]))
    assert second.status_code == 422 and second.content_type == "application/problem+json"
    body = second.get_json()
    assert body["detail"] == "one of the addresses is a colleague's in the trust: choose them as a colleague instead"
    assert "#/outside_trust" in str(body) and "oak.example" not in str(body).lower()
    # a leaver's address is still a colleague's in the copy of the directory
    db.insert("staff", {"staff_id": uuid.uuid4(), "academy_id": school.academy, "first_name": "Lee",
                        "last_name": "Left", "email": "Lee.Left@oak.example ", "staff_type": "teaching",
                        "start_date": date(2015, 9, 1), "leaving_date": date(2020, 8, 31), "line_manager_id": None})
    before = db.snapshot()
    assert ask(school, outside=["lee.left@OAK.example"]).status_code == 422
    # addresses nobody in the trust has: refused too while A is open (they cannot be compared with A's raters)
    beside = ask(school, outside=ADDRESSES)
    assert beside.status_code == 422 and 'the request "Feedback for T0 Teacher" about T0 Teacher' in \
        beside.get_json()["detail"] and CLOSES not in beside.get_json()["detail"]
    assert db.snapshot() == before
    client.post(f"/feedback/requests/{first.get_json()['id']}/close", headers=school.as_(school.me))
    assert ask(school, outside=ADDRESSES).status_code == 201  # once A has closed
    # and in the other order: A asking outside is open, so B asking colleagues is refused
    assert school.ask(peers, line_manager=False).status_code == 422


def test_f2_direct_reports_typed_as_outside_addresses_are_refused_and_an_upward_round_too(school, client, db):
    """Finding 2: three direct reports' work addresses as "outside" were shown with k=3, not 5; and one was taken
    while an upward round about the manager was open."""
    before = db.snapshot()
    made = client.post("/feedback/requests", headers=school.as_(school.manager), json={
        "closes_on": CLOSES, "outside_trust": _work_addresses(school.team[:3])})
    assert made.status_code == 422 and "a colleague's in the trust" in made.get_json()["detail"]
    assert db.snapshot() == before
    assert client.post("/feedback/rounds", headers=school.hr(), json={
        "title": "Spring", "academy_id": str(school.academy), "closes_on": CLOSES}).status_code == 201
    before = db.snapshot()
    for outside in (_work_addresses(school.team[:1]), ADDRESSES[:1]):
        during = client.post("/feedback/requests", headers=school.as_(school.manager), json={
            "closes_on": CLOSES, "outside_trust": outside})
        assert during.status_code == 422
    assert 'the upward round "Spring" about Mo Head' in during.get_json()["detail"]
    assert db.snapshot() == before


def test_f2_an_upward_round_is_refused_while_a_360_about_the_manager_asks_outside(school, client):
    mine = client.post("/feedback/requests", headers=school.as_(school.manager), json={
        "closes_on": CLOSES, "outside_trust": ADDRESSES[:1]})
    assert mine.status_code == 201
    round_ = client.post("/feedback/rounds", headers=school.hr(), json={
        "title": "Spring", "academy_id": str(school.academy), "closes_on": CLOSES})
    assert round_.status_code == 422 and 'the request "Feedback for Mo Head" about Mo Head' in round_.get_json()["detail"]


def test_f3_no_count_is_kept_after_the_close_nor_in_a_subject_access_copy(school, client, db):
    """Finding 3: the closed request's `answered` total (and each invitation's flag) less the shown categories'
    counts and the named answers gave a hidden category's count, in a subject access copy and in the database."""
    from sqlalchemy.orm import Session

    from staffroom_shared.subject_access import answer as subject_access

    from wellbeing.adapters.subject_access import HOLDINGS

    peers = [school._person(f"P{i}", "Peer", None) for i in range(3)]
    made = client.post("/feedback/requests", headers=school.as_(school.me), json={
        "closes_on": CLOSES, "include_line_manager": True, "outside_trust": ADDRESSES,
        "raters": [{"staff_id": str(p["staff_id"]), "category": "peers"} for p in peers]}).get_json()
    links = school.links(made["id"])
    for staff_id, token in links.items():  # the peers and the outsiders answer; the line manager, named
        named = staff_id == school.manager["staff_id"]
        assert school.answer(token, rated(4), named=named).status_code == 204
    assert client.post(f"/feedback/requests/{made['id']}/close", headers=school.as_(school.me)).status_code == 200
    [request] = db.rows("feedback_requests", id=uuid.UUID(made["id"]))
    assert request["answered"] is None
    assert [i["answered"] for i in db.rows("feedback_invitations", request_id=request["id"])] == [None] * 7
    with Session(db.context.engine) as session:
        for by_the_person in (False, True):  # HR's copy and the person's own
            copy = subject_access(session, HOLDINGS, "r1", school.me["staff_id"], by_the_person)
            [asked_about] = [h["rows"] for h in copy["records"] if h["key"] == "feedback_requests"]
            assert len(asked_about) == 1 and "answered" not in asked_about[0]  # no count in a copy (finding 6)
    # nobody's page shows a count once closed
    for headers in (school.as_(school.me), school.hr(), school.hr(trust=True)):
        seen = client.get(f"/feedback/requests/{made['id']}", headers=headers).get_json()
        assert seen["answered"] is None


def test_f4_a_line_manager_asking_about_their_report_is_not_asked_as_line_manager(school, client, db):
    """Finding 4: the line manager asking with "ask the line manager" ticked was listed as the line-manager rater."""
    before = db.snapshot()
    def about_me(line_manager: bool):
        return client.post("/feedback/requests", headers=school.as_(school.manager), json={
            "closes_on": CLOSES, "subject_id": str(school.me["staff_id"]), "include_line_manager": line_manager,
            "raters": [{"staff_id": str(p["staff_id"]), "category": "peers"} for p in school.team[1:4]]})

    mine = about_me(True)
    assert mine.status_code == 422 and mine.content_type == "application/problem+json"
    assert "you asked for this feedback, so you are not one of those asked" in mine.get_json()["detail"]
    assert "#/include_line_manager" in str(mine.get_json()) and db.snapshot() == before
    # the form is not offered the tick for him, and without it the request goes
    choices = client.get(f"/feedback/choices?subject_id={school.me['staff_id']}", headers=school.as_(school.manager))
    assert choices.status_code == 200 and choices.get_json()["line_manager"] is None
    assert client.get("/feedback/choices", headers=school.as_(school.me)).get_json()["line_manager"]["name"] == "Mo Head"
    assert about_me(False).status_code == 201
