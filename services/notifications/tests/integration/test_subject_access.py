"""Notifications' answer to a subject access request, through the consumer as the bus delivers it: a copy HR open
for a rater of 360 or upward feedback says nothing of whether or when they were asked, opened or answered it; the
copy the rater asks for themselves holds all of it (outside tester, issue 24)."""
from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import date

from notifications.adapters.holdings import FEEDBACK_WHY
from staffroom_shared.events import new_event


def _asked_and_answered_now(world, person) -> None:
    """Asked for upward feedback about Jade Walker (no link: answer in Staffroom), then "Answer now" (as published
    before outsider O8: it tells nobody now); and one message that is nobody's secret (recognition from a colleague)."""
    asked = world.invitation(person)
    payload = {**asked.payload, "feedback": True, "title": "Upward feedback for Jade Walker", "about": "Jade Walker",
               "sealed_link": None, "answer_in_staffroom": True, "closes_on": "2099-01-01"}
    world.deliver(replace(asked, payload=payload))
    now = world.invitation(person)
    world.deliver(replace(now, payload={**payload, "reissued": True}))
    world.deliver(world.event("appraisal.recognition_given", {
        "recognition_id": uuid.uuid4(), "giver_id": uuid.uuid4(), "recipient_id": person["staff_id"],
        "academy_id": world.academy_id, "kind": "recognition", "shared_with_line_manager": False}))


def _copy(world, person, *, by_the_person: bool) -> dict:
    request_id = uuid.uuid4()
    world.deliver(new_event("subject_access.requested", {
        "request_id": request_id, "staff_id": person["staff_id"], "received_on": date.today(),
        "by_the_person": by_the_person}, producer="directory", correlation_id="test", academy_id=None))
    [answer] = [e["payload"] for e in map(_envelope, world.outbox("notifications.subject_access_answered"))
                if e["payload"]["request_id"] == str(request_id)]
    return answer


def _envelope(stored) -> dict:
    return json.loads(stored) if isinstance(stored, str) else stored


def _rows(answer: dict, key: str) -> list[dict]:
    return [row for record in answer["records"] if record["key"] == key for row in record["rows"]]


def test_a_copy_hr_open_for_a_rater_who_chose_answer_now_holds_nothing_of_the_feedback(world):
    amira = world.join(first_name="Amira", last_name="Jones", email="amira@oak.example")
    _asked_and_answered_now(world, amira)
    assert {m.category for m in world.messages(amira["staff_id"])} == {"feedback_requests", "recognition"}

    hr_copy = _copy(world, amira, by_the_person=False)
    [message] = _rows(hr_copy, "messages")
    assert message["category"] == "recognition"
    [email] = _rows(hr_copy, "deliveries")
    assert email["message_id"] == message["id"] and "carried_by" not in email
    text = json.dumps(hr_copy["records"])
    assert "Jade Walker" not in text and "Answer now" not in text and "feedback_requests" not in text
    assert FEEDBACK_WHY in hr_copy["left_out"]


def test_the_raters_own_copy_holds_the_request_and_no_answer_now_news(world):
    amira = world.join(first_name="Amira", last_name="Jones", email="amira@oak.example")
    _asked_and_answered_now(world, amira)

    own = _copy(world, amira, by_the_person=True)
    subjects = {m["subject"] for m in _rows(own, "messages")}
    assert "Would you give feedback about Jade Walker?" in subjects and not any("opened" in s for s in subjects)
    assert len(_rows(own, "deliveries")) == len(_rows(own, "messages")) == 2
    assert all("carried_by" in e and "sealed_link" not in e for e in _rows(own, "deliveries"))
    assert FEEDBACK_WHY not in own["left_out"]
