"""Replies to anonymous comments: HR reply where they are shown a comment, the author reads and answers with their
link in the browser they answered with, answers are passed on together (docs/wellbeing.md, "Replies to comments")."""
from __future__ import annotations

import logging
import secrets
import uuid
from datetime import date

import pytest

from wellbeing.service import replies
from wellbeing.service.respond import seal_key

TABLES = ("comments", "replies", "held_answers", "audit_log", "outbox")


@pytest.fixture
def closed(trust, answers):
    """Oak (6) and Elm (6) shown; Yew (2), and Ash (5) with it, pooled into the hidden academies; everyone wrote a
    comment, each from a browser of their own; the run closed. Returns (run id, {staff id: (token, browser, words)})."""
    trust.academy("Oak", teaching=6)
    trust.academy("Elm", teaching=6)
    trust.academy("Ash", teaching=5)
    trust.academy("Yew", teaching=2)
    run, links = trust.open(instruments=["enps", "trust_core"])
    people = {}
    for academy in ("Oak", "Elm", "Ash", "Yew"):
        for person in trust.staff[academy]:
            browser = secrets.token_urlsafe(16)
            token = links[person["staff_id"]]
            words = f"{academy} {person['first_name']} wants quieter corridors"
            assert trust.answer(token, {"enps.recommend": 7, "trust.improve": words}, browser=browser).status_code == 204
            people[person["staff_id"]] = (token, browser, words)
    trust.close(run["id"])
    return run["id"], people


def _link(token, browser):
    return {"X-Survey-Token": token, "X-Draft-Key": browser}


def _read(client, headers, answer=None):
    """The author's one exchange: read, answering first if `answer` is given."""
    return client.post("/survey/replies", headers=headers, json={} if answer is None else {"answer": answer})


def _answer(client, headers, answer):
    """What became of an answer, as the exchange's body says (its status is always 200)."""
    sent = _read(client, headers, answer)
    assert sent.status_code == 200, sent.get_json()
    return sent.get_json()["answer"]


def _conversations(client, run_id, headers) -> dict[str, dict]:
    found = client.get(f"/runs/{run_id}/conversations", headers=headers)
    assert found.status_code == 200, found.get_json()
    return {c["text"]: c for c in found.get_json()}


def test_hr_reply_the_author_reads_it_with_their_link_and_browser_and_answers(trust, client, db, closed):
    run_id, people = closed
    hr = trust.hr()
    shown = _conversations(client, run_id, hr)
    assert len(shown) == 19 and all(c["messages"] == [] and c["may_reply"] for c in shown.values())
    oak = trust.staff["Oak"][0]
    token, browser, words = people[oak["staff_id"]]
    made = client.post(f"/runs/{run_id}/replies", headers=hr,
                       json={"comment_id": shown[words]["comment_id"], "text": "  Thank you: which corridors?  "})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["text"] == "Thank you: which corridors?" and made.get_json()["written_on"] == str(date.today())

    seen = _read(client, _link(token, browser))
    assert seen.status_code == 200
    [talk] = seen.get_json()["conversations"]
    assert (talk["text"], talk["question"]) == (words, "What one change would most improve your working life here?")
    assert [m["text"] for m in talk["messages"]] == ["Thank you: which corridors?"] and talk["may_answer"]
    assert "id" not in talk["messages"][0]

    answered = _read(client, _link(token, browser), {"comment_id": talk["comment_id"],
                                                     "text": "The science block at lunch"})
    assert answered.status_code == 200 and answered.get_json()["answer"] == "held"
    assert answered.get_json()["conversations"][0]["waiting"] == "The science block at lunch"
    # HR see nothing yet: the answer waits, sealed
    assert _conversations(client, run_id, hr)[words]["messages"][-1]["kind"] == "reply"
    assert db.count("held_answers") == 1 and not db.rows("replies", kind="answer")
    [again] = _read(client, _link(token, browser)).get_json()["conversations"]
    assert again["waiting"] == "The science block at lunch" and not again["may_answer"]
    assert _answer(client, _link(token, browser), {"comment_id": talk["comment_id"], "text": "And more"}) == "not_now"


def test_someone_with_the_link_but_another_browser_sees_nothing_in_a_response_of_the_same_size(trust, client, closed):
    run_id, people = closed
    hr = trust.hr()
    shown = _conversations(client, run_id, hr)
    token, browser, words = people[trust.staff["Oak"][0]["staff_id"]]
    other_token, other_browser, _ = people[trust.staff["Oak"][1]["staff_id"]]
    assert client.post(f"/runs/{run_id}/replies", headers=hr, json={
        "comment_id": shown[words]["comment_id"], "text": "x" * 1000}).status_code == 201
    mine = _read(client, _link(token, browser))
    thief = _read(client, _link(token, secrets.token_urlsafe(16)))
    nobody = _read(client, _link(other_token, other_browser))
    assert len(mine.get_json()["conversations"]) == 1
    assert thief.get_json()["conversations"] == [] and nobody.get_json()["conversations"] == []
    assert len(mine.data) == len(thief.data) == len(nobody.data)
    # and the stranger cannot answer under it either
    assert _answer(client, _link(token, secrets.token_urlsafe(16)), {
        "comment_id": shown[words]["comment_id"], "text": "pretending"}) == "not_found"


def test_reading_and_answering_get_the_same_status_and_size_whoever_sends_them_and_whatever_becomes_of_it(
        trust, client, db, closed):
    """An outside tester's finding: answers got 204 from authors, 404 from others and 409 while one waited, so the
    access log's status (and the moment, and the address) tied each author to the comment HR had just replied to."""
    run_id, people = closed
    hr = trust.hr()
    shown = _conversations(client, run_id, hr)
    token, browser, words = people[trust.staff["Oak"][0]["staff_id"]]
    other_token, other_browser, other_words = people[trust.staff["Oak"][1]["staff_id"]]
    comment = shown[words]["comment_id"]
    assert client.post(f"/runs/{run_id}/replies", headers=hr, json={"comment_id": comment, "text": "x" * 1000}
                       ).status_code == 201
    author, stranger, thief = _link(token, browser), _link(other_token, other_browser), _link(
        token, secrets.token_urlsafe(16))
    exchanges = {
        "the author reads": _read(client, author),
        "someone who wrote nothing replied to reads": _read(client, stranger),
        "the link in another browser reads": _read(client, thief),
        "a stranger answers": _read(client, stranger, {"comment_id": comment, "text": "pretending"}),
        "the link in another browser answers": _read(client, thief, {"comment_id": comment, "text": "pretending"}),
        "a stranger answers under their own comment": _read(client, stranger, {
            "comment_id": shown[other_words]["comment_id"], "text": "nobody replied"}),
        "the author answers": _read(client, author, {"comment_id": comment, "text": "y" * 1000}),
        "the author answers while one waits": _read(client, author, {"comment_id": comment, "text": "again"}),
        "the author reads with one waiting": _read(client, author),
    }
    assert {name: (r.status_code, len(r.data)) for name, r in exchanges.items()} == {
        name: (200, len(exchanges["the author reads"].data)) for name in exchanges}
    assert [exchanges[name].get_json()["answer"] for name in exchanges] == [
        None, None, None, "not_found", "not_found", "not_now", "held", "not_now", None]
    assert db.count("held_answers") == 1


def test_academy_hr_reply_only_to_their_academy_s_comments_and_only_trust_hr_to_the_hidden_pool(trust, client, closed):
    run_id, people = closed
    everything = _conversations(client, run_id, trust.hr())
    oak_hr = trust.hr("Oak")
    theirs = _conversations(client, run_id, oak_hr)
    assert sorted(theirs) == sorted(w for w in everything if w.startswith("Oak"))
    assert all(c["academy_name"] == "Oak" for c in theirs.values())
    pooled = [c for c in everything.values() if c["academy_id"] is None]
    assert len(pooled) == 7 and all(c["text"].startswith(("Ash", "Yew")) for c in pooled)
    elm = next(c for w, c in everything.items() if w.startswith("Elm"))
    for comment in (elm, pooled[0]):
        refused = client.post(f"/runs/{run_id}/replies", headers=oak_hr, json={"comment_id": comment["comment_id"],
                                                                               "text": "hello"})
        assert refused.status_code == 404 and refused.content_type == "application/problem+json"
    assert client.post(f"/runs/{run_id}/replies", headers=trust.hr(), json={
        "comment_id": pooled[0]["comment_id"], "text": "hello"}).status_code == 201
    staff = trust.me(trust.staff["Oak"][0])
    assert client.get(f"/runs/{run_id}/conversations", headers=staff).status_code == 403
    assert client.post(f"/runs/{run_id}/replies", headers=staff, json={
        "comment_id": elm["comment_id"], "text": "hello"}).status_code == 403


@pytest.mark.parametrize("body", [
    {}, {"comment_id": "not-a-uuid", "text": "hi"}, {"comment_id": str(uuid.uuid4())}, {"text": "hi"},
    {"comment_id": str(uuid.uuid4()), "text": ""}, {"comment_id": str(uuid.uuid4()), "text": "   "},
    {"comment_id": str(uuid.uuid4()), "text": "x" * 1001}, {"comment_id": str(uuid.uuid4()), "text": "bell \x07"},
    {"comment_id": str(uuid.uuid4()), "text": "nul \x00"}, {"comment_id": str(uuid.uuid4()), "text": "\ud800"},
    {"comment_id": str(uuid.uuid4()), "text": "hi", "extra": 1}])
def test_bad_replies_and_answers_are_refused_with_a_problem_and_change_nothing(trust, client, db, closed, body):
    run_id, people = closed
    token, browser, _ = next(iter(people.values()))
    before = {t: sorted(db.rows(t), key=repr) for t in TABLES}
    for path, headers, sent in ((f"/runs/{run_id}/replies", trust.hr(), body),
                                ("/survey/replies", _link(token, browser), {"answer": body})):
        refused = client.post(path, headers=headers, json=sent)
        assert refused.status_code == 422, (path, refused.get_json())
        assert refused.content_type == "application/problem+json"
    assert {t: sorted(db.rows(t), key=repr) for t in TABLES} == before


def test_reading_needs_a_closed_run_a_real_link_and_a_browser_key(trust, client, closed, answers):
    run_id, people = closed
    token, browser, _ = next(iter(people.values()))
    unkeyed = _read(client, {"X-Survey-Token": token})
    assert unkeyed.status_code == 422 and unkeyed.get_json()["detail"].startswith(
        "reading replies to what you wrote needs the X-Draft-Key header")
    assert _read(client, _link("made-up", browser)).status_code == 404
    run, links = trust.open(instruments=["enps", "trust_core"], title="Still open")
    open_token = next(iter(links.values()))
    still = _read(client, _link(open_token, browser))
    assert still.status_code == 409 and still.content_type == "application/problem+json"


def test_answers_are_passed_on_together_once_enough_authors_wait_shuffled_and_dated_by_the_day(
        trust, client, db, closed):
    run_id, people = closed
    hr = trust.hr()
    shown = _conversations(client, run_id, hr)
    authors = [people[p["staff_id"]] for p in trust.staff["Oak"]]
    for _, _, words in authors:
        assert client.post(f"/runs/{run_id}/replies", headers=hr, json={
            "comment_id": shown[words]["comment_id"], "text": "Tell us more?"}).status_code == 201
    key = seal_key(db.context.config)
    later = date(2030, 1, 7)
    for n, (token, browser, words) in enumerate(authors[:4]):
        assert _answer(client, _link(token, browser), {
            "comment_id": shown[words]["comment_id"], "text": f"answer {n}"}) == "held"
    assert replies.release(db.context.uow(), key, later) == 0  # four authors: not enough (k = 5)
    assert db.count("held_answers") == 4
    token, browser, words = authors[4]
    assert _answer(client, _link(token, browser), {
        "comment_id": shown[words]["comment_id"], "text": "answer 4"}) == "held"
    assert replies.release(db.context.uow(), key, later) == 5
    assert db.count("held_answers") == 0
    released = db.rows("replies", kind="answer")
    assert sorted(r["text"] for r in released) == [f"answer {n}" for n in range(5)]
    assert {r["written_on"] for r in released} == {later} and {r["written_by"] for r in released} == {None}
    [event] = db.events("wellbeing.answers_released")
    assert event["payload"]["answers"] == 5 and event["payload"]["academies"] == [str(trust.academies["Oak"])]
    now = _conversations(client, run_id, hr)
    assert [m["kind"] for m in now[authors[0][2]]["messages"]] == ["reply", "answer"]
    # the author reads their answer in the conversation, and may answer again
    [talk] = _read(client, _link(*authors[0][:2])).get_json()["conversations"]
    assert talk["messages"][-1]["text"] == "answer 0" and talk["waiting"] is None and talk["may_answer"]


def test_hr_remove_a_reply_or_answer_with_a_reason_and_everyone_sees_it_removed(trust, client, db, closed):
    run_id, people = closed
    shown = _conversations(client, run_id, trust.hr())
    token, browser, words = people[trust.staff["Oak"][0]["staff_id"]]
    made = client.post(f"/runs/{run_id}/replies", headers=trust.hr(), json={
        "comment_id": shown[words]["comment_id"], "text": "Is this about Mr Smith?"}).get_json()
    elm_hr = trust.hr("Elm")
    assert client.post(f"/runs/{run_id}/removals", headers=elm_hr, json={
        "message_id": made["id"], "because": "not mine"}).status_code == 404
    oak_hr = trust.hr("Oak")
    assert client.post(f"/runs/{run_id}/removals", headers=oak_hr, json={
        "message_id": made["id"], "because": "names a colleague"}).status_code == 204
    assert client.post(f"/runs/{run_id}/removals", headers=oak_hr, json={
        "message_id": made["id"], "because": "again"}).status_code == 409
    [stored] = db.rows("replies")
    assert stored["text"] == "" and stored["removed_because"] == "names a colleague"
    [seen] = _conversations(client, run_id, trust.hr())[words]["messages"]
    assert seen["removed"] and seen["text"] == ""
    [talk] = _read(client, _link(token, browser)).get_json()["conversations"]
    assert talk["messages"][0]["removed"] and "Smith" not in str(talk)
    audits = [a for a in db.rows("audit_log") if a["entity"] == "reply"]
    assert [a["action"] for a in audits] == ["remove"] and "Smith" not in str(audits)


def test_replies_and_waiting_answers_go_with_their_comments_at_the_end_of_retention(trust, client, db, closed):
    from wellbeing.service import retention

    run_id, people = closed
    token, browser, words = people[trust.staff["Oak"][0]["staff_id"]]
    comment_id = _conversations(client, run_id, trust.hr())[words]["comment_id"]
    client.post(f"/runs/{run_id}/replies", headers=trust.hr(), json={"comment_id": comment_id, "text": "Hello"})
    assert _answer(client, _link(token, browser), {"comment_id": comment_id, "text": "Hi"}) == "held"
    [record] = [r for r in retention.RECORDS if r.key == "comments"]
    uow = db.context.uow()
    with uow:
        assert record.expire(uow, date(2100, 1, 1), date(2100, 1, 1)) == 2 + 19
        uow.commit()
    assert db.count("replies") == db.count("held_answers") == db.count("comments") == 0


def test_the_service_s_own_access_log_keeps_no_address_user_agent_or_duration_of_a_survey_link(client, caplog,
                                                                                              closed):
    """What the one-command run logs for each request (staffroom_shared.app's staffroom.access; waitress logs none):
    the deployed proxy's and gunicorn's lines are tested in tests/deploy/test_survey_link_logs.py. The third
    outsider of issue 23 read answers apart from reads by this line's duration (12 ms against 2), in every process."""
    _, people = closed
    token, browser, _ = next(iter(people.values()))
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.INFO, logger="staffroom.access")
    sent = client.post("/survey/replies", headers={**_link(token, browser), "User-Agent": "Tester-Browser/1.0",
                                                   "X-Forwarded-For": "198.51.100.9"},
                       environ_base={"REMOTE_ADDR": "203.0.113.7"}, json={})
    assert sent.status_code == 200
    logged = [vars(r) for r in caplog.records]
    [line] = [r for r in logged if r["name"] == "staffroom.access" and r.get("path") == "/survey/replies"]
    assert "ms" not in line
    assert not any(s in str(r) for r in logged for s in ("203.0.113.7", "198.51.100.9", "Tester-Browser"))
    client.get("/runs", headers={"Authorization": "Bearer x"})  # any other request keeps its duration
    assert "ms" in [vars(r) for r in caplog.records if r.name == "staffroom.access" and r.path == "/runs"][-1]
    # under gunicorn, gunicorn's line is the only one (tests/deploy/test_survey_link_logs.py, and the security scan)
    before = len(caplog.records)
    answer = client.get("/runs", headers={"Authorization": "Bearer x"},
                        environ_base={"SERVER_SOFTWARE": "gunicorn/23.0.0"})
    assert answer.status_code == 401 and answer.headers["X-Correlation-ID"]
    assert not [r for r in caplog.records[before:] if r.name == "staffroom.access"]
