"""Feedback's close through the daily job, against the in-memory fakes (no Flask, no database)."""
from __future__ import annotations

import uuid
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from staffroom_shared.errors import Conflict, NotFound
from staffroom_shared.principal import Principal

from wellbeing.adapters import sealed
from wellbeing.domain.feedback import Category, FeedbackRequest, Rater, RequestStatus, ballot
from wellbeing.service import daily_job, feedback, runs
from wellbeing.service.respond import token_hash

from .fakes import FakeWellbeingUnitOfWork

KEY = bytes(range(32))
LINKS = runs.Links("https://staffroom.example", X25519PrivateKey.generate().public_key())
TODAY = date(2027, 3, 1)


def _request(uow: FakeWellbeingUnitOfWork, answered: int) -> FeedbackRequest:
    request = FeedbackRequest(subject_id=uuid.uuid4(), academy_id=uuid.uuid4(), question_set="360",
                              closes_on=date(2027, 3, 10), k=3, requested_by="t", title="Feedback for Ada", today=TODAY)
    uow.feedback.add(request)
    raters = [Rater(uuid.uuid4(), Category.PEERS) for _ in range(4)]
    uow.feedback.add_invitations([request.invite(r, f"{i:064d}", request.academy_id) for i, r in enumerate(raters)])
    for i in range(answered):
        content = ballot(Category.PEERS, {"fb360.calm": 4, "fb360.keep_doing": f"words {i}"}, None)
        uow.feedback.add_ballot(request.id, sealed.seal(KEY, request.id, content, feedback.ballot_size("360")))
    request.pull_events()
    return request


def test_the_daily_job_closes_a_request_past_its_date_and_destroys_its_ballots():
    uow = FakeWellbeingUnitOfWork()
    request = _request(uow, answered=3)
    daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 3, 10))
    assert request.status is RequestStatus.OPEN  # still open on its closing day
    daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 3, 11))
    assert request.status is RequestStatus.CLOSED and request.answered is None  # no count the report does not show
    assert not list(uow.feedback.boxes(request.id))
    assert [i.answered for i in uow.feedback.invitations.values()] == [None] * 4  # nor any invitation's flag
    [peers] = request.report["categories"]
    assert peers["shown"] and peers["comments"][0]["texts"] == ["words 0", "words 1", "words 2"]
    assert [a for a in uow.audits if a["entity"] == "feedback_request"]


def test_a_request_with_too_few_answers_closes_showing_nothing_of_them():
    uow = FakeWellbeingUnitOfWork()
    request = _request(uow, answered=2)
    assert feedback.close_due(uow, KEY, date(2027, 3, 11)) == 1
    assert request.report == {"named": [], "categories": [{"category": "peers", "shown": False, "needed": 3}]}


def _asked(uow: FakeWellbeingUnitOfWork) -> tuple[FeedbackRequest, list]:
    request = _request(uow, answered=0)
    return request, [i for i in uow.feedback.invitations.values() if i.request_id == request.id]


def _staff(staff_id: uuid.UUID, academy_id: uuid.UUID) -> Principal:
    return Principal(staff_id=staff_id, roles=frozenset({"staff"}), academy_id=academy_id, subject=str(staff_id))


def test_answer_now_gives_a_rater_a_fresh_link_for_their_own_invitation_and_publishes_nothing():
    uow = FakeWellbeingUnitOfWork()
    request, invitations = _asked(uow)
    mine = invitations[0]
    before = mine.token_hash
    link = feedback.new_link(uow, _staff(mine.staff_id, request.academy_id), request.id, LINKS, today=TODAY)
    assert link.startswith("https://staffroom.example/feedback/respond#token=")
    assert mine.token_hash == token_hash(link.split("#token=")[1]) != before  # the earlier one opens nothing now
    assert uow.payloads("wellbeing.invitation_issued") == []  # its news named who answered (outsider O8)


def test_answer_now_is_404_to_anyone_not_asked_and_409_once_answered_and_changes_nothing():
    uow = FakeWellbeingUnitOfWork()
    request, invitations = _asked(uow)
    hashes = [i.token_hash for i in invitations]
    for stranger in (request.subject_id, uuid.uuid4()):  # the subject, another member of staff
        with pytest.raises(NotFound):
            feedback.new_link(uow, _staff(stranger, request.academy_id), request.id, LINKS, today=TODAY)
    hr = Principal(staff_id=None, roles=frozenset({"trust_hr"}), academy_id=None, subject="hr")
    with pytest.raises(NotFound):
        feedback.new_link(uow, hr, request.id, LINKS, today=TODAY)
    invitations[1].answered = True
    with pytest.raises(Conflict, match="already given"):
        feedback.new_link(uow, _staff(invitations[1].staff_id, request.academy_id), request.id, LINKS, today=TODAY)
    assert [i.token_hash for i in invitations] == hashes and uow.commits == 0 and not uow.published


def test_the_close_asks_five_of_peers_when_one_of_them_is_the_subject_s_direct_report_by_then():
    """Finding 3 (outsider, issue 24): asked as peers while moved under another manager, moved back before the close."""
    uow = FakeWellbeingUnitOfWork()
    request = _request(uow, answered=4)
    moved_back = next(iter(uow.feedback.invitations.values())).staff_id
    uow.feedback.managers[moved_back] = request.subject_id
    assert feedback.close_due(uow, KEY, date(2027, 3, 11)) == 1
    assert request.report["categories"] == [{"category": "peers", "shown": False, "needed": 5}]
    assert not list(uow.feedback.boxes(request.id))  # the hidden answers are destroyed unread
