"""Answering a survey with a single-use link: the questionnaire, partial saves, one final submission.

The link's token is the only credential (no sign-in, so nothing about the request names the person). We keep its
SHA-256, which finds the invitation. Partial answers (a draft) are sealed under a key made from the token, a key the
respondent's browser keeps (X-Draft-Key) and SEAL_KEY, so only that browser, with that link, can open them again.

The final submission marks the invitation answered and drops a ballot in the box, in one transaction: the ballot
is sealed under SEAL_KEY, padded to the run's one size, so that transaction holds nothing readable. Ballots stay
in the box until the run closes; then they are opened together, shuffled and counted (results.close_run). So no
row written at any time before the close holds an answer, and every answer is written in one transaction with
everyone else's.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import date

from staffroom_shared.config import ServiceConfig
from staffroom_shared.errors import Conflict, NotFound, Unprocessable

from ..adapters import sealed
from ..adapters.repository import DraftRepository, InvitationRepository, RunRepository
from ..domain.instruments import Questionnaire
from ..domain.model import Invitation, InvitationStatus, RunStatus, SurveyRun, in_words
from ..domain.scoring import Scored, score
from .unit_of_work import WellbeingUnitOfWork

# What a browser sends as X-Draft-Key: at least 128 random bits, base64url.
BROWSER_KEY = re.compile(r"^[A-Za-z0-9_-]{22,128}$")


def new_token() -> tuple[str, str]:
    """A single-use token and the hash we keep (the token itself is never stored)."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def seal_key(config: ServiceConfig) -> bytes:
    """The ballot box's key: SEAL_KEY (base64 of 32 bytes), required in production."""
    return config.secret_key()


@dataclass
class Opened:
    run: SurveyRun
    invitation: Invitation
    questionnaire: Questionnaire
    saved: dict
    saved_elsewhere: bool  # a draft exists that this browser cannot open


def _browser_key(browser_key: str | None, *, required: bool, needed_for: str = "saving answers",
                 because: str = "so that only it can open what you saved") -> str | None:
    if browser_key is None and not required:
        return None
    if browser_key is None or not BROWSER_KEY.match(browser_key):
        raise Unprocessable(f"{needed_for} needs the X-Draft-Key header: 22 to 128 base64url characters your "
                            f"browser makes once and keeps, {because}",
                            errors=[{"pointer": "#/headers/X-Draft-Key", "detail": "22 to 128 of A-Z a-z 0-9 - _"}])
    return browser_key


class _Reads:
    """The repositories answering a link needs, on a page's read session."""

    def __init__(self, session):
        self.invitations = InvitationRepository(session)
        self.runs = RunRepository(session)
        self.drafts = DraftRepository(session)


def open_with(session, token: str | None, key: bytes, browser_key: str | None = None,
              today: date | None = None) -> Opened:
    """The run and questionnaire this token answers, with what this browser saved so far; 404/409 otherwise."""
    return _open(_Reads(session), token, key, browser_key, today)


def _open(uow, token: str | None, key: bytes, browser_key: str | None = None, today: date | None = None, *,
          lock: bool = False) -> Opened:
    """`uow`: a unit of work, or the repositories on a read session (`uow.invitations`, `uow.runs`, `uow.drafts`)."""
    today = today or date.today()
    if not token:
        raise NotFound("there is no survey link in this address")
    browser_key = _browser_key(browser_key, required=False)
    hashed = token_hash(token)
    invitation = uow.invitations.by_token(hashed)
    if invitation is None:
        raise NotFound("a newer link may have replaced this survey link, or it was not copied in full")
    if lock:
        # The run first, shared, then the invitation: a close holds the run exclusively while it opens the box and
        # deletes the drafts, so a save or submission either finishes before it (and is counted, or deleted) or
        # waits and then finds the run closed; and everyone takes the locks in the same order (no deadlock).
        run = uow.runs.get(invitation.run_id, shared=True)
        invitation = uow.invitations.by_token(hashed, lock=True)
        if invitation is None:  # a new link replaced this one while we waited for the lock
            raise NotFound("a newer link has replaced this survey link")
    else:
        run = uow.runs.get(invitation.run_id)
    if invitation.status is InvitationStatus.SUBMITTED:
        raise Conflict("this survey has already been answered with this link")
    if not run.accepting(today):
        raise Conflict(_not_open(run, today), survey="closed" if run.status is RunStatus.CLOSED
                       or run.closes_on < today else "not_open")
    box = uow.drafts.sealed(hashed)
    saved, elsewhere = {}, False
    if box is not None:
        try:
            saved = sealed.unseal(sealed.draft_key(key, token, browser_key or ""), run.id, box)
        except sealed.Unopenable:
            elsewhere = True
    return Opened(run, invitation, run.questionnaire(), saved, elsewhere)


def saved_size(opened: Opened) -> int:
    """The most bytes of JSON (UTF-8, compact) any answers saved for this run take: their draft's padded size."""
    return sealed.capacity(opened.questionnaire)


def _not_open(run: SurveyRun, today: date) -> str:
    if run.status is RunStatus.CLOSED or run.closes_on < today:
        return (f"this survey closed on {in_words(run.closed_at.date() if run.closed_at else run.closes_on)}, so it "
                "takes no more answers")
    return f"this survey is not open yet: it opens on {in_words(run.opens_on)}"


def _checked(opened: Opened, answers: dict) -> dict:
    """Saved answers updated with these (null clears one; written answers are trimmed), or 422 naming every bad
    answer."""
    given = {key: value.strip() if isinstance(value, str) else value for key, value in answers.items()}
    merged = {key: value for key, value in {**opened.saved, **given}.items() if value is not None}
    errors = opened.questionnaire.errors(merged)
    if errors:
        raise Unprocessable("some answers are not valid; nothing was saved", errors=[
            {"pointer": f"#/answers/{key}" if key != "_schema" else "#/answers", "detail": message}
            for key, messages in errors.items() for message in messages])
    return merged


def save(uow: WellbeingUnitOfWork, token: str | None, answers: dict, key: bytes, browser_key: str | None,
         today: date | None = None) -> dict:
    """Save answers so far (merged with what this browser saved before; a draft another browser saved is
    replaced); can be done any number of times."""
    with uow:
        opened = _open(uow, token, key, browser_key, today, lock=True)
        browser_key = _browser_key(browser_key, required=True)
        merged = _checked(opened, answers)
        box = sealed.seal(sealed.draft_key(key, token, browser_key), opened.run.id, merged,
                          sealed.capacity(opened.questionnaire))
        uow.drafts.replace(opened.invitation.token_hash, opened.run.id, box)
        uow.commit()
        return merged


def submit(uow: WellbeingUnitOfWork, token: str | None, answers: dict, key: bytes, browser_key: str | None = None,
           today: date | None = None) -> None:
    """The one final submission: these answers, plus what this browser saved, scored and sealed in the ballot box
    until the run closes. A draft this browser cannot open is not counted, and is deleted with the link."""
    with uow:
        opened = _open(uow, token, key, browser_key, today, lock=True)
        merged = _checked(opened, answers)
        scored = score(opened.questionnaire, merged)
        if not scored.items and not scored.comments:
            raise Unprocessable("there are no answers to submit")
        # Only one submission per invitation, even from two tabs at once: the guarded update decides.
        if not uow.invitations.mark_submitted(opened.invitation.token_hash):
            raise Conflict("this survey has already been answered with this link")
        uow.drafts.forget(opened.invitation.token_hash)
        # With this browser's key, the ballot carries the author's reply key, so the close can tag their comments
        # (service.replies); without it, nobody can ever reply to them.
        reply = sealed.reply_key(key, token, browser_key) if browser_key and scored.comments else None
        uow.ballots.add(opened.run.id, seal_ballot(key, opened.run.id, opened.invitation, scored,
                                                   sealed.capacity(opened.questionnaire), reply))
        uow.commit()


def seal_ballot(key: bytes, run_id: uuid.UUID, group, scored: Scored, size: int, reply: bytes | None = None) -> bytes:
    """A ballot: the respondent's group, scored answers and reply key (if any), sealed under SEAL_KEY at the run's
    one size."""
    return sealed.seal(key, run_id, {
        "academy_id": str(group.academy_id), "staff_type": group.staff_type, "service_band": group.service_band,
        "items": [[i.key, i.value, i.score, i.favourable] for i in scored.items],
        "measures": [[m.key, m.value, m.favourable] for m in scored.measures],
        "comments": [list(c) for c in scored.comments], "reply": sealed.encoded(reply) if reply else None}, size)
