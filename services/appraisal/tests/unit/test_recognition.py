"""Recognition and continuous feedback (issue 24): the domain's rules, and the commands against in-memory
repositories (what changes, the event, the audit row without the words, and that a refusal commits nothing)."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from staffroom_shared.errors import Conflict, Forbidden, NotFound, TooManyRequests, Unprocessable

from appraisal.domain.model import AppraisalError, IllegalTransition, NotAllowed, Status
from appraisal.domain.recognition import (
    MOST_IN_WINDOW, MOST_TO_ONE_IN_WINDOW, Kind, Recognition, Visibility, cannot_receive, next_allowed,
)
from appraisal.service import recognition as service

from .test_commands import ELM, OAK, Trust, as_, staff

NOW = datetime(2026, 11, 3, 10, 0, tzinfo=timezone.utc)


def given(giver, recipient, **more) -> Recognition:
    return Recognition.give(giver.staff_id, recipient, more.pop("kind", Kind.RECOGNITION),
                            more.pop("words", "Thank you for covering 9B"), more.pop("visibility", Visibility.PRIVATE),
                            more.pop("now", NOW), **more)


# -- the rules ----------------------------------------------------------------------------------------------

def test_anyone_in_post_in_the_trust_but_yourself_can_be_given_recognition():
    tom, elm_teacher = staff("Tom"), staff("Eve", academy_id=ELM)
    assert cannot_receive(tom.staff_id, elm_teacher, NOW.date()) is None
    assert "yourself" in cannot_receive(tom.staff_id, tom, NOW.date())
    assert "not in post" in cannot_receive(tom.staff_id, staff("Lea", leaving_date=date(2026, 8, 31)), NOW.date())
    starter = staff("Sam")
    starter.start_date = date(2027, 1, 1)
    assert "not in post" in cannot_receive(tom.staff_id, starter, NOW.date())
    assert "no member of staff" in cannot_receive(tom.staff_id, None, NOW.date())


def test_giving_records_who_to_whom_and_never_the_words():
    tom, eve = staff("Tom"), staff("Eve", academy_id=ELM)
    item = given(tom, eve, visibility=Visibility.LINE_MANAGER, words="A secret word")
    [event] = item.recorded
    assert (event.giver_id, event.recipient_id, event.academy_id, event.kind, event.shared_with_line_manager) == (
        tom.staff_id, eve.staff_id, ELM, "recognition", True)
    assert "A secret word" not in repr(event)


def test_giving_to_yourself_is_refused():
    tom = staff("Tom")
    with pytest.raises(AppraisalError, match="yourself"):
        given(tom, tom)


def test_the_giver_may_withdraw_within_a_day_unless_it_is_kept():
    tom, eve = staff("Tom"), staff("Eve")
    item = given(tom, eve)
    item.check_withdrawal(tom.staff_id, NOW + timedelta(hours=23, minutes=59))
    with pytest.raises(IllegalTransition, match="within 24 hours"):
        item.check_withdrawal(tom.staff_id, NOW + timedelta(hours=24))
    with pytest.raises(NotAllowed):
        item.check_withdrawal(eve.staff_id, NOW)
    item.keep(eve.staff_id, uuid.uuid4())
    with pytest.raises(IllegalTransition, match="kept it as evidence"):
        item.check_withdrawal(tom.staff_id, NOW)


def test_only_the_recipient_keeps_and_only_with_an_appraisal_in_progress():
    tom, eve = staff("Tom"), staff("Eve")
    item = given(tom, eve)
    with pytest.raises(NotAllowed):
        item.keep(tom.staff_id, uuid.uuid4())
    with pytest.raises(IllegalTransition, match="no appraisal in progress"):
        item.keep(eve.staff_id, None)
    appraisal_id = uuid.uuid4()
    item.keep(eve.staff_id, appraisal_id)
    assert item.evidence_for == appraisal_id and item.kept


def test_unkeeping_is_only_while_the_appraisal_is_in_progress():
    tom, eve = staff("Tom"), staff("Eve")
    item = given(tom, eve)
    item.keep(eve.staff_id, uuid.uuid4())
    with pytest.raises(IllegalTransition, match="has finished"):
        item.unkeep(eve.staff_id, appraisal_in_progress=False)
    item.unkeep(eve.staff_id, appraisal_in_progress=True)
    assert not item.kept


def test_a_kept_item_cannot_be_hidden_until_it_is_unkept():
    tom, eve = staff("Tom"), staff("Eve")
    item = given(tom, eve)
    item.keep(eve.staff_id, uuid.uuid4())
    with pytest.raises(IllegalTransition, match="stop keeping it first"):
        item.hide(eve.staff_id, True)
    item.unkeep(eve.staff_id, True)
    item.hide(eve.staff_id, True)
    assert item.hidden


def test_removal_erases_the_words_keeps_the_reason_and_ends_its_use_as_evidence():
    tom, eve = staff("Tom"), staff("Eve")
    item = given(tom, eve, words="Something abusive", value="Kindness", standard="TS8")
    item.keep(eve.staff_id, uuid.uuid4())
    item.remove(uuid.uuid4(), "Breaches the code of conduct", NOW)
    assert (item.words, item.value, item.standard, item.evidence_for) == ("", None, None, None)
    assert item.removed_because == "Breaches the code of conduct" and item.removed
    with pytest.raises(IllegalTransition):
        item.remove(uuid.uuid4(), "again", NOW)
    with pytest.raises(IllegalTransition):
        item.keep(eve.staff_id, uuid.uuid4())


def test_the_rate_limit_is_twenty_a_day_and_three_to_one_colleague():
    one, other = uuid.uuid4(), uuid.uuid4()
    day = [(NOW - timedelta(hours=h), other) for h in range(MOST_IN_WINDOW - 1)]
    assert next_allowed(day, one, NOW) is None
    full = day + [(NOW - timedelta(hours=23), other)]
    assert next_allowed(full, one, NOW) == NOW - timedelta(hours=23) + timedelta(hours=24)
    to_one = [(NOW - timedelta(hours=h), one) for h in (1, 2, 3)]
    assert next_allowed(to_one, one, NOW) == NOW - timedelta(hours=3) + timedelta(hours=24)
    assert next_allowed(to_one, other, NOW) is None
    assert next_allowed([(NOW - timedelta(hours=25), one)] * MOST_TO_ONE_IN_WINDOW, one, NOW) is None


# -- the commands ---------------------------------------------------------------------------------------------

def _give(trust, giver, recipient, now=NOW, **more):
    body = {"recipient_id": recipient.staff_id, "kind": "recognition", "words": "Thank you for the trip",
            "visibility": "private", **more}
    return service.give(trust.uow, as_(giver), body, now=now)


def test_give_publishes_recognition_given_and_audits_without_the_words_value_or_standard():
    trust = Trust()
    item = _give(trust, trust.head, trust.teacher, visibility="line_manager", words="Wonderful assembly",
                 value="Kindness", standard="TS8")
    [payload] = trust.uow.payloads("appraisal.recognition_given")
    assert str(payload["recipient_id"]) == str(trust.teacher.staff_id)
    assert str(payload["giver_id"]) == str(trust.head.staff_id)
    assert payload["shared_with_line_manager"] is True and "words" not in payload
    audit = trust.uow.audits[-1]
    assert audit["action"] == "give_recognition" and "Wonderful" not in repr(audit)
    # outside tester, issue 24: HR's removal erased the value, and the audit row still held it
    assert "Kindness" not in repr(audit) and "TS8" not in repr(audit)
    assert audit["changes"]["with_a_value"] is True and audit["changes"]["with_a_standard"] is True
    assert trust.uow.recognition.get(item.id) is item
    assert trust.uow.recognition.held == [trust.head.staff_id]  # counted under the giver's lock


def test_give_to_yourself_is_a_422_and_changes_nothing():
    trust = Trust()
    commits, published = trust.uow.commits, len(trust.uow.published)
    with pytest.raises(Unprocessable, match="yourself"):
        _give(trust, trust.teacher, trust.teacher)
    assert not trust.uow.recognition.by_id and len(trust.uow.published) == published
    assert trust.uow.commits == commits


def test_a_fourth_to_one_colleague_in_a_day_is_a_429_with_when():
    trust = Trust()
    for minutes in (0, 10, 20):
        _give(trust, trust.head, trust.teacher, now=NOW + timedelta(minutes=minutes))
    commits = trust.uow.commits
    with pytest.raises(TooManyRequests) as refused:
        _give(trust, trust.head, trust.teacher, now=NOW + timedelta(minutes=30))
    assert trust.uow.commits == commits and len(trust.uow.recognition.by_id) == 3
    assert refused.value.retry_after == int(timedelta(hours=23, minutes=30).total_seconds()) + 1
    _give(trust, trust.head, trust.site, now=NOW + timedelta(minutes=30))  # another colleague: fine


def test_keep_puts_a_private_one_in_the_current_appraisal_and_the_appraiser_then_sees_it():
    trust = Trust()
    appraisal = trust.open()
    item = _give(trust, trust.site, trust.teacher, visibility="private")
    assert service.relations(trust.uow, as_(trust.head), item) == set()
    service.keep(trust.uow, as_(trust.teacher), item.id, True)
    assert item.evidence_for == appraisal.id
    assert service.relations(trust.uow, as_(trust.head), item) == {"appraiser"}
    assert trust.uow.audits[-1]["action"] == "keep_recognition"
    service.keep(trust.uow, as_(trust.teacher), item.id, False)
    assert item.evidence_for is None


def test_keeping_without_an_appraisal_in_progress_is_a_409_and_changes_nothing():
    trust = Trust()
    item = _give(trust, trust.site, trust.teacher)
    commits = trust.uow.commits
    with pytest.raises(Conflict, match="no appraisal in progress"):
        service.keep(trust.uow, as_(trust.teacher), item.id, True)
    assert trust.uow.commits == commits and item.evidence_for is None


def test_once_the_appraisal_is_signed_off_a_kept_one_stays_in_it():
    trust = Trust()
    appraisal = trust.open()
    item = _give(trust, trust.site, trust.teacher)
    service.keep(trust.uow, as_(trust.teacher), item.id, True)
    appraisal.status = Status.SIGNED_OFF
    with pytest.raises(Conflict, match="has finished"):
        service.keep(trust.uow, as_(trust.teacher), item.id, False)
    assert item.evidence_for == appraisal.id


def test_withdraw_by_the_giver_deletes_it_and_audits():
    trust = Trust()
    item = _give(trust, trust.head, trust.teacher)
    service.withdraw(trust.uow, as_(trust.head), item.id, now=NOW + timedelta(hours=1))
    assert item.id not in trust.uow.recognition.by_id
    assert trust.uow.audits[-1]["action"] == "withdraw_recognition"
    # a subject access copy made in the meantime held the words (outsider O6): the same as a removal
    assert trust.uow.forgotten_sent == [item.id]
    assert trust.uow.payloads("appraisal.subject_access_withdrawn") == [
        {"staff_ids": [str(trust.head.staff_id), str(trust.teacher.staff_id)]}]


def test_a_stranger_is_told_it_does_not_exist_and_the_recipient_may_not_withdraw_it():
    trust = Trust()
    item = _give(trust, trust.head, trust.teacher)
    commits = trust.uow.commits
    with pytest.raises(NotFound):
        service.withdraw(trust.uow, as_(trust.site), item.id, now=NOW)
    with pytest.raises(Forbidden):
        service.withdraw(trust.uow, as_(trust.teacher), item.id, now=NOW)
    assert trust.uow.commits == commits and item.id in trust.uow.recognition.by_id


def test_only_hr_of_the_recipients_academy_remove_and_the_audit_keeps_the_reason_not_the_words():
    trust = Trust()
    item = _give(trust, trust.head, trust.teacher, words="Rude words")
    with pytest.raises(NotFound):
        service.remove(trust.uow, as_(None, "academy_hr", academy_id=ELM), item.id, "abusive")
    with pytest.raises(Forbidden):
        service.remove(trust.uow, as_(trust.head), item.id, "abusive")
    service.remove(trust.uow, trust.hr, item.id, "Abusive")
    assert item.words == "" and item.removed_because == "Abusive"
    audit = trust.uow.audits[-1]
    assert audit["action"] == "remove_recognition" and "Rude" not in repr(audit) and "Abusive" in repr(audit)
    # against the recipient, not the item: the giver's subject access copy lists the item's audit rows (issue 24)
    assert (audit["entity"], audit["entity_id"]) == (service.REMOVALS, str(trust.teacher.staff_id))
    assert audit["changes"]["recognition_id"] == item.id
    assert trust.uow.forgotten_sent == [item.id]  # the outbox's sent copies naming it (a subject access answer)
    # and the copies the directory keeps of answers about either of them are asked for again (outsider O5)
    assert trust.uow.payloads("appraisal.subject_access_withdrawn") == [
        {"staff_ids": [str(trust.head.staff_id), str(trust.teacher.staff_id)]}]


def test_hiding_a_kept_one_is_a_409():
    trust = Trust()
    item = _give(trust, trust.head, trust.teacher)
    item.evidence_for = uuid.uuid4()
    with pytest.raises(Conflict):
        service.hide(trust.uow, as_(trust.teacher), item.id, True)


def test_the_line_manager_sees_what_was_shared_with_them_and_not_what_was_private():
    trust = Trust()
    shared = _give(trust, trust.site, trust.teacher, visibility="line_manager")
    private = _give(trust, trust.site, trust.teacher, visibility="private", now=NOW + timedelta(minutes=1))
    assert service.relations(trust.uow, as_(trust.head), shared) == {"line_manager"}
    assert service.relations(trust.uow, as_(trust.head), private) == set()
    assert trust.uow.recognition.shared_with(trust.head.staff_id) == [shared]


# -- reporting to HR ------------------------------------------------------------------------------------------

def test_only_the_recipient_reports_and_only_once():
    tom, eve = staff("Tom"), staff("Eve")
    item = given(tom, eve)
    with pytest.raises(NotAllowed):
        item.report(tom.staff_id, "no", NOW)
    item.report(eve.staff_id, "  It reads as a threat  ", NOW)
    assert item.reported and item.awaiting_hr and item.reported_because == "It reads as a threat"
    [_, event] = item.recorded
    assert (event.recognition_id, event.academy_id, event.giver_id, event.recipient_id) == (
        item.id, eve.academy_id, tom.staff_id, eve.staff_id)
    assert "threat" not in repr(event) and "Thank you" not in repr(event)
    with pytest.raises(IllegalTransition, match="already reported"):
        item.report(eve.staff_id, None, NOW)


def test_a_report_without_a_reason_keeps_none_and_a_removed_one_cannot_be_reported():
    tom, eve = staff("Tom"), staff("Eve")
    item = given(tom, eve)
    item.report(eve.staff_id, "   ", NOW)
    assert item.reported_because is None
    removed = given(tom, eve)
    removed.remove(uuid.uuid4(), "Abusive", NOW)
    with pytest.raises(IllegalTransition, match="removed"):
        removed.report(eve.staff_id, None, NOW)


def test_hr_dismiss_a_report_once_keeping_who_and_when_and_it_leaves_their_list():
    tom, eve, hr = staff("Tom"), staff("Eve"), uuid.uuid4()
    item = given(tom, eve)
    with pytest.raises(IllegalTransition, match="not been reported"):
        item.dismiss_report(hr, NOW)
    item.report(eve.staff_id, None, NOW)
    item.dismiss_report(hr, NOW + timedelta(days=1))
    assert (item.report_dismissed_by, item.report_dismissed_at) == (hr, NOW + timedelta(days=1))
    assert item.reported and not item.awaiting_hr
    with pytest.raises(IllegalTransition, match="already been dismissed"):
        item.dismiss_report(hr, NOW)
    with pytest.raises(IllegalTransition, match="already reported"):
        item.report(eve.staff_id, None, NOW)  # once: a dismissed report is not made again


def test_hr_who_gave_it_or_were_given_it_cannot_remove_it_even_once_it_is_reported_and_kept():
    """Outsider, issue 24: HR who gave an item removed it a minute after the recipient reported it (kept evidence
    too), and the recipient read that HR found it broke the code of conduct."""
    tom, eve = staff("Tom"), staff("Eve")
    item = given(tom, eve, words="Please be on time to duty")
    item.keep(eve.staff_id, uuid.uuid4())
    item.report(eve.staff_id, "uncomfortable", NOW)
    with pytest.raises(NotAllowed, match="you gave it, so another member of HR must remove it"):
        item.remove(tom.staff_id, "oops", NOW)
    with pytest.raises(NotAllowed, match="it was given to you, so another member of HR must remove it"):
        item.remove(eve.staff_id, "mine", NOW)
    with pytest.raises(NotAllowed, match="it was given to you"):
        item.dismiss_report(eve.staff_id, NOW)
    assert item.words == "Please be on time to duty" and item.kept and item.awaiting_hr


def test_hr_who_gave_it_cannot_dismiss_the_report_and_a_removed_one_has_no_report_to_dismiss():
    tom, eve = staff("Tom"), staff("Eve")
    item = given(tom, eve)
    item.report(eve.staff_id, None, NOW)
    with pytest.raises(NotAllowed, match="another member of HR"):
        item.dismiss_report(tom.staff_id, NOW)
    item.remove(uuid.uuid4(), "Abusive", NOW)
    assert not item.awaiting_hr
    with pytest.raises(IllegalTransition, match="already been removed"):
        item.dismiss_report(uuid.uuid4(), NOW)


def test_report_publishes_recognition_reported_and_audits_without_the_reason():
    trust = Trust()
    item = _give(trust, trust.head, trust.teacher, words="Rude words")
    service.report(trust.uow, as_(trust.teacher), item.id, "Made me feel small", now=NOW)
    [payload] = trust.uow.payloads("appraisal.recognition_reported")
    assert str(payload["recognition_id"]) == str(item.id) and str(payload["academy_id"]) == str(OAK)
    assert "small" not in repr(payload) and "Rude" not in repr(payload)
    audit = trust.uow.audits[-1]
    assert audit["action"] == "report_recognition" and "small" not in repr(audit) and "Rude" not in repr(audit)


def test_the_giver_cannot_report_and_a_second_report_is_a_409_that_changes_nothing():
    trust = Trust()
    item = _give(trust, trust.head, trust.teacher)
    with pytest.raises(Forbidden):
        service.report(trust.uow, as_(trust.head), item.id, None, now=NOW)
    service.report(trust.uow, as_(trust.teacher), item.id, None, now=NOW)
    commits, published = trust.uow.commits, len(trust.uow.published)
    with pytest.raises(Conflict, match="already reported"):
        service.report(trust.uow, as_(trust.teacher), item.id, "again", now=NOW)
    assert trust.uow.commits == commits and len(trust.uow.published) == published and item.reported_because is None


def test_hrs_list_is_their_academys_open_reports_and_trust_hr_see_every_academys():
    trust = Trust()
    elm_teacher = staff("Eve", academy_id=ELM)
    oak = _give(trust, trust.head, trust.teacher)
    quiet = _give(trust, trust.head, trust.site)
    service.report(trust.uow, as_(trust.teacher), oak.id, None, now=NOW)
    elm = Recognition.give(trust.head.staff_id, elm_teacher, Kind.FEEDBACK, "Rude", Visibility.PRIVATE, NOW)
    elm.report(elm_teacher.staff_id, None, NOW + timedelta(minutes=5))
    trust.uow.recognition.add(elm)
    assert service.reported(trust.uow, trust.hr) == [oak]
    assert service.reported(trust.uow, as_(None, "academy_hr", academy_id=ELM)) == [elm]
    assert service.reported(trust.uow, trust.trust_hr) == [oak, elm]
    assert quiet not in service.reported(trust.uow, trust.trust_hr)
    with pytest.raises(Forbidden):
        service.reported(trust.uow, as_(trust.head))
    service.dismiss_report(trust.uow, trust.hr, oak.id, now=NOW)
    assert service.reported(trust.uow, trust.trust_hr) == [elm]
    assert trust.uow.audits[-1]["action"] == "dismiss_recognition_report"


def test_hr_never_list_a_report_they_gave_or_were_given_and_cannot_dismiss_one_they_gave():
    trust = Trust()
    item = _give(trust, trust.head, trust.teacher)
    service.report(trust.uow, as_(trust.teacher), item.id, None, now=NOW)
    head_as_hr = as_(trust.head, "academy_hr")
    assert service.reported(trust.uow, head_as_hr) == []
    with pytest.raises(Forbidden, match="another member of HR"):
        service.dismiss_report(trust.uow, head_as_hr, item.id, now=NOW)
    teacher_as_hr = as_(trust.teacher, "academy_hr")
    assert service.reported(trust.uow, teacher_as_hr) == []


def test_only_hr_of_the_recipients_academy_dismiss_a_report():
    trust = Trust()
    item = _give(trust, trust.head, trust.teacher)
    service.report(trust.uow, as_(trust.teacher), item.id, None, now=NOW)
    with pytest.raises(NotFound):
        service.dismiss_report(trust.uow, as_(None, "academy_hr", academy_id=ELM), item.id, now=NOW)
    with pytest.raises(Forbidden):
        service.dismiss_report(trust.uow, as_(trust.teacher), item.id, now=NOW)
    service.dismiss_report(trust.uow, trust.trust_hr, item.id, now=NOW)
    assert item.report_dismissed_at == NOW


def test_a_reported_item_the_giver_withdraws_leaves_hrs_list():
    trust = Trust()
    item = _give(trust, trust.head, trust.teacher)
    service.report(trust.uow, as_(trust.teacher), item.id, None, now=NOW)
    service.withdraw(trust.uow, as_(trust.head), item.id, now=NOW + timedelta(hours=2))
    assert service.reported(trust.uow, trust.hr) == []
