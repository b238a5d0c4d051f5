"""360 and upward feedback through the API: asking, answering with a link, closing, the report and who sees it."""
import uuid
from datetime import date, timedelta

import pytest

from staffroom_shared.testing import survey_link

TODAY = date.today()
CLOSES = str(TODAY + timedelta(days=14))
FEEDBACK_TABLES = ("feedback_requests", "feedback_invitations", "feedback_ballots", "feedback_rounds",
                   "feedback_settings", "outbox", "audit_log")


class School:
    """One academy: a head of department (`manager`) with `reports` direct reports, the teacher `me` among them,
    and HR."""

    def __init__(self, client, db, tokens, reports: int = 6, name: str = "Oak"):
        self.client, self.db, self.tokens = client, db, tokens
        self.academy = uuid.uuid4()
        db.insert("academies", {"academy_id": self.academy, "name": name})
        self.manager = self._person("Mo", "Head", None)
        self.team = [self._person(f"T{i}", "Teacher", self.manager) for i in range(reports)]
        self.me = self.team[0] if self.team else None

    def _person(self, first: str, last: str, manager) -> dict:
        person = {"staff_id": uuid.uuid4(), "academy_id": self.academy, "first_name": first, "last_name": last,
                  "email": f"{first.lower()}@oak.example", "staff_type": "teaching", "start_date": date(2015, 9, 1),
                  "leaving_date": None, "line_manager_id": manager["staff_id"] if manager else None}
        self.db.insert("staff", person)
        return person

    def as_(self, person: dict) -> dict:
        return self.tokens.headers(person["staff_id"], academy_id=self.academy)

    def hr(self, trust: bool = False) -> dict:
        if trust:
            return self.tokens.headers(uuid.uuid4(), roles=("staff", "trust_hr"))
        return self.tokens.headers(uuid.uuid4(), roles=("staff", "academy_hr"), academy_id=self.academy)

    def ask(self, peers, *, line_manager=True, by=None):
        return self.client.post("/feedback/requests", headers=self.as_(by or self.me), json={
            "closes_on": CLOSES, "include_line_manager": line_manager,
            "raters": [{"staff_id": str(p["staff_id"]), "category": "peers"} for p in peers]})

    def links(self, request_id) -> dict[uuid.UUID, str]:
        """Each rater's token: a member of staff's as Staffroom gives it to their own signed-in browser ("Answer
        now": their invitation carries no link); someone outside the trust's opened from their invitation as
        notifications' email sender would."""
        found = {}
        for event in self.db.events("wellbeing.invitation_issued"):
            payload = event["payload"]
            if payload["run_id"] != str(request_id) or payload["reissued"]:
                continue
            assert payload["feedback"] is True
            rater = uuid.UUID(payload["staff_id"])
            if payload["answer_in_staffroom"]:
                assert payload["sealed_link"] is None
                link = self.answer_now(request_id, rater)
            else:
                link = survey_link(self.db.context.config, payload)
            assert "/feedback/respond#token=" in link
            found[rater] = link.split("#token=")[1]
        return found

    def answer_now(self, request_id, staff_id) -> str:
        made = self.client.post(f"/feedback/requests/{request_id}/link",
                                headers=self.tokens.headers(staff_id, academy_id=self.academy))
        assert made.status_code == 201, made.get_json()
        return made.get_json()["link"]

    def answer(self, token: str, answers: dict, named: bool = False):
        return self.client.post("/feedback/respond", json={"answers": answers, "named": named},
                                headers={"X-Survey-Token": token})


def rated(level: int, keep: str | None = None, prefix: str = "fb360") -> dict:
    out = {f"{prefix}.{k}": level for k in (
        ("communicates", "supports", "reliable", "improves", "pupils", "calm") if prefix == "fb360"
        else ("clear", "listens", "recognises", "develops", "workload", "appraisal"))}
    if keep:
        out[f"{prefix}.keep_doing"] = keep
    return out


@pytest.fixture
def school(client, db, tokens):
    return School(client, db, tokens)


def test_a_reviewee_asks_peers_and_their_line_manager_and_reads_the_report_after_the_close(school, client):
    peers = school.team[1:4]
    made = school.ask(peers)
    assert made.status_code == 201, made.get_json()
    request = made.get_json()
    assert request["invited"] == 4 and {a["category"] for a in request["asked"]} == {"peers", "line_manager"}
    links = school.links(request["id"])
    form = client.get("/feedback/respond", headers={"X-Survey-Token": links[school.manager["staff_id"]]}).get_json()
    assert form["must_be_named"] and form["subject"] == "T0 Teacher"
    for level, peer in zip((5, 4, 3), peers):
        assert school.answer(links[peer["staff_id"]], rated(level, f"Keep {level}")).status_code == 204
    assert school.answer(links[school.manager["staff_id"]], rated(4), named=True).status_code == 204
    assert client.get(f"/feedback/requests/{request['id']}", headers=school.as_(school.me)).get_json()["report"] is None
    closed = client.post(f"/feedback/requests/{request['id']}/close", headers=school.as_(school.me))
    assert closed.status_code == 200, closed.get_json()
    report = closed.get_json()["report"]
    peers_shown = next(c for c in report["categories"] if c["category"] == "peers")
    assert peers_shown["answered"] == 3 and peers_shown["statements"][0]["mean"] == 4.0
    assert peers_shown["comments"][0]["texts"] == ["Keep 3", "Keep 4", "Keep 5"]
    assert [n["name"] for n in report["named"]] == ["Mo Head"]
    assert school.db.count("feedback_ballots") == 0


def test_a_category_short_of_k_shows_nothing_and_there_is_no_total_across_categories(school, client):
    request = school.ask(school.team[1:3], line_manager=False).get_json()
    for token in school.links(request["id"]).values():
        assert school.answer(token, rated(2, "Hidden words")).status_code == 204
    report = client.post(f"/feedback/requests/{request['id']}/close", headers=school.as_(school.me)).get_json()["report"]
    assert report["categories"] == [{"category": "peers", "shown": False, "needed": 3}]
    assert "Hidden words" not in str(report)


def test_the_line_manager_reads_the_report_only_once_shared_and_hr_never(school, client):
    request = school.ask(school.team[1:4]).get_json()
    path = f"/feedback/requests/{request['id']}"
    for token in school.links(request["id"]).values():
        school.answer(token, rated(3), named=True)
    assert client.get(path, headers=school.hr()).get_json()["answered"] == 4  # while open
    client.post(f"{path}/close", headers=school.as_(school.me))
    assert client.get(path, headers=school.as_(school.manager)).get_json()["report"] is None
    hr = client.get(path, headers=school.hr()).get_json()
    assert hr["report"] is None and hr["answered"] is None and len(hr["asked"]) == 4  # no count once closed
    shared = client.post(f"{path}/share", headers=school.as_(school.me), json={"shared": True})
    assert shared.status_code == 200
    assert client.get(path, headers=school.as_(school.manager)).get_json()["report"]["named"]
    assert client.post(f"{path}/share", headers=school.as_(school.manager), json={"shared": False}).status_code == 403
    assert client.get(path, headers=school.as_(school.team[1])).status_code == 404  # a rater is no reader


def test_a_link_answers_once_and_a_line_manager_cannot_answer_unnamed(school, client):
    request = school.ask(school.team[1:4]).get_json()
    links = school.links(request["id"])
    token = links[school.team[1]["staff_id"]]
    assert school.answer(token, rated(3)).status_code == 204
    assert school.answer(token, rated(3)).status_code == 409
    unnamed = school.answer(links[school.manager["staff_id"]], rated(3))
    assert unnamed.status_code == 422 and school.db.count("feedback_ballots") == 1


@pytest.mark.parametrize("answers", [{"fb360.calm": 6}, {"fb360.calm": "4"}, {"nope": 3}, {},
                                     {"fb360.keep_doing": "x" * 2001}, {"fb360.keep_doing": "a\u0000b"}])
def test_bad_answers_are_refused_and_change_nothing(school, answers):
    request = school.ask(school.team[1:4]).get_json()
    token = school.links(request["id"])[school.team[1]["staff_id"]]
    before = school.db.snapshot()
    answered = school.answer(token, answers)
    assert answered.status_code == 422 and answered.content_type == "application/problem+json"
    assert school.db.snapshot() == before


@pytest.mark.parametrize("body, field", [
    ({"closes_on": str(TODAY), "include_line_manager": True}, "closes_on"),
    ({"closes_on": CLOSES, "raters": [{"staff_id": str(uuid.uuid4()), "category": "peers"}]}, "raters"),
    ({"closes_on": CLOSES, "raters": []}, "raters"),
    ({"closes_on": CLOSES, "raters": [{"staff_id": "x", "category": "peers"}]}, "raters"),
    ({"closes_on": CLOSES, "raters": [{"staff_id": str(uuid.uuid4()), "category": "line_manager"}]}, "raters"),
])
def test_bad_requests_are_refused_and_change_nothing(school, client, db, body, field):
    before = db.counts()
    made = client.post("/feedback/requests", headers=school.as_(school.me), json=body)
    assert made.status_code == 422, made.get_json()
    assert field in str(made.get_json())
    assert db.counts() == before


def test_only_the_subject_or_their_line_manager_may_ask_about_them(school, client):
    other = school.team[2]
    made = client.post("/feedback/requests", headers=school.as_(school.me), json={
        "subject_id": str(other["staff_id"]), "closes_on": CLOSES, "include_line_manager": True})
    assert made.status_code == 404
    # the line manager asks, so is not asked as line manager (F1, finding 4: refused with the box ticked)
    by_manager = client.post("/feedback/requests", headers=school.as_(school.manager), json={
        "subject_id": str(other["staff_id"]), "closes_on": CLOSES, "include_line_manager": False,
        "raters": [{"staff_id": str(p["staff_id"]), "category": "peers"} for p in school.team[3:6]]})
    assert by_manager.status_code == 201, by_manager.get_json()


def test_trust_hr_set_k_never_below_three(school, client):
    assert client.put("/feedback/settings", headers=school.hr(trust=True), json={"k": 2}).status_code == 422
    assert client.put("/feedback/settings", headers=school.hr(), json={"k": 4}).status_code == 403
    assert client.put("/feedback/settings", headers=school.hr(trust=True), json={"k": 4}).get_json() == {
        "k": 4, "direct_reports": 5}
    request = school.ask(school.team[1:4], line_manager=False).get_json()
    assert request["k"] == 4


def test_an_upward_round_asks_each_managers_reports_and_the_manager_reads_their_own(school, client):
    opened = client.post("/feedback/rounds", headers=school.hr(), json={
        "title": "Spring upward feedback", "academy_id": str(school.academy), "closes_on": CLOSES})
    assert opened.status_code == 201, opened.get_json()
    round_ = opened.get_json()
    assert round_["managers"] == 1 and round_["invited"] == 6 and round_["left_out"] == []
    [part] = round_["requests"]
    for i, token in enumerate(school.links(part["request_id"]).values()):
        assert school.answer(token, rated(2 + i % 3, prefix="upward")).status_code == 204
    progress = client.get(f"/feedback/rounds/{round_['id']}", headers=school.hr()).get_json()
    assert progress["answered"] == 6 and not progress["complete"]
    closed = client.post(f"/feedback/rounds/{round_['id']}/close", headers=school.hr())
    assert closed.status_code == 200 and closed.get_json()["complete"]
    mine = client.get(f"/feedback/requests/{part['request_id']}", headers=school.as_(school.manager)).get_json()
    reports = next(c for c in mine["report"]["categories"] if c["category"] == "direct_reports")
    assert reports["shown"] and reports["answered"] == 6
    other_hr = school.tokens.headers(uuid.uuid4(), roles=("staff", "academy_hr"), academy_id=uuid.uuid4())
    assert client.get(f"/feedback/rounds/{round_['id']}", headers=other_hr).status_code == 404
    assert client.post("/feedback/rounds", headers=school.as_(school.me), json={
        "title": "x", "academy_id": str(school.academy), "closes_on": CLOSES}).status_code == 403


def test_an_upward_round_for_a_thousand_people_invites_each_once_in_one_request(client, db, tokens):
    """How long it takes is bench/feedback_round.py's measure (part (k)), not a timed test."""
    school = School(client, db, tokens, reports=0)
    people = []
    for m in range(100):
        manager = {"staff_id": uuid.uuid4(), "academy_id": school.academy, "first_name": f"M{m}", "last_name": "X",
                   "email": f"m{m}@oak.example", "staff_type": "leadership", "start_date": date(2015, 9, 1),
                   "leaving_date": None, "line_manager_id": None}
        people.append(manager)
        people += [{**manager, "staff_id": uuid.uuid4(), "first_name": f"R{m}.{r}", "staff_type": "teaching",
                    "email": f"r{m}.{r}@oak.example", "line_manager_id": manager["staff_id"]} for r in range(10)]
    db.insert("staff", *people)
    opened = client.post("/feedback/rounds", headers=school.hr(trust=True), json={
        "title": "Upward feedback", "closes_on": CLOSES})
    assert opened.status_code == 201 and opened.get_json()["invited"] == 1000
    assert len(db.events("wellbeing.invitation_issued")) == 1000


def test_hr_asked_about_in_a_round_neither_watch_its_counts_nor_close_it_and_nobody_sees_counts_once_closed(
        client, db, tokens):
    """Outsider, issue 24: trust HR who were also a manager in a round watched their own count move and closed the
    round; HR could take a report's shown categories from the count after the close to learn a hidden one's."""
    school = School(client, db, tokens)
    opened = client.post("/feedback/rounds", headers=school.hr(), json={
        "title": "Upward feedback", "academy_id": str(school.academy), "closes_on": CLOSES})
    assert opened.status_code == 201, opened.get_json()
    round_id = opened.get_json()["id"]
    as_the_manager_in_hr = school.tokens.headers(school.manager["staff_id"], roles=("staff", "academy_hr"),
                                                 academy_id=school.academy)
    seen = client.get(f"/feedback/rounds/{round_id}", headers=as_the_manager_in_hr).get_json()
    assert seen["answered"] is None and all(r["answered"] is None for r in seen["requests"])
    assert client.post(f"/feedback/rounds/{round_id}/close", headers=as_the_manager_in_hr).status_code == 403
    assert client.get(f"/feedback/rounds/{round_id}", headers=school.hr()).get_json()["answered"] == 0
    assert client.post(f"/feedback/rounds/{round_id}/close", headers=school.hr()).status_code == 200
    closed = client.get(f"/feedback/rounds/{round_id}", headers=school.hr()).get_json()
    assert closed["answered"] is None and all(r["answered"] is None for r in closed["requests"])
    [part] = closed["requests"]
    assert client.get(f"/feedback/requests/{part['request_id']}", headers=school.hr()).get_json()["answered"] is None


def test_hr_asked_to_answer_a_request_neither_watch_its_count_nor_close_it(client, db, tokens):
    """Outsider O6, issue 24: a peer who was also academy HR saw "answered: 3" on a request she was asked to answer,
    and could close it at the moment of her choosing; another member of HR still can."""
    school = School(client, db, tokens)
    peers = school.team[1:4]
    request_id = school.ask(peers).get_json()["id"]
    as_the_peer_in_hr = school.tokens.headers(peers[0]["staff_id"], roles=("staff", "academy_hr"),
                                              academy_id=school.academy)
    seen = client.get(f"/feedback/requests/{request_id}", headers=as_the_peer_in_hr).get_json()
    assert (seen["you_are"], seen["answered"], seen["may_close"]) == ("hr", None, False)
    assert all(r["answered"] is None for r in client.get("/feedback/requests", headers=as_the_peer_in_hr).get_json()
               if r["id"] == request_id)
    refused = client.post(f"/feedback/requests/{request_id}/close", headers=as_the_peer_in_hr)
    assert refused.status_code == 403 and "who were not asked to answer it" in refused.get_json()["detail"]
    other_hr = client.get(f"/feedback/requests/{request_id}", headers=school.hr()).get_json()
    assert (other_hr["answered"], other_hr["may_close"]) == (0, True)
    assert client.post(f"/feedback/requests/{request_id}/close", headers=school.hr()).status_code == 200


def test_a_group_asked_of_fewer_than_can_be_shown_together_is_said_so(client, db, tokens):
    """Outsider O6, issue 24: two peers with k 3 were asked without a word; only named answers can show."""
    school = School(client, db, tokens)
    two = school.ask(school.team[1:3]).get_json()
    assert two["too_few_to_show"] == [{"category": "peers", "category_name": "Peers", "asked": 2, "needed": 3}]
    three = client.get(f"/feedback/requests/{school.ask(school.team[3:6], by=school.team[1]).get_json()['id']}",
                       headers=school.as_(school.team[1])).get_json()
    assert three["too_few_to_show"] == []


def test_hr_asked_to_answer_in_a_round_do_not_watch_its_counts(client, db, tokens):
    """Outsider O7, issue 24: academy HR who were a direct report of a manager in an upward round saw that manager's
    count move on the round's page and closed the whole round."""
    school = School(client, db, tokens)
    other = school._person("Kwame", "Evans", None)  # a second manager in the round, whom she is not asked about
    for i in range(5):
        school._person(f"K{i}", "Teacher", other)
    opened = client.post("/feedback/rounds", headers=school.hr(), json={
        "title": "Upward feedback", "academy_id": str(school.academy), "closes_on": CLOSES})
    assert opened.status_code == 201, opened.get_json()
    round_id = opened.get_json()["id"]
    as_a_report_in_hr = school.tokens.headers(school.team[1]["staff_id"], roles=("staff", "academy_hr"),
                                              academy_id=school.academy)
    seen = client.get(f"/feedback/rounds/{round_id}", headers=as_a_report_in_hr).get_json()
    assert seen["answered"] is None and all(r["answered"] is None for r in seen["requests"])
    assert all(r["answered"] is None for r in client.get("/feedback/rounds", headers=as_a_report_in_hr).get_json())
    assert client.get(f"/feedback/rounds/{round_id}", headers=school.hr()).get_json()["answered"] == 0
    # ... nor on the round's requests, listed or one by one (outsider O8: they read another manager's 3 there)
    in_round = [r["request_id"] for r in seen["requests"]]
    assert len(in_round) == 2
    for request_id in in_round:
        assert client.get(f"/feedback/requests/{request_id}", headers=as_a_report_in_hr).get_json()["answered"] is None
        assert client.get(f"/feedback/requests/{request_id}", headers=school.hr()).get_json()["answered"] == 0
    listed = {r["id"]: r for r in client.get("/feedback/requests", headers=as_a_report_in_hr).get_json()}
    assert all(listed[r]["answered"] is None for r in in_round)
    assert all(r["answered"] == 0 for r in client.get("/feedback/requests", headers=school.hr()).get_json()
               if r["id"] in in_round)
    # they may still close it, counts unseen: in a small academy HR are often all someone's direct reports
    assert client.post(f"/feedback/rounds/{round_id}/close", headers=as_a_report_in_hr).status_code == 200


def test_closing_a_request_empties_the_write_ahead_log_of_who_answered(client, db, tokens, app):
    """Outsider O7, issue 24: after a close the table held no one's `answered` flag, but replaying wellbeing.db-wal
    gave each rater's id, in the order they answered."""
    from pathlib import Path

    school = School(client, db, tokens)
    request_id = school.ask(school.team[1:4]).get_json()["id"]
    for staff_id, token in school.links(request_id).items():
        if staff_id != school.manager["staff_id"]:
            assert school.answer(token, rated(4)).status_code == 204
    database = Path(app.extensions["staffroom"].engine.url.database)
    wal = database.with_name(database.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the answers' flags went through it
    assert client.post(f"/feedback/requests/{request_id}/close", headers=school.as_(school.me)).status_code == 200
    assert not wal.exists() or wal.stat().st_size == 0
