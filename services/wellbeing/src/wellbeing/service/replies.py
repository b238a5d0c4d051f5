"""Replies to anonymous comments (docs/wellbeing.md, "Replies to comments"): HR reply to a comment they are shown;
its author reads the conversation with their survey link in the browser they answered with, and may answer;
answers wait, sealed, and are passed on together by the daily job.

Nobody learns who the author is: their comment carries only a tag that their link, their browser's key and
SEAL_KEY together compute (adapters.sealed.reply_tag); reading works the same, and answers the same size,
whether or not a browser wrote anything; and an answer reaches HR only in a batch with at least the run's minimum
group of other authors' answers, dated the day it was passed on.
"""
from __future__ import annotations

import random
import uuid
from datetime import date

from staffroom_shared.authz import academy_scope, is_trust_hr
from staffroom_shared.errors import Conflict, NotFound
from staffroom_shared.principal import Principal

from ..adapters import sealed
from ..adapters.replies import ReplyRepository
from ..adapters.repository import AcademyRepository, InvitationRepository, RunRepository
from ..domain.model import RunStatus, SurveyRun
from ..domain.replies import (
    ANSWER, MESSAGE_MAX_LENGTH, REPLY, Held, may_answer, may_reply, reading_size, released, release_due,
    room_for_reply,
)
from . import runs
from .respond import _browser_key, token_hash
from .unit_of_work import WellbeingUnitOfWork

HELD_SIZE = MESSAGE_MAX_LENGTH * 6 + 256  # every waiting answer is sealed at this one size


# -- HR ---------------------------------------------------------------------------------------------------

def conversations(session, principal: Principal, run_id: uuid.UUID) -> list[dict]:
    """Every comment the caller is shown in the run's results, with its conversation (HR's view)."""
    run = runs.closed(session, principal, run_id)
    stored = ReplyRepository(session)
    shown = stored.shown(run.id, academy_scope(principal))
    talk = stored.conversations([c["id"] for c in shown])
    names = AcademyRepository(session).names()
    form = run.questionnaire()
    return [{"comment_id": c["id"], "question": form.items[c["item"]].text if c["item"] in form.items else c["item"],
             "text": c["text"], "academy_id": c["academy_id"], "academy_name": names.get(str(c["academy_id"])),
             "messages": [_message(m, names) for m in talk.get(c["id"], [])],
             "may_reply": room_for_reply(talk.get(c["id"], []))} for c in shown]


def _message(row: dict, names: dict) -> dict:
    removed = row["removed_because"] is not None
    return {"id": row["id"], "kind": row["kind"], "text": "" if removed else row["text"],
            "written_on": row["written_on"], "removed": removed,
            "from_academy": names.get(str(row["academy_id"])) if row["academy_id"] else None}


def _closed_run(uow: WellbeingUnitOfWork, principal: Principal, run_id: uuid.UUID) -> SurveyRun:
    run = uow.runs.get(run_id)
    if run is None or not runs.may_see(principal, run):
        raise NotFound(f"there is no survey run with id {run_id}")
    if run.status is not RunStatus.CLOSED:
        raise Conflict("comments, and replies to them, come when the run closes")
    return run


def reply(uow: WellbeingUnitOfWork, principal: Principal, run_id: uuid.UUID, comment_id: uuid.UUID, text: str,
          today: date | None = None) -> dict:
    """HR reply to a comment they are shown; audited. Its author reads it with their link, in their browser."""
    with uow:
        run = _closed_run(uow, principal, run_id)
        comment = uow.replies.comment(run.id, comment_id)
        if comment is None or not may_reply(comment["academy_id"], academy_scope(principal)):
            raise NotFound("there is no comment with that id among those you are shown in this survey's results")
        conversation = uow.replies.conversations([comment_id]).get(comment_id, [])
        if not room_for_reply(conversation):
            raise Conflict("this conversation already has as many replies as it can take (5)")
        row = {"id": uuid.uuid4(), "comment_id": comment_id, "kind": REPLY, "text": text,
               "written_on": today or date.today(), "written_by": principal.actor,
               "academy_id": None if is_trust_hr(principal) else principal.academy_id, "removed_because": None}
        uow.replies.add([row])
        uow.audit("reply", "comment", comment_id, {"reply_id": row["id"], "text": text})
        uow.commit()
        return _message(row, uow.academies.names())


def remove(uow: WellbeingUnitOfWork, principal: Principal, run_id: uuid.UUID, message_id: uuid.UUID, because: str
           ) -> None:
    """Take a reply or an answer's words out, with a reason (trust HR anywhere, academy HR under their academy's
    comments); audited, without the words. Everyone then sees it as removed."""
    with uow:
        run = _closed_run(uow, principal, run_id)
        message = uow.replies.message(message_id)
        if message is None or message["run_id"] != run.id or not may_reply(message["comment_academy_id"],
                                                                            academy_scope(principal)):
            raise NotFound("there is no reply or answer with that id among those you are shown in this survey")
        if message["removed_because"] is not None:
            raise Conflict("this message has already been removed")
        uow.replies.remove(message_id, because)
        uow.audit("remove", "reply", message_id, {"kind": message["kind"], "because": because})
        uow.commit()


# -- the author ---------------------------------------------------------------------------------------------

class _Reads:
    def __init__(self, session):
        self.invitations, self.runs, self.replies = (InvitationRepository(session), RunRepository(session),
                                                     ReplyRepository(session))


def _author(uow, token: str | None, key: bytes, browser_key: str | None) -> tuple[SurveyRun, bytes]:
    """The closed run this link answered, and the author's reply key; 404/409/422 otherwise."""
    if not token:
        raise NotFound("there is no survey link in this address")
    browser_key = _browser_key(browser_key, required=True, needed_for="reading replies to what you wrote",
                               because="the one you answered with")
    invitation = uow.invitations.by_token(token_hash(token))
    if invitation is None:
        raise NotFound("a newer link may have replaced this survey link, or it was not copied in full")
    run = uow.runs.get(invitation.run_id)
    if run.status is not RunStatus.CLOSED:
        raise Conflict("replies to what you wrote can be read here once the survey closes", survey="open")
    return run, sealed.reply_key(key, token, browser_key)


def _waiting(uow, key: bytes, run: SurveyRun) -> list[Held]:
    return [_held(key, run.id, box) for _, box in uow.replies.held(run.id)]


def read(session, token: str | None, key: bytes, browser_key: str | None) -> tuple[dict, int]:
    """The conversations under this author's comments that HR replied to, and the most bytes they could take (the
    response is padded to it). The same work whoever asks: every tag of the run is computed, every query made and
    every waiting answer opened, whatever is found."""
    uow = _Reads(session)
    run, author = _author(uow, token, key, browser_key)
    form = run.questionnaire()
    written = [key_ for key_, item in form.items.items() if item.scale == "text"]
    mine = uow.replies.tagged(run.id, [sealed.reply_tag(author, run.id, item) for item in written])
    talk = uow.replies.conversations([c["id"] for c in mine])
    mark = sealed.author_mark(author, run.id)
    waiting = {held.comment_id: held for held in _waiting(uow, key, run) if held.author == mark}
    names = AcademyRepository(session).names()
    threads = []
    for comment in mine:
        conversation = talk.get(comment["id"], [])
        if not any(m["kind"] == REPLY for m in conversation):
            continue
        held = waiting.get(comment["id"])
        threads.append({
            "comment_id": comment["id"], "question": form.items[comment["item"]].text, "text": comment["text"],
            "messages": [{k: v for k, v in _message(m, names).items() if k != "id"} for m in conversation],
            "waiting": held.text if held else None, "may_answer": may_answer(conversation, held is not None)})
    body = {"title": run.title, "closed_on": run.closed_at.date() if run.closed_at else run.closes_on,
            "release_after": run.min_group_size, "conversations": threads}
    return body, reading_size([form.items[k].text for k in written])


# What became of an answer (the author is told inside the reading's padded body, never by a status: api/replies.py).
HELD, NOT_NOW, NOT_FOUND = "held", "not_now", "not_found"
OUTCOMES = (HELD, NOT_NOW, NOT_FOUND)


def answer(uow: WellbeingUnitOfWork, token: str | None, key: bytes, browser_key: str | None, comment_id: uuid.UUID,
           text: str) -> str:
    """The author answers HR's reply under their comment: held, sealed, until the daily job passes it on with
    other authors' (domain.replies.release_due). Writes no audit row and publishes nothing. Returns HELD, or
    NOT_FOUND (no reply to this link and browser under that comment) or NOT_NOW (their last answer there is still
    waiting, or the conversation is full), having changed nothing; a link that does not work, or a run still open,
    is refused as reading is."""
    with uow:
        run, author = _author(uow, token, key, browser_key)
        comment = uow.replies.comment(run.id, comment_id)
        if comment is None or comment["reply_tag"] != sealed.reply_tag(author, run.id, comment["item"]):
            return NOT_FOUND
        conversation = uow.replies.conversations([comment_id]).get(comment_id, [])
        mark = sealed.author_mark(author, run.id)
        waiting = sum(h.comment_id == comment_id and h.author == mark for h in _waiting(uow, key, run))
        if not may_answer(conversation, waiting):
            return NOT_NOW
        uow.replies.hold(run.id, sealed.seal(key, run.id, {"comment_id": str(comment_id), "text": text,
                                                           "author": mark}, HELD_SIZE))
        uow.commit()
        return HELD


def _held(key: bytes, run_id: uuid.UUID, box: bytes) -> Held:
    content = sealed.unseal(key, run_id, box)
    return Held(uuid.UUID(content["comment_id"]), content["text"], content["author"])


# -- the daily job --------------------------------------------------------------------------------------------

def release(uow: WellbeingUnitOfWork, key: bytes, today: date | None = None) -> int:
    """Pass on the waiting answers of each run where at least its minimum group of different authors have one
    waiting: all together, shuffled, dated today. Returns how many were passed on."""
    today = today or date.today()
    with uow:
        due = uow.replies.runs_with_held()
    count = 0
    for run_id in due:
        with uow:
            run = uow.runs.get(run_id, lock=True)
            waiting = _waiting(uow, key, run)
            if not release_due(waiting, run.min_group_size):
                continue
            comments = {h.comment_id: uow.replies.comment(run.id, h.comment_id) for h in waiting}
            rows = [{"id": uuid.uuid4(), "comment_id": h.comment_id, "kind": ANSWER, "text": h.text,
                     "written_on": today, "written_by": None, "academy_id": None, "removed_because": None}
                    for h in waiting if comments[h.comment_id] is not None]
            random.SystemRandom().shuffle(rows)
            uow.replies.add(rows)
            uow.replies.forget_held(run.id)
            released(run, [comments[r["comment_id"]]["academy_id"] for r in rows], today)
            uow.commit()
            count += len(rows)
    return count
