"""From an event to a message in the right person's inbox and an email on a real SMTP server, exactly once."""
from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from notifications.service import inbox
from notifications.service.email import MAX_ATTEMPTS, send_due, unsubscribe_signature

from .conftest import URL

KEY = bytes(range(32))


def opened(world, teacher, manager):
    return world.event("appraisal.appraisal_opened", {
        "appraisal_id": uuid.uuid4(), "cycle_id": uuid.uuid4(), "reviewee_id": teacher["staff_id"],
        "appraiser_id": manager["staff_id"], "academy_id": world.academy_id, "template": "teachers",
        "objectives_due": date(2026, 10, 31), "mid_year_due": date(2027, 2, 28),
        "end_of_year_due": date(2027, 7, 15)})


def invitation(world, person):
    return world.invitation(person)


def test_an_event_reaches_the_inbox_and_the_mail_server_once(world, smtp, settings):
    manager = world.join(first_name="Priya", email="priya@oak.example")
    teacher = world.join(first_name="Tom", email="tom@oak.example", line_manager_id=manager["staff_id"])
    event = opened(world, teacher, manager)
    world.deliver(event)
    world.deliver(event)  # redelivered: changes nothing
    assert [m.subject for m in world.messages(teacher["staff_id"])] == ["Your appraisal for this year is open"]
    assert [m.subject for m in world.messages(manager["staff_id"])] == ["You are appraising Tom Patel this year"]

    assert send_due(world.context.engine, settings, URL, KEY) == {"sent": 2, "retried": 0, "dead": 0}
    assert send_due(world.context.engine, settings, URL, KEY) == {"sent": 0, "retried": 0, "dead": 0}
    by_address = {m["To"]: m for m in smtp.received}
    assert set(by_address) == {"tom@oak.example", "priya@oak.example"}
    mail = by_address["tom@oak.example"]
    assert mail["From"] == "Oak Trust <hr@oak.example>" and mail["Subject"] == "Your appraisal for this year is open"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Dear Tom," in text and f"{URL}/appraisals/" in text and "cannot be switched off" in text
    assert f'href="{URL}/appraisals/' in html and "Dear Tom," in html
    assert "List-Unsubscribe" not in mail  # statutory: no unsubscribing


def test_an_hr_contacts_escalation_says_why_they_get_it(world, smtp, settings):
    """Outsider, issue 20: the footer of an overdue appraisal sent to the academy's HR contact said it was about
    "your appraisal and the appraisals you run": neither is theirs."""
    hr = world.join(first_name="Olga", email="olga@oak.example")
    manager = world.join(first_name="Priya", email="priya@oak.example")
    teacher = world.join(first_name="Tom", email="tom@oak.example", line_manager_id=manager["staff_id"])
    inbox.set_contacts(world.context.uow(), world.academy_id, [hr["staff_id"]])
    world.deliver(world.event("appraisal.overdue", {
        "appraisal_id": uuid.uuid4(), "cycle_id": uuid.uuid4(), "reviewee_id": teacher["staff_id"],
        "appraiser_id": manager["staff_id"], "academy_id": world.academy_id, "milestone": "mid_year_review",
        "due_on": date(2027, 2, 28), "days_overdue": 21}))
    send_due(world.context.engine, settings, URL, KEY)
    [mail] = [m for m in smtp.received if m["To"] == "olga@oak.example"]
    text = " ".join(mail.get_body(("plain",)).get_content().split())
    assert "(Appraisals: your own, those you run and, for HR contacts, those long overdue)" in text
    assert "Your appraisal and" not in text


def test_a_line_break_in_a_name_stops_no_email(world, smtp, settings, monkeypatch):
    """Outsider, issue 20: a forename imported with a line break in it ("Ann\\nMarie") put one in a subject, and the
    sender died on it, and on it again after every restart: no email went to anyone. The subject goes on one line;
    and an email that cannot be written at all is dead-lettered at once while the rest of the batch still goes."""
    manager = world.join(first_name="Priya", email="priya@oak.example")
    teacher = world.join(first_name="Ann\nMarie", last_name="Lee\r\nBcc: x@evil.example", email="ann@oak.example",
                         line_manager_id=manager["staff_id"])
    world.deliver(opened(world, teacher, manager))
    assert send_due(world.context.engine, settings, URL, KEY) == {"sent": 2, "retried": 0, "dead": 0}
    [told] = [m for m in smtp.received if m["To"] == "priya@oak.example"]
    assert told["Subject"] == "You are appraising Ann Marie Lee Bcc: x@evil.example this year" and "Bcc" not in told

    import notifications.service.email as email_module

    compose = email_module.compose

    def unwritable_for_ann(row, *args, **kwargs):  # a fault at the edge: whatever else could make one unwritable
        if row.address == "ann@oak.example":
            raise ValueError("Header values may not contain linefeed or carriage return characters")
        return compose(row, *args, **kwargs)

    monkeypatch.setattr(email_module, "compose", unwritable_for_ann)
    world.deliver(opened(world, teacher, manager))
    assert send_due(world.context.engine, settings, URL, KEY) == {"sent": 1, "retried": 0, "dead": 1}


def test_optional_emails_carry_one_click_unsubscribe_and_it_works(world, smtp, settings):
    person = world.join(first_name="Tom", email="tom@oak.example")
    world.deliver(invitation(world, person))
    send_due(world.context.engine, settings, URL, KEY)
    [mail] = smtp.received
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    issued = int(re.search(r"issued=(\d+)", mail["List-Unsubscribe"]).group(1))
    signature = unsubscribe_signature(KEY, person["staff_id"], "surveys", issued)
    assert signature in mail["List-Unsubscribe"]
    # as it went over SMTP: the header is the plain <URL> RFC 2369 and 8058 ask for, not an RFC 2047 encoded-word
    # that mail programs do not read as a link (an outsider found it so), and the email is dated
    [raw] = smtp.raw
    header = re.search(rb"^List-Unsubscribe: (.*)$", raw, re.M).group(1)
    assert header.startswith(b"<" + URL.encode() + b"/notifications/unsubscribe?") and header.endswith(b">\r")
    assert re.search(rb"^Date: \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0000\r$", raw, re.M)
    assert "<script" not in mail.get_body(("html",)).get_content()

    inbox.unsubscribe(world.context.uow(), KEY, person["staff_id"], "surveys", signature, issued)
    inbox.unsubscribe(world.context.uow(), KEY, person["staff_id"], "surveys", signature, issued)  # a retry: fine
    world.deliver(invitation(world, person))
    assert len(world.messages(person["staff_id"])) == 2  # the inbox still gets it
    assert send_due(world.context.engine, settings, URL, KEY)["sent"] == 0  # but no email
    with pytest.raises(Exception):
        inbox.unsubscribe(world.context.uow(), KEY, person["staff_id"], "surveys", "0" * 64, issued)


def test_an_old_unsubscribe_link_cannot_undo_a_later_choice(world, smtp, settings):
    """Outsider, issue 20: whoever held an old email (the mail spool, a forwarded copy) could replay its link and
    switch someone's survey emails off again after they had turned them back on, without their knowing."""
    from staffroom_shared.errors import Conflict

    person = world.join(first_name="Sofia", email="sofia@oak.example")
    world.deliver(invitation(world, person))
    send_due(world.context.engine, settings, URL, KEY)
    link = smtp.received[-1]["List-Unsubscribe"]
    issued = int(re.search(r"issued=(\d+)", link).group(1))
    old = (KEY, person["staff_id"], "surveys", unsubscribe_signature(KEY, person["staff_id"], "surveys", issued), issued)
    inbox.unsubscribe(world.context.uow(), *old)
    inbox.set_preferences(world.context.uow(), person["staff_id"], {"surveys": "instant"})  # she turns them back on
    with pytest.raises(Conflict, match="sent before you last chose"):
        inbox.unsubscribe(world.context.uow(), *old)
    with pytest.raises(Conflict):  # nor a link from before links carried when they were issued
        inbox.unsubscribe(world.context.uow(), KEY, person["staff_id"], "surveys",
                          unsubscribe_signature(KEY, person["staff_id"], "surveys"))
    uow = world.context.uow()
    with uow:
        [surveys] = [p for p in inbox.preferences_of(uow.session, person["staff_id"]) if p["category"] == "surveys"]
    assert surveys["email"] == "instant"  # her choice stands
    # an email sent after her choice carries a link that works
    import time

    time.sleep(1.1)  # links are issued to the second
    world.deliver(invitation(world, person))
    send_due(world.context.engine, settings, URL, KEY)
    newer = int(re.search(r"issued=(\d+)", smtp.received[-1]["List-Unsubscribe"]).group(1))
    assert inbox.unsubscribe(world.context.uow(), KEY, person["staff_id"], "surveys",
                             unsubscribe_signature(KEY, person["staff_id"], "surveys", newer), newer)["email"] == "off"


def test_html_is_escaped(world, smtp, settings):
    person = world.join(first_name="<b>Tom</b>", email="tom@oak.example")
    world.deliver(invitation(world, person))
    send_due(world.context.engine, settings, URL, KEY)
    html = smtp.received[0].get_body(("html",)).get_content()
    assert "<b>Tom</b>" not in html and "&lt;b&gt;Tom&lt;/b&gt;" in html


def test_a_batch_records_each_email_as_sent_or_to_retry(world, smtp, settings):
    people = [world.join(first_name=name, email=f"{name.lower()}@oak.example") for name in ("Tom", "Lily", "Sam")]
    for person in people:
        world.deliver(invitation(world, person))
    smtp.refuse, smtp.refuse_only = "451 4.3.0 try again later", {"lily@oak.example"}
    now = datetime.now(timezone.utc)
    # sent with no survey link key: the two sent went without their links, and say so (the retried one not yet)
    assert send_due(world.context.engine, settings, URL, KEY, now=now) == {"sent": 2, "retried": 1, "dead": 0,
                                                                          "without_link": 2}
    by_address = {d.address: d for d in world.deliveries()}
    for address in ("tom@oak.example", "sam@oak.example"):
        assert (by_address[address].status, by_address[address].attempts) == ("sent", 1)
        assert by_address[address].sent_at is not None
    lily = by_address["lily@oak.example"]
    assert (lily.status, lily.attempts, lily.sent_at) == ("pending", 1, None) and "451" in lily.last_error
    assert lily.next_attempt_at == now + timedelta(minutes=1)

    smtp.refuse = None
    later = lily.next_attempt_at + timedelta(seconds=1)
    assert send_due(world.context.engine, settings, URL, KEY, now=later) == {"sent": 1, "retried": 0, "dead": 0,
                                                                            "without_link": 1}
    by_address = {d.address: d for d in world.deliveries()}
    assert {a: (d.status, d.attempts) for a, d in by_address.items()} == {
        "tom@oak.example": ("sent", 1), "sam@oak.example": ("sent", 1), "lily@oak.example": ("sent", 2)}
    assert by_address["lily@oak.example"].last_error is None
    assert sorted(m["To"] for m in smtp.received) == ["lily@oak.example", "sam@oak.example", "tom@oak.example"]


def test_failed_sends_are_retried_with_backoff_then_dead_lettered_and_can_be_retried(world, smtp, settings):
    person = world.join(first_name="Tom", email="tom@oak.example")
    world.deliver(invitation(world, person))
    smtp.refuse = "451 4.3.0 try again later"
    now = datetime.now(timezone.utc)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        counts = send_due(world.context.engine, settings, URL, KEY, now=now)
        assert counts == ({"sent": 0, "retried": 1, "dead": 0} if attempt < MAX_ATTEMPTS
                          else {"sent": 0, "retried": 0, "dead": 1})
        [delivery] = world.deliveries()
        assert delivery.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert send_due(world.context.engine, settings, URL, KEY, now=now)["retried"] == 0  # not due yet
            now = delivery.next_attempt_at + timedelta(seconds=1)
    with world.context.read_sessions() as session:
        [dead] = inbox.dead_letters(session)
    assert dead["address"] == "tom@oak.example" and "451" in dead["last_error"]
    smtp.refuse = None
    inbox.retry(world.context.uow(actor="hr"), dead["id"])
    assert send_due(world.context.engine, settings, URL, KEY)["sent"] == 1
    assert smtp.received[0]["To"] == "tom@oak.example"


def test_a_mailbox_that_does_not_exist_is_dead_lettered_at_once(world, smtp, settings):
    person = world.join(first_name="Tom", email="nobody@oak.example")
    world.deliver(invitation(world, person))
    smtp.refuse = "550 5.1.1 no such mailbox"
    assert send_due(world.context.engine, settings, URL, KEY) == {"sent": 0, "retried": 0, "dead": 1}


def test_an_unreachable_server_is_retried_not_lost(world, settings):
    from dataclasses import replace

    person = world.join(first_name="Tom", email="tom@oak.example")
    world.deliver(invitation(world, person))
    down = replace(settings, port=1)  # nothing listens there
    assert send_due(world.context.engine, down, URL, KEY) == {"sent": 0, "retried": 1, "dead": 0}
    [delivery] = world.deliveries()
    assert delivery.status == "pending" and "Connection refused" in delivery.last_error


def test_leavers_and_people_unknown_get_nothing(world):
    person = world.join(first_name="Tom", email="tom@oak.example", leaving_date=date(2020, 8, 31))
    world.deliver(invitation(world, person))
    world.deliver(invitation(world, {"staff_id": uuid.uuid4()}))
    assert world.messages() == [] and world.deliveries() == []


def test_staff_emails_follow_the_newest_snapshot(world, smtp, settings):
    person = world.join(first_name="Tom", email="tom@old.example")
    world.deliver(world.staff_event("staff.updated", {**person, "email": "tom@oak.example"}))
    world.deliver(invitation(world, person))
    send_due(world.context.engine, settings, URL, KEY)
    assert [m["To"] for m in smtp.received] == ["tom@oak.example"]


def test_a_daily_digest_gathers_a_persons_held_emails_into_one(world, smtp, settings):
    from notifications.service.daily_job import run_daily

    person = world.join(first_name="Tom", email="tom@oak.example")
    other = world.join(first_name="Lily", email="lily@oak.example")
    inbox.set_preferences(world.context.uow(), person["staff_id"], {"surveys": "digest", "appraisal": "digest"})
    for _ in range(3):
        world.deliver(invitation(world, person))
    world.deliver(invitation(world, other))  # Lily takes them as they come
    assert send_due(world.context.engine, settings, URL, KEY)["sent"] == 1
    assert [m["To"] for m in smtp.received] == ["lily@oak.example"]
    assert run_daily(world.context.uow(), today=date(2026, 11, 23)) == {"reminders": 0, "digests": 1}
    assert run_daily(world.context.uow(), today=date(2026, 11, 23)) == {"reminders": 0, "digests": 0}
    assert send_due(world.context.engine, settings, URL, KEY)["sent"] == 1
    digest = smtp.received[-1]
    assert digest["To"] == "tom@oak.example" and digest["Subject"] == "Your Staffroom digest: 3 messages"
    text = digest.get_body(("plain",)).get_content()
    assert text.count("Your invitation: Autumn pulse") == 3 and "/notifications/preferences" in text
    assert "List-Unsubscribe" not in digest
    assert {d.status for d in world.deliveries()} == {"sent"}
    assert len(world.messages(person["staff_id"])) == 3  # the inbox had each at once


def _invite(world, n: int) -> None:
    for i in range(n):
        world.deliver(invitation(world, world.join(first_name=f"P{i}", email=f"p{i}@oak.example")))


def _send_in_background(world, settings, **kwargs):
    import threading

    from notifications.entrypoints import sender

    stop = threading.Event()
    thread = threading.Thread(target=sender.loop, args=(world.context, stop), kwargs={"settings": settings, **kwargs})
    thread.start()
    return stop, thread


def _wait_for(predicate, seconds: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_backlog_is_sent_batch_after_batch_not_one_batch_per_wait(world, smtp, settings):
    _invite(world, 25)
    stop, thread = _send_in_background(world, settings, every=60.0, batch=10)  # without a backlog: once a minute
    try:
        _wait_for(lambda: len(smtp.received) >= 25)
    finally:
        stop.set()
        thread.join()
    assert sorted(m["To"] for m in smtp.received) == sorted(f"p{i}@oak.example" for i in range(25))
    assert {d.status for d in world.deliveries()} == {"sent"}


def test_a_limit_per_minute_holds_the_rest_back_for_the_next_minute(world, smtp, settings):
    from dataclasses import replace

    _invite(world, 12)
    stop, thread = _send_in_background(world, replace(settings, max_per_minute=5), every=0.05)
    try:
        _wait_for(lambda: len(smtp.received) >= 5)
        _wait_for(lambda: len(smtp.received) > 5, seconds=1.0)  # a second of looking again every 0.05 s
        assert len(smtp.received) == 5
    finally:
        stop.set()
        thread.join()
    statuses = sorted(d.status for d in world.deliveries())
    assert statuses == ["pending"] * 7 + ["sent"] * 5  # held back, not failed: nothing counted as an attempt
    assert {d.attempts for d in world.deliveries() if d.status == "pending"} == {0}
