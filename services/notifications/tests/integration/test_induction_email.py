"""Statutory induction's news by email (issue 25), on SQLite and PostgreSQL and a real SMTP server: a formal
assessment due reaches the tutor, the ECT and the academy's HR contact once each, however often the event comes; a
support plan reaches the ECT, the tutor and the academy's HR contact and nobody else. Plain words, dates as people
write them, no ids, and no unsubscribing from them."""
from __future__ import annotations

import re
import uuid
from datetime import date

from notifications.service import inbox
from notifications.service.email import send_due

from .conftest import URL

KEY = bytes(range(32))
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def _people(world):
    people = {name: world.join(first_name=name, email=f"{name.lower()}@oak.example")
              for name in ("Esme", "Tariq", "Mo", "Hanna", "Ivo")}
    inbox.set_contacts(world.context.uow(), world.academy_id, [people["Hanna"]["staff_id"]])
    inbox.set_contacts(world.context.uow(), None, [people["Ivo"]["staff_id"]])
    return people


def _text(mail) -> str:
    return " ".join(mail.get_body(("plain",)).get_content().split())


def test_a_formal_assessment_due_is_emailed_to_the_tutor_the_ect_and_hr_once_each(world, smtp, settings):
    people = _people(world)
    induction = uuid.uuid4()
    event = world.event("cpd.induction_item_due", {
        "induction_id": induction, "staff_id": people["Esme"]["staff_id"], "academy_id": world.academy_id,
        "kind": "first_formal_assessment", "stage": "due_soon", "due_on": date(2026, 7, 21), "school_year": 2025,
        "term_number": 3, "tutor_id": people["Tariq"]["staff_id"]})
    world.deliver(event)
    world.deliver(event)  # redelivered: changes nothing

    assert send_due(world.context.engine, settings, URL, KEY) == {"sent": 3, "retried": 0, "dead": 0}
    by_address = {m["To"]: m for m in smtp.received}
    assert set(by_address) == {"esme@oak.example", "tariq@oak.example", "hanna@oak.example"}
    ect = by_address["esme@oak.example"]
    assert ect["Subject"] == "Your first formal assessment is due by 21 July 2026"
    text = _text(ect)
    assert "Dear Esme," in text and "for the summer term of 2025 to 2026 is due by 21 July 2026" in text
    assert f"{URL}/cpd/induction" in text and "cannot be switched off" in text
    assert "List-Unsubscribe" not in ect  # statutory
    tutor = by_address["tariq@oak.example"]
    assert tutor["Subject"] == f"First formal assessment due by 21 July 2026: {people['Esme']['first_name']} " \
                               f"{people['Esme']['last_name']}"
    assert f"{URL}/cpd/inductions/{induction}" in _text(tutor)
    for mail in by_address.values():
        body = _text(mail).split(URL)[0]  # the words before the link
        assert not ISO_DATE.search(body) and str(induction) not in body and not ISO_DATE.search(mail["Subject"])


def test_a_support_plan_is_emailed_to_the_ect_the_tutor_and_the_academys_hr_alone(world, smtp, settings):
    people = _people(world)
    world.deliver(world.event("cpd.induction_support_plan_started", {
        "induction_id": uuid.uuid4(), "support_plan_id": uuid.uuid4(), "staff_id": people["Esme"]["staff_id"],
        "academy_id": world.academy_id, "tutor_id": people["Tariq"]["staff_id"],
        "review_held_on": date(2025, 12, 10), "started_on": date(2025, 12, 11)}))

    assert send_due(world.context.engine, settings, URL, KEY)["sent"] == 3
    by_address = {m["To"]: m for m in smtp.received}
    assert set(by_address) == {"esme@oak.example", "tariq@oak.example", "hanna@oak.example"}  # not Mo, not Ivo
    text = _text(by_address["esme@oak.example"])
    assert "At your induction review on 10 December 2025" in text and "started on 11 December 2025" in text
    assert by_address["hanna@oak.example"]["Subject"].startswith("Support plan started: Esme")
