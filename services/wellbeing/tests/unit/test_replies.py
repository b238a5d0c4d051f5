"""Replies to comments: the reply tag, the release rule and the conversation limits, and the commands against the
in-memory fakes (the change, the events, the audit rows; a refusal commits nothing)."""
from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timezone

import pytest

from staffroom_shared.errors import Conflict, NotFound, Unprocessable
from staffroom_shared.principal import Principal
from wellbeing.adapters import sealed
from wellbeing.domain.instruments import TEXT_MAX_LENGTH
from wellbeing.domain.replies import (
    ANSWERS_PER_CONVERSATION, MESSAGE_MAX_LENGTH, REPLIES_PER_CONVERSATION, Held, may_answer, may_reply,
    reading_size, release_due, released, room_for_reply,
)
from wellbeing.domain.events import AnswersReleased
from wellbeing.service import replies, respond, retention, runs

from .fakes import FakeWellbeingUnitOfWork
from .test_commands import HR, KEY, OAK, OAK_HR, OPENS, nothing_done, open_survey, state

RUN = uuid.uuid4()
ELM_HR = Principal(staff_id=uuid.uuid4(), roles=frozenset({"staff", "academy_hr"}), academy_id=uuid.UUID(int=2),
                   subject="elm-hr")


# -- the tag ---------------------------------------------------------------------------------------------------

def test_a_reply_tag_needs_the_link_the_browser_and_seal_key_together():
    mine = sealed.reply_tag(sealed.reply_key(KEY, "token", "b" * 22), RUN, "trust.improve")
    for other in (sealed.reply_key(KEY, "token", "c" * 22), sealed.reply_key(KEY, "other", "b" * 22),
                  sealed.reply_key(bytes(32), "token", "b" * 22)):
        assert sealed.reply_tag(other, RUN, "trust.improve") != mine
    assert len(mine) == 64 and int(mine, 16) >= 0


def test_one_author_s_tags_differ_for_every_question_and_every_run_so_none_groups_their_comments():
    key = sealed.reply_key(KEY, "token", "b" * 22)
    tags = {sealed.reply_tag(key, run, item) for run in (RUN, uuid.uuid4()) for item in ("a", "b", "c")}
    assert len(tags) == 6


# -- the rules ---------------------------------------------------------------------------------------------------

def _held(author: str) -> Held:
    return Held(uuid.uuid4(), "words", author)


def test_answers_are_released_only_when_the_minimum_group_of_different_authors_wait():
    assert not release_due([_held("a"), _held("a"), _held("b"), _held("c"), _held("d")], 5)
    assert release_due([_held(x) for x in "abcde"], 5)
    assert not release_due([], 5)


def test_hr_see_and_reply_to_a_comment_of_their_academy_and_only_trust_hr_to_the_hidden_pool():
    assert may_reply(OAK, None) and may_reply(None, None)
    assert may_reply(OAK, [OAK]) and not may_reply(None, [OAK]) and not may_reply(uuid.uuid4(), [OAK])
    assert not may_reply(OAK, [])


def test_hr_s_room_to_reply_never_counts_answers_so_it_cannot_say_one_is_waiting():
    replies_ = [{"kind": "reply"}] * (REPLIES_PER_CONVERSATION - 1)
    assert room_for_reply(replies_ + [{"kind": "answer"}] * 4)
    assert not room_for_reply(replies_ + [{"kind": "reply"}])


def test_an_author_answers_after_a_reply_one_at_a_time_and_up_to_the_limit():
    assert not may_answer([], 0)
    assert may_answer([{"kind": "reply"}], 0) and not may_answer([{"kind": "reply"}], 1)
    assert not may_answer([{"kind": "reply"}] + [{"kind": "answer"}] * ANSWERS_PER_CONVERSATION, 0)


def test_the_fullest_conversations_fit_the_size_every_reading_is_padded_to():
    questions = ["What one change would most improve your working life here?", "Anything else \u2028?"]
    message = {"kind": "answer", "text": "\U0001F600" * MESSAGE_MAX_LENGTH, "written_on": "2026-12-07",
               "removed": False, "from_academy": "\u00e9" * 200}
    conversation = {"comment_id": str(uuid.uuid4()), "question": "", "text": "\U0001F600" * TEXT_MAX_LENGTH,
                    "messages": [message] * (REPLIES_PER_CONVERSATION + ANSWERS_PER_CONVERSATION),
                    "waiting": "\U0001F600" * MESSAGE_MAX_LENGTH, "may_answer": False}
    threads = [{**conversation, "question": q} for q in questions]
    size = len(json.dumps(threads, ensure_ascii=False, separators=(",", ":")).encode())
    assert size <= reading_size(questions)


# -- the commands ------------------------------------------------------------------------------------------------

@pytest.fixture
def uow():
    uow = FakeWellbeingUnitOfWork(actor="hr")
    uow.academies.rows.update({OAK: "Oak", uuid.UUID(int=2): "Elm"})
    return uow


def closed(uow, people: int = 12):
    """A run every one of `people` answered with a comment, each from their own browser; closed."""
    joined, run, links = open_survey(uow, people)
    authors = {}
    for n, person in enumerate(joined):
        browser = f"browser{n:02d}" + "x" * 14
        token = links[person.staff_id]
        respond.submit(uow, token, {"enps.recommend": 7, "trust.improve": f"comment {n}"}, KEY, browser, today=OPENS)
        authors[f"comment {n}"] = (token, browser)
    runs.close(uow, HR, run.id, KEY, at=datetime(2027, 1, 23, tzinfo=timezone.utc))
    return run, authors


def _comment(uow, text):
    return next(c for c in uow.results.comment_rows if c["text"] == text)


def test_the_close_tags_each_comment_whose_author_gave_a_browser_key_and_no_other(uow):
    joined, run, links = open_survey(uow, 6)
    for n, person in enumerate(joined):
        respond.submit(uow, links[person.staff_id], {"trust.improve": f"c{n}"}, KEY, "k" * 22 if n else None,
                       today=OPENS)
    runs.close(uow, HR, run.id, KEY, at=datetime(2027, 1, 23, tzinfo=timezone.utc))
    tags = {c["text"]: c["reply_tag"] for c in uow.results.comment_rows}
    assert tags["c0"] is None and all(tags[f"c{n}"] for n in range(1, 6)) and len(set(tags.values())) == 6
    token = links[joined[1].staff_id]
    assert tags["c1"] == sealed.reply_tag(sealed.reply_key(KEY, token, "k" * 22), run.id, "trust.improve")


def test_a_reply_is_audited_and_announces_nothing(uow):
    run, authors = closed(uow)
    comment = _comment(uow, "comment 1")  # Oak's (odd people are Oak's)
    before = state(uow)
    made = replies.reply(uow, OAK_HR, run.id, comment["id"], "Thank you", today=date(2027, 2, 1))
    assert made["text"] == "Thank you" and made["from_academy"] == "Oak"
    [row] = uow.replies.rows
    assert (row["kind"], row["written_by"], row["academy_id"], row["position"]) == ("reply", OAK_HR.actor, OAK, 1)
    assert uow.commits == before[0] + 1 and len(uow.published) == before[1]
    assert uow.audits[-1]["action"] == "reply"


def test_a_reply_refused_commits_nothing(uow):
    run, authors = closed(uow)
    elm_comment = _comment(uow, "comment 0")
    before = state(uow)
    for who, comment_id in ((OAK_HR, elm_comment["id"]), (HR, uuid.uuid4())):
        with pytest.raises(NotFound):
            replies.reply(uow, who, run.id, comment_id, "hello")
    assert uow.replies.rows == [] and nothing_done(uow, before)
    for _ in range(REPLIES_PER_CONVERSATION):
        replies.reply(uow, HR, run.id, elm_comment["id"], "again")
    before = state(uow)
    with pytest.raises(Conflict):
        replies.reply(uow, HR, run.id, elm_comment["id"], "one too many")
    assert nothing_done(uow, before)


def test_an_answer_is_held_sealed_with_no_audit_and_no_event_then_released_with_k_authors(uow):
    run, authors = closed(uow)
    for n in range(5):
        replies.reply(uow, HR, run.id, _comment(uow, f"comment {n}")["id"], "Tell us more?")
    before = state(uow)
    for n in range(5):
        token, browser = authors[f"comment {n}"]
        assert replies.answer(uow, token, KEY, browser, _comment(uow, f"comment {n}")["id"], f"more {n}") == replies.HELD
    assert uow.commits == before[0] + 5 and (len(uow.published), len(uow.audits)) == before[1:]
    assert len(uow.replies.held_rows) == 5 and all(b"more" not in box for _, box in uow.replies.held_rows.values())
    assert len({len(box) for _, box in uow.replies.held_rows.values()}) == 1
    assert replies.release(uow, KEY, date(2027, 3, 1)) == 5
    answers = [r for r in uow.replies.rows if r["kind"] == "answer"]
    assert sorted(r["text"] for r in answers) == [f"more {n}" for n in range(5)]
    assert {r["written_on"] for r in answers} == {date(2027, 3, 1)} and uow.replies.held_rows == {}
    [payload] = uow.payloads("wellbeing.answers_released")
    assert payload["answers"] == 5 and payload["released_on"] == "2027-03-01"


def test_answers_passed_on_are_counted_under_each_academy_s_comments_and_in_all(uow):
    run, _ = closed(uow)
    elm = uuid.UUID(int=2)
    released(run, [OAK, None, elm, OAK, None, None], date(2026, 12, 7))
    [event] = [e for e in run.recorded if isinstance(e, AnswersReleased)]
    assert (event.answers, event.academies) == (6, tuple(sorted((OAK, elm))))
    assert sorted((a["academy_id"], a["answers"]) for a in event.academy_answers) == sorted([(OAK, 2), (elm, 1)])


def test_an_answer_refused_commits_nothing(uow):
    run, authors = closed(uow)
    comment = _comment(uow, "comment 2")
    token, browser = authors["comment 2"]
    before = state(uow)
    # nobody has replied yet: refused inside the exchange's body, never by a status (api/replies.py)
    assert replies.answer(uow, token, KEY, browser, comment["id"], "hello?") == replies.NOT_NOW
    replies.reply(uow, HR, run.id, comment["id"], "Hello")
    before = state(uow)
    other_token, other_browser = authors["comment 3"]
    for args in ((other_token, other_browser), (token, "z" * 22)):
        assert replies.answer(uow, *args[:1], KEY, args[1], comment["id"], "not mine") == replies.NOT_FOUND
    with pytest.raises(Unprocessable):
        replies.answer(uow, token, KEY, None, comment["id"], "no browser key")
    assert uow.replies.held_rows == {} and nothing_done(uow, before)


def test_a_removal_blanks_the_words_keeps_why_and_is_audited_without_them(uow):
    run, authors = closed(uow)
    comment = _comment(uow, "comment 1")
    made = replies.reply(uow, HR, run.id, comment["id"], "About Mr Smith")
    with pytest.raises(NotFound):
        replies.remove(uow, ELM_HR, run.id, made["id"], "not theirs")
    replies.remove(uow, OAK_HR, run.id, made["id"], "names a colleague")
    [row] = uow.replies.rows
    assert row["text"] == "" and row["removed_because"] == "names a colleague"
    assert "Smith" not in str(uow.audits[-1])


def test_retention_forgets_the_replies_and_waiting_answers_with_their_comments(uow):
    run, authors = closed(uow)
    comment = _comment(uow, "comment 4")
    replies.reply(uow, HR, run.id, comment["id"], "Hello")
    replies.answer(uow, *authors["comment 4"][:1], KEY, authors["comment 4"][1], comment["id"], "Hi")
    [record] = [r for r in retention.RECORDS if r.key == "comments"]
    with uow:
        assert record.expire(uow, date(2030, 1, 1), date(2030, 1, 1)) == 2 + 12
        uow.commit()
    assert uow.results.comment_rows == []
    assert uow.replies.rows == [] and uow.replies.held_rows == {}


def test_a_ballot_carrying_a_reply_key_at_full_length_still_fits_the_run_s_one_size():
    from wellbeing.domain.scoring import score
    from wellbeing.service.respond import seal_ballot

    from .test_sealed import FORM, GROUP, SIZE, _answers, _longest

    box = seal_ballot(KEY, RUN, GROUP, score(FORM, _answers(_longest)), SIZE, bytes(32))
    assert len(box) == sealed.NONCE + 4 + SIZE + 16
    assert sealed.decoded(sealed.unseal(KEY, RUN, box)["reply"]) == bytes(32)
